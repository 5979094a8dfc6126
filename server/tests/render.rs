//! `frameloom-server render` end to end with real ffmpeg: sources are generated with ffmpeg in
//! each test's own folder, outputs are checked with ffprobe, decoded pixels and PCM.

mod support;

use serde_json::{Value, json};
use std::process::Command;
use support::media::*;

#[test]
fn trim_to_mp4_has_exact_frames_and_length() {
    let dir = Dir::new("trim");
    let src = testsrc(&dir, "clip.mp4");
    let p = project(
        out_320("mp4"),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0.5, "trimEnd": 2.5 }] }]),
    );
    let stats = dir.render_ok(&p, "out.mp4");
    assert_eq!(stats["frames"], 60);
    assert_eq!(stats["encoder"], "libx264");
    let out = dir.path("out.mp4");
    let s = streams(&out);
    let (v, a) = (stream(&s, "video"), stream(&s, "audio"));
    assert_eq!((v["codec_name"].as_str(), a["codec_name"].as_str()), (Some("h264"), Some("aac")));
    assert_eq!(frames(v), 60);
    assert!((float(&v["duration"]) - 2.0).abs() < 1e-6, "{v}");
    assert!((float(&a["duration"]) - 2.0).abs() < 0.03, "{a}");
    assert_eq!(stats["bytes"].as_u64(), std::fs::metadata(&out).ok().map(|m| m.len()));
    // Output frame n is source frame 15 + n: the moving test pattern matches only there.
    for n in [0, 29, 59] {
        assert_eq!(matching_frame(&out, n, &src, 15 + n), 15 + n);
    }
    assert!(psnr(&out, 0, &src, 15) > 30.0);
}

#[test]
fn two_scenes_splice_at_the_cut() {
    let dir = Dir::new("splice");
    let tone = |f: u32, rate: u32| format!("sine=frequency={f}:sample_rate={rate}:duration=3");
    dir.make(
        "red.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=320x240:r=30:d=3",
            "-f",
            "lavfi",
            "-i",
            &tone(440, 48000),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
        ],
    );
    dir.make(
        "blue.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=blue:s=320x240:r=25:d=3",
            "-f",
            "lavfi",
            "-i",
            &tone(880, 44100),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-ac",
            "1",
            "-shortest",
        ],
    );
    let p = project(
        out_320("mp4"),
        json!({ "red": video_source("red.mp4"), "blue": video_source("blue.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "red", "trimStart": 0.5, "trimEnd": 2 }] },
            { "layers": [{ "type": "video", "source": "blue", "trimStart": 0, "trimEnd": 1.5 }] }
        ]),
    );
    let stats = dir.render_ok(&p, "out.mp4");
    assert_eq!(stats["fast_path"], "concat-copy");
    let out = dir.path("out.mp4");
    let s = streams(&out);
    assert_eq!(frames(stream(&s, "video")), 90);
    assert!((float(&stream(&s, "audio")["duration"]) - 3.0).abs() < 0.03);
    for (n, red) in [(0, true), (44, true), (45, false), (89, false)] {
        let [r, _, b] = pixel(&out, n, 160, 120);
        assert_eq!((r > 200 && b < 60, b > 200 && r < 60), (red, !red), "frame {n}: {r} {b}");
    }
}

#[test]
fn webm_is_vp9_and_opus() {
    let dir = Dir::new("webm");
    testsrc(&dir, "clip.mp4");
    let p = project(
        out_320("webm"),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 1, "trimEnd": 2 }] }]),
    );
    let stats = dir.render_ok(&p, "out.webm");
    assert_eq!(stats["encoder"], "libvpx-vp9");
    let s = streams(&dir.path("out.webm"));
    assert_eq!(stream(&s, "video")["codec_name"], "vp9");
    assert_eq!(stream(&s, "audio")["codec_name"], "opus");
    assert_eq!(frames(stream(&s, "video")), 30);
}

#[test]
fn speed_changes_picture_and_sound_length() {
    let dir = Dir::new("speed");
    let src = testsrc(&dir, "clip.mp4");
    for (speed, trim_end, seconds, step) in [(2.0, 2.0, 1.0, 2u64), (0.5, 1.0, 2.0, 0)] {
        let p = project(
            out_320("mp4"),
            json!({ "clip": video_source("clip.mp4") }),
            json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": trim_end, "speed": speed }] }]),
        );
        dir.render_ok(&p, "out.mp4");
        let out = dir.path("out.mp4");
        let s = streams(&out);
        assert_eq!(frames(stream(&s, "video")), (seconds * 30.0) as u64, "speed {speed}");
        let audio = pcm(&out).len() as f64 / 2.0 / 48_000.0;
        assert!((audio - seconds).abs() < 0.03, "speed {speed}: {audio} s of sound");
        if step == 2 {
            // At 2× output frame n shows source frame 2n.
            assert_eq!(matching_frame(&out, 10, &src, 20), 20);
            assert_eq!(matching_frame(&out, 29, &src, 58), 58);
        } else {
            // At 0.5× output frames 20 and 21 both show source frame 10.
            assert_eq!(matching_frame(&out, 20, &src, 10), 10);
            assert_eq!(matching_frame(&out, 21, &src, 10), 10);
        }
    }
}

#[test]
fn contain_of_4_3_in_16_9_has_bars() {
    let dir = Dir::new("contain");
    dir.make(
        "white.mp4",
        &["-f", "lavfi", "-i", "color=c=white:s=320x240:r=30:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    );
    let p = project(
        json!({ "width": 640, "height": 360, "fps": 30, "format": "mp4", "audioCodec": "none" }),
        json!({ "w": video_source("white.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "w", "trimEnd": 1, "fit": "contain" }] }]),
    );
    dir.render_ok(&p, "out.mp4");
    let out = dir.path("out.mp4");
    // 240 → 360 is ×1.5: the picture is 480 wide, at x 80–560.
    for (x, white) in [(10, false), (76, false), (84, true), (320, true), (556, true), (564, false), (630, false)] {
        let [r, g, b] = pixel(&out, 5, x, 180);
        let level = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
        assert_eq!(level > 200, white, "x {x}: {level}");
        assert!(white || level < 40, "x {x}: {level}");
    }
    assert!(streams(&out).iter().all(|s| s["codec_type"] != "audio"), "audioCodec none");
}

#[test]
fn rotated_source_is_drawn_upright() {
    let dir = Dir::new("rotated");
    dir.make(
        "halves.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=160x240:r=30:d=1",
            "-f",
            "lavfi",
            "-i",
            "color=c=blue:s=160x240:r=30:d=1",
            "-filter_complex",
            "hstack",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
        ],
    );
    let src = dir.make(
        "rotated.mp4",
        &["-i", dir.path("halves.mp4").to_str().unwrap(), "-c", "copy", "-metadata:s:v:0", "rotate=90"],
    );
    let p = project(
        json!({ "width": 240, "height": 320, "fps": 30, "format": "mp4", "audioCodec": "none" }),
        json!({ "r": video_source("rotated.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "r", "trimEnd": 1, "fit": "fill" }] }]),
    );
    dir.render_ok(&p, "out.mp4");
    let out = dir.path("out.mp4");
    // ffmpeg's own display rotation of the source is the reference.
    let upright = dir.make("upright.mp4", &["-i", src.to_str().unwrap(), "-c:v", "libx264", "-pix_fmt", "yuv420p"]);
    let s = streams(&upright);
    assert_eq!((stream(&s, "video")["width"].as_u64(), stream(&s, "video")["height"].as_u64()), (Some(240), Some(320)));
    for (x, y) in [(120, 40), (120, 280), (40, 160), (200, 160)] {
        let (ours, theirs) = (pixel(&out, 3, x, y), pixel(&upright, 3, x, y));
        let red = |p: [u8; 3]| p[0] > p[2];
        assert_eq!(red(ours), red(theirs), "({x}, {y}): {ours:?} vs {theirs:?}");
    }
}

#[test]
fn opacity_and_fades_are_linear() {
    let dir = Dir::new("fade");
    dir.make(
        "white.mp4",
        &["-f", "lavfi", "-i", "color=c=white:s=320x240:r=30:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    );
    let p = project(
        json!({ "width": 320, "height": 240, "fps": 30, "format": "mp4", "audioCodec": "none" }),
        json!({ "w": video_source("white.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "w", "trimEnd": 2, "fadeIn": 1 }] },
            { "layers": [{ "type": "video", "source": "w", "trimEnd": 1, "opacity": 0.5 }] }
        ]),
    );
    dir.render_ok(&p, "out.mp4");
    let out = dir.path("out.mp4");
    let level = |n| pixel(&out, n, 160, 120).iter().map(|&c| u32::from(c)).sum::<u32>() / 3;
    assert!(level(0) < 20, "starts transparent: {}", level(0));
    assert!((level(15) as i32 - 128).abs() < 14, "halfway through the fade: {}", level(15));
    assert!(level(45) > 240, "after the fade: {}", level(45));
    assert!((level(75) as i32 - 128).abs() < 14, "opacity 0.5: {}", level(75));
}

#[test]
fn audio_layers_mix_with_their_volumes() {
    let dir = Dir::new("mix");
    dir.make(
        "tone.m4a",
        &["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2", "-c:a", "aac", "-b:a", "192k"],
    );
    let tone = json!({ "t": { "kind": "audio", "name": "tone.m4a", "size": 1 } });
    let layer =
        |volume: f64| json!({ "type": "audio", "source": "t", "trimStart": 0.2, "trimEnd": 1.8, "volume": volume });
    let rms_of = |layers: Value| {
        let p = project(
            json!({ "width": 64, "height": 64, "fps": 10, "format": "mp4" }),
            tone.clone(),
            json!([{ "layers": layers }]),
        );
        dir.render_ok(&p, "out.mp4");
        let samples = pcm(&dir.path("out.mp4"));
        assert!((samples.len() as f64 / 96_000.0 - 1.6).abs() < 0.03, "{} s", samples.len() as f64 / 96_000.0);
        rms(&samples[9_600..140_000])
    };
    let one = rms_of(json!([layer(1.0)]));
    let two = rms_of(json!([layer(1.0), layer(0.5)]));
    let ratio = two / one;
    assert!((ratio - 1.5).abs() < 0.05, "1 + 0.5 of the same tone is 1.5×: {ratio}");
    assert!((one - 0.125 / 2f64.sqrt()).abs() < 0.01, "sine at 1/8 full scale: {one}");
}

#[test]
fn hevc_source_renders() {
    let dir = Dir::new("hevc");
    dir.make(
        "hevc.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=30:duration=2",
            "-c:v",
            "libx265",
            "-preset",
            "ultrafast",
            "-tag:v",
            "hvc1",
            "-x265-params",
            "log-level=error",
        ],
    );
    let p = project(
        json!({ "width": 320, "height": 240, "fps": 30, "format": "mp4", "audioCodec": "none" }),
        json!({ "h": video_source("hevc.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "h", "trimStart": 0.5, "trimEnd": 1.5 }] }]),
    );
    dir.render_ok(&p, "out.mp4");
    let out = dir.path("out.mp4");
    assert_eq!(frames(stream(&streams(&out), "video")), 30);
    assert_eq!(matching_frame(&out, 0, &dir.path("hevc.mp4"), 15), 15);
}

/// Files in `dir` other than the sources and project.
fn leftovers(dir: &Dir, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !keep.contains(&n.as_str()) && n != "project.json")
        .collect()
}

#[test]
fn failures_are_typed_and_leave_no_file() {
    let dir = Dir::new("fail");
    let src = testsrc(&dir, "clip.mp4");
    let clip = json!({ "clip": video_source("clip.mp4") });
    let layers = json!([{ "layers": [{ "type": "video", "source": "clip", "trimEnd": 1 }] }]);
    // ffmpeg itself fails (its output folder is missing): exit 1 with its stderr in the error.
    let o = dir.render(&project(out_320("mp4"), clip.clone(), layers.clone()), "missing/out.mp4");
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["error"]["code"], "ffmpeg_failed", "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("No such file or directory"), "{e}");
    // A truncated source is refused before ffmpeg could render half of it.
    let bytes = std::fs::read(&src).unwrap();
    std::fs::write(&src, &bytes[..bytes.len() / 2]).unwrap();
    let o = dir.render(&project(out_320("mp4"), clip, layers), "out.mp4");
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["error"]["code"], "probe_failed", "{e}");
    assert_eq!(leftovers(&dir, &["clip.mp4"]), Vec::<String>::new());
}

#[test]
fn hostile_names_are_refused_and_odd_names_are_fine() {
    let dir = Dir::new("hostile");
    let p = project(
        out_320("mp4"),
        json!({ "x": video_source("../../etc/passwd") }),
        json!([{ "layers": [{ "type": "video", "source": "x", "trimEnd": 1 }] }]),
    );
    let o = dir.render(&p, "out.mp4");
    assert_eq!(o.status.code(), Some(1));
    let e: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(e["error"]["code"], "source_missing", "{e}");
    assert!(!dir.path("out.mp4").exists());

    let odd = "it's, a; [test]=1:2.mp4";
    std::fs::copy(testsrc(&dir, "plain.mp4"), dir.path(odd)).unwrap();
    let p = project(
        out_320("mp4"),
        json!({ "x": video_source(odd) }),
        json!([{ "layers": [{ "type": "video", "source": "x", "trimEnd": 1 }] }]),
    );
    dir.render_ok(&p, "out, 'quoted'; file.mp4");
    assert_eq!(frames(stream(&streams(&dir.path("out, 'quoted'; file.mp4")), "video")), 30);
}

#[test]
fn an_output_that_is_not_a_regular_file_is_never_replaced() {
    let dir = Dir::new("special-output");
    std::fs::copy(testsrc(&dir, "plain.mp4"), dir.path("clip.mp4")).unwrap();
    let p = project(
        out_320("mp4"),
        json!({ "x": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "x", "trimEnd": 1 }] }]),
    );
    // A folder and a named pipe stand in for devices such as /dev/null: renaming over them would
    // replace them with a plain file.
    std::fs::create_dir(dir.path("folder.mp4")).unwrap();
    let fifo = Command::new("mkfifo").arg(dir.path("pipe.mp4")).status().unwrap();
    assert!(fifo.success());
    for name in ["folder.mp4", "pipe.mp4"] {
        let o = dir.render(&p, name);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let e: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(e["error"]["message"].as_str().unwrap().contains("not a regular file"), "{e}");
        assert!(!std::fs::symlink_metadata(dir.path(name)).unwrap().file_type().is_file(), "{name} untouched");
    }
}

/// PSNR (dB) of frame 0 of `out` (read with its own BT.709 tag) against frame 0 of `src` read
/// with the colour matrix `matrix` and scaled to `out`'s 640×360, both as RGB.
fn psnr_reading_source_as(out: &std::path::Path, src: &std::path::Path, matrix: &str) -> f64 {
    let graph = format!(
        "[0:v]select=eq(n\\,0),setpts=0,format=gbrp[x];\
         [1:v]select=eq(n\\,0),setpts=0,setparams=colorspace={matrix},scale=640:360,format=gbrp[y];[x][y]psnr"
    );
    let run = Command::new("ffmpeg")
        .arg("-nostdin")
        .args(["-hide_banner", "-i"])
        .arg(out)
        .arg("-i")
        .arg(src)
        .args(["-filter_complex", &graph, "-frames:v", "1", "-f", "null", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&run.stderr);
    text.split("average:").nth(1).and_then(|s| s.split_whitespace().next()).and_then(|s| s.parse().ok()).unwrap()
}

#[test]
fn untagged_hd_video_is_read_as_bt709_and_tagged_video_by_its_tag() {
    let dir = Dir::new("matrix");
    let clip = |name: &str, tags: &[&str]| {
        let args =
            [&["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=1", "-c:v", "libx264"], tags].concat();
        dir.make(name, &[args.as_slice(), &["-preset", "ultrafast", "-qp", "4", "-pix_fmt", "yuv420p"]].concat())
    };
    let untagged = clip("untagged.mp4", &[]);
    let bt601 = clip("bt601.mp4", &["-colorspace", "bt470bg"]);
    let out =
        json!({ "width": 640, "height": 360, "fps": 30, "format": "mp4", "audioCodec": "none", "quality": "high" });
    for (src, name, matrix, other) in
        [(&untagged, "untagged.mp4", "bt709", "bt470bg"), (&bt601, "bt601.mp4", "bt470bg", "bt709")]
    {
        let p = project(
            out.clone(),
            json!({ "c": video_source(name) }),
            json!([{ "layers": [{ "type": "video", "source": "c", "trimEnd": 0.5 }] }]),
        );
        dir.render_ok(&p, "out.mp4");
        let (right, wrong) = (
            psnr_reading_source_as(&dir.path("out.mp4"), src, matrix),
            psnr_reading_source_as(&dir.path("out.mp4"), src, other),
        );
        assert!(right > 25.0 && right > wrong + 4.0, "{name}: {right} dB read as {matrix}, {wrong} dB as {other}");
    }
}
