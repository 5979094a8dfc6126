//! Timeline segments: the timeline cut at every scene boundary and at every visual layer's
//! start and end, so the set of visible layers is constant within a segment; a video layer is
//! also cut where its fade-in ends and its fade-out starts, so a fade keeps only the frames it
//! touches from being copied.

use super::frames::FrameRate;
use super::treatment::{EncodeReason, Treatment};
use super::visual::{Visual, VisualLayer};
use crate::project::Color;
use serde::{Deserialize, Serialize};

/// A stretch of the timeline within one scene where the same layers are visible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    /// Index of its scene in `project.scenes`.
    pub scene: usize,
    /// Timeline time it starts.
    pub start_us: i64,
    /// Timeline time it ends (the next segment's start).
    pub end_us: i64,
    /// The first output frame that starts in `[start_us, end_us)`.
    pub first_frame: u64,
    /// How many output frames start in it (0 when it is shorter than a frame gap).
    pub frame_count: u64,
    /// The scene's background colour, drawn first.
    pub background: Color,
    /// The visible layers, bottom first, as indices into `RenderPlan::visuals`.
    pub layers: Vec<usize>,
    /// How it is produced (decided by the fast-path analysis once all segments exist).
    pub treatment: Treatment,
}

impl Segment {
    /// The output frames of this segment.
    pub fn frames(&self) -> std::ops::Range<u64> {
        self.first_frame..self.first_frame + self.frame_count
    }
}

/// A scene's span on the timeline.
pub(crate) struct SceneSpan {
    /// Timeline time it starts.
    pub start_us: i64,
    /// Timeline time it ends.
    pub end_us: i64,
    /// Its background.
    pub background: Color,
}

/// Where a video layer's fade-in ends and its fade-out starts (when it has them).
fn fade_ends(v: &VisualLayer) -> impl Iterator<Item = i64> {
    let o = &v.opacity;
    let video = matches!(v.content, Visual::Video(_));
    let fade_in_end = (video && o.fade_in_us > 0).then(|| o.start_us.saturating_add(o.fade_in_us));
    let fade_out_start = (video && o.fade_out_us > 0).then(|| o.own_end_us.saturating_sub(o.fade_out_us));
    fade_in_end.into_iter().chain(fade_out_start)
}

/// Cuts the timeline; `visuals` are in scene order, bottom first within a scene.
pub(crate) fn split(scenes: &[SceneSpan], visuals: &[VisualLayer], rate: FrameRate) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut first = 0;
    for (index, scene) in scenes.iter().enumerate() {
        let count = visuals[first..].iter().take_while(|v| v.scene == index).count();
        let range = first..first + count;
        first += count;
        let mut cuts = vec![scene.start_us, scene.end_us];
        for v in &visuals[range.clone()] {
            cuts.extend([v.start_us, v.end_us].map(|t| t.clamp(scene.start_us, scene.end_us)));
            cuts.extend(fade_ends(v).map(|t| t.clamp(scene.start_us, scene.end_us)));
        }
        cuts.sort_unstable();
        cuts.dedup();
        for pair in cuts.windows(2) {
            let &[start_us, end_us] = pair else { continue };
            let layers = range.clone().filter(|&i| visuals[i].is_visible_at(start_us)).collect();
            let first_frame = rate.first_frame_from(start_us);
            segments.push(Segment {
                scene: index,
                start_us,
                end_us,
                first_frame,
                frame_count: rate.first_frame_from(end_us) - first_frame,
                background: scene.background,
                layers,
                treatment: Treatment::Encode { reason: EncodeReason::NoVideo },
            });
        }
    }
    segments
}
