//! The CLI contract: `probe FILE` prints JSON; `validate PROJECT.json` exits 0 or 1 with JSON errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frameloom-server")).args(args).output().expect("binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("frameloom-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn ffmpeg(args: &[&str], out: &Path) {
    let status = Command::new("ffmpeg")
        .arg("-nostdin")
        .args(["-hide_banner", "-v", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
}

#[test]
fn probe_prints_tracks_as_json() {
    let file = scratch("clip.mp4", b"");
    ffmpeg(
        &["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
        &file,
    );
    let out = cli(&["probe", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["container"], "mp4");
    let track = &v["tracks"][0];
    assert!(track["codec"].as_str().unwrap().starts_with("avc1."), "{track}");
    assert_eq!(track["video"]["width"], 320);
    assert!((v["duration"].as_f64().unwrap() - 1.0).abs() < 0.05, "{v}");
}

#[test]
fn probe_of_a_non_video_is_a_typed_error() {
    let file = scratch("notes.mp4", b"just some text, not a video at all");
    let out = cli(&["probe", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "unknown_format");
}

#[test]
fn validate_accepts_the_minimal_project() {
    let project = br#"{
      "version": 1,
      "output": { "width": 1280, "height": 720, "fps": 30, "format": "mp4", "videoCodec": "h264", "audioCodec": "opus" },
      "sources": { "clipA": { "kind": "video", "name": "a.mp4", "size": 1234567 } },
      "scenes": [ { "layers": [
        { "type": "video", "source": "clipA", "start": 0, "trimStart": 2, "trimEnd": 8 },
        { "type": "subtitles", "cues": [ { "start": 0.5, "end": 2, "text": "Hello" } ] }
      ] } ]
    }"#;
    let out = cli(&["validate", scratch("ok.json", project).to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn validate_rejects_with_paths() {
    let project = br#"{
      "version": 1,
      "output": { "width": 1280, "height": 720, "fps": 30, "format": "mp4", "videoCodec": "h264", "audioCodec": "opus" },
      "sources": { "clipA": { "kind": "video", "name": "a.mp4", "size": 1 } },
      "scenes": [ { "layers": [
        { "type": "video", "source": "clipB", "start": 0, "trimStart": 8, "trimEnd": 2 }
      ] } ]
    }"#;
    let out = cli(&["validate", scratch("bad.json", project).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = json(&out)["errors"].as_array().cloned().unwrap();
    let paths: Vec<&str> = errors.iter().filter_map(|e| e["path"].as_str()).collect();
    assert!(paths.contains(&"scenes[0].layers[0].source"), "{errors:?}");
    assert!(paths.contains(&"scenes[0].layers[0].trimEnd"), "{errors:?}");
}
