//! One encoded sample, as it leaves a demuxer and enters a muxer.

/// An encoded audio or video sample with its timing, in microseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The [`TrackInfo::id`](super::TrackInfo::id) it belongs to.
    pub track_id: u32,
    /// Presentation time, after edit lists are applied (may be negative for pre-roll).
    pub pts_us: i64,
    /// Decode time; equals `pts_us` for streams without reordering.
    pub dts_us: i64,
    /// Duration; 0 when the container does not say.
    pub duration_us: i64,
    /// True for sync samples (keyframes), where decoding may start.
    pub keyframe: bool,
    /// The encoded bytes, exactly as stored in the container.
    pub data: Vec<u8>,
}
