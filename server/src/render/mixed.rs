//! Mixed timelines: some segments copy or smart-cut, others encode. The timeline becomes
//! [`Piece`]s in order — each copied or smart-cut segment on its own, each run of consecutive
//! encoded segments of one scene together — and every encoded run is drawn by the normal scene
//! graph over a [`sub_plan`] holding only the run's segments, so it decodes and encodes just
//! the frames it covers.

use frameloom::container::ProbeInfo;
use frameloom::plan::{RenderPlan, Splice, Visual, keyframe_before};
use std::collections::BTreeMap;
use std::ops::Range;

/// A stretch of the timeline produced one way.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece<'p> {
    /// A copied or smart-cut segment.
    Splice(&'p Splice),
    /// Consecutive encoded segments of one scene (indices into `plan.segments`).
    Encode {
        /// The scene they belong to.
        scene: usize,
        /// Their indices.
        segments: Range<usize>,
    },
}

impl Piece<'_> {
    /// How many files it makes at most: an encoded run one; a splice its head, copy and tail.
    pub fn part_count(&self) -> usize {
        match self {
            Piece::Splice(s) => 1 + usize::from(s.head.is_some()) + usize::from(s.tail.is_some()),
            Piece::Encode { .. } => 1,
        }
    }
}

/// The timeline of `plan` as pieces, in order.
pub fn pieces(plan: &RenderPlan) -> Vec<Piece<'_>> {
    let mut out: Vec<Piece> = Vec::new();
    for (i, segment) in plan.segments.iter().enumerate() {
        match (segment.treatment.splice(), out.last_mut()) {
            (Some(splice), _) => out.push(Piece::Splice(splice)),
            (None, Some(Piece::Encode { scene, segments })) if *scene == segment.scene => segments.end = i + 1,
            (None, _) => out.push(Piece::Encode { scene: segment.scene, segments: i..i + 1 }),
        }
    }
    out
}

/// `plan` with only the segments `run` (one scene's, consecutive), each video layer decoding
/// from the keyframe at or before the source time the run starts at rather than its first frame.
pub fn sub_plan(plan: &RenderPlan, run: Range<usize>, probes: &BTreeMap<String, ProbeInfo>) -> RenderPlan {
    let segments = plan.segments.get(run).unwrap_or_default().to_vec();
    let start_us = segments.first().map_or(0, |s| s.start_us);
    let mut sub = RenderPlan { segments, ..plan.clone() };
    for visual in &mut sub.visuals {
        let Visual::Video(video) = &mut visual.content else { continue };
        let track = probes.get(&video.source).and_then(|p| p.tracks.iter().find(|t| t.id == video.track_id));
        if let Some(track) = track.filter(|_| start_us > visual.start_us) {
            let key = keyframe_before(&track.keyframes_us, video.time.source_time_us(start_us));
            video.decode_from_us = video.decode_from_us.max(key);
        }
    }
    sub
}

#[cfg(test)]
mod tests {
    use super::*;
    use frameloom::plan::{EncodeReason, SourceSpan, Treatment};

    #[test]
    fn encoded_segments_of_a_scene_run_together() {
        let span = SourceSpan { from_us: 0, to_us: 1 };
        let splice = Splice {
            source: "a".into(),
            track_id: 1,
            shown: span,
            copy: span,
            head: None,
            head_decode_from_us: 0,
            tail: None,
            offset_us: 0,
        };
        let encode = Treatment::Encode { reason: EncodeReason::Overlay };
        let json = r#"{"version":1,"output":{"width":64,"height":64,"fps":30},"sources":{},
            "scenes":[{"duration":1,"layers":[]}]}"#;
        let project = frameloom::project::validate(json).unwrap();
        let mut plan = frameloom::plan::build(&project, &BTreeMap::new()).unwrap();
        let one = plan.segments[0].clone();
        let treatments = [(0, Treatment::Copy(splice.clone())), (0, encode.clone()), (0, encode.clone())];
        let more = [(1, encode), (1, Treatment::Copy(splice.clone()))];
        plan.segments = (treatments.into_iter().chain(more))
            .map(|(scene, treatment)| frameloom::plan::Segment { scene, treatment, ..one.clone() })
            .collect();
        let kinds = pieces(&plan);
        assert_eq!(
            kinds,
            vec![
                Piece::Splice(&splice),
                Piece::Encode { scene: 0, segments: 1..3 },
                Piece::Encode { scene: 1, segments: 3..4 },
                Piece::Splice(&splice),
            ]
        );
        assert_eq!(sub_plan(&plan, 1..3, &BTreeMap::new()).segments, plan.segments[1..3]);
    }
}
