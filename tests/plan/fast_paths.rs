//! Segment analysis on real ffmpeg-made files: keyframe-aligned splices copy, mid-GOP cuts
//! smart-cut with the right head and tail, anything drawn or changed encodes with its reason.
//! `h264_aac.mp4` is 320×240 at 30 fps for 3 s with a keyframe every second.

use super::*;
use frameloom::plan::{EncodeReason, SourceSpan, Splice, Treatment, TreatmentSummary};

const H264: &str = "h264_aac.mp4";

fn span(from_us: i64, to_us: i64) -> SourceSpan {
    SourceSpan { from_us, to_us }
}

/// Plans `layers` (one scene) over sources `clip` (H.264) and `vp9` at 320×240 30 fps with `output`.
fn plan_layers(output: Value, layers: Value) -> RenderPlan {
    plan_fixtures(output, &[("clip", H264), ("vp9", "vp9.mp4")], layers)
}

fn treatments(plan: &RenderPlan) -> Vec<Treatment> {
    plan.segments.iter().map(|s| s.treatment.clone()).collect()
}

fn reasons(plan: &RenderPlan) -> Vec<EncodeReason> {
    treatments(plan)
        .into_iter()
        .filter_map(|t| match t {
            Treatment::Encode { reason } => Some(reason),
            _ => None,
        })
        .collect()
}

#[test]
fn a_keyframe_aligned_splice_copies_every_segment() {
    let plan = plan_layers(
        json!({}),
        json!([
            { "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 2 },
            { "type": "video", "source": "clip", "start": 2, "trimStart": 1, "trimEnd": 3 }
        ]),
    );
    let copy = |shown: SourceSpan, offset_us| Splice {
        source: "clip".into(),
        track_id: 1,
        shown,
        copy: shown,
        head: None,
        head_decode_from_us: shown.from_us,
        tail: None,
        offset_us,
    };
    assert_eq!(
        treatments(&plan),
        [Treatment::Copy(copy(span(0, 2 * S), 0)), Treatment::Copy(copy(span(S, 3 * S), -S))]
    );
    let summary = plan.treatments();
    assert_eq!((summary.copy, summary.smart_cut, summary.encode), (2, 0, 0));
    assert!(summary.copies());
}

#[test]
fn a_mid_gop_cut_smart_cuts_with_head_and_tail() {
    let plan = plan_layers(json!({}), json!([{ "type": "video", "source": "clip", "trimStart": 0.5, "trimEnd": 2.5 }]));
    let [Treatment::SmartCut(splice)] = &plan.segments[..].iter().map(|s| s.treatment.clone()).collect::<Vec<_>>()[..] else { panic!("{:?}", plan.segments) };
    assert_eq!(splice.shown, span(S / 2, 5 * S / 2));
    assert_eq!(splice.copy, span(S, 2 * S), "whole GOPs only");
    assert_eq!(splice.head, Some(span(S / 2, S)));
    assert_eq!(splice.head_decode_from_us, 0);
    assert_eq!(splice.tail, Some(span(2 * S, 5 * S / 2)));
    assert_eq!(splice.offset_us, S / 2);
    // Cut on a keyframe at the start and at the track's end: only a head or only a tail.
    let head_only = plan_layers(json!({}), json!([{ "type": "video", "source": "clip", "trimStart": 1.5, "trimEnd": 3 }]));
    let [Treatment::SmartCut(s)] = &treatments(&head_only)[..] else { panic!("smart cut") };
    assert_eq!((s.head, s.copy, s.tail), (Some(span(3 * S / 2, 2 * S)), span(2 * S, 3 * S), None));
}

#[test]
fn anything_drawn_or_changed_encodes_with_its_reason() {
    // A caption over the second second: that segment encodes, the first still copies.
    let overlay = plan_layers(json!({}), json!([clip_layer(json!({})), { "type": "text", "text": "hi", "start": 1, "duration": 1 }]));
    assert!(matches!(treatments(&overlay)[0], Treatment::Copy(_)));
    assert_eq!(reasons(&overlay), [EncodeReason::Overlay]);
    let summary = overlay.treatments();
    assert_eq!(summary.reasons.get("overlay"), Some(&1));
    assert_eq!(serde_json::to_value(&summary).unwrap()["smartCut"], 0);

    assert_eq!(reasons(&plan_layers(json!({ "width": 640, "height": 480 }), json!([clip_layer(json!({}))]))), [EncodeReason::Scaled]);
    assert_eq!(reasons(&plan_layers(json!({}), json!([clip_layer(json!({ "crop": { "x": 0, "y": 0, "width": 160, "height": 120 } }))]))), [EncodeReason::Scaled]);
    assert_eq!(reasons(&plan_layers(json!({}), json!([clip_layer(json!({ "speed": 2 }))]))), [EncodeReason::Speed]);
    assert_eq!(reasons(&plan_layers(json!({}), json!([clip_layer(json!({ "opacity": 0.5 }))]))), [EncodeReason::Opacity]);
    assert_eq!(reasons(&plan_layers(json!({ "fps": 25 }), json!([clip_layer(json!({}))]))), [EncodeReason::FrameRate]);
    assert_eq!(reasons(&plan_layers(json!({}), json!([{ "type": "video", "source": "vp9", "trimEnd": 2 }]))), [EncodeReason::CodecMismatch]);
    assert_eq!(reasons(&plan_layers(json!({ "targetSizeBytes": 200_000 }), json!([clip_layer(json!({}))]))), [EncodeReason::TargetSize]);
    assert_eq!(reasons(&plan_layers(json!({ "format": "gif" }), json!([clip_layer(json!({}))]))), [EncodeReason::Gif]);
    assert_eq!(reasons(&plan_layers(json!({ "forceTranscode": true }), json!([clip_layer(json!({}))]))), [EncodeReason::Forced]);
    // Inside one GOP: nothing whole to copy.
    let short = json!([{ "type": "video", "source": "clip", "trimStart": 0.2, "trimEnd": 0.8 }]);
    assert_eq!(reasons(&plan_layers(json!({}), short)), [EncodeReason::NoWholeGop]);
    // VP9 into WebM copies.
    let webm = plan_layers(json!({ "format": "webm", "videoCodec": "vp9" }), json!([{ "type": "video", "source": "vp9", "trimEnd": 2 }]));
    assert!(matches!(treatments(&webm)[0], Treatment::Copy(_)), "{:?}", webm.segments[0].treatment);
}

#[test]
fn a_fade_encodes_only_the_segments_it_touches() {
    let layer = json!([{ "type": "video", "source": "clip", "trimEnd": 3, "fadeIn": 0.5, "fadeOut": 1 }]);
    let plan = plan_layers(json!({}), layer);
    let spans: Vec<(i64, i64)> = plan.segments.iter().map(|s| (s.start_us, s.end_us)).collect();
    assert_eq!(spans, [(0, 500_000), (500_000, 2_000_000), (2_000_000, 3_000_000)]);
    let frames: Vec<u64> = plan.segments.iter().map(|s| s.frame_count).collect();
    assert_eq!(frames, [15, 45, 30]);
    assert_eq!(reasons(&plan), [EncodeReason::Opacity, EncodeReason::Opacity]);
    // Between the fades: the partial GOP after the fade-in is re-encoded, the next one copied.
    let Treatment::SmartCut(cut) = &plan.segments[1].treatment else { panic!("{:?}", plan.segments[1].treatment) };
    assert_eq!((cut.head, cut.copy, cut.tail), (Some(span(500_000, 1_000_000)), span(1_000_000, 2_000_000), None));
    assert_eq!(TreatmentSummary::of(plan.segments.iter().map(|s| &s.treatment)).encode, 2);
}
