//! Platform-free audio math of the render engine: f32 planar blocks, stereo downmix,
//! resampling to 48 kHz, pitch-preserving speed change, volume and fades, and a timeline
//! mixer with a soft limiter.
//!
//! Everything streams: each stage takes blocks of any size, keeps a bounded internal
//! state, and gives the same samples whatever the chunking. Positions are integer frame
//! counts derived from integer microseconds (never accumulated seconds), so a layer's
//! audio stays within a few samples of its timeline slot (within ≈ 10 ms when its speed
//! is changed) however long the project.
//!
//! The usual flow for one clip: decoded blocks → [`ClipChain`] (trim at the source, fill
//! gaps, [`to_stereo`], [`Resampler`] to 48 kHz, [`Stretcher`] for speed) → one layer of
//! the [`Mixer`] (timeline slot, [`Envelope`] with volume and fades) → [`soft_limit`] →
//! 48 kHz stereo blocks for the encoder. Both the mixer and the chains are pull-driven:
//!
//! ```
//! use frameloom::audio::*;
//!
//! // One clip: source 1.0 s – 3.0 s at 2× speed, on the timeline at 0.5 s, volume 0.8, 100 ms fades.
//! let (in_us, out_us, speed, at_us) = (1_000_000, 3_000_000, Speed::new(2.0)?, 500_000);
//! let end_us = at_us + ((out_us - in_us) as f64 / speed.get()).round() as i64;
//! let (start, end) = (us_to_frame(at_us), us_to_frame(end_us));
//! let fade = us_to_frame(100_000) as u64;
//! let envelope = Envelope::new((end - start) as u64, Volume::new(0.8)?, fade, fade, FadeCurve::EqualPower);
//!
//! let mut mixer = Mixer::new(0, us_to_frame(2_000_000), 1024)?;
//! let _layer = mixer.add_layer(LayerSpec { start, envelope }); // keep a LayerId → ClipChain map for many
//! let mut chain = ClipChain::new(in_us, out_us, speed)?;
//! // Stand-in for the WebCodecs decoder: 44.1 kHz mono AudioData of 1024 frames from 0.9 s.
//! let mut decoded = (0..200).map(|i| AudioBlock::silence(44_100, 1, 39_690 + i * 1024, 1024));
//!
//! let mut encoded_frames = 0;
//! loop {
//!     match mixer.poll() {
//!         MixPoll::Block(block) => encoded_frames += block.frames(), // → AudioData("f32-planar") → AudioEncoder
//!         MixPoll::NeedInput(id) => match chain.poll()? {
//!             ChainPoll::Audio(audio) => mixer.push(id, &audio)?,
//!             ChainPoll::NeedInput => match decoded.next() {
//!                 Some(block) => chain.push(&block?)?,
//!                 None => chain.end_input(),
//!             },
//!             ChainPoll::Done => mixer.end_layer(id)?,
//!         },
//!         MixPoll::Done => break,
//!     }
//! }
//! assert_eq!(encoded_frames, 96_000);
//! # Ok::<(), AudioError>(())
//! ```

mod buffer;
mod chain;
mod channels;
mod dot;
mod error;
mod fade;
mod gain;
mod history;
mod kernel;
mod limiter;
mod mixer;
mod resample;
mod stretch;

pub use buffer::AudioBlock;
pub use chain::{ChainPoll, ClipChain};
pub use channels::{stereo_gains, to_stereo};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microseconds_map_to_output_frames_without_drift() {
        assert_eq!(us_to_frame(1_000_000), 48_000);
        assert_eq!(us_to_frame(3_600_000_000 * 10), 48_000 * 3_600 * 10);
        assert_eq!((us_to_frame(10), us_to_frame(11)), (0, 1), "rounds to nearest (20.83 µs per frame)");
        assert_eq!(frame_to_us(1), 21);
        // A 30 fps video frame boundary maps to the same audio frame however far into the project.
        assert_eq!(us_to_frame(time::ticks_to_us(30 * 3_600, 30)), 48_000 * 3_600);
    }
}
