//! The server's fast paths end to end with real ffmpeg: a keyframe-aligned splice of
//! same-codec H.264 sources copies packets byte for byte, a mid-GOP smart cut is frame-accurate,
//! and a target size lands at or under the target and above 90 % of it (two passes).

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A test's own folder, removed when the test passes.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("frameloom-fast-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// An H.264/AAC clip of `pattern` (a lavfi video source) at `size`, 30 fps, 4 s, with a
    /// keyframe exactly every second.
    fn clip(&self, name: &str, pattern: &str, size: &str) -> PathBuf {
        let out = self.path(name);
        let video = format!("{pattern}=size={size}:rate=30:duration=4");
        let status = Command::new("ffmpeg")
            .arg("-nostdin")
            .args(["-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", &video, "-f", "lavfi", "-i"])
            .args(["sine=frequency=440:sample_rate=48000:duration=4", "-c:v", "libx264", "-preset", "veryfast"])
            .args(["-x264-params", "keyint=30:min-keyint=30:scenecut=0", "-pix_fmt", "yuv420p", "-c:a", "aac"])
            .arg("-shortest")
            .arg(&out)
            .status()
            .expect("ffmpeg runs");
        assert!(status.success(), "ffmpeg failed making {name}");
        out
    }

    /// Renders `project` to `out` with `frameloom-server render`; returns the stats.
    fn render(&self, output: Value, sources: Value, scenes: Value, out: &str) -> Value {
        let file = self.path("project.json");
        let project = json!({ "version": 1, "output": output, "sources": sources, "scenes": scenes });
        std::fs::write(&file, project.to_string()).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
            .arg("render")
            .arg(&file)
            .arg("--sources")
            .arg(&self.0)
            .arg("-o")
            .arg(self.path(out))
            .args(["--threads", "2", "--work-dir"])
            .arg(self.path("work"))
            .output()
            .expect("binary runs");
        assert!(o.status.success(), "render failed: {}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).expect("stats JSON")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn source(name: &str) -> Value {
    json!({ "kind": "video", "name": name, "size": 1 })
}

/// The video packets of `file` in decode order: (MD5 of the data, keyframe, pts in seconds).
fn packets(file: &Path) -> Vec<(String, bool, f64)> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-select_streams", "v:0", "-show_data_hash", "md5", "-show_packets"])
        .arg(file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let time = |p: &Value| p["pts_time"].as_str().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    v["packets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["data_hash"].as_str().unwrap_or("").to_owned(), p["flags"].as_str().unwrap_or("").starts_with('K'), time(p)))
        .collect()
}

/// PSNR (dB) between frame `a` of `fa` and frame `b` of `fb`.
fn psnr(fa: &Path, a: u64, fb: &Path, b: u64) -> f64 {
    let graph = format!("[0:v]select=eq(n\\,{a}),setpts=0[x];[1:v]select=eq(n\\,{b}),setpts=0[y];[x][y]psnr");
    let out = Command::new("ffmpeg")
        .arg("-nostdin")
        .args(["-hide_banner", "-i"])
        .arg(fa)
        .arg("-i")
        .arg(fb)
        .args(["-filter_complex", &graph, "-frames:v", "1", "-f", "null", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    let avg = text.split("average:").nth(1).and_then(|s| s.split_whitespace().next()).unwrap_or("nan");
    if avg == "inf" { 100.0 } else { avg.parse().unwrap_or(f64::NAN) }
}

/// Asserts output frame `n` is source frame `m`: closer to it than to its neighbours, and close.
#[track_caller]
fn same_frame(out: &Path, n: u64, src: &Path, m: u64) {
    let at = psnr(out, n, src, m);
    let (before, after) = (psnr(out, n, src, m.saturating_sub(1)), psnr(out, n, src, m + 1));
    assert!(at > 30.0 && at > before && at > after, "output frame {n} vs source {m}: {before} / {at} / {after} dB");
}

const OUT_320: fn() -> Value = || json!({ "width": 320, "height": 240, "fps": 30 });

#[test]
fn a_keyframe_aligned_splice_copies_packets_byte_for_byte() {
    let dir = Dir::new("copy");
    let a = dir.clip("a.mp4", "testsrc2", "320x240");
    let b = dir.clip("b.mp4", "testsrc", "320x240");
    let stats = dir.render(
        OUT_320(),
        json!({ "a": source("a.mp4"), "b": source("b.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "a", "trimEnd": 2 }] },
            { "layers": [{ "type": "video", "source": "b", "trimStart": 1, "trimEnd": 3 }] }
        ]),
        "out.mp4",
    );
    assert_eq!(stats["fast_path"], "stream-copy", "{stats}");
    assert_eq!(stats["treatments"]["copy"], 2);
    assert_eq!(stats["copy_fallback"], Value::Null);
    let out = packets(&dir.path("out.mp4"));
    let (a, b) = (packets(&a), packets(&b));
    let b_from = b.iter().position(|p| p.1 && (p.2 - 1.0).abs() < 1e-3).expect("keyframe at 1 s");
    assert_eq!(out.len(), 120);
    let hashes = |list: &[(String, bool, f64)]| list.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(hashes(&out[..60]), hashes(&a[..60]));
    assert_eq!(hashes(&out[60..]), hashes(&b[b_from..b_from + 60]));
}

#[test]
fn a_mid_gop_smart_cut_is_frame_accurate() {
    let dir = Dir::new("smart");
    let src = dir.clip("clip.mp4", "testsrc2", "320x240");
    let stats = dir.render(
        OUT_320(),
        json!({ "clip": source("clip.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "clip", "trimStart": 0.5, "trimEnd": 2.5 }] },
            { "layers": [{ "type": "video", "source": "clip", "trimStart": 1.3, "trimEnd": 3 }] }
        ]),
        "out.mp4",
    );
    assert_eq!(stats["fast_path"], "smart-cut", "{stats}");
    assert_eq!(stats["treatments"]["smartCut"], 2);
    let out = dir.path("out.mp4");
    // Segment 1 shows source frames 15..75, segment 2 source frames 39..90.
    for (n, m) in [(0, 15), (14, 29), (15, 30), (59, 74), (60, 39), (80, 59), (110, 89)] {
        same_frame(&out, n, &src, m);
    }
    assert_eq!(packets(&out).len(), 111);
}

#[test]
fn a_target_size_lands_at_or_under_it_and_above_90_percent() {
    let dir = Dir::new("target");
    dir.clip("clip.mp4", "testsrc2", "640x360");
    for target in [150_000u64, 400_000] {
        let output = json!({ "width": 640, "height": 360, "fps": 30, "targetSizeBytes": target });
        let stats = dir.render(
            output,
            json!({ "clip": source("clip.mp4") }),
            json!([{ "layers": [{ "type": "video", "source": "clip", "trimEnd": 4 }] }]),
            "out.mp4",
        );
        let bytes = std::fs::metadata(dir.path("out.mp4")).unwrap().len();
        assert!(bytes <= target && bytes * 10 >= target * 9, "{bytes} bytes for a target of {target}");
        assert_eq!(stats["treatments"]["reasons"]["target-size"], 1);
    }
}
