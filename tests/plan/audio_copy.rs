//! The audio-copy decision on real ffmpeg-made files: back-to-back untouched clips of one AAC
//! configuration copy their packets (one splice per clip, aligned to its video); anything that
//! needs the mixer or another codec encodes, with its reason in the stats.

use super::*;
use frameloom::plan::{AudioEncodeReason, AudioSplice, AudioTreatment};

/// Plans `layers` (one scene) over `clip` (H.264/AAC 320×240) and `webm` (VP9/Opus) with `output`.
fn plan_layers(output: Value, layers: Value) -> RenderPlan {
    plan_fixtures(output, &[("clip", "h264_aac.mp4"), ("webm", "vp9_opus.webm")], layers)
}

fn reason(plan: &RenderPlan) -> Option<AudioEncodeReason> {
    match plan.audio_treatment {
        AudioTreatment::Encode { reason } => Some(reason),
        _ => None,
    }
}

#[test]
fn back_to_back_untouched_clips_copy_their_audio() {
    let plan = plan_layers(
        json!({}),
        json!([
            { "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 2 },
            { "type": "video", "source": "clip", "start": 2, "trimStart": 0.5, "trimEnd": 1.5 }
        ]),
    );
    let AudioTreatment::Copy { codec, splices } = &plan.audio_treatment else { panic!("{:?}", plan.audio_treatment) };
    assert_eq!(codec, "mp4a.40.2");
    let splice =
        |from_us, to_us, offset_us| AudioSplice { source: "clip".into(), track_id: 2, from_us, to_us, offset_us };
    assert_eq!(splices, &[splice(0, 2 * S, 0), splice(S / 2, 3 * S / 2, -3 * S / 2)]);
    let summary = serde_json::to_value(plan.treatments()).unwrap();
    assert_eq!((summary["audio"].as_str(), summary.get("audioReason")), (Some("copy"), None));
}

#[test]
fn sound_the_mixer_must_make_is_encoded_with_its_reason() {
    let at = |start: f64| clip_layer(json!({ "start": start }));
    assert_eq!(
        reason(&plan_layers(json!({}), json!([clip_layer(json!({ "volume": 0.5 }))]))),
        Some(AudioEncodeReason::Edited)
    );
    assert_eq!(
        reason(&plan_layers(json!({}), json!([clip_layer(json!({ "fadeIn": 0.5 }))]))),
        Some(AudioEncodeReason::Edited)
    );
    assert_eq!(reason(&plan_layers(json!({}), json!([clip_layer(json!({ "speed": 2 }))]))), Some(AudioEncodeReason::Edited));
    assert_eq!(reason(&plan_layers(json!({}), json!([at(0.0), at(1.0)]))), Some(AudioEncodeReason::Mixed));
    assert_eq!(reason(&plan_layers(json!({}), json!([at(1.0)]))), Some(AudioEncodeReason::Gap));
    let target = plan_layers(json!({ "targetSizeBytes": 200_000 }), json!([clip_layer(json!({}))]));
    assert_eq!(reason(&target), Some(AudioEncodeReason::TargetSize));
    let forced = plan_layers(json!({ "forceTranscode": true }), json!([clip_layer(json!({}))]));
    assert_eq!(reason(&forced), Some(AudioEncodeReason::Forced));
    let opus = plan_layers(json!({ "audioCodec": "opus" }), json!([clip_layer(json!({}))]));
    assert_eq!(reason(&opus), Some(AudioEncodeReason::CodecMismatch));
    let mixed_codecs = json!([at(0.0), { "type": "video", "source": "webm", "start": 2, "trimEnd": 1 }]);
    assert_eq!(reason(&plan_layers(json!({}), mixed_codecs)), Some(AudioEncodeReason::CodecMismatch));
    let silent = plan_layers(json!({ "audioCodec": "none" }), json!([clip_layer(json!({}))]));
    assert_eq!(silent.audio_treatment, AudioTreatment::None);
    // Opus sources copy into WebM.
    let webm = plan_layers(
        json!({ "format": "webm", "videoCodec": "vp9" }),
        json!([{ "type": "video", "source": "webm", "trimEnd": 2 }]),
    );
    assert!(
        matches!(&webm.audio_treatment, AudioTreatment::Copy { codec, .. } if codec == "opus"),
        "{:?}",
        webm.audio_treatment
    );
    let summary = serde_json::to_value(target.treatments()).unwrap();
    assert_eq!((summary["audio"].as_str(), summary["audioReason"].as_str()), (Some("encode"), Some("target-size")));
}
