//! Layout: paragraphs → runs → shaped glyphs → wrapped lines → glyphs placed in the block.
//!
//! The block is the text's own box: its top-left is the origin, lines are `line_height`
//! apart, each line box centres the primary face's ascender + descender (CSS half-leading),
//! and lines are aligned left, centred or right within the widest line.

use super::itemize::itemize;
use super::shape::{ShapedRun, shape};
use super::style::Resolved;
use super::wrap::{trim_end, wrap};
use crate::project::Align;
use crate::raster::fonts::{FontId, FontLibrary};
use std::ops::Range;
use unicode_bidi::{BidiInfo, Level};

/// A glyph at its place in the block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlacedGlyph {
    /// The face.
    pub font: FontId,
    /// Glyph id in the face.
    pub id: u16,
    /// Pen x (left of the glyph's origin).
    pub x: f32,
    /// Baseline y (down from the block top).
    pub y: f32,
}

/// The laid-out block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// Every glyph, line by line, left to right.
    pub glyphs: Vec<PlacedGlyph>,
    /// The widest line's advance.
    pub width: f32,
    /// Lines × line height.
    pub height: f32,
    /// Number of lines.
    pub lines: usize,
}

/// One line before alignment: its glyphs left to right from x = 0, and its width.
struct LineGlyphs {
    glyphs: Vec<(FontId, u16, f32, f32)>,
    width: f32,
}

/// Lays out `text` (`\n`, `\r\n` and `\r` break lines) in `style`.
pub(crate) fn layout(text: &str, style: &Resolved, fonts: &FontLibrary) -> Layout {
    let mut lines: Vec<LineGlyphs> = Vec::new();
    for para in text.split('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)).flat_map(|p| p.split('\r')) {
        let runs = itemize(para, fonts, &style.choice);
        let shaped = shape(para, runs, fonts, style.size);
        let prefix = advance_prefix(para.len(), &shaped);
        for range in wrap(para, &prefix, style.max_width) {
            lines.push(line_glyphs(&shaped, trim_end(para, range.start, range.end), range));
        }
    }
    let primary = fonts.face(style.choice.primary());
    let (ascender, descender) =
        primary.map_or((0.8, 0.2), |f| (f.ascender / f.units_per_em, f.descender / f.units_per_em));
    let (ascender, descender) = (ascender * style.size, descender * style.size);
    let first_baseline = (style.line_height - (ascender + descender)) / 2.0 + ascender;
    let width = lines.iter().map(|l| l.width).fold(0.0, f32::max);
    let mut glyphs = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let x0 = match style.align {
            Align::Left => 0.0,
            Align::Center => (width - line.width) / 2.0,
            Align::Right => width - line.width,
        };
        let y = first_baseline + i as f32 * style.line_height;
        glyphs.extend(line.glyphs.iter().map(|&(font, id, x, dy)| PlacedGlyph { font, id, x: x0 + x, y: y - dy }));
    }
    Layout { glyphs, width, height: lines.len() as f32 * style.line_height, lines: lines.len() }
}

/// Prefix sums of glyph advances by the byte where their cluster starts (`len + 1` entries).
fn advance_prefix(len: usize, shaped: &[ShapedRun]) -> Vec<f32> {
    let mut at = vec![0.0f32; len + 1];
    for g in shaped.iter().flat_map(|r| &r.glyphs) {
        if let Some(slot) = at.get_mut(g.cluster) {
            *slot += g.advance;
        }
    }
    let mut sum = 0.0;
    for slot in &mut at {
        let here = *slot;
        *slot = sum;
        sum += here;
    }
    at
}

/// The glyphs of the line `range` (drawn up to `visible_end`, trailing spaces hang), in visual
/// order: the pieces of the runs it crosses, reordered by bidi level (rule L2).
fn line_glyphs(shaped: &[ShapedRun], visible_end: usize, range: Range<usize>) -> LineGlyphs {
    let visible = range.start..visible_end;
    let pieces: Vec<&ShapedRun> =
        shaped.iter().filter(|r| r.run.range.start < visible.end && visible.start < r.run.range.end).collect();
    let piece_levels: Vec<Level> = pieces.iter().map(|r| r.run.level).collect();
    let mut glyphs = Vec::new();
    let mut pen = 0.0;
    for index in BidiInfo::reorder_visual(&piece_levels) {
        let Some(run) = pieces.get(index) else { continue };
        for g in run.glyphs.iter().filter(|g| visible.contains(&g.cluster)) {
            glyphs.push((g.font, g.id, pen + g.dx, g.dy));
            pen += g.advance;
        }
    }
    LineGlyphs { glyphs, width: pen }
}
