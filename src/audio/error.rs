//! The audio layer's error type.

use thiserror::Error;

/// Everything that can go wrong while shaping, resampling, stretching or mixing audio.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AudioError {
    /// The sample rate is outside 8–96 kHz.
    #[error("unsupported sample rate {rate} Hz: use audio between 8 and 96 kHz")]
    UnsupportedSampleRate {
        /// The rate that was given.
        rate: u32,
    },
    /// The channel count is outside 1–8.
    #[error("unsupported channel count {channels}: use audio with 1 to 8 channels")]
    UnsupportedChannelCount {
        /// The count that was given.
        channels: usize,
    },
    /// The planes of one block do not all hold the same number of frames.
    #[error("the channel planes have different lengths; pass one plane per channel, all of equal length")]
    RaggedPlanes,
    /// An interleaved buffer whose length is not a multiple of the channel count.
    #[error("an interleaved buffer of {len} samples cannot hold whole frames of {channels} channels")]
    PartialFrame {
        /// Samples in the buffer.
        len: usize,
        /// Channels per frame.
        channels: usize,
    },
    /// A block does not have the sample rate or channel count the stage was built for.
    #[error("expected {expected_rate} Hz with {expected_channels} channels, got {rate} Hz with {channels}; convert the block first")]
    FormatMismatch {
        /// The rate the stage wants.
        expected_rate: u32,
        /// The channel count the stage wants.
        expected_channels: usize,
        /// The block's rate.
        rate: u32,
        /// The block's channel count.
        channels: usize,
    },
    /// A decoder changed its output sample rate in the middle of a clip.
    #[error("the sample rate changed from {from} Hz to {to} Hz inside one clip; re-encode the source at one rate")]
    SampleRateChanged {
        /// The clip's first rate.
        from: u32,
        /// The new rate.
        to: u32,
    },
    /// A speed outside 0.25–4×, or not a number.
    #[error("speed {speed} is out of range: use a speed between 0.25 and 4")]
    SpeedOutOfRange {
        /// The speed that was given.
        speed: f64,
    },
    /// A volume outside 0–4, or not a number.
    #[error("volume {volume} is out of range: use a linear volume between 0 and 4")]
    VolumeOutOfRange {
        /// The volume that was given.
        volume: f64,
    },
    /// A time range whose end comes before its start.
    #[error("the range ends ({end}) before it starts ({start})")]
    InvertedRange {
        /// Where the range starts.
        start: i64,
        /// Where the range ends.
        end: i64,
    },
    /// A mixer block size of zero or above the limit.
    #[error("block size {frames} is out of range: use 1 to {max} frames")]
    BlockSizeOutOfRange {
        /// The size that was given.
        frames: usize,
        /// The largest accepted size.
        max: usize,
    },
    /// A layer id the mixer never handed out.
    #[error("unknown mixer layer {id}")]
    UnknownLayer {
        /// The id that was given.
        id: u32,
    },
}

impl AudioError {
    /// A stable machine-readable code for JS.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedSampleRate { .. } => "audio_unsupported_sample_rate",
            Self::UnsupportedChannelCount { .. } => "audio_unsupported_channel_count",
            Self::RaggedPlanes => "audio_ragged_planes",
            Self::PartialFrame { .. } => "audio_partial_frame",
            Self::FormatMismatch { .. } => "audio_format_mismatch",
            Self::SampleRateChanged { .. } => "audio_sample_rate_changed",
            Self::SpeedOutOfRange { .. } => "audio_speed_out_of_range",
            Self::VolumeOutOfRange { .. } => "audio_volume_out_of_range",
            Self::InvertedRange { .. } => "audio_inverted_range",
            Self::BlockSizeOutOfRange { .. } => "audio_block_size_out_of_range",
            Self::UnknownLayer { .. } => "audio_unknown_layer",
        }
    }
}
