//! A scene cut into parts (at most 50 caption pictures per ffmpeg pass): each part decodes its
//! video from the keyframe before its own first frame, not from the layer's start, and the
//! frames stay exact: the same frame count, and the frames on both sides of every cut are the
//! source frames the timeline maps there.

mod support;

use serde_json::{Value, json};
use support::media::*;

/// `count` one-frame cues (cue k on frame k), nearly invisible: they only make the parts.
fn cues(count: usize) -> Value {
    let list: Vec<Value> = (0..count)
        .map(|k| {
            let k = k as f64;
            json!({ "start": ((k - 0.2) / 30.0).max(0.0), "end": (k + 0.8) / 30.0, "text": format!("{k}") })
        })
        .collect();
    Value::Array(list)
}

#[test]
fn parts_seek_to_their_own_keyframe_and_keep_every_frame() {
    let dir = Dir::new("parts-seek");
    let src = dir.make(
        "clip.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=30:duration=10",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "30",
            "-pix_fmt",
            "yuv420p",
        ],
    );
    // 8 s from 1 s on; 200 cues → parts [0, 50), [50, 100), [100, 150), [150, 240).
    let p = project(
        json!({ "width": 320, "height": 240, "fps": 30, "format": "mp4", "audioCodec": "none" }),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [
            { "type": "video", "source": "clip", "trimStart": 1, "trimEnd": 9 },
            { "type": "subtitles", "cues": cues(200), "opacity": 0.01, "x": 0, "y": 200, "width": 320, "height": 40,
              "style": { "size": 20 } }
        ] }]),
    );
    let (o, argv) = dir.render_recording_argv(&p, "out.mp4");
    let out = dir.path("out.mp4");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = streams(&out);
    assert_eq!(frames(stream(&s, "video")), 240);

    // Each part's video input seeks (10 ms before) the keyframe at or before its first frame:
    // source 1 s + 50/30 s = 2.67 s → keyframe 2 s; 100 → 4.33 s → 4 s; 150 → 6 s → 6 s.
    let lines: Vec<&str> = argv.lines().collect();
    let seeks: Vec<&str> =
        lines.windows(4).filter(|w| w[0] == "-seek_timestamp" && w[2] == "-ss").map(|w| w[3]).collect();
    for wanted in ["0.990000", "1.990000", "3.990000", "5.990000"] {
        assert!(seeks.contains(&wanted), "a part seeks to {wanted}: {seeks:?}");
    }

    // The frames on both sides of each cut (and the ends) are the mapped source frames.
    for n in [0, 49, 50, 99, 100, 149, 150, 239] {
        assert_eq!(matching_frame(&out, n, &src, 30 + n), 30 + n, "output frame {n}");
    }
}
