//! Render-test helpers: a test's own folder with ffmpeg-made sources and the `render` CLI,
//! ffprobe streams, decoded pixels, PSNR and PCM.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A test's own folder, removed when the test passes.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("frameloom-render-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Makes `name` with ffmpeg `args` (the output path is appended).
    pub fn make(&self, name: &str, args: &[&str]) -> PathBuf {
        let out = self.path(name);
        let status = Command::new("ffmpeg")
            .arg("-nostdin")
            .args(["-hide_banner", "-v", "error", "-y"])
            .args(args)
            .arg(&out)
            .status()
            .expect("ffmpeg runs");
        assert!(status.success(), "ffmpeg failed making {name}");
        out
    }

    /// Writes `project` and renders it to `out`; returns the CLI's output.
    pub fn render(&self, project: &Value, out: &str) -> Output {
        self.render_with(project, out, &[])
    }

    /// Renders `project` to `out` through an ffmpeg wrapper that records every argument it is
    /// given, one per line; returns the CLI's output and that record.
    pub fn render_recording_argv(&self, project: &Value, out: &str) -> (Output, String) {
        let log = self.path("argv.log");
        let fake = self.path("ffmpeg-logging");
        std::fs::write(&fake, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nexec ffmpeg \"$@\"\n", log.display()))
            .unwrap();
        Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
        let output = self.command(project, out).env("FRAMELOOM_FFMPEG", &fake).output().expect("binary runs");
        (output, std::fs::read_to_string(&log).unwrap_or_default())
    }

    /// Like [`render`](Self::render), with `extra` flags after the usual ones.
    pub fn render_with(&self, project: &Value, out: &str, extra: &[&str]) -> Output {
        self.command(project, out).args(extra).output().expect("binary runs")
    }

    /// Writes `project` and builds the render command line for `out`.
    fn command(&self, project: &Value, out: &str) -> Command {
        let file = self.path("project.json");
        std::fs::write(&file, project.to_string()).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_frameloom-server"));
        command
            .arg("render")
            .arg(&file)
            .arg("--sources")
            .arg(&self.0)
            .arg("-o")
            .arg(self.path(out))
            .args(["--threads", "2", "--work-dir"])
            .arg(self.path("work"));
        command
    }

    /// Renders and expects success; returns the stats.
    pub fn render_ok(&self, project: &Value, out: &str) -> Value {
        self.render_ok_with(project, out, &[])
    }

    /// Like [`render_ok`](Self::render_ok), with `extra` flags.
    pub fn render_ok_with(&self, project: &Value, out: &str, extra: &[&str]) -> Value {
        let o = self.render_with(project, out, extra);
        assert!(
            o.status.success(),
            "render failed: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!self.path("work").exists(), "work folder removed");
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

/// A project with `layers` in one scene per entry of `scenes`.
pub fn project(output: Value, sources: Value, scenes: Value) -> Value {
    json!({ "version": 1, "output": output, "sources": sources, "scenes": scenes })
}

pub fn video_source(name: &str) -> Value {
    json!({ "kind": "video", "name": name, "size": 1 })
}

/// ffprobe's streams of `file`, with counted frames.
pub fn streams(file: &Path) -> Vec<Value> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-count_frames", "-show_streams"])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["streams"].as_array().cloned().unwrap()
}

/// ffprobe's packets of stream `selector` (`v:0`, `a:0`) of `file` in decode order, each with
/// the MD5 of its data (`data_hash`).
pub fn packets(file: &Path, selector: &str) -> Vec<Value> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-select_streams", selector, "-show_data_hash", "md5", "-show_packets"])
        .arg(file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["packets"].as_array().cloned().unwrap()
}

/// Field `key` of ffprobe's JSON `p` read as seconds (NaN when missing).
pub fn seconds(p: &Value, key: &str) -> f64 {
    p[key].as_str().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN)
}

pub fn stream<'a>(streams: &'a [Value], kind: &str) -> &'a Value {
    streams.iter().find(|s| s["codec_type"] == kind).unwrap_or_else(|| panic!("no {kind} stream"))
}

pub fn float(v: &Value) -> f64 {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_f64()).unwrap_or(f64::NAN)
}

pub fn frames(s: &Value) -> u64 {
    float(&s["nb_read_frames"]) as u64
}

/// The RGB colour of pixel (x, y) of video frame `n`.
pub fn pixel(file: &Path, n: u64, x: u32, y: u32) -> [u8; 3] {
    let vf = format!("select=eq(n\\,{n}),format=rgb24,crop=1:1:{x}:{y}");
    let out = Command::new("ffmpeg")
        .arg("-nostdin")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-vf", &vf, "-frames:v", "1", "-f", "rawvideo", "-"])
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.len() == 3, "{}", String::from_utf8_lossy(&out.stderr));
    [out.stdout[0], out.stdout[1], out.stdout[2]]
}

/// PSNR (dB) between frame `a` of `fa` and frame `b` of `fb` (same size), compared as RGB
/// (each file's YUV read with its own colour matrix).
pub fn psnr(fa: &Path, a: u64, fb: &Path, b: u64) -> f64 {
    let graph = format!(
        "[0:v]select=eq(n\\,{a}),setpts=0,format=gbrp[x];[1:v]select=eq(n\\,{b}),setpts=0,format=gbrp[y];[x][y]psnr"
    );
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

/// Which of source frames `expected - 2 ..= expected + 2` output frame `n` looks most like;
/// also checks that the match is close (encoding loss only).
pub fn matching_frame(out: &Path, n: u64, src: &Path, expected: u64) -> u64 {
    let scores: Vec<(u64, f64)> =
        (expected.saturating_sub(2)..=expected + 2).map(|m| (m, psnr(out, n, src, m))).collect();
    let (best, db) = scores.iter().copied().fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
    assert!(db > 25.0, "output frame {n} matches no source frame well: {scores:?}");
    best
}

/// The decoded sound of `file` as 48 kHz stereo interleaved samples.
pub fn pcm(file: &Path) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .arg("-nostdin")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:a:0", "-ac", "2", "-ar", "48000", "-f", "f32le", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

pub fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / samples.len().max(1) as f64).sqrt()
}

pub const TESTSRC: &[&str] = &[
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x240:rate=30:duration=4",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=48000:duration=4",
];
pub const H264_AAC: &[&str] =
    &["-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"];

pub fn testsrc(dir: &Dir, name: &str) -> PathBuf {
    dir.make(name, &[TESTSRC, H264_AAC].concat())
}

pub fn out_320(format: &str) -> Value {
    json!({ "width": 320, "height": 240, "fps": 30, "format": format })
}
