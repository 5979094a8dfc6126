//! Text and subtitle layers rendered as PNG overlays by the `render` CLI: a 3-scene project
//! with 200 cues (more than one 50-overlay pass per scene), caption regions sampled by pixels
//! at cue times and compared with the shared raster's own bitmap; text that looks like ffmpeg
//! filter syntax is drawn as text and never reaches an argument.

mod support;

use frameloom::overlay::OverlayTimeline;
use frameloom::raster::TextRenderer;
use serde_json::{Value, json};
use support::media::*;

/// Captions every `step` s: cue `i` of a scene shows "i i i" on an opaque box.
fn cues(count: usize, step: f64) -> Value {
    let list: Vec<Value> = (0..count)
        .map(|i| json!({ "start": i as f64 * step, "end": (i + 1) as f64 * step, "text": format!("{i} {i} {i}") }))
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
    let entries: Vec<_> = timeline.entries().collect();
    for pair in entries.windows(2).step_by(23) {
        let (entry, next) = (&pair[0], &pair[1]);
        let picture = timeline.rasterize(&mut renderer, entry).unwrap().unwrap();
        let other = timeline.rasterize(&mut renderer, next).unwrap().unwrap();
        let bounds = picture.bounds();
        let (x, y, bitmap) = (bounds.x as u32, bounds.y as u32, picture.bitmap());
        // A frame in the middle of the cue: the caption region is this cue's raster (the box is
        // opaque), and clearly not the next cue's.
        let n = (rate.first_frame_from(entry.start_us) + rate.first_frame_from(entry.end_us)) / 2;
        let got = region(&out, n, x, y, bitmap.width().min(320 - x), bitmap.height());
        let this = mean_difference(&got, bitmap);
        let next = mean_difference(&got, other.bitmap());
        assert!(this < 10.0 && next > this * 1.5, "entry {entry:?} frame {n}: {this:.2} vs next cue {next:.2}");
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

/// The RGB pixels of a `w`×`h` region at (`x`, `y`) of frame `n`.
fn region(file: &std::path::Path, n: u64, x: u32, y: u32, w: u32, h: u32) -> Vec<u8> {
    let vf = format!("select=eq(n\\,{n}),format=rgb24,crop={w}:{h}:{x}:{y}");
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(file)
        .args(["-vf", &vf, "-frames:v", "1", "-f", "rawvideo", "-"])
        .output()
        .unwrap();
    assert_eq!(out.stdout.len(), (w * h * 3) as usize, "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Mean absolute luma difference between `rgb` and the opaque pixels of `bitmap` (luma: the
/// output's 4:2:0 chroma blurs colour edges; pixels outside `rgb` count as maximally different).
fn mean_difference(rgb: &[u8], bitmap: &frameloom::raster::Bitmap) -> f64 {
    let w = (rgb.len() / 3) as u32 / bitmap.height().max(1);
    let (mut sum, mut count) = (0f64, 0f64);
    for y in 0..bitmap.height() {
        for x in 0..bitmap.width() {
            let [r, g, b, a] = bitmap.pixel(x, y).unwrap();
            if a != 255 {
                continue;
            }
            count += 1.0;
            if x >= w {
                sum += 255.0;
                continue;
            }
            let i = ((y * w + x) * 3) as usize;
            sum += (luma(r, g, b) - luma(rgb[i], rgb[i + 1], rgb[i + 2])).abs();
        }
    }
    sum / count.max(1.0)
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
    let (o, argv) = dir.render_recording_argv(&p, "out.mp4");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(argv.contains("png_pipe"), "the text came in as a picture: {argv}");
    for needle in ["drawtext", "pwned", "/etc/passwd", "%{pts}"] {
        assert!(!argv.contains(needle), "{needle:?} reached ffmpeg's argv");
    }
    // And it was drawn: the box darkens the middle of the picture bottom... somewhere.
    let s = streams(&dir.path("out.mp4"));
    assert_eq!(frames(stream(&s, "video")), 15);
}

/// BT.709 luma of an RGB pixel.
fn luma(r: u8, g: u8, b: u8) -> f64 {
    0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)
}
