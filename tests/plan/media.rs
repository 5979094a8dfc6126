//! Plans of real ffmpeg-made files: probe → plan, and the placement of a rotated phone-style
//! video checked pixel by pixel against ffmpeg's own autorotation, crop and scale.

use super::*;
use crate::common::fixture;
use frameloom::container::{FileSource, probe};
use frameloom::plan::{Placement, Point, Visual};
use std::path::Path;
use std::process::Command;

/// Probes a fixture with our own prober.
pub fn probe_file(path: &Path) -> ProbeInfo {
    probe(&mut FileSource::open(path).expect("open fixture")).expect("probe fixture")
}

/// The first frame as RGB bytes: as coded (`-noautorotate`) or as ffmpeg shows it, then `filter`.
fn first_frame(path: &Path, autorotate: bool, filter: Option<&str>) -> Vec<u8> {
    let mut cmd = Command::new("ffmpeg");
    cmd.arg("-nostdin");
    cmd.args(["-hide_banner", "-v", "error"]);
    if !autorotate {
        cmd.arg("-noautorotate");
    }
    cmd.arg("-i").arg(path);
    if let Some(filter) = filter {
        cmd.args(["-vf", filter]);
    }
    let out = cmd.args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).output().expect("run ffmpeg");
    assert!(out.status.success(), "ffmpeg: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Draws the coded frame through `p` onto a black `w × h` canvas, sampling the nearest coded
/// pixel for each output pixel centre (what drawImage does without smoothing).
fn composite(coded: &[u8], coded_w: usize, p: &Placement, w: usize, h: usize) -> Vec<u8> {
    let back = p.transform.inverse().expect("invertible");
    let src = p.src_rect;
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            let q = back.apply(Point::new(x as f64 + 0.5, y as f64 + 0.5));
            let (u, v) = (q.x.floor(), q.y.floor());
            if u >= src.x && u < src.x + src.width && v >= src.y && v < src.y + src.height {
                let from = (v as usize * coded_w + u as usize) * 3;
                out[(y * w + x) * 3..][..3].copy_from_slice(&coded[from..from + 3]);
            }
        }
    }
    out
}

/// Mean absolute difference per byte.
fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(&x, &y)| f64::from(x.abs_diff(y))).sum::<f64>() / a.len() as f64
}

fn rotated_plan(layer: Value, width: u32, height: u32) -> (RenderPlan, ProbeInfo) {
    let info = probe_file(&fixture("rotated.mp4"));
    let mut layer = layer;
    layer["type"] = json!("video");
    layer["source"] = json!("phone");
    layer["trimEnd"] = json!(1);
    let p = project_with(
        json!({ "width": width, "height": height }),
        json!({ "phone": { "kind": "video", "name": "rotated.mp4", "size": 1 } }),
        json!([{ "layers": [layer] }]),
    );
    (plan_ok(&p, &probes(vec![("phone", info.clone())])), info)
}

fn video_placement(plan: &RenderPlan) -> Placement {
    match &plan.visuals[0].content {
        Visual::Video(v) => v.placement,
        other => panic!("not video: {other:?}"),
    }
}

#[test]
fn a_rotated_file_lands_like_ffmpeg_shows_it() {
    let (plan, info) = rotated_plan(json!({}), 240, 320);
    let video = info.tracks.iter().find_map(|t| t.video.as_ref()).expect("video track");
    // ffprobe says "rotation 90" in its anticlockwise convention: 270° clockwise for display.
    assert_eq!((video.width, video.height, video.rotation), (320, 240, 270));
    let placement = video_placement(&plan);
    let path = fixture("rotated.mp4");
    let ours = composite(&first_frame(&path, false, None), 320, &placement, 240, 320);
    let ffmpeg = first_frame(&path, true, None);
    assert_eq!(mean_difference(&ours, &ffmpeg), 0.0, "turned the same way as ffmpeg's autorotation");
}

#[test]
fn crop_and_scale_of_a_rotated_file_match_ffmpeg() {
    // Upright pixels 40–160 × 80–240 of the portrait picture, stretched 2× into 240×320.
    let crop = json!({ "fit": "fill", "crop": { "x": 40, "y": 80, "width": 120, "height": 160 } });
    let (plan, _) = rotated_plan(crop, 240, 320);
    let placement = video_placement(&plan);
    assert_eq!(placement.src_rect.width * placement.src_rect.height, 120.0 * 160.0);
    let path = fixture("rotated.mp4");
    let ours = composite(&first_frame(&path, false, None), 320, &placement, 240, 320);
    let ffmpeg = first_frame(&path, true, Some("crop=120:160:40:80,scale=240:320:flags=neighbor"));
    let difference = mean_difference(&ours, &ffmpeg);
    assert!(difference < 1.0, "mean difference {difference} per byte");
}

#[test]
fn a_real_clip_plans_its_picture_sound_and_keyframes() {
    let info = probe_file(&fixture("h264_aac.mp4"));
    let sources = json!({ "clip": { "kind": "video", "name": "h264_aac.mp4", "size": 1 } });
    let p = project_with(
        json!({}),
        sources.clone(),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 1.5, "trimEnd": 2.5 }] }]),
    );
    let plan = plan_ok(&p, &probes(vec![("clip", info.clone())]));
    let Visual::Video(video) = &plan.visuals[0].content else { panic!("video") };
    // The fixture has a keyframe every 30 frames (1 s).
    assert_eq!(video.decode_from_us, S);
    assert_eq!((video.width, video.height), (320, 240));
    assert_eq!(plan.audio.len(), 1, "the file's AAC track plays");
    assert_eq!(plan.output.frame_count, 30);

    let too_long =
        project_with(json!({}), sources, json!([{ "layers": [{ "type": "video", "source": "clip", "trimEnd": 4 }] }]));
    let errors = plan_err(&too_long, &probes(vec![("clip", info)]));
    assert_eq!(errors[0].code(), "trim_past_end", "{}", shown(&errors));
}

#[test]
fn the_plan_round_trips_through_json() {
    let (plan, _) = rotated_plan(json!({ "fit": "cover", "rotation": 10, "fadeIn": 0.5 }), 640, 360);
    let text = serde_json::to_string(&plan).unwrap();
    for key in [
        "\"frameRate\":{\"num\":30,\"den\":1}",
        "\"startUs\":",
        "\"srcRect\":",
        "\"kind\":\"video\"",
        "\"treatment\":{\"kind\":\"encode\",\"reason\":\"opacity\"}",
        "\"sourceRotation\":270",
    ] {
        assert!(text.contains(key), "{key} in {text}");
    }
    let back: RenderPlan = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    assert_eq!(back.segments, plan.segments);
}
