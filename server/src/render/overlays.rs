//! Text and subtitle layers as PNG overlays, drawn by the shared overlay timeline
//! (`frameloom::overlay`, the same pixels as the browser's).
//!
//! Every entry of a text or subtitles layer (a text's whole span, one span of simultaneous
//! cues) is rasterized once, written as `ov_{layer}_{item}.png` in the work folder (our names;
//! no user text reaches a path or a filter string: only the PNG's pixels carry it), and drawn
//! by the scene graph like a still image over the entry's frames, at the layer's z-order, with
//! the layer's opacity and fades.
//!
//! **Batches.** One ffmpeg pass composites at most [`MAX_PER_PASS`] overlays: a scene with
//! more is cut in time into parts ([`parts`]), each rendered by its own pass, in parallel, and
//! joined with the scenes (the concat demuxer copies them). Each part decodes its video from
//! the keyframe before its own first frame (the prober's keyframe index), not from the layer's
//! start. So 1,000+ cues cost about as much as 50, and no filter graph grows with the cue count.

use super::error::RenderError;
use frameloom::overlay::OverlayTimeline;
use frameloom::plan::{FrameRate, Placement, RenderPlan, Visual};
use frameloom::project::Project;
use frameloom::raster::TextRenderer;
use frameloom::raster::encode::png;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Most overlays one ffmpeg pass composites.
pub const MAX_PER_PASS: usize = 50;

/// One rasterized overlay: its PNG, size, placement and time range.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayPng {
    /// Index of its layer in `plan.visuals` (its z-order).
    pub visual: usize,
    /// The PNG file (in the work folder).
    pub file: PathBuf,
    /// Bitmap width in pixels.
    pub width: u32,
    /// Bitmap height in pixels.
    pub height: u32,
    /// Where it goes on the output frame.
    pub placement: Placement,
    /// Timeline time it appears.
    pub start_us: i64,
    /// Timeline time it disappears.
    pub end_us: i64,
}

impl OverlayPng {
    /// The output frames `[first, end)` it shows on.
    pub fn frames(&self, rate: FrameRate) -> (u64, u64) {
        (rate.first_frame_from(self.start_us), rate.first_frame_from(self.end_us))
    }
}

/// Rasterizes every text and subtitles entry of `plan` into PNGs in `dir`.
pub fn rasterize(
    project: &Project,
    plan: &RenderPlan,
    files: &BTreeMap<String, PathBuf>,
    dir: &Path,
    cancel: &AtomicBool,
) -> Result<Vec<OverlayPng>, RenderError> {
    let is_text = |visual: usize| {
        plan.visuals.get(visual).is_some_and(|v| matches!(v.content, Visual::Text | Visual::Subtitles { .. }))
    };
    if !(0..plan.visuals.len()).any(is_text) {
        return Ok(Vec::new());
    }
    let mut renderer = TextRenderer::new();
    let read = |id: &str| files.get(id).and_then(|path| std::fs::read(path).ok());
    let timeline = OverlayTimeline::build(plan, project, &mut renderer, read, 1.0).map_err(RenderError::Overlay)?;
    for warning in timeline.warnings() {
        tracing::warn!("overlay: {warning}");
    }
    let mut out = Vec::new();
    for entry in timeline.entries().filter(|e| is_text(e.visual)) {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        let Some(picture) = timeline.rasterize(&mut renderer, &entry).map_err(RenderError::Overlay)? else {
            continue;
        };
        let bitmap = picture.bitmap();
        if bitmap.is_transparent() {
            continue;
        }
        let file = dir.join(format!("ov_{:04}_{:06}.png", entry.visual, entry.item));
        let bytes = png(bitmap).map_err(|e| RenderError::Io(format!("cannot encode an overlay: {e}")))?;
        std::fs::write(&file, bytes).map_err(|e| RenderError::io(file.display(), &e))?;
        out.push(OverlayPng {
            visual: entry.visual,
            file,
            width: bitmap.width(),
            height: bitmap.height(),
            placement: picture.placement,
            start_us: entry.start_us,
            end_us: entry.end_us,
        });
    }
    Ok(out)
}

/// Cuts the frames `[first, end)` of a scene into parts where at most `max` of the overlays
/// (given by their frame ranges) show; fails when more than `max` show on one frame.
pub fn parts(first: u64, end: u64, overlays: &[(u64, u64)], max: usize) -> Result<Vec<(u64, u64)>, RenderError> {
    let mut starts: Vec<(u64, u64)> =
        overlays.iter().map(|&(a, b)| (a.max(first), b.min(end))).filter(|(a, b)| a < b).collect();
    starts.sort_unstable();
    let mut parts = Vec::new();
    let mut start = first;
    loop {
        // Overlays touching [start, …) in start order; cut before the one past `max`.
        let touching: Vec<&(u64, u64)> = starts.iter().filter(|(_, b)| *b > start).collect();
        if touching.len() <= max {
            parts.push((start, end));
            return Ok(parts);
        }
        let cut = touching[max].0.max(start);
        if cut <= start {
            return Err(RenderError::Unsupported(format!(
                "more than {max} text or caption pictures show at once near frame {start}; split the layers"
            )));
        }
        parts.push((start, cut));
        start = cut;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_hold_at_most_max_overlays() {
        // 200 cues of 10 frames each, back to back, plus one overlay over everything.
        let mut cues: Vec<(u64, u64)> = (0..200).map(|i| (i * 10, i * 10 + 10)).collect();
        cues.push((0, 2000));
        let p = parts(0, 2000, &cues, 50).unwrap();
        assert_eq!(p.first().unwrap().0, 0);
        assert_eq!(p.last().unwrap().1, 2000);
        assert!(p.windows(2).all(|w| w[0].1 == w[1].0));
        for (a, b) in &p {
            let n = cues.iter().filter(|(s, e)| s < b && e > a).count();
            assert!(n <= 50, "{a}..{b} has {n}");
        }
        assert_eq!(parts(0, 100, &[(0, 10); 3], 5).unwrap(), [(0, 100)]);
        assert!(parts(0, 100, &[(0, 10); 3], 2).is_err());
    }
}
