//! `output`: frame size and rate, container format, codecs, quality and background.

use super::color::Color;
use super::error::ErrorCode;
use super::gif::{GifSettings, not_gif, read_gif};
use super::keyword::{Keyword, keyword_enum, quoted_list};
use super::limits::*;
use super::reader::{Bounds, Fields, Report};
use serde::{Deserialize, Serialize};

keyword_enum! {
    /// The file format written.
    pub enum Format {
        /// MP4 (ISO BMFF).
        Mp4 = "mp4",
        /// WebM (Matroska subset).
        Webm = "webm",
        /// Animated GIF (no audio).
        Gif = "gif",
    }
}

keyword_enum! {
    /// The video codec.
    pub enum VideoCodec {
        /// H.264 / AVC (MP4 only).
        H264 = "h264",
        /// VP8 (WebM only).
        Vp8 = "vp8",
        /// VP9.
        Vp9 = "vp9",
        /// AV1.
        Av1 = "av1",
        /// GIF's own LZW image coding (GIF only).
        Gif = "gif",
    }
}

keyword_enum! {
    /// The audio codec, or none for a silent file.
    pub enum AudioCodec {
        /// AAC-LC (MP4 only).
        Aac = "aac",
        /// Opus.
        Opus = "opus",
        /// No audio track.
        None = "none",
    }
}

keyword_enum! {
    /// How much quality to trade for file size.
    pub enum Quality {
        /// Small files, visible artefacts.
        Low = "low",
        /// Balanced.
        Medium = "medium",
        /// Near-transparent quality, larger files.
        High = "high",
    }
}

impl Format {
    /// Video codecs this format can hold; the first is the default.
    pub fn video_codecs(self) -> &'static [VideoCodec] {
        match self {
            Format::Mp4 => &[VideoCodec::H264, VideoCodec::Vp9, VideoCodec::Av1],
            Format::Webm => &[VideoCodec::Vp9, VideoCodec::Vp8, VideoCodec::Av1],
            Format::Gif => &[VideoCodec::Gif],
        }
    }

    /// Audio codecs this format can hold; the first is the default.
    pub fn audio_codecs(self) -> &'static [AudioCodec] {
        match self {
            Format::Mp4 => &[AudioCodec::Aac, AudioCodec::Opus, AudioCodec::None],
            Format::Webm => &[AudioCodec::Opus, AudioCodec::None],
            Format::Gif => &[AudioCodec::None],
        }
    }
}

/// What to render: frame geometry and rate, file format and encoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Frames per second (29.97 means 30000/1001; see [`Output::frame_rate`]).
    pub fps: f64,
    /// The file format.
    pub format: Format,
    /// The video codec (resolved from the format's default when omitted).
    pub video_codec: VideoCodec,
    /// The audio codec (resolved from the format's default when omitted).
    pub audio_codec: AudioCodec,
    /// The quality level.
    pub quality: Quality,
    /// Aim for a file of about this many bytes instead of a quality-driven bitrate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_size_bytes: Option<u64>,
    /// The colour behind all layers (opaque).
    pub background: Color,
    /// Encode every frame and all the sound: no packet is copied from a source (as
    /// Mediabunny's `forceTranscode`; the copy and smart-cut fast paths are off).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force_transcode: bool,
    /// How a GIF is made: set (defaults filled in) for GIF output only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gif: Option<GifSettings>,
}

impl Output {
    /// The frame rate as a fraction `(numerator, denominator)`: NTSC rates such as
    /// 29.97, 23.976 and 59.94 become n×1000/1001, other rates are exact to 1/1000.
    pub fn frame_rate(&self) -> (u32, u32) {
        let ntsc = (self.fps * 1.001).round();
        if self.fps.fract() != 0.0 && (self.fps * 1.001 - ntsc).abs() < 0.01 {
            return (ntsc as u32 * 1000, 1001);
        }
        let num = (self.fps * 1000.0).round() as u32;
        let g = gcd(num, 1000);
        (num / g, 1000 / g)
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// Reads and checks `output`.
pub(crate) fn read_output(mut f: Fields, r: &mut Report) -> Option<Output> {
    let side = Bounds::between(MIN_OUTPUT_SIDE.into(), MAX_OUTPUT_SIDE.into(), " pixels");
    let width = f.integer("width", side, r).required(r).map(|w| w as u32);
    let height = f.integer("height", side, r).required(r).map(|h| h as u32);
    let fps = f.number("fps", Bounds::between(MIN_FPS, MAX_FPS, " frames per second"), r).required(r);
    let format = f.keyword::<Format>("format", r).or(Format::Mp4);
    let video_codec = f.keyword::<VideoCodec>("videoCodec", r).optional();
    let audio_codec = f.keyword::<AudioCodec>("audioCodec", r).optional();
    let quality = f.keyword::<Quality>("quality", r).or(Quality::High);
    let target = Bounds::between(MIN_TARGET_SIZE_BYTES as f64, MAX_TARGET_SIZE_BYTES as f64, " bytes");
    let target_size_bytes = f.integer("targetSizeBytes", target, r).optional();
    let background = f.opaque_color("background", r).or(Color::BLACK);
    let force_transcode = f.boolean("forceTranscode", r).or(false);
    let gif = f.nested("gif", "GIF settings", r, read_gif).optional();
    if let (Some(Some(_)), Some(format)) = (gif, format) {
        if format != Format::Gif {
            not_gif(f.path_of("gif"), format.as_str(), r);
        }
    }

    let video_codec = video_codec
        .zip(format)
        .and_then(|(codec, format)| resolve_codec(codec, format.video_codecs(), format, &f.path_of("videoCodec"), r));
    let audio_codec = audio_codec
        .zip(format)
        .and_then(|(codec, format)| resolve_codec(codec, format.audio_codecs(), format, &f.path_of("audioCodec"), r));
    if let (Some(w), Some(h), Some(format)) = (width, height, format) {
        check_frame_size(w, h, format, &f, r);
    }
    f.finish(r);
    Some(Output {
        width: width?,
        height: height?,
        fps: fps?,
        format: format?,
        video_codec: video_codec?,
        audio_codec: audio_codec?,
        quality: quality?,
        target_size_bytes: target_size_bytes?,
        background: background?,
        force_transcode: force_transcode?,
        gif: if format? == Format::Gif { Some(gif?.unwrap_or_default()) } else { None },
    })
}

/// The given codec if `format` can hold it, else its default; reports a mismatch.
fn resolve_codec<C: Keyword>(codec: Option<C>, allowed: &[C], format: Format, path: &str, r: &mut Report) -> Option<C> {
    let Some(codec) = codec else { return allowed.first().copied() };
    if allowed.contains(&codec) {
        return Some(codec);
    }
    let names: Vec<&str> = allowed.iter().map(|c| c.name()).collect();
    let message = format!(
        "\"{}\" cannot be stored in {}; choose {} (or another format)",
        codec.name(),
        format.as_str(),
        quoted_list(&names, "or")
    );
    r.add(path, ErrorCode::Conflict, message);
    None
}

/// Checks the pixel count and, for 4:2:0 video, that both sides are even.
fn check_frame_size(width: u32, height: u32, format: Format, f: &Fields, r: &mut Report) {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_OUTPUT_PIXELS {
        let message = format!("{width}×{height} is {pixels} pixels; the limit is {MAX_OUTPUT_PIXELS} (8192×4320)");
        r.add(f.path(), ErrorCode::OutOfRange, message);
    }
    if format == Format::Gif {
        return;
    }
    for (name, side) in [("width", width), ("height", height)] {
        if side % 2 == 1 {
            let message = format!(
                "must be even for {} video (4:2:0 chroma is sampled in 2×2 blocks); use {} or {}",
                format.as_str(),
                side - 1,
                side + 1
            );
            r.add(f.path_of(name), ErrorCode::InvalidValue, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(fps: f64) -> Output {
        Output {
            width: 16,
            height: 16,
            fps,
            format: Format::Mp4,
            video_codec: VideoCodec::H264,
            audio_codec: AudioCodec::Aac,
            quality: Quality::High,
            target_size_bytes: None,
            background: Color::BLACK,
            force_transcode: false,
            gif: None,
        }
    }

    #[test]
    fn frame_rate_recognizes_ntsc_rates() {
        assert_eq!(output(29.97).frame_rate(), (30000, 1001));
        assert_eq!(output(23.976).frame_rate(), (24000, 1001));
        assert_eq!(output(59.94).frame_rate(), (60000, 1001));
        assert_eq!(output(30.0).frame_rate(), (30, 1));
        assert_eq!(output(12.5).frame_rate(), (25, 2));
        assert_eq!(output(120.0).frame_rate(), (120, 1));
        assert_eq!(output(1.0).frame_rate(), (1, 1));
    }

    #[test]
    fn every_format_has_a_default_codec() {
        for (_, format) in Format::ALL {
            assert!(!format.video_codecs().is_empty() && !format.audio_codecs().is_empty());
        }
    }
}
