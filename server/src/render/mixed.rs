//! Mixed timelines: some segments copy or smart-cut, others encode. The timeline becomes
//! [`Piece`]s in order — each copied or smart-cut segment on its own, each run of consecutive
//! encoded segments of one scene together — and every encoded run is drawn by the normal scene
//! graph over a [`sub_plan`] holding only the run's segments, so it decodes and encodes just
//! the frames it covers, in the copied stream's colours ([`Colour`]): its matrix and tags, so a
//! player shows copied and encoded frames alike (an untagged source stays untagged).

use super::error::RenderError;
use super::scene_graph::{SceneGraph, yuv_finish};
use frameloom::container::ProbeInfo;
use frameloom::plan::{RenderPlan, Splice, Visual, keyframe_before};
use std::collections::BTreeMap;
use std::ops::Range;

/// The colour description of a copied stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Colour {
    /// The `scale` filter's `out_color_matrix` for it (`bt601` when untagged, as ffmpeg reads it).
    pub matrix: &'static str,
    /// The encoder's colour tag options (`-colorspace …`), only those the source has.
    pub tags: Vec<String>,
}

/// The colour description of a stream in ffprobe's JSON (`color_space`, … entries).
pub fn colour_of_stream(stream: &serde_json::Value) -> Colour {
    colour_of(
        stream["color_space"].as_str().unwrap_or(""),
        stream["color_primaries"].as_str().unwrap_or(""),
        stream["color_transfer"].as_str().unwrap_or(""),
    )
}

/// The colour of a stream tagged `space`, `primaries`, `transfer` (ffprobe names; `unknown`).
fn colour_of(space: &str, primaries: &str, transfer: &str) -> Colour {
    let matrix = match space {
        "bt709" => "bt709",
        "fcc" => "fcc",
        "bt470bg" => "bt470",
        "smpte170m" => "smpte170m",
        "smpte240m" => "smpte240m",
        "bt2020nc" | "bt2020c" => "bt2020",
        _ => "bt601",
    };
    let known = |v: &str| !v.is_empty() && v != "unknown" && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let mut tags = Vec::new();
    for (option, value) in [("-colorspace", space), ("-color_primaries", primaries), ("-color_trc", transfer)] {
        if known(value) {
            tags.extend([option.to_owned(), value.to_owned()]);
        }
    }
    Colour { matrix, tags }
}

/// Makes `graph` end in `colour`'s matrix instead of BT.709.
pub fn recolour(graph: &mut SceneGraph, colour: &Colour) -> Result<(), RenderError> {
    let end = format!("{}[vout]", yuv_finish("bt709"));
    let start = graph.filter.strip_suffix(&end).map(str::len).ok_or_else(|| {
        RenderError::Unsupported("the scene graph does not end in a YUV conversion; render without copying".to_owned())
    })?;
    graph.filter.truncate(start);
    graph.filter.push_str(&yuv_finish(colour.matrix));
    graph.filter.push_str("[vout]");
    Ok(())
}

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

    #[test]
    fn encoded_runs_take_the_copied_stream_colours() {
        let untagged = colour_of("unknown", "unknown", "");
        assert_eq!(untagged, Colour { matrix: "bt601", tags: Vec::new() });
        let hd = colour_of("bt709", "bt709", "bt709");
        assert_eq!((hd.matrix, hd.tags.len()), ("bt709", 6));
        let mut graph = SceneGraph {
            scene: 0,
            inputs: Vec::new(),
            filter: format!("[c0]setpts=PTS-STARTPTS,{}[vout]", yuv_finish("bt709")),
            first_frame: 0,
            frames: 1,
            duration_us: 1,
        };
        recolour(&mut graph, &untagged).unwrap();
        assert_eq!(graph.filter, format!("[c0]setpts=PTS-STARTPTS,{}[vout]", yuv_finish("bt601")));
        assert!(recolour(&mut graph, &untagged).is_err());
    }
}
