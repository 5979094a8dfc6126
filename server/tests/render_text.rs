//! Text and subtitle layers rendered as PNG overlays by the `render` CLI: a 3-scene project
//! with 200 cues (more than one 50-overlay pass per scene), caption regions sampled by pixels
//! at cue times and compared with the shared raster's own bitmap; text that looks like ffmpeg
//! filter syntax is drawn as text and never reaches an argument.

mod support;

use frameloom::overlay::OverlayTimeline;
use frameloom::raster::TextRenderer;
use serde_json::{Value, json};
use support::media::*;

/// Captions every `step` s: cue `i` of a scene shows "cue i" on a dark box.
fn cues(count: usize, step: f64) -> Value {
    let list: Vec<Value> = (0..count)
        .map(|i| json!({ "start": i as f64 * step, "end": (i + 1) as f64 * step, "text": format!("cue {i}") }))
        .collect();
    Value::Array(list)
}

const HOSTILE: &str = "'[0:v]drawtext=text=pwned:fontfile=/etc/passwd;[x]null[vout]' -i /etc/passwd %{pts} \\ ; ,";

fn scene(cues_json: Value, seconds: f64, colour: &str) -> Value {
    json!({
        "background": colour,
        "duration": seconds,
        "layers": [
            { "type": "video", "source": "clip", "trimStart": 0, "trimEnd": seconds },
            { "type": "subtitles", "cues": cues_json, "style": { "size": 20, "box": { "color": "#2040c0" }, "color": "#ffff00" } }
        ]
    })
}

#[test]
fn two_hundred_cues_in_three_scenes_match_the_shared_raster() {
    let dir = Dir::new("captions");
    testsrc(&dir, "clip.mp4");
    let step = 0.05;
    let counts = [66, 66, 68];
    let scenes: Vec<Value> = counts.iter().map(|&n| scene(cues(n, step), n as f64 * step, "#000000")).collect();
    let mut scenes = scenes;
    // A text layer on top of the last scene, full of filter syntax.
    scenes[2]["layers"].as_array_mut().unwrap().push(json!({
        "type": "text", "text": HOSTILE, "y": 10, "height": 40, "style": { "size": 14 }
    }));
    let p = project(out_320("mp4"), json!({ "clip": video_source("clip.mp4") }), Value::Array(scenes));
    let stats = dir.render_ok(&p, "out.mp4");
    let total: u64 = counts.iter().map(|&n| (n as f64 * step * 30.0).round() as u64).sum();
    assert_eq!(stats["frames"].as_u64(), Some(total));
    let out = dir.path("out.mp4");
    let s = streams(&out);
    assert_eq!(frames(stream(&s, "video")), total);

    // The shared raster draws the same cues: build the plan and timeline natively.
    let project = frameloom::project::validate(&p.to_string()).unwrap();
    let probe =
        frameloom::container::probe(&mut frameloom::container::FileSource::open(&dir.path("clip.mp4")).unwrap())
            .unwrap();
    let probes = [("clip".to_string(), probe)].into_iter().collect();
    let plan = frameloom::plan::build(&project, &probes).unwrap();
    let mut renderer = TextRenderer::new();
    let timeline = OverlayTimeline::build(&plan, &project, &mut renderer, |_| None, 1.0).unwrap();
    let rate = plan.output.frame_rate;
    let mut checked = 0;
    for entry in timeline.entries().step_by(23) {
        let picture = timeline.rasterize(&mut renderer, &entry).unwrap().unwrap();
        let bounds = picture.bounds();
        let bitmap = picture.bitmap();
        // A frame in the middle of the cue; a pixel inside the box where the raster is opaque.
        let n = (rate.first_frame_from(entry.start_us) + rate.first_frame_from(entry.end_us)) / 2;
        let (bx, by) = opaque_point(bitmap);
        let (x, y) = (bounds.x as u32 + bx, bounds.y as u32 + by);
        let [r, g, b, a] = bitmap.pixel(bx, by).unwrap();
        assert_eq!(a, 255);
        let got = pixel(&out, n, x, y);
        let want = [r, g, b];
        let diff = got.iter().zip(want).map(|(g, w)| (i32::from(*g) - i32::from(w)).abs()).max().unwrap();
        assert!(diff <= 24, "entry {entry:?} frame {n} at ({x},{y}): got {got:?}, raster {want:?}");
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

/// A pixel well inside the opaque part of a caption bitmap (its box), away from glyph edges.
fn opaque_point(bitmap: &frameloom::raster::Bitmap) -> (u32, u32) {
    (3, bitmap.height() / 2)
}

#[test]
fn filter_syntax_in_text_never_reaches_an_argument() {
    let dir = Dir::new("hostile-text");
    testsrc(&dir, "clip.mp4");
    let p = project(
        out_320("mp4"),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "duration": 0.5, "layers": [
            { "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 0.5 },
            { "type": "text", "text": HOSTILE, "style": { "size": 16, "box": {} } }
        ] }]),
    );
    // A fake ffmpeg that records its argv, then runs the real one.
    let log = dir.path("argv.log");
    let fake = dir.path("ffmpeg-logging");
    std::fs::write(&fake, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nexec ffmpeg \"$@\"\n", log.display()))
        .unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    let file = dir.path("project.json");
    std::fs::write(&file, p.to_string()).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
        .arg("render")
        .arg(&file)
        .arg("--sources")
        .arg(&dir.0)
        .arg("-o")
        .arg(dir.path("out.mp4"))
        .env("FRAMELOOM_FFMPEG", &fake)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let argv = std::fs::read_to_string(&log).unwrap();
    assert!(argv.contains("png_pipe"), "the text came in as a picture: {argv}");
    for needle in ["drawtext", "pwned", "/etc/passwd", "%{pts}"] {
        assert!(!argv.contains(needle), "{needle:?} reached ffmpeg's argv");
    }
    // And it was drawn: the box darkens the middle of the picture bottom... somewhere.
    let s = streams(&dir.path("out.mp4"));
    assert_eq!(frames(stream(&s, "video")), 15);
}
