//! Encoder choices: WebCodecs codec-string candidates, bitrates and keyframe spacing.
//!
//! **Video bitrate** from `quality` is `bpp × width × height × fps`, with bits per pixel per
//! frame of 0.1 (high), 0.06 (medium) and 0.035 (low) for VP8, and 0.65× those for VP9 and AV1
//! (they need about a third fewer bits for the same quality). H.264 gets 0.2, 0.14 and 0.12:
//! the browser's H.264 encoder needs about twice libx264's bits for the same PSNR, and client
//! and server renders must match (≥ 30 dB). The server's libx264 encodes H.264 at a constant
//! rate factor instead ([`VideoEncoding::crf`]: 20, 22, 24), that bitrate being its cap. With
//! `targetSizeBytes`, the video gets `(target × 8 × 0.98) / duration − audio bitrate` (2 % is
//! left for the container), kept between 0.005 and 0.5 bpp (× the same codec factor); below
//! that floor the target is refused. GIF has no bitrate: its encoder maps `quality` to
//! palette effort and ignores `targetSizeBytes`.
//!
//! **Candidates** are tried in order with `VideoEncoder.isConfigSupported`, and the renderer
//! reports the one it used: H.264 High → Main → Constrained Baseline → Baseline
//! (`avc1.6400LL`, `avc1.4d00LL`, `avc1.42e0LL`, `avc1.4200LL`), VP9 profile 0 8-bit
//! (`vp09.00.LL.08`), AV1 main profile 8-bit main tier (`av01.0.LLM.08`), `vp8`; each level
//! is the smallest that holds the frame size, frame rate and bitrate (see `levels`).
//!
//! **Audio** is 48 kHz stereo: Opus at 128/96/64 kbit/s or AAC-LC (`mp4a.40.2`) at
//! 192/128/96 kbit/s for high/medium/low.

use super::error::PlanErrorKind;
use super::frames::FrameRate;
use super::target_size::SizeTarget;
use super::levels::{H264Profile, av1_level, h264_level, vp9_level};
use crate::audio::{OUTPUT_CHANNELS, OUTPUT_RATE};
use crate::project::{AudioCodec, Output, Quality, VideoCodec};
use serde::{Deserialize, Serialize};

/// Seconds between forced keyframes.
pub const KEYFRAME_INTERVAL_US: i64 = 2_000_000;
/// Share of a target size kept for the container, in percent.
const CONTAINER_OVERHEAD_PERCENT: u128 = 2;
/// Lowest and highest bits per pixel per frame (before the codec factor) for a target size.
const MIN_BPP: f64 = 0.005;
const MAX_BPP: f64 = 0.5;

/// How the file is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encoding {
    /// The video encoder.
    pub video: VideoEncoding,
    /// The audio encoder, or `None` for a file without sound (`audioCodec: "none"`).
    pub audio: Option<AudioEncoding>,
}

/// The video encoder's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoEncoding {
    /// The codec asked for.
    pub codec: VideoCodec,
    /// WebCodecs codec strings to try in order (empty for GIF, which has its own encoder).
    pub candidates: Vec<String>,
    /// Target bitrate in bits per second (0 for GIF).
    pub bitrate_bps: u64,
    /// Force a keyframe every this many frames (about 2 seconds).
    pub keyframe_interval_frames: u64,
    /// The size to land under, when `targetSizeBytes` is set (not for GIF).
    pub target: Option<SizeTarget>,
    /// libx264's constant rate factor for `quality` (H.264 without a size target), capped at
    /// `bitrate_bps`; `None` where the bitrate alone rules.
    #[serde(default)]
    pub crf: Option<u8>,
}

/// The audio encoder's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioEncoding {
    /// The codec asked for.
    pub codec: AudioCodec,
    /// The WebCodecs codec string: `opus` or `mp4a.40.2`.
    pub codec_string: String,
    /// Samples per second (48 000: the mixer's rate).
    pub sample_rate: u32,
    /// Channels (2: the mixer's stereo).
    pub channels: u32,
    /// Target bitrate in bits per second.
    pub bitrate_bps: u64,
    /// Samples per encoded frame (Opus 960, AAC 1024); a good mixer block size.
    pub frame_samples: u32,
}

/// Chooses the encoders for `output` at `rate` over `duration_us`.
pub(crate) fn choose(output: &Output, rate: FrameRate, duration_us: i64) -> Result<Encoding, PlanErrorKind> {
    let audio = audio_encoding(output.audio_codec, output.quality);
    let audio_bps = audio.as_ref().map_or(0, |a| a.bitrate_bps);
    let bitrate_bps = video_bitrate(output, rate, duration_us, audio_bps)?;
    let candidates = candidates(output.video_codec, output.width, output.height, rate, bitrate_bps);
    let interval = (i128::from(KEYFRAME_INTERVAL_US) * i128::from(rate.num) + i128::from(rate.den) * 500_000)
        / (i128::from(rate.den) * 1_000_000);
    let target = output
        .target_size_bytes
        .filter(|_| output.video_codec != VideoCodec::Gif && duration_us > 0)
        .map(|target_bytes| SizeTarget { target_bytes, duration_us, audio_bps });
    let crf = (output.video_codec == VideoCodec::H264 && target.is_none()).then(|| h264_crf(output.quality));
    let video = VideoEncoding {
        codec: output.video_codec,
        candidates,
        bitrate_bps,
        keyframe_interval_frames: (interval as u64).max(1),
        target,
        crf,
    };
    Ok(Encoding { video, audio })
}

/// The codec strings to try for `codec`, best first.
pub fn candidates(codec: VideoCodec, width: u32, height: u32, rate: FrameRate, bitrate_bps: u64) -> Vec<String> {
    match codec {
        VideoCodec::H264 => {
            [H264Profile::High, H264Profile::Main, H264Profile::ConstrainedBaseline, H264Profile::Baseline]
                .iter()
                .map(|&p| p.codec_string(h264_level(width, height, rate, bitrate_bps, p)))
                .collect()
        }
        VideoCodec::Vp9 => vec![format!("vp09.00.{:02}.08", vp9_level(width, height, rate))],
        VideoCodec::Av1 => vec![format!("av01.0.{:02}M.08", av1_level(width, height, rate, bitrate_bps))],
        VideoCodec::Vp8 => vec!["vp8".to_owned()],
        VideoCodec::Gif => Vec::new(),
    }
}

/// Bits per pixel per frame for `quality` with `codec` (0 for GIF).
fn bits_per_pixel(codec: VideoCodec, quality: Quality) -> f64 {
    if codec == VideoCodec::H264 {
        return match quality {
            Quality::High => 0.2,
            Quality::Medium => 0.14,
            Quality::Low => 0.12,
        };
    }
    let base = match quality {
        Quality::High => 0.1,
        Quality::Medium => 0.06,
        Quality::Low => 0.035,
    };
    base * codec_factor(codec)
}

/// libx264's constant rate factor for `quality`: about the PSNR the browser's encoder reaches
/// at the H.264 bitrate of the same quality, a little above it.
fn h264_crf(quality: Quality) -> u8 {
    match quality {
        Quality::High => 20,
        Quality::Medium => 22,
        Quality::Low => 24,
    }
}

/// How many bits `codec` needs relative to H.264 for the same quality.
fn codec_factor(codec: VideoCodec) -> f64 {
    match codec {
        VideoCodec::H264 | VideoCodec::Vp8 => 1.0,
        VideoCodec::Vp9 | VideoCodec::Av1 => 0.65,
        VideoCodec::Gif => 0.0,
    }
}

/// The video bitrate from quality or from the target size.
fn video_bitrate(output: &Output, rate: FrameRate, duration_us: i64, audio_bps: u64) -> Result<u64, PlanErrorKind> {
    let pixel_rate = f64::from(output.width) * f64::from(output.height) * rate.fps();
    let at = |bpp: f64| (bpp * pixel_rate).round() as u64;
    let factor = codec_factor(output.video_codec);
    let (Some(target), true) = (output.target_size_bytes, factor > 0.0 && duration_us > 0) else {
        return Ok(at(bits_per_pixel(output.video_codec, output.quality)));
    };
    let (floor, ceiling) = (at(MIN_BPP * factor), at(MAX_BPP * factor));
    let duration = duration_us as u128;
    let usable_bits = u128::from(target) * 8 * (100 - CONTAINER_OVERHEAD_PERCENT) / 100;
    let total_bps = usable_bits * 1_000_000 / duration;
    let video_bps = total_bps.saturating_sub(u128::from(audio_bps));
    if video_bps < u128::from(floor) {
        let needed_bits = u128::from(floor + audio_bps) * duration / 1_000_000;
        let needed_bytes = (needed_bits * 100 / (100 - CONTAINER_OVERHEAD_PERCENT)).div_ceil(8);
        return Err(PlanErrorKind::TargetSizeTooSmall { target_bytes: target, needed_bytes: needed_bytes as u64 });
    }
    Ok(video_bps.min(u128::from(ceiling)) as u64)
}

/// The audio encoder for `codec` at `quality`, or `None` for no audio.
fn audio_encoding(codec: AudioCodec, quality: Quality) -> Option<AudioEncoding> {
    let (codec_string, kbps, frame_samples) = match (codec, quality) {
        (AudioCodec::None, _) => return None,
        (AudioCodec::Opus, Quality::High) => ("opus", 128, 960),
        (AudioCodec::Opus, Quality::Medium) => ("opus", 96, 960),
        (AudioCodec::Opus, Quality::Low) => ("opus", 64, 960),
        (AudioCodec::Aac, Quality::High) => ("mp4a.40.2", 192, 1024),
        (AudioCodec::Aac, Quality::Medium) => ("mp4a.40.2", 128, 1024),
        (AudioCodec::Aac, Quality::Low) => ("mp4a.40.2", 96, 1024),
    };
    Some(AudioEncoding {
        codec,
        codec_string: codec_string.to_owned(),
        sample_rate: OUTPUT_RATE,
        channels: OUTPUT_CHANNELS as u32,
        bitrate_bps: kbps * 1000,
        frame_samples,
    })
}
