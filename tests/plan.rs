//! Render plan tests: segments, frame grid, time mapping, placement, encoders, audio clips,
//! source needs and errors (hand-made probes), plus plans of real ffmpeg-made files checked
//! against ffmpeg's own rendering.

mod common;

#[path = "plan/audio_copy.rs"]
mod audio_copy;
#[path = "plan/encoding.rs"]
mod encoding;
#[path = "plan/errors.rs"]
mod errors;
#[path = "plan/fast_paths.rs"]
mod fast_paths;
#[path = "plan/geometry.rs"]
mod geometry;
#[path = "plan/media.rs"]
mod media;
#[path = "plan/sound.rs"]
mod sound;
#[path = "plan/timeline.rs"]
mod timeline;

use frameloom::container::{AudioInfo, ContainerFormat, ProbeInfo, TrackInfo, TrackKind, VideoInfo};
use frameloom::plan::{self, PlanError, RenderPlan};
use frameloom::project::{Project, validate};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One second in microseconds.
pub const S: i64 = 1_000_000;

/// Validates a project given as JSON.
pub fn project(value: Value) -> Project {
    validate(&value.to_string()).unwrap_or_else(|e| panic!("invalid test project: {e:?}"))
}

/// The JSON object `base` with the fields of `extra` added or replaced.
pub fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        b.extend(extra.clone());
    }
    base
}

/// A project with `output` fields over a 1280×720 30 fps MP4, the given sources and scenes.
pub fn project_with(output: Value, sources: Value, scenes: Value) -> Project {
    let out = with(json!({ "width": 1280, "height": 720, "fps": 30 }), output);
    project(json!({ "version": 1, "output": out, "sources": sources, "scenes": scenes }))
}

/// The plan of one scene of `layers` over a 320×240 output with `output` fields, its sources
/// the ffmpeg-made fixtures `files` (`(source id, file name)`), probed by the core.
pub fn plan_fixtures(output: Value, files: &[(&str, &str)], layers: Value) -> RenderPlan {
    let sources: serde_json::Map<String, Value> =
        files.iter().map(|&(id, name)| (id.to_owned(), json!({ "kind": "video", "name": name, "size": 1 }))).collect();
    let out = with(json!({ "width": 320, "height": 240 }), output);
    let p = project_with(out, Value::Object(sources), json!([{ "layers": layers }]));
    let probed = probes(files.iter().map(|&(id, name)| (id, media::probe_file(&common::fixture(name)))).collect());
    plan_ok(&p, &probed)
}

/// A video layer of source `clip` for its first 2 s, with `extra` fields.
pub fn clip_layer(extra: Value) -> Value {
    with(json!({ "type": "video", "source": "clip", "trimEnd": 2 }), extra)
}

/// A probe of a file with an optional video track (`width × height`, `rotation`, keyframes)
/// and an optional audio track, lasting `duration_us`.
pub fn media_probe(video: Option<(u32, u32, u16)>, audio: bool, duration_us: i64, keyframes_us: Vec<i64>) -> ProbeInfo {
    let mut tracks = Vec::new();
    if let Some((width, height, rotation)) = video {
        tracks.push(TrackInfo {
            id: 1,
            kind: TrackKind::Video,
            codec: "avc1.64001f".into(),
            description: None,
            timescale: 30_000,
            duration_us: Some(duration_us),
            sample_count: None,
            video: Some(VideoInfo { width, height, rotation, frame_rate: Some(30.0), variable_frame_rate: false }),
            audio: None,
            keyframes_us,
        });
    }
    if audio {
        tracks.push(TrackInfo {
            id: 2,
            kind: TrackKind::Audio,
            codec: "mp4a.40.2".into(),
            description: None,
            timescale: 48_000,
            duration_us: Some(duration_us),
            sample_count: None,
            video: None,
            audio: Some(AudioInfo { sample_rate: 48_000, channels: 2 }),
            keyframes_us: Vec::new(),
        });
    }
    ProbeInfo { container: ContainerFormat::Mp4, size: 1000, duration_us: Some(duration_us), streamable: false, tracks }
}

/// A 1920×1080 video with sound lasting `seconds`, keyframes every 2 s.
pub fn clip_probe(seconds: i64) -> ProbeInfo {
    media_probe(Some((1920, 1080, 0)), true, seconds * S, (0..seconds).step_by(2).map(|k| k * S).collect())
}

/// Probes by source id.
pub fn probes(list: Vec<(&str, ProbeInfo)>) -> BTreeMap<String, ProbeInfo> {
    list.into_iter().map(|(id, p)| (id.to_owned(), p)).collect()
}

/// Builds a plan that must succeed.
pub fn plan_ok(project: &Project, probes: &BTreeMap<String, ProbeInfo>) -> RenderPlan {
    plan::build(project, probes).unwrap_or_else(|e| panic!("plan failed: {}", shown(&e)))
}

/// Builds a plan that must fail, returning its errors.
pub fn plan_err(project: &Project, probes: &BTreeMap<String, ProbeInfo>) -> Vec<PlanError> {
    match plan::build(project, probes) {
        Ok(_) => panic!("the plan should fail"),
        Err(errors) => errors,
    }
}

/// Errors as lines of text.
pub fn shown(errors: &[PlanError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
}

/// Asserts two floats agree to within 1e-6.
#[track_caller]
pub fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-6, "{actual} != {expected}");
}
