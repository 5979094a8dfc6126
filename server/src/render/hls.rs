//! HLS packaging: every variant (the output and its rungs) is cut, without re-encoding, into
//! MPEG-TS segments of about [`SEGMENT_SECONDS`] (at keyframes, which every variant places at
//! the same frames) with a VOD media playlist; then we write the master playlist ourselves:
//! one `#EXT-X-STREAM-INF` per variant, tallest first, with `BANDWIDTH` (the peak segment
//! bitrate), `AVERAGE-BANDWIDTH`, `RESOLUTION` and `CODECS` (from our own prober).
//!
//! The folder is built under a temporary name next to its final place and renamed when whole:
//! `master.m3u8`, `{height}p.m3u8`, `{height}p_00000.ts`, … Every name is ours.

use super::argv::{Input, file_url, words};
use super::error::RenderError;
use super::ffmpeg;
use super::ladder::Rung;
use super::output::TempFile;
use frameloom::container::{self, FileSource, TrackKind};
use frameloom::plan::RenderPlan;
use frameloom::project::{Format, VideoCodec};
use std::ffi::OsString;
use std::fmt::Write;
use std::path::Path;

/// Target segment length in seconds (segments end at the next keyframe, 2 s apart).
pub const SEGMENT_SECONDS: u32 = 4;
/// The master playlist's name.
pub const MASTER: &str = "master.m3u8";

/// Refuses outputs HLS players cannot take as MPEG-TS: only MP4 with H.264.
pub fn check(format: Format, codec: VideoCodec) -> Result<(), RenderError> {
    if format == Format::Mp4 && codec == VideoCodec::H264 {
        Ok(())
    } else {
        Err(RenderError::Unsupported(
            "HLS packaging needs an MP4 output with H.264 video; set format mp4 and videoCodec h264".to_owned(),
        ))
    }
}

/// Packages `variants` (tallest first) into the folder `dir`, which must not exist yet.
pub fn package(plan: &RenderPlan, variants: &[Rung], dir: &Path, stop: &dyn Fn() -> bool) -> Result<(), RenderError> {
    check(plan.output.format, plan.encoding.video.codec)?;
    let temp = TempFile::folder_next_to(dir)?;
    let mut master = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for rung in variants {
        let name = format!("{}p", rung.height);
        let playlist = temp.path.join(format!("{name}.m3u8"));
        let mut a = Vec::new();
        Input::media(&rung.file, 0, None).push_to(&mut a, 1);
        let tail = words(&[
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-c",
            "copy",
            "-f",
            "hls",
            "-hls_time",
            &SEGMENT_SECONDS.to_string(),
            "-hls_playlist_type",
            "vod",
            "-hls_segment_type",
            "mpegts",
            "-hls_segment_filename",
        ]);
        a.extend(tail.into_iter().map(OsString::from));
        a.push(temp.path.join(format!("{name}_%05d.ts")).into_os_string());
        a.push(file_url(&playlist));
        ffmpeg::run(&a, stop, &mut |_| {})?;
        let (peak, average) = bandwidth(&playlist)?;
        let codecs = codecs(&rung.file)?;
        let _ = writeln!(
            master,
            "#EXT-X-STREAM-INF:BANDWIDTH={peak},AVERAGE-BANDWIDTH={average},RESOLUTION={}x{},CODECS=\"{codecs}\"\n{name}.m3u8",
            rung.width, rung.height
        );
    }
    let master_path = temp.path.join(MASTER);
    std::fs::write(&master_path, master).map_err(|e| RenderError::io(master_path.display(), &e))?;
    temp.commit(dir)
}

/// (peak, average) bits per second over the segments of a media playlist.
fn bandwidth(playlist: &Path) -> Result<(u64, u64), RenderError> {
    let text = std::fs::read_to_string(playlist).map_err(|e| RenderError::io(playlist.display(), &e))?;
    let folder = playlist.parent().unwrap_or(Path::new("."));
    let (mut peak, mut bits, mut seconds) = (0f64, 0f64, 0f64);
    let mut duration = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            duration = rest.split(',').next().and_then(|d| d.parse::<f64>().ok());
        } else if let (false, Some(d)) = (line.starts_with('#') || line.is_empty(), duration.take()) {
            let segment = folder.join(line);
            let bytes = std::fs::metadata(&segment).map_err(|e| RenderError::io(segment.display(), &e))?.len();
            let b = bytes as f64 * 8.0;
            peak = peak.max(b / d.max(0.001));
            (bits, seconds) = (bits + b, seconds + d);
        }
    }
    let average = if seconds > 0.0 { bits / seconds } else { 0.0 };
    Ok((peak.ceil() as u64, average.ceil() as u64))
}

/// The RFC 6381 codecs of a file's tracks (video first), from our prober.
fn codecs(file: &Path) -> Result<String, RenderError> {
    let info = FileSource::open(file)
        .and_then(|mut s| container::probe(&mut s))
        .map_err(|e| RenderError::Io(format!("cannot probe {} for HLS: {e}", file.display())))?;
    let mut tracks: Vec<_> = info.tracks.iter().collect();
    tracks.sort_by_key(|t| t.kind != TrackKind::Video);
    Ok(tracks.iter().map(|t| t.codec.as_str()).collect::<Vec<_>>().join(","))
}
