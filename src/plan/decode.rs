//! What each source must provide: the source time ranges of its tracks that are played
//! (with where decoding has to start), or the whole file for images, captions and fonts.

use serde::{Deserialize, Serialize};

/// Decoder pre-roll before an audio clip's first sample (Opus asks for 80 ms; AAC needs less).
pub const AUDIO_PREROLL_US: i64 = 80_000;

/// A played range of one track, in source time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackRange {
    /// The container track id.
    pub track_id: u32,
    /// First source time played.
    pub from_us: i64,
    /// Source time where playback stops.
    pub to_us: i64,
    /// Where decoding starts: the keyframe at or before `from_us` (video), or `from_us` minus
    /// the pre-roll (audio).
    pub decode_from_us: i64,
}

/// Everything the render needs from one source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceNeeds {
    /// True for images, subtitle files and fonts: the whole file is read.
    pub whole_file: bool,
    /// Video ranges, one per use, in plan order.
    pub video: Vec<TrackRange>,
    /// Audio ranges, one per use, in plan order.
    pub audio: Vec<TrackRange>,
}

impl SourceNeeds {
    /// The source time spans to read, `(decode_from_us, to_us)` over all tracks, sorted, with
    /// overlapping or touching spans merged (for range-only uploads and reads).
    pub fn spans(&self) -> Vec<(i64, i64)> {
        merge_spans(self.video.iter().chain(&self.audio).map(|r| (r.decode_from_us, r.to_us)).collect())
    }
}

/// Sorts `(from, to)` spans and merges overlapping or touching ones.
pub fn merge_spans(mut spans: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// The keyframe to start decoding at for source time `from_us`: the last keyframe at or before
/// it, else the first keyframe, else 0 (no keyframe index).
pub fn keyframe_before(keyframes_us: &[i64], from_us: i64) -> i64 {
    let after = keyframes_us.partition_point(|&k| k <= from_us);
    match after.checked_sub(1).and_then(|i| keyframes_us.get(i)) {
        Some(&k) => k,
        None => keyframes_us.first().copied().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_keyframe_at_or_before() {
        let keys = [0, 2_000_000, 4_000_000];
        assert_eq!(keyframe_before(&keys, 3_999_999), 2_000_000);
        assert_eq!(keyframe_before(&keys, 4_000_000), 4_000_000);
        assert_eq!(keyframe_before(&keys, 9_000_000), 4_000_000);
        assert_eq!(keyframe_before(&[33_000, 2_000_000], 0), 33_000);
        assert_eq!(keyframe_before(&[], 5_000_000), 0);
    }

    #[test]
    fn merges_overlapping_spans() {
        let range = |decode_from_us, to_us| TrackRange { track_id: 1, from_us: decode_from_us, to_us, decode_from_us };
        let needs = SourceNeeds {
            whole_file: false,
            video: vec![range(5, 9), range(0, 3)],
            audio: vec![range(2, 4), range(9, 12)],
        };
        assert_eq!(needs.spans(), vec![(0, 4), (5, 12)]);
    }
}
