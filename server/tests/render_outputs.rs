//! The renderer's other outputs through the `render` CLI, checked with ffprobe and pixels:
//! GIF with one palette, thumbnails (PNG and JPEG), the rendition ladder and HLS packaging.

mod support;

use serde_json::json;
use support::media::*;

#[test]
fn gif_has_one_palette_and_the_frame_grid() {
    let dir = Dir::new("gif");
    testsrc(&dir, "clip.mp4");
    let p = project(
        json!({ "width": 160, "height": 120, "fps": 10, "format": "gif", "quality": "low" }),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 1.5 }] }]),
    );
    let stats = dir.render_ok(&p, "out.gif");
    assert_eq!((stats["frames"].as_u64(), stats["fast_path"].as_str()), (Some(15), Some("gif-palette")));
    let out = dir.path("out.gif");
    let s = streams(&out);
    let v = stream(&s, "video");
    assert_eq!(
        (v["codec_name"].as_str(), v["width"].as_u64(), v["height"].as_u64()),
        (Some("gif"), Some(160), Some(120))
    );
    assert_eq!(frames(v), 15);
}

#[test]
fn thumbnails_are_the_frame_at_their_time() {
    let dir = Dir::new("thumb");
    let src = testsrc(&dir, "clip.mp4");
    let p = project(
        out_320("mp4"),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 2 }] }]),
    );
    for (name, codec) in [("poster.png", "png"), ("poster.jpg", "mjpeg")] {
        let poster = dir.path(name);
        let poster_arg = poster.to_str().unwrap();
        dir.render_ok_with(&p, "out.mp4", &["--thumbnail", poster_arg, "--thumbnail-at", "1.0"]);
        let s = streams(&poster);
        let v = stream(&s, "video");
        assert_eq!((v["codec_name"].as_str(), v["width"].as_u64()), (Some(codec), Some(320)));
        // Frame 30 of the source is at 1.0 s: the moving pattern matches only there.
        let scores: Vec<f64> = (28..=32).map(|n| psnr(&poster, 0, &src, n)).collect();
        assert!(scores[2] > 25.0 && scores.iter().all(|&s| s <= scores[2]), "{name}: {scores:?}");
    }
}

#[test]
fn ladder_and_hls_never_upscale() {
    let dir = Dir::new("ladder");
    testsrc(&dir, "clip.mp4");
    let p = project(
        out_320("mp4"),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 4 }] }]),
    );
    let ladder = dir.path("ladder");
    let args = ["--renditions", "1080,240,120", "--hls", "--ladder-dir", ladder.to_str().unwrap()];
    dir.render_ok_with(&p, "out.mp4", &args);
    let mut names: Vec<String> =
        std::fs::read_dir(&ladder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["120p.mp4", "hls"], "1080 is above the output: skipped; 240 is the output itself");
    let s = streams(&ladder.join("120p.mp4"));
    let v = stream(&s, "video");
    assert_eq!((v["width"].as_u64(), v["height"].as_u64(), frames(v)), (Some(160), Some(120), 120));
    assert_eq!(stream(&s, "audio")["codec_name"], "aac");
    let master = std::fs::read_to_string(ladder.join("hls/master.m3u8")).unwrap();
    assert!(master.starts_with("#EXTM3U\n"), "{master}");
    let variants: Vec<&str> = master.lines().filter(|l| l.ends_with(".m3u8")).collect();
    assert_eq!(variants, ["240p.m3u8", "120p.m3u8"], "{master}");
    assert!(master.contains("RESOLUTION=320x240,CODECS=\"avc1.") && master.contains(",mp4a.40.2\""), "{master}");
    for variant in variants {
        let playlist = std::fs::read_to_string(ladder.join("hls").join(variant)).unwrap();
        assert!(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD") && playlist.contains("#EXT-X-ENDLIST"), "{playlist}");
        let segments: Vec<&str> = playlist.lines().filter(|l| l.ends_with(".ts")).collect();
        assert_eq!(segments.len(), 1, "4 s in segments of about 4 s: {playlist}");
        assert!(segments.iter().all(|s| !s.contains('/')));
    }
    // The whole package plays as one stream: ffprobe reads it through the master playlist.
    let s = streams(&ladder.join("hls/240p.m3u8"));
    assert_eq!(frames(stream(&s, "video")), 120);
}

#[test]
fn hls_of_webm_is_refused_with_a_typed_error() {
    let dir = Dir::new("hls-webm");
    testsrc(&dir, "clip.mp4");
    let p = project(
        out_320("webm"),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 0.5 }] }]),
    );
    let ladder = dir.path("ladder");
    let o = dir.render_with(&p, "out.webm", &["--hls", "--ladder-dir", ladder.to_str().unwrap()]);
    assert!(!o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "unsupported", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("HLS"), "{v}");
}
