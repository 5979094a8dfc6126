//! Where the fast path seeks a source, on ffmpeg's own clock.
//!
//! Our demuxer and ffmpeg may read a keyframe at slightly different times: an edit list
//! stored in milliseconds (range-only copies, `frameloom::container::extract`), rounding
//! between timescales. A stream copy must seek to exactly ffmpeg's keyframe time (ffmpeg
//! shifts copied timestamps by the seek time, so the keyframe lands on zero), so each
//! keyframe is looked up with ffprobe (its packets' `pts_time` near ours) before seeking: one
//! [`scan`] per source reads just the packets near every keyframe the render seeks to, and the
//! stream's colour tags with them.
//!
//! Re-encoded spans seek their input to the keyframe decoding starts from (ffmpeg's MP4 seek
//! picks a keyframe by decode time, so seeking to a later frame can land on the next keyframe
//! and skip the frames before it) and drop the frames before the span with a `trim` filter: the
//! span's first output frame shows the last source frame starting at or before its start
//! (plus the plan's pick tolerance), so frames starting more than a frame less that tolerance
//! early are dropped, on ffmpeg's clock.

use super::argv::{file_url, seconds};
use super::error::RenderError;
use super::ffmpeg;
use super::mixed::{Colour, colour_of_stream};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

/// How far before a keyframe ffprobe starts reading packets to find it.
const LOOK_BEHIND_US: i64 = 1_000_000;

/// How ffmpeg reads one re-encoded span of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanRead {
    /// The input seek (`-ss`, source time on ffmpeg's clock): the keyframe decoding starts at.
    pub seek_us: i64,
    /// Decoded time dropped after the seek (`trim=start`; 0: none).
    pub skip_us: i64,
    /// Source time read after the seek (`-t`).
    pub length_us: i64,
}

impl SpanRead {
    /// Reads source `from_us`–`to_us` (our clock) decoding from the keyframe ffmpeg has at
    /// `key_ff_us` (ours at `key_us`), dropping frames that start more than `lead_us` before
    /// `from_us`, and `margin_us` past `to_us`.
    pub fn new(key_us: i64, key_ff_us: i64, from_us: i64, to_us: i64, lead_us: i64, margin_us: i64) -> SpanRead {
        let shift = key_ff_us - key_us;
        let seek_us = key_ff_us.max(0);
        let skip_us = (from_us + shift - seek_us - lead_us).max(0);
        SpanRead { seek_us, skip_us, length_us: (to_us + shift - seek_us + margin_us).max(1) }
    }
}

/// What one ffprobe pass over a source tells the fast path: ffmpeg's times of the keyframes
/// it seeks to, and the colour description of its video.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// ffmpeg's time of each keyframe asked for, by our demuxer's time.
    keys: BTreeMap<i64, i64>,
    /// The colour description of the first video stream.
    pub colour: Colour,
}

impl Scan {
    /// ffmpeg's time of the keyframe we read at `ours_us`, if it was asked for.
    pub fn key(&self, ours_us: i64) -> Option<i64> {
        self.keys.get(&ours_us).copied()
    }
}

/// One ffprobe pass over `file`'s first video stream: ffmpeg's times of the keyframes within
/// `tolerance_us` of each of `ours_us` (our demuxer's times; only packets near them are read)
/// and the stream's colour tags; `Ok(Err(why))` when ffmpeg has no such keyframe or cannot
/// read the file that way.
pub fn scan(file: &Path, ours_us: &[i64], tolerance_us: i64) -> Result<Result<Scan, String>, RenderError> {
    let intervals: Vec<String> = ours_us
        .iter()
        // Not clamped at zero: a keyframe an edit list hides before zero is found by reading
        // from before it (ffprobe seeking to zero there lands on the next keyframe).
        .map(|&k| format!("{}%{}", seconds(k - LOOK_BEHIND_US), seconds(k + tolerance_us + 1)))
        .collect();
    let entries = "packet=pts_time,flags:stream=color_space,color_primaries,color_transfer";
    let args: Vec<OsString> = ["-select_streams", "v:0", "-show_entries", entries, "-read_intervals"]
        .into_iter()
        .map(OsString::from)
        .chain([intervals.join(",").into(), "-protocol_whitelist".into(), "file".into(), file_url(file)])
        .collect();
    let out = match ffmpeg::probe(&args) {
        Err(RenderError::Ffmpeg { stderr_tail, .. }) => {
            return Ok(Err(format!("ffprobe cannot list its keyframes: {stderr_tail}")));
        }
        other => other?,
    };
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap_or_default();
    let found: Vec<i64> = json["packets"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|p| p["flags"].as_str().is_some_and(|f| f.starts_with('K')))
        .filter_map(|p| p["pts_time"].as_str().and_then(parse_us))
        .collect();
    let mut keys = BTreeMap::new();
    for &k in ours_us {
        let near = found.iter().copied().filter(|t| (t - k).abs() <= tolerance_us).min_by_key(|t| (t - k).abs());
        match near {
            Some(t) => keys.insert(k, t),
            None => return Ok(Err(format!("ffmpeg reads no keyframe near {} s of the source", seconds(k)))),
        };
    }
    Ok(Ok(Scan { keys, colour: colour_of_stream(&json["streams"][0]) }))
}

/// Microseconds from ffprobe's decimal seconds (`"-0.300000"`, `"20.000000"`).
fn parse_us(text: &str) -> Option<i64> {
    let (negative, digits) = text.strip_prefix('-').map_or((false, text), |rest| (true, rest));
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let micros: String = frac.chars().chain(std::iter::repeat('0')).take(6).collect();
    let us = whole.parse::<i64>().ok()?.checked_mul(1_000_000)?.checked_add(micros.parse::<i64>().ok()?)?;
    Some(if negative { -us } else { us })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffprobe_times_parse_to_microseconds() {
        assert_eq!(parse_us("20.000000"), Some(20_000_000));
        assert_eq!(parse_us("-0.300000"), Some(-300_000));
        assert_eq!(parse_us("1.0666671"), Some(1_066_667));
        assert_eq!(parse_us("N/A"), None);
    }

    #[test]
    fn spans_seek_to_the_keyframe_and_skip_on_ffmpeg_clock() {
        // ffmpeg reads the keyframe 0.4 ms earlier than we do; the span starts 10 frames in.
        let read = SpanRead::new(20_000_000, 19_999_600, 20_333_333, 21_000_000, 32_333, 100_000);
        assert_eq!(read, SpanRead { seek_us: 19_999_600, skip_us: 301_000, length_us: 1_100_000 });
        // A span starting on its keyframe skips nothing; a keyframe hidden before zero by an
        // edit list is reached by seeking to zero.
        assert_eq!(SpanRead::new(2_000_000, 2_000_000, 2_000_000, 2_500_000, 32_333, 0).skip_us, 0);
        let hidden = SpanRead::new(-300_000, -300_000, 0, 700_000, 32_333, 0);
        assert_eq!(hidden, SpanRead { seek_us: 0, skip_us: 0, length_us: 700_000 });
    }
}
