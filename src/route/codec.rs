//! Codec families and their cost relative to H.264, the codec the device benchmark measures.

use crate::project::VideoCodec;
use serde::{Deserialize, Serialize};

/// A video codec family, as far as cost goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodecFamily {
    /// H.264 / AVC (`avc1`, `avc3`).
    H264,
    /// H.265 / HEVC (`hvc1`, `hev1`).
    Hevc,
    /// VP8.
    Vp8,
    /// VP9 (`vp09`).
    Vp9,
    /// AV1 (`av01`).
    Av1,
    /// GIF (our own encoder) and anything unknown.
    Other,
}

impl CodecFamily {
    /// The family of a WebCodecs codec string (`avc1.64001f`, `hvc1.1.6.L93.B0`, `vp09.…`).
    pub fn of_codec_string(codec: &str) -> CodecFamily {
        let prefix = codec.split('.').next().unwrap_or_default();
        match prefix {
            "avc1" | "avc3" => CodecFamily::H264,
            "hvc1" | "hev1" => CodecFamily::Hevc,
            "vp8" => CodecFamily::Vp8,
            "vp09" | "vp9" => CodecFamily::Vp9,
            "av01" => CodecFamily::Av1,
            _ => CodecFamily::Other,
        }
    }

    /// The family of a project's output codec.
    pub fn of_output(codec: VideoCodec) -> CodecFamily {
        match codec {
            VideoCodec::H264 => CodecFamily::H264,
            VideoCodec::Vp8 => CodecFamily::Vp8,
            VideoCodec::Vp9 => CodecFamily::Vp9,
            VideoCodec::Av1 => CodecFamily::Av1,
            VideoCodec::Gif => CodecFamily::Other,
        }
    }

    /// Decoding time per pixel relative to H.264 (software decoders in a browser).
    pub fn decode_factor(self) -> f64 {
        match self {
            CodecFamily::H264 | CodecFamily::Other => 1.0,
            CodecFamily::Vp8 => 1.1,
            CodecFamily::Hevc => 1.3,
            CodecFamily::Vp9 => 1.4,
            CodecFamily::Av1 => 2.0,
        }
    }

    /// Encoding time per pixel relative to H.264 in the browser (WebCodecs' realtime-speed
    /// settings; VP9 measured at 1.3–2 in Chromium, 1.1–1.3 at 1080p with the 720p pipelined
    /// benchmark).
    pub fn encode_factor(self) -> f64 {
        match self {
            CodecFamily::Vp9 => 1.3,
            other => other.server_encode_factor(),
        }
    }

    /// Encoding time per pixel relative to libx264 `medium` on the server (its libvpx, libaom
    /// settings; VP9 measured at 1.2–1.6 with the render's decoding counted apart).
    pub fn server_encode_factor(self) -> f64 {
        match self {
            CodecFamily::H264 => 1.0,
            CodecFamily::Vp8 => 1.5,
            CodecFamily::Hevc => 2.5,
            CodecFamily::Vp9 => 1.4,
            CodecFamily::Av1 => 5.0,
            CodecFamily::Other => 2.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_strings_map_to_families() {
        assert_eq!(CodecFamily::of_codec_string("avc1.64001f"), CodecFamily::H264);
        assert_eq!(CodecFamily::of_codec_string("hev1.1.6.L93.B0"), CodecFamily::Hevc);
        assert_eq!(CodecFamily::of_codec_string("vp09.00.10.08"), CodecFamily::Vp9);
        assert_eq!(CodecFamily::of_codec_string("vp8"), CodecFamily::Vp8);
        assert_eq!(CodecFamily::of_codec_string("av01.0.04M.08"), CodecFamily::Av1);
        assert_eq!(CodecFamily::of_codec_string("mp4a.40.2"), CodecFamily::Other);
    }
}
