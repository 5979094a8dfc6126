//! Shaping: turns runs into positioned glyphs with rustybuzz (a port of HarfBuzz).

use super::itemize::Run;
use crate::raster::fonts::{FontId, FontLibrary};
use rustybuzz::{Direction, UnicodeBuffer};

/// One shaped glyph, in bitmap pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    /// The face it comes from.
    pub font: FontId,
    /// Glyph id in that face.
    pub id: u16,
    /// Byte offset in the paragraph of the first character it draws.
    pub cluster: usize,
    /// Pen advance.
    pub advance: f32,
    /// Offset from the pen position, rightwards.
    pub dx: f32,
    /// Offset from the baseline, upwards.
    pub dy: f32,
}

/// A run after shaping: its glyphs in visual order (right to left runs come reversed).
#[derive(Debug, Clone)]
pub(crate) struct ShapedRun {
    /// The run.
    pub run: Run,
    /// Its glyphs, left to right on screen.
    pub glyphs: Vec<Glyph>,
}

/// Shapes each run of `para` at `size` pixels per em.
pub(crate) fn shape(para: &str, runs: Vec<Run>, fonts: &FontLibrary, size: f32) -> Vec<ShapedRun> {
    runs.into_iter()
        .map(|run| {
            let glyphs = match (fonts.face(run.font), para.get(run.range.clone())) {
                (Some(face), Some(text)) => face
                    .shaper()
                    .map(|shaper| {
                        let scale = size / face.units_per_em;
                        shape_text(&shaper, text, &run, scale)
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            ShapedRun { run, glyphs }
        })
        .collect()
}

/// Shapes `text` (the run's bytes) with `shaper`, scaling font units by `scale`.
fn shape_text(shaper: &rustybuzz::Face, text: &str, run: &Run, scale: f32) -> Vec<Glyph> {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if run.level.is_rtl() { Direction::RightToLeft } else { Direction::LeftToRight });
    if let Some(script) = run.script.and_then(|s| rustybuzz::Script::from_iso15924_tag(tag(s.short_name()))) {
        buffer.set_script(script);
    }
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(shaper, &[], buffer);
    shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| Glyph {
            font: run.font,
            id: u16::try_from(info.glyph_id).unwrap_or(0),
            cluster: run.range.start + info.cluster as usize,
            advance: pos.x_advance as f32 * scale,
            dx: pos.x_offset as f32 * scale,
            dy: pos.y_offset as f32 * scale,
        })
        .collect()
}

/// A four-letter ISO 15924 code as an OpenType tag.
fn tag(code: &str) -> rustybuzz::ttf_parser::Tag {
    let b = code.as_bytes();
    let byte = |i: usize| b.get(i).copied().unwrap_or(b' ');
    rustybuzz::ttf_parser::Tag::from_bytes(&[byte(0), byte(1), byte(2), byte(3)])
}
