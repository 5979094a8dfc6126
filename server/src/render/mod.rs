//! STAND-IN for the `ffrender` branch's renderer (delete at merge; same pinned API).
//!
//! Renders only the first video layer of the first scene, as a plain trim
//! (`-ss trimStart -to trimEnd -i SRC`, scaled to the output size), so the job
//! queue can be tested against real ffmpeg runs until the real renderer lands.

use frameloom::project::{AudioCodec, Format, Layer, Project, VideoCodec};
use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Everything one render needs.
pub struct RenderRequest {
    /// The validated project.
    pub project: Project,
    /// Source id → local file.
    pub sources: BTreeMap<String, PathBuf>,
    /// Where to write the finished file.
    pub output: PathBuf,
    /// Thread cap for ffmpeg.
    pub threads: usize,
    /// Scratch folder for this render.
    pub work_dir: PathBuf,
}

/// A progress report.
pub struct Progress {
    /// What is happening (`encode`).
    pub stage: &'static str,
    /// Share done, 0–1.
    pub fraction: f64,
    /// Frames per second.
    pub fps: f64,
    /// Seconds left, once known.
    pub eta_seconds: Option<f64>,
}

/// What a finished render did.
pub struct RenderStats {
    /// Frames written.
    pub frames: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Video encoder used.
    pub encoder: String,
    /// Output size in bytes.
    pub bytes: u64,
    /// Which fast path ran (`none` here).
    pub fast_path: String,
}

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The project uses something this renderer cannot draw.
    #[error("this renderer cannot render the project: {0}")]
    Unsupported(String),
    /// ffmpeg exited with an error (`exit_code` is None when a signal killed it).
    #[error("ffmpeg failed (exit code {exit_code:?}): {stderr_tail}")]
    Ffmpeg {
        /// The exit code, None when killed by a signal.
        exit_code: Option<i32>,
        /// ffmpeg's last stderr lines.
        stderr_tail: String,
    },
    /// The render was cancelled.
    #[error("the render was cancelled")]
    Cancelled,
    /// A file operation failed.
    #[error("file error: {0}")]
    Io(String),
    /// The disk holding the output is full.
    #[error("the disk is full: {0}; free some space or point --tmp-dir at a larger disk")]
    DiskFull(String),
}

impl RenderError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::Unsupported(_) => "unsupported",
            RenderError::Ffmpeg { .. } => "ffmpeg_failed",
            RenderError::Cancelled => "cancelled",
            RenderError::Io(_) => "io",
            RenderError::DiskFull(_) => "disk_full",
        }
    }
}

/// How many stderr lines a failure keeps.
const STDERR_LINES: usize = 20;

/// Renders `req`, reporting progress and stopping within ~0.1 s once `cancel` is set.
pub fn render(
    req: &RenderRequest,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<RenderStats, RenderError> {
    let started = Instant::now();
    let layer = req.project.scenes.first().and_then(|s| {
        s.layers.iter().find_map(|l| match l {
            Layer::Video(v) => Some(v),
            _ => None,
        })
    });
    let layer = layer.ok_or_else(|| RenderError::Unsupported("the stand-in renders one video layer".into()))?;
    let src = req
        .sources
        .get(&layer.source)
        .ok_or_else(|| RenderError::Io(format!("no file for source {}", layer.source)))?;
    let out = &req.project.output;
    let (vcodec, acodec) = encoders(out.format, out.video_codec, out.audio_codec);
    let duration_us = (layer.trim.end_us - layer.trim.start_us).max(1);
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-nostdin", "-hide_banner", "-nostats", "-y", "-progress", "pipe:1", "-ss"])
        .arg(secs(layer.trim.start_us))
        .arg("-to")
        .arg(secs(layer.trim.end_us))
        .arg("-i")
        .arg(src)
        .arg("-vf")
        .arg(format!("scale={}:{},fps={}", out.width, out.height, out.fps))
        .args(["-threads", &req.threads.max(1).to_string(), "-c:v", vcodec]);
    match acodec {
        Some(a) => cmd.args(["-c:a", a]),
        None => cmd.arg("-an"),
    };
    cmd.arg(&req.output).current_dir(&req.work_dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| RenderError::Io(format!("cannot start ffmpeg: {e}")))?;
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().ok_or_else(|| RenderError::Io("no ffmpeg stdout".into()))?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = child.stderr.take().ok_or_else(|| RenderError::Io("no ffmpeg stderr".into()))?;
    let tail_thread = std::thread::spawn(move || {
        let mut tail = VecDeque::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
        Vec::from(tail).join("\n")
    });
    let (mut frames, mut fps) = (0u64, 0.0);
    loop {
        if cancel.load(Ordering::Relaxed) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::Cancelled);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => {
                let (key, value) = line.split_once('=').unwrap_or((&line, ""));
                match key {
                    "frame" => frames = value.trim().parse().unwrap_or(frames),
                    "fps" => fps = value.trim().parse().unwrap_or(fps),
                    "out_time_us" => {
                        let done = value.trim().parse::<f64>().unwrap_or(0.0).max(0.0);
                        let fraction = (done / duration_us as f64).min(1.0);
                        let elapsed = started.elapsed().as_secs_f64();
                        let eta = (fraction > 0.0).then(|| elapsed * (1.0 - fraction) / fraction);
                        progress(Progress { stage: "encode", fraction, fps, eta_seconds: eta });
                    }
                    _ => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait().map_err(|e| RenderError::Io(format!("waiting for ffmpeg: {e}")))?;
    let stderr_tail = tail_thread.join().unwrap_or_default();
    // ffmpeg 5.1 can exit 0 after failing to write the trailer, so ENOSPC is checked on every exit.
    if stderr_tail.contains("No space left on device") {
        return Err(RenderError::DiskFull(format!("writing {}", req.output.display())));
    }
    if !status.success() {
        return Err(RenderError::Ffmpeg { exit_code: status.code(), stderr_tail });
    }
    let bytes = std::fs::metadata(&req.output).map_err(|e| RenderError::Io(e.to_string()))?.len();
    progress(Progress { stage: "encode", fraction: 1.0, fps, eta_seconds: Some(0.0) });
    Ok(RenderStats {
        frames,
        seconds: started.elapsed().as_secs_f64(),
        encoder: vcodec.into(),
        bytes,
        fast_path: "none".into(),
    })
}

/// ffmpeg encoder names for the output codecs.
fn encoders(format: Format, video: VideoCodec, audio: AudioCodec) -> (&'static str, Option<&'static str>) {
    let v = match video {
        VideoCodec::H264 => "libx264",
        VideoCodec::Vp8 => "libvpx",
        VideoCodec::Vp9 => "libvpx-vp9",
        VideoCodec::Av1 => "libaom-av1",
        VideoCodec::Gif => "gif",
    };
    let a = match (format, audio) {
        (_, AudioCodec::None) | (Format::Gif, _) => None,
        (_, AudioCodec::Aac) => Some("aac"),
        (_, AudioCodec::Opus) => Some("libopus"),
    };
    (v, a)
}

/// Microseconds as an ffmpeg time in seconds.
fn secs(us: i64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}
