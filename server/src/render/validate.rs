//! Checks a file made by a fast path before it is kept, reading as little as it can:
//!
//! - the video has exactly the planned number of frames (our own prober reads the count from
//!   the MP4 sample table; ffprobe counts packets when the container does not say);
//! - around every join, the packets (read with our demuxer from the keyframe before it, nothing
//!   decoded) put exactly one frame on each output frame time a few frames either side, in
//!   decode order, with a keyframe on the join's first frame;
//! - where re-encoded parts meet copied ones (their parameter sets travel in band), the video
//!   decodes without a single error for a few frames from the keyframe at each join.
//!
//! A failed check is an answer, not an error: the caller renders the normal way.

use super::argv::{Input, seconds};
use super::error::RenderError;
use super::ffmpeg::{self, ffmpeg_program};
use frameloom::container::{FileSource, TrackKind, open_demuxer, probe};
use frameloom::plan::FrameRate;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

/// Output frames checked on each side of a join.
const FRAMES_AROUND: u64 = 4;
/// Frames decoded from a join's keyframe.
const FRAMES_DECODED: u64 = 8;

/// `Ok(Ok(()))` when `file` holds `frames` video frames and is whole around each of `joins_us`
/// (timeline times), decoding cleanly there when `decode` (some part was re-encoded);
/// `Ok(Err(why))` when it does not.
pub fn check(
    file: &Path,
    frames: u64,
    rate: FrameRate,
    joins_us: &[i64],
    decode: bool,
    cancel: &AtomicBool,
) -> Result<Result<(), String>, RenderError> {
    let counted = count_frames(file)?;
    if counted != Some(frames) {
        return Ok(Err(format!("the joined video has {counted:?} frames instead of {frames}")));
    }
    for &join in joins_us {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        if let Err(why) = packets_around(file, frames, rate, join) {
            return Ok(Err(format!("the video is not whole at the join at {} s: {why}", seconds(join))));
        }
        let errors = if decode { decode_errors(file, join, rate)? } else { String::new() };
        if !errors.is_empty() {
            return Ok(Err(format!("the video does not decode cleanly at the join at {} s: {errors}", seconds(join))));
        }
    }
    Ok(Ok(()))
}

/// The video frame count: from our prober when the container stores it, else ffprobe's count.
fn count_frames(file: &Path) -> Result<Option<u64>, RenderError> {
    let ours = FileSource::open(file)
        .and_then(|mut s| probe(&mut s))
        .ok()
        .and_then(|info| info.tracks.into_iter().find(|t| t.kind == TrackKind::Video).and_then(|t| t.sample_count));
    if ours.is_some() {
        return Ok(ours);
    }
    let args: Vec<OsString> = ["-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets"]
        .into_iter()
        .map(OsString::from)
        .chain([OsString::from("-protocol_whitelist"), "file".into(), super::argv::file_url(file)])
        .collect();
    let json: serde_json::Value = serde_json::from_slice(&ffmpeg::probe(&args)?).unwrap_or_default();
    Ok(json["streams"][0]["nb_read_packets"].as_str().and_then(|n| n.parse().ok()))
}

/// Checks the video packets on the output frames [`FRAMES_AROUND`] either side of `join_us`:
/// one packet within half a frame of each frame time, decode times increasing, a keyframe on
/// the join's first frame. `Err(why)` when they are not so.
fn packets_around(file: &Path, frames: u64, rate: FrameRate, join_us: i64) -> Result<(), String> {
    let mut demuxer = FileSource::open(file)
        .and_then(|s| open_demuxer(Box::new(s)))
        .map_err(|e| format!("our demuxer cannot read it: {e}"))?;
    let track = demuxer.tracks().iter().find(|t| t.kind == TrackKind::Video).map(|t| t.id).ok_or("no video track")?;
    let join = rate.first_frame_from(join_us);
    let wanted = join.saturating_sub(FRAMES_AROUND)..(join + FRAMES_AROUND).min(frames);
    let half = rate.frame_duration_us(0) / 2;
    let (from_us, to_us) = (rate.frame_time_us(wanted.start) - half, rate.frame_time_us(wanted.end) + half);
    demuxer.seek(track, from_us).map_err(|e| e.to_string())?;
    // (pts, keyframe) of the packets near the wanted frames; the reordering window of B-frames
    // is far shorter than a GOP, so reading on to a second past them is enough.
    let (mut seen, mut last_dts) = (Vec::new(), i64::MIN);
    while let Some(p) = demuxer.next_packet().map_err(|e| e.to_string())? {
        if p.track_id != track {
            continue;
        }
        if p.dts_us <= last_dts {
            return Err(format!("decode times go back at {} s", seconds(p.dts_us)));
        }
        last_dts = p.dts_us;
        if p.dts_us > to_us + 1_000_000 {
            break;
        }
        if p.pts_us >= from_us && p.pts_us < to_us {
            seen.push((p.pts_us, p.keyframe));
        }
    }
    seen.sort_unstable();
    for n in wanted {
        let t = rate.frame_time_us(n);
        let on: Vec<&(i64, bool)> = seen.iter().filter(|(pts, _)| (pts - t).abs() <= half).collect();
        match on.as_slice() {
            [(_, key)] if n != join || *key => {}
            [_] => return Err(format!("frame {n} starts the part but is no keyframe")),
            other => return Err(format!("{} frames at output frame {n}", other.len())),
        }
    }
    Ok(())
}

/// What ffmpeg reports decoding [`FRAMES_DECODED`] frames of `file`'s video from the keyframe
/// at `join_us` (empty: clean).
fn decode_errors(file: &Path, join_us: i64, rate: FrameRate) -> Result<String, RenderError> {
    let mut a: Vec<OsString> = ["-hide_banner", "-nostdin", "-v", "error"].into_iter().map(OsString::from).collect();
    // Half a frame after the join: the seek lands on the join's own keyframe.
    let frame = rate.frame_duration_us(0);
    Input::media(file, join_us + frame / 2, None).push_to(&mut a, 1);
    let count = FRAMES_DECODED.to_string();
    a.extend(["-map", "0:v:0", "-frames:v", &count, "-f", "null", "-"].into_iter().map(OsString::from));
    let program = ffmpeg_program();
    let out =
        Command::new(&program).args(&a).stdin(Stdio::null()).stdout(Stdio::null()).output().map_err(|e| {
            RenderError::Spawn { program: program.to_string_lossy().into_owned(), message: e.to_string() }
        })?;
    let text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    Ok(if out.status.success() || !text.is_empty() { text } else { "ffmpeg failed".to_owned() })
}
