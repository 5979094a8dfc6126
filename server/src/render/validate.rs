//! Checks a file made by a fast path before it is kept: the video has exactly the planned
//! number of frames (ffprobe counts packets: no decoding), and the video decodes without a
//! single error around every join (a window from the keyframe before each join to a second
//! after it). A failed check is an answer, not an error: the caller renders the normal way.

use super::argv::{Input, seconds};
use super::error::RenderError;
use super::ffmpeg::{self, ffmpeg_program};
use frameloom::plan::FrameRate;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

/// How much video is decoded on each side of a join.
const WINDOW_US: i64 = 1_000_000;

/// `Ok(Ok(()))` when `file` holds `frames` video frames and decodes cleanly around each of
/// `joins_us` (timeline times); `Ok(Err(why))` when it does not.
pub fn check(
    file: &Path,
    frames: u64,
    rate: FrameRate,
    joins_us: &[i64],
    cancel: &AtomicBool,
) -> Result<Result<(), String>, RenderError> {
    let counted = count_packets(file)?;
    if counted != Some(frames) {
        return Ok(Err(format!("the joined video has {counted:?} frames instead of {frames}")));
    }
    for &join in joins_us {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        let from = (join - WINDOW_US).max(0);
        let errors = decode_errors(file, from, 2 * WINDOW_US + rate.frame_duration_us(0))?;
        if !errors.is_empty() {
            return Ok(Err(format!("the video does not decode cleanly at the join at {} s: {errors}", seconds(join))));
        }
    }
    Ok(Ok(()))
}

/// The number of packets of the first video stream, if ffprobe reports one.
fn count_packets(file: &Path) -> Result<Option<u64>, RenderError> {
    let args: Vec<OsString> = ["-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets"]
        .into_iter()
        .map(OsString::from)
        .chain([OsString::from("-protocol_whitelist"), "file".into(), super::argv::file_url(file)])
        .collect();
    let json: serde_json::Value = serde_json::from_slice(&ffmpeg::probe(&args)?).unwrap_or_default();
    Ok(json["streams"][0]["nb_read_packets"].as_str().and_then(|n| n.parse().ok()))
}

/// What ffmpeg reports while decoding `length_us` of `file`'s video from `from_us` (empty: clean).
fn decode_errors(file: &Path, from_us: i64, length_us: i64) -> Result<String, RenderError> {
    let mut a: Vec<OsString> = ["-hide_banner", "-nostdin", "-v", "error"].into_iter().map(OsString::from).collect();
    Input::media(file, from_us, Some(length_us)).push_to(&mut a, 1);
    a.extend(["-map", "0:v:0", "-f", "null", "-"].into_iter().map(OsString::from));
    let program = ffmpeg_program();
    let out =
        Command::new(&program).args(&a).stdin(Stdio::null()).stdout(Stdio::null()).output().map_err(|e| {
            RenderError::Spawn { program: program.to_string_lossy().into_owned(), message: e.to_string() }
        })?;
    let text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    Ok(if out.status.success() || !text.is_empty() { text } else { "ffmpeg failed".to_owned() })
}
