//! The server's speed before its first job, measured at start-up under whatever load the
//! machine has: ffmpeg's start-up time (a process that encodes nothing), and a short libx264
//! encode timed like a render, so `/capacity` reports measured figures instead of nothing
//! until a job finishes.

use crate::render::ffmpeg_program;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The test picture: 720p (per-pixel speed at 360p is about twice that of 720p and up, which
/// most renders are), encoded as renders encode H.264, in a short and a long run: their
/// difference is the encoder's steady speed, without the process start, the encoder's opening
/// and its lookahead, which every render pays once and the cost model counts apart (one short
/// encode alone read 26 megapixels per second where 300-frame renders did 80–100).
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;
const FRAMES: [u32; 2] = [10, 60];
/// Start-up runs timed; the median is kept (one run can catch a page-cache miss or a burst of
/// other work).
const STARTUP_RUNS: usize = 3;
/// Runs of each encode length; the shortest counts (a 0.3 s encode on a shared machine varied
/// by ±50 %).
const ENCODE_RUNS: u32 = 2;

/// What the start-up measurement found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Megapixels the long encode has beyond the short one.
    pub megapixels: f64,
    /// Seconds those megapixels took (the long encode's time less the short one's).
    pub seconds: f64,
    /// Seconds of one ffmpeg start-up (launch, lavfi, one 64×64 frame to the null muxer).
    pub setup_seconds: f64,
}

/// The start-up measurement, or `None` when ffmpeg fails (the router then assumes defaults).
/// Blocking: run it off the runtime.
pub fn measure() -> Option<Calibration> {
    // No noise filter: at 720p it costs more than the encode it would make realistic.
    let source = format!("testsrc2=size={WIDTH}x{HEIGHT}:rate=30");
    let encode = |frames: u32| -> Option<f64> {
        let args = ["-frames:v", &frames.to_string(), "-c:v", "libx264", "-preset", "medium", "-pix_fmt", "yuv420p"]
            .map(str::to_owned);
        (0..ENCODE_RUNS).map(|_| timed_ffmpeg(&source, &args)).try_fold(f64::INFINITY, |best, s| Some(best.min(s?)))
    };
    let [short, long] = FRAMES;
    let (short_seconds, long_seconds) = (encode(short)?, encode(long)?);
    let tiny = ["-frames:v", "1"].map(str::to_owned);
    let mut startups =
        (0..STARTUP_RUNS).map(|_| timed_ffmpeg("nullsrc=size=64x64:rate=30", &tiny)).collect::<Option<Vec<f64>>>()?;
    startups.sort_by(f64::total_cmp);
    let setup_seconds = startups.get(STARTUP_RUNS / 2).copied()?;
    let megapixels = f64::from(WIDTH * HEIGHT * (long - short)) / 1e6;
    // A burst of other work during the short run can leave no difference: then the long run's mean.
    let seconds = if long_seconds > short_seconds {
        long_seconds - short_seconds
    } else {
        long_seconds * f64::from(long - short) / f64::from(long)
    };
    Some(Calibration { megapixels, seconds, setup_seconds })
}

/// Seconds of one ffmpeg run reading the lavfi `source` with `output_args` into the null
/// muxer, or `None` when it fails.
fn timed_ffmpeg(source: &str, output_args: &[String]) -> Option<f64> {
    let started = Instant::now();
    let status = Command::new(ffmpeg_program())
        .args(["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", source])
        .args(output_args)
        .args(["-f", "null", "-"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let seconds = started.elapsed().as_secs_f64();
    (status.success() && seconds > 0.0).then_some(seconds)
}
