//! Platform-free audio math of the render engine: f32 planar blocks, stereo downmix,
//! resampling to 48 kHz, pitch-preserving speed change, volume and fades, and a timeline
//! mixer with a soft limiter.
//!
//! Everything streams: each stage takes blocks of any size, keeps a bounded internal
//! state, and gives the same samples whatever the chunking. Positions are integer frame
//! counts derived from integer microseconds (never accumulated seconds), so a layer's
//! audio stays within a few samples of its timeline slot however long the project.
//!
//! The usual flow for one clip: decoded blocks → [`ClipChain`] (trim at the source, fill
//! gaps, [`to_stereo`], [`Resampler`] to 48 kHz, [`Stretcher`] for speed) → one layer of
//! the [`Mixer`] (timeline slot, [`Envelope`] with volume and fades) → [`soft_limit`] →
//! 48 kHz stereo blocks for the encoder.

mod buffer;
mod chain;
mod channels;
mod dot;
mod error;
mod fade;
mod gain;
mod kernel;
mod limiter;
mod mixer;
mod resample;
mod stretch;

pub use buffer::AudioBlock;
pub use chain::{ChainPoll, ClipChain};
pub use channels::to_stereo;
pub use error::AudioError;
pub use fade::{Envelope, FadeCurve};
pub use gain::{Volume, db_to_gain, gain_to_db};
pub use limiter::{LIMIT_THRESHOLD, soft_limit};
pub use mixer::{LayerId, LayerSpec, MixPoll, Mixer};
pub use resample::Resampler;
pub use stretch::{Speed, Stretcher};

use crate::time;

/// The engine's output sample rate (frames per second); every layer is mixed at this rate.
pub const OUTPUT_RATE: u32 = 48_000;
/// The engine's output channel count (stereo: left, right).
pub const OUTPUT_CHANNELS: usize = 2;
/// The lowest accepted input sample rate.
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// The highest accepted input sample rate.
pub const MAX_SAMPLE_RATE: u32 = 96_000;
/// The most channels an input block may have (7.1).
pub const MAX_CHANNELS: usize = 8;

/// Converts microseconds to a frame index at [`OUTPUT_RATE`], rounding to nearest.
pub fn us_to_frame(us: i64) -> i64 {
    time::us_to_ticks(us, OUTPUT_RATE)
}

/// Converts a frame index at [`OUTPUT_RATE`] to microseconds, rounding to nearest.
pub fn frame_to_us(frame: i64) -> i64 {
    time::ticks_to_us(frame, OUTPUT_RATE)
}
