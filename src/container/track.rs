//! What a demuxer knows about each track, and what a muxer needs to write one.

use super::serde_time;
use serde::Serialize;

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackKind {
    /// A video track.
    Video,
    /// An audio track.
    Audio,
}

/// Video-specific track facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoInfo {
    /// Coded width in pixels (before rotation).
    pub width: u32,
    /// Coded height in pixels (before rotation).
    pub height: u32,
    /// Clockwise display rotation in degrees: 0, 90, 180 or 270.
    pub rotation: u16,
    /// Average frames per second, when the track has frames with durations.
    pub frame_rate: Option<f64>,
    /// True when frame durations vary by more than rounding (variable frame rate).
    pub variable_frame_rate: bool,
}

/// Audio-specific track facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioInfo {
    /// Samples per second.
    pub sample_rate: u32,
    /// Channel count.
    pub channels: u16,
}

/// One track of a probed or demuxed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackInfo {
    /// The container's track id (MP4 track_ID, Matroska TrackNumber).
    pub id: u32,
    /// Audio or video.
    pub kind: TrackKind,
    /// Codec in WebCodecs form: `avc1.64001f`, `hvc1.1.6.L93.B0`, `vp09.00.10.08`, `av01.0.04M.08`, `vp8`, `mp4a.40.2`, `opus`.
    pub codec: String,
    /// Decoder configuration in WebCodecs `description` form: avcC/hvcC record, AAC AudioSpecificConfig, OpusHead; `None` for VP8/VP9.
    #[serde(skip)]
    pub description: Option<Vec<u8>>,
    /// The container's native ticks per second for this track (1000 for Matroska's default).
    pub timescale: u32,
    /// Presentation duration after edit lists, when known.
    #[serde(rename = "duration", serialize_with = "serde_time::opt_seconds")]
    pub duration_us: Option<i64>,
    /// Number of samples, when known without reading every cluster.
    pub sample_count: Option<u64>,
    /// Present for video tracks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoInfo>,
    /// Present for audio tracks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioInfo>,
    /// Presentation times of keyframes, in ascending order (video tracks).
    #[serde(rename = "keyframes", serialize_with = "serde_time::seconds_list")]
    pub keyframes_us: Vec<i64>,
}
