//! The server's encoding speed before its first job: a short libx264 encode at start-up, timed
//! like a render (ffmpeg start-up included), so `/capacity` reports a measured throughput
//! (under whatever load the machine has) instead of nothing until a job finishes.

use crate::render::ffmpeg_program;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The test picture: 720p (per-pixel speed at 360p is about twice that of 720p and up, which
/// most renders are), 15 frames, encoded as renders encode H.264.
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
const FRAMES: u32 = 15;

/// `(megapixels, seconds)` of one timed libx264 `medium` encode of a synthetic clip, or `None`
/// when ffmpeg fails (the router then assumes a default speed). Blocking: run it off the runtime.
pub fn measure() -> Option<(f64, f64)> {
    // No noise filter: at 720p it costs more than the encode it would make realistic.
    let source = format!("testsrc2=size={WIDTH}x{HEIGHT}:rate=30");
    let frames = FRAMES.to_string();
    let started = Instant::now();
    let status = Command::new(ffmpeg_program())
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", &source, "-frames:v", &frames])
        .args(["-c:v", "libx264", "-preset", "medium", "-pix_fmt", "yuv420p", "-f", "null", "-"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let seconds = started.elapsed().as_secs_f64();
    let megapixels = f64::from(WIDTH * HEIGHT * FRAMES) / 1e6;
    (status.success() && seconds > 0.0).then_some((megapixels, seconds))
}
