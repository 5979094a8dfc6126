//! `AudioBlock`: a run of planar f32 frames with its sample rate and stream position.

use super::{AudioError, MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};
use crate::time;

/// Planar f32 audio: one plane per channel, all of equal length, at one sample rate.
///
/// `start` is the index of the first frame in frames of `sample_rate` (for decoded input,
/// `time::us_to_ticks(timestamp_us, rate)`; for stage output, the frame count the stage
/// emitted before this block).
#[derive(Debug, Clone, PartialEq)]
pub struct AudioBlock {
    sample_rate: u32,
    start: i64,
    planes: Vec<Vec<f32>>,
}

impl AudioBlock {
    /// Makes a block from planes, checking the rate (8–96 kHz), the channel count (1–8) and equal plane lengths.
    pub fn new(sample_rate: u32, start: i64, planes: Vec<Vec<f32>>) -> Result<Self, AudioError> {
        check_rate(sample_rate)?;
        check_channels(planes.len())?;
        let frames = planes.first().map_or(0, Vec::len);
        if planes.iter().any(|p| p.len() != frames) {
            return Err(AudioError::RaggedPlanes);
        }
        Ok(Self { sample_rate, start, planes })
    }

    /// Makes a block from interleaved samples (`L R L R …`), as WebCodecs' `f32` format holds them.
    pub fn from_interleaved(sample_rate: u32, channels: usize, start: i64, samples: &[f32]) -> Result<Self, AudioError> {
        check_channels(channels)?;
        if samples.len() % channels != 0 {
            return Err(AudioError::PartialFrame { len: samples.len(), channels });
        }
        let planes = (0..channels).map(|c| samples.iter().skip(c).step_by(channels).copied().collect()).collect();
        Self::new(sample_rate, start, planes)
    }

    /// Makes `frames` frames of silence.
    pub fn silence(sample_rate: u32, channels: usize, start: i64, frames: usize) -> Result<Self, AudioError> {
        check_channels(channels)?;
        Self::new(sample_rate, start, vec![vec![0.0; frames]; channels])
    }

    /// Builds a block the audio stages made themselves (rate, channel count and lengths already valid).
    pub(super) fn assemble(sample_rate: u32, start: i64, planes: Vec<Vec<f32>>) -> Self {
        debug_assert!(planes.windows(2).all(|w| w[0].len() == w[1].len()));
        Self { sample_rate, start, planes }
    }

    /// Frames per second.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Index of the first frame, in frames of `sample_rate`.
    pub fn start(&self) -> i64 {
        self.start
    }

    /// Index one past the last frame.
    pub fn end(&self) -> i64 {
        self.start + self.frames() as i64
    }

    /// Timestamp of the first frame in microseconds (rounded to nearest).
    pub fn start_us(&self) -> i64 {
        time::ticks_to_us(self.start, self.sample_rate)
    }

    /// Number of frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.planes.first().map_or(0, Vec::len)
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.planes.len()
    }

    /// The planes, one per channel.
    pub fn planes(&self) -> &[Vec<f32>] {
        &self.planes
    }

    /// Takes the planes out of the block.
    pub fn into_planes(self) -> Vec<Vec<f32>> {
        self.planes
    }

    /// The samples interleaved (`L R L R …`), for WebCodecs' `f32` format.
    pub fn to_interleaved(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.frames() * self.channels());
        for i in 0..self.frames() {
            out.extend(self.planes.iter().map(|p| p[i]));
        }
        out
    }
}

/// Checks a sample rate is within 8–96 kHz.
pub(super) fn check_rate(rate: u32) -> Result<(), AudioError> {
    if (MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&rate) { Ok(()) } else { Err(AudioError::UnsupportedSampleRate { rate }) }
}

/// Checks a channel count is within 1–8.
pub(super) fn check_channels(channels: usize) -> Result<(), AudioError> {
    if (1..=MAX_CHANNELS).contains(&channels) { Ok(()) } else { Err(AudioError::UnsupportedChannelCount { channels }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_round_trips() {
        let samples: Vec<f32> = (0..12).map(|i| i as f32).collect();
        let block = AudioBlock::from_interleaved(44_100, 3, 7, &samples).unwrap();
        assert_eq!((block.frames(), block.channels(), block.end()), (4, 3, 11));
        assert_eq!(block.planes()[1], vec![1.0, 4.0, 7.0, 10.0]);
        assert_eq!(block.to_interleaved(), samples);
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(AudioBlock::new(44_100, 0, vec![vec![0.0; 3], vec![0.0; 2]]), Err(AudioError::RaggedPlanes));
        assert_eq!(AudioBlock::new(7_999, 0, vec![vec![]]).unwrap_err().code(), "audio_unsupported_sample_rate");
        assert_eq!(AudioBlock::new(48_000, 0, vec![]).unwrap_err().code(), "audio_unsupported_channel_count");
        assert_eq!(AudioBlock::silence(48_000, 9, 0, 4).unwrap_err().code(), "audio_unsupported_channel_count");
        assert_eq!(AudioBlock::from_interleaved(48_000, 2, 0, &[0.0; 3]).unwrap_err().code(), "audio_partial_frame");
    }

    #[test]
    fn start_converts_to_microseconds() {
        let block = AudioBlock::silence(44_100, 1, 44_100 * 3 / 2, 1).unwrap();
        assert_eq!(block.start_us(), 1_500_000);
    }
}
