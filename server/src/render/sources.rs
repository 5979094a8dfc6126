//! Probing the project's sources before planning.
//!
//! Video and audio files go through our own prober (`frameloom::container::probe`, the same
//! one the browser uses, so both plan from identical numbers). Files it cannot read but ffmpeg
//! can (MPEG-TS, AVI, WAV, MP3, FLAC, MOV codecs it does not know, …) fall back to
//! `ffprobe -of json`, which gives duration, size, rotation and the audio layout (files our
//! prober finds truncated, empty or unreadable are refused instead: ffmpeg would quietly
//! render what it can of them); such files
//! have no keyframe index, so their decoding starts a second before the trim point (ffmpeg
//! still seeks to the keyframe before that), and they are described with the placeholder
//! container `matroska` (the plan never reads the container). Images are sniffed by their
//! first bytes (PNG, JPEG, WebP, GIF) and measured with ffprobe.
//!
//! Video without a colour tag is read the way browsers read it: BT.709 from 720 lines up,
//! BT.601 below (ffmpeg alone would read all of it as BT.601, so an untagged HD source would
//! change colour in re-encoded segments but not in copied ones, and differ from the browser's
//! render). ffprobe tells which sources carry no tag.

use super::argv::file_url;
use super::error::RenderError;
use super::ffmpeg;
use frameloom::container::{self, AudioInfo, ContainerFormat, FileSource, ProbeInfo, TrackInfo, TrackKind, VideoInfo};
use frameloom::project::{Layer, Project};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A still image source: its size and the ffmpeg demuxer that reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageInfo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The ffmpeg demuxer (`png_pipe`, `jpeg_pipe`, `webp_pipe`, `gif`).
    pub demuxer: &'static str,
}

/// What probing found, by source id.
#[derive(Debug, Default)]
pub struct Probed {
    /// Video and audio sources, for `plan::build`.
    pub media: BTreeMap<String, ProbeInfo>,
    /// Image sources.
    pub images: BTreeMap<String, ImageInfo>,
    /// Video sources of 720 lines or more without a colour tag (read as BT.709, not BT.601).
    pub untagged_hd: BTreeSet<String>,
}

/// Height from which untagged video is BT.709 (below it, BT.601): the core's rule, which the
/// browser's decoders are configured with too.
pub use frameloom::container::codec::colour::HD_LINES;

/// Probes every source a layer of `project` uses; `files` maps source ids to files on disk.
pub fn probe_all(project: &Project, files: &BTreeMap<String, PathBuf>) -> Result<Probed, RenderError> {
    let mut probed = Probed::default();
    for layer in project.scenes.iter().flat_map(|s| &s.layers) {
        let (id, image) = match layer {
            Layer::Video(v) => (&v.source, false),
            Layer::Audio(a) => (&a.source, false),
            Layer::Image(i) => (&i.source, true),
            Layer::Text(_) | Layer::Subtitles(_) => continue,
        };
        if probed.media.contains_key(id) || probed.images.contains_key(id) {
            continue;
        }
        let path = files.get(id).ok_or_else(|| RenderError::Source {
            source_id: id.clone(),
            message: "no file was given for this source; upload it (or put it in the sources folder) first".to_owned(),
        })?;
        if image {
            probed.images.insert(id.clone(), probe_image(id, path)?);
        } else {
            let info = probe_media(id, path)?;
            if is_untagged_hd(&info, path) {
                probed.untagged_hd.insert(id.clone());
            }
            probed.media.insert(id.clone(), info);
        }
    }
    Ok(probed)
}

/// Our prober, then ffprobe.
fn probe_media(id: &str, path: &Path) -> Result<ProbeInfo, RenderError> {
    let ours = FileSource::open(path).and_then(|mut src| container::probe(&mut src));
    let ours_error = match ours {
        Ok(info) if info.tracks.iter().all(|t| t.video.is_some() || t.audio.is_some()) => return Ok(info),
        Ok(_) => "a track has no picture or sound details".to_owned(),
        // A damaged file is refused, not handed to ffmpeg (which would render what it can
        // and exit successfully).
        Err(e) if matches!(e.code(), "truncated" | "empty_file" | "io") => {
            return Err(RenderError::Probe { source: id.to_owned(), error: e.to_string() });
        }
        Err(e) => e.to_string(),
    };
    let json = ffprobe_json(path, None)
        .map_err(|e| RenderError::Probe { source: id.to_owned(), error: format!("{ours_error}; ffprobe: {e}") })?;
    from_ffprobe(&json, file_len(path)).ok_or_else(|| RenderError::Probe {
        source: id.to_owned(),
        error: format!("{ours_error}; ffprobe found no video or audio stream"),
    })
}

/// Whether the video of `info` is at least [`HD_LINES`] tall and `path`'s first video stream
/// has no colour matrix tag (an ffprobe that fails counts as tagged: ffmpeg's default stays).
fn is_untagged_hd(info: &ProbeInfo, path: &Path) -> bool {
    let tall = info.tracks.iter().filter_map(|t| t.video.as_ref()).any(|v| v.height >= HD_LINES);
    tall && ffprobe_json(path, None).is_ok_and(|json| untagged_video(&json))
}

/// Whether ffprobe's first video stream in `json` has no (or an unknown) colour matrix.
fn untagged_video(json: &Value) -> bool {
    let streams = json.get("streams").and_then(Value::as_array);
    let video = streams.and_then(|s| s.iter().find(|s| s.get("codec_type").and_then(Value::as_str) == Some("video")));
    video.is_some_and(|v| matches!(v.get("color_space").and_then(Value::as_str), None | Some("unknown" | "")))
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// `ffprobe -show_streams -show_format` of `path` (read with `demuxer` when given).
fn ffprobe_json(path: &Path, demuxer: Option<&str>) -> Result<Value, RenderError> {
    let mut args: Vec<OsString> = vec!["-show_streams".into(), "-show_format".into()];
    if let Some(d) = demuxer {
        args.extend(["-f".into(), d.into()]);
    }
    args.extend(["-protocol_whitelist".into(), "file".into(), file_url(path)]);
    let out = ffmpeg::probe(&args)?;
    serde_json::from_slice(&out).map_err(|e| RenderError::Io(format!("ffprobe printed something other than JSON: {e}")))
}

/// A `ProbeInfo` from ffprobe's JSON: the first video and first audio stream.
fn from_ffprobe(json: &Value, size: u64) -> Option<ProbeInfo> {
    let streams = json.get("streams")?.as_array()?;
    let seconds = |v: Option<&Value>| {
        v.and_then(Value::as_str).and_then(|s| s.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0)
    };
    let us = |s: f64| (s * 1e6).round() as i64;
    let mut tracks = Vec::new();
    for (kind, wanted) in [(TrackKind::Video, "video"), (TrackKind::Audio, "audio")] {
        let Some(s) = streams.iter().find(|s| s.get("codec_type").and_then(Value::as_str) == Some(wanted)) else {
            continue;
        };
        let int = |key: &str| s.get(key).and_then(Value::as_u64);
        let (video, audio) = match kind {
            TrackKind::Video => {
                let rotation = s
                    .get("side_data_list")
                    .and_then(Value::as_array)
                    .and_then(|list| list.iter().find_map(|d| d.get("rotation").and_then(Value::as_f64)))
                    .unwrap_or(0.0);
                // ffprobe prints the display matrix's counter-clockwise angle.
                let clockwise = ((-rotation).round() as i64).rem_euclid(360) as u16;
                let info = VideoInfo {
                    width: u32::try_from(int("width")?).ok()?,
                    height: u32::try_from(int("height")?).ok()?,
                    rotation: clockwise,
                    frame_rate: None,
                    variable_frame_rate: false,
                };
                (Some(info), None)
            }
            TrackKind::Audio => {
                let sample_rate = s.get("sample_rate").and_then(Value::as_str).and_then(|r| r.parse().ok())?;
                let channels = u16::try_from(int("channels")?).ok()?;
                (None, Some(AudioInfo { sample_rate, channels }))
            }
        };
        tracks.push(TrackInfo {
            id: u32::try_from(int("index").unwrap_or(0)).unwrap_or(0) + 1,
            kind,
            codec: s.get("codec_name").and_then(Value::as_str).unwrap_or("unknown").to_owned(),
            description: None,
            timescale: 1_000_000,
            duration_us: seconds(s.get("duration")).map(us),
            sample_count: None,
            video,
            audio,
            keyframes_us: Vec::new(),
        });
    }
    if tracks.is_empty() {
        return None;
    }
    let duration_us = seconds(json.get("format").and_then(|f| f.get("duration"))).map(us);
    Some(ProbeInfo { container: ContainerFormat::Matroska, size, duration_us, streamable: false, tracks })
}

/// The demuxer for an image file, from its first bytes.
fn image_demuxer(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG") {
        Some("png_pipe")
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Some("jpeg_pipe")
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Some("webp_pipe")
    } else if head.starts_with(b"GIF8") {
        Some("gif")
    } else {
        None
    }
}

fn probe_image(id: &str, path: &Path) -> Result<ImageInfo, RenderError> {
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| RenderError::io(format!("reading source \"{id}\""), &e))?;
    let demuxer = image_demuxer(head.get(..n).unwrap_or_default()).ok_or_else(|| RenderError::Probe {
        source: id.to_owned(),
        error: "not a PNG, JPEG, WebP or GIF image".to_owned(),
    })?;
    let json = ffprobe_json(path, Some(demuxer))
        .map_err(|e| RenderError::Probe { source: id.to_owned(), error: e.to_string() })?;
    let stream = json.get("streams").and_then(Value::as_array).and_then(|s| s.first());
    let side = |key: &str| stream.and_then(|s| s.get(key)).and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok());
    match (side("width"), side("height")) {
        (Some(width), Some(height)) if width > 0 && height > 0 => Ok(ImageInfo { width, height, demuxer }),
        _ => Err(RenderError::Probe { source: id.to_owned(), error: "the image has no size".to_owned() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_untagged_video() {
        let json = |v: Value| serde_json::json!({"streams": [{"codec_type": "audio"}, v]});
        assert!(untagged_video(&json(serde_json::json!({"codec_type": "video"}))));
        assert!(untagged_video(&json(serde_json::json!({"codec_type": "video", "color_space": "unknown"}))));
        assert!(!untagged_video(&json(serde_json::json!({"codec_type": "video", "color_space": "bt470bg"}))));
        assert!(!untagged_video(&serde_json::json!({"streams": []})));
    }

    #[test]
    fn reads_ffprobe_json() {
        let json: Value = serde_json::from_str(
            r#"{"streams":[{"index":0,"codec_type":"video","codec_name":"prores","width":1920,"height":1080,"duration":"2.5",
            "side_data_list":[{"rotation":-90}]},{"index":1,"codec_type":"audio","codec_name":"pcm_s16le","sample_rate":"44100","channels":1}],
            "format":{"duration":"2.600000"}}"#,
        )
        .unwrap();
        let info = from_ffprobe(&json, 10).unwrap();
        assert_eq!(info.duration_us, Some(2_600_000));
        assert_eq!(info.tracks[0].video.as_ref().unwrap().rotation, 90);
        assert_eq!(info.tracks[0].duration_us, Some(2_500_000));
        assert_eq!(info.tracks[1].audio, Some(AudioInfo { sample_rate: 44_100, channels: 1 }));
        assert!(from_ffprobe(&serde_json::json!({"streams": []}), 0).is_none());
    }

    #[test]
    fn sniffs_images() {
        assert_eq!(image_demuxer(b"\x89PNG\r\n\x1a\n"), Some("png_pipe"));
        assert_eq!(image_demuxer(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp_pipe"));
        assert_eq!(image_demuxer(b"hello"), None);
    }
}
