//! A target file size: what the executors need to land at or just under it.
//!
//! The plan sets the video bitrate to `(target × 8 × 0.98) / duration − audio bitrate` (see
//! `encode`). The server encodes in two passes at that bitrate. The client encodes once in the
//! encoder's bitrate mode; when the file is over the target (past [`RETRY_OVERSHOOT_PERCENT`],
//! or at all: the result must not exceed it) it encodes once more at
//! [`SizeTarget::corrected_bitrate`], and fails with `target_size_unreachable` when that encode
//! is still over. Either way the result must be at or under `target_bytes` and at least
//! [`SizeTarget::min_bytes`].

use serde::{Deserialize, Serialize};

/// Overshoot, in percent of the target, above which the client encodes a second time.
pub const RETRY_OVERSHOOT_PERCENT: u64 = 3;
/// The lowest acceptable size, in percent of the target.
pub const MIN_SIZE_PERCENT: u64 = 90;
/// Where a corrected second encode aims, in percent of the target (under it, with room for
/// the encoder's own error).
const RETRY_AIM_PERCENT: u128 = 95;

/// The size a file must reach, with the bitrates planned for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SizeTarget {
    /// `output.targetSizeBytes`: the file must be at most this big.
    pub target_bytes: u64,
    /// The timeline length the bitrates are spread over.
    pub duration_us: i64,
    /// The audio bitrate planned (0 without sound).
    pub audio_bps: u64,
}

impl SizeTarget {
    /// The smallest acceptable file: [`MIN_SIZE_PERCENT`] of the target.
    pub fn min_bytes(&self) -> u64 {
        (u128::from(self.target_bytes) * u128::from(MIN_SIZE_PERCENT) / 100) as u64
    }

    /// True when a file of `actual_bytes` overshoots enough to encode once more.
    pub fn needs_retry(&self, actual_bytes: u64) -> bool {
        u128::from(actual_bytes) * 100 > u128::from(self.target_bytes) * u128::from(100 + RETRY_OVERSHOOT_PERCENT)
    }

    /// The video bitrate for a second encode, after one at `used_bps` made `actual_bytes`:
    /// the video's share of the file is scaled so the whole lands at 95 % of the target
    /// (the audio's share, `audio_bps × duration`, is taken as fixed).
    pub fn corrected_bitrate(&self, used_bps: u64, actual_bytes: u64) -> u64 {
        let duration = self.duration_us.max(1) as u128;
        let audio_bytes = u128::from(self.audio_bps) * duration / 8_000_000;
        let video_bytes = u128::from(actual_bytes).saturating_sub(audio_bytes).max(1);
        let aim = (u128::from(self.target_bytes) * RETRY_AIM_PERCENT / 100).saturating_sub(audio_bytes);
        (u128::from(used_bps) * aim / video_bytes).min(u128::from(used_bps)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_past_three_percent_and_corrects_downwards() {
        let t = SizeTarget { target_bytes: 10_000_000, duration_us: 60_000_000, audio_bps: 128_000 };
        assert_eq!(t.min_bytes(), 9_000_000);
        assert!(!t.needs_retry(10_300_000));
        assert!(t.needs_retry(10_300_001));
        // Audio takes 960 000 bytes; the video made 11.04 MB at 1.2 Mbit/s and must make 8.54 MB.
        assert_eq!(t.corrected_bitrate(1_200_000, 12_000_000), 1_200_000 * 8_540_000 / 11_040_000);
        // Never raised.
        assert_eq!(t.corrected_bitrate(1_200_000, 5_000_000), 1_200_000);
    }
}
