//! Streaming sample-rate conversion by band-limited (windowed-sinc) interpolation.
//!
//! Written here rather than taken from `rubato`: the engine needs one fixed job (any rate →
//! 48 kHz, a few channels, deterministic, exact lengths), and ~250 lines with a shared
//! 32 KB window table cost far less wasm than a general resampling crate with its FFT machinery.
//! Common rate pairs have few phases (44.1 → 48 kHz: 160), whose weights are computed once.
//!
//! **Positions are exact.** Output frame `k` sits at input position `k · in / out`,
//! kept as the integer pair `(⌊k·M/L⌋, k·M mod L)` with `L/M = out/in` reduced, so nothing
//! drifts however long the stream. Output is aligned with input (no filter delay): output
//! frame 0 is input frame 0; frames before the stream start are taken as silence.
//!
//! **Lengths are exact.** After a stream of `N` input frames and [`Resampler::flush`], the
//! total output is `round(N · out / in)` frames (halves round up), whatever the chunking.
//!
//! **Chunking does not matter.** Each output frame is computed from the same input samples
//! in the same order whatever the block sizes, so results are bit-identical. State is the
//! ≈ 2 × 67 input frames the kernel spans (≈ 2 × 140 when downsampling 96 kHz), independent
//! of stream length. Equal rates pass through bit-exact.

use super::buffer::{check_channels, check_rate};
use super::dot::dot;
use super::kernel::{CUTOFF, ZERO_CROSSINGS, weights};
use super::history::History;
use super::{AudioBlock, AudioError};

/// A streaming resampler from one rate to another for a fixed channel count.
#[derive(Debug, Clone)]
pub struct Resampler {
    in_rate: u32,
    out_rate: u32,
    /// Input frames per `step_den` output frames (`M`, the reduced input rate).
    step_num: u64,
    /// Output frames per `step_num` input frames (`L`, the reduced output rate).
    step_den: u64,
    /// Kernel zero crossings per input frame (twice the cutoff over the input rate).
    scale: f64,
    /// Input frames on each side of an output position that the kernel reaches.
    half: i64,
    /// Buffered input frames.
    history: History,
    /// Input frames received since the stream started.
    received: u64,
    /// Output frames emitted since the stream started.
    emitted: u64,
    /// The kernel weights of each phase.
    weights: PhaseWeights,
}

/// Most weights (64 K, 256 KB) precomputed per resampler; rate pairs with more phases
/// (unusual rates like 44 056 Hz, or 11 025 Hz) compute them frame by frame, with identical results.
const BANK_LIMIT: usize = 1 << 16;

/// The kernel weights for output frames at phase `p / L` between input frames.
#[derive(Debug, Clone)]
enum PhaseWeights {
    /// Every phase's weights, phase after phase.
    Bank(Vec<f32>),
    /// Scratch for one output frame's weights.
    PerFrame(Vec<f32>),
}

impl PhaseWeights {
    fn new(phases: u64, half: i64, scale: f64) -> Self {
        let taps = 2 * half as usize;
        match usize::try_from(phases).ok().and_then(|p| p.checked_mul(taps)).filter(|&n| n <= BANK_LIMIT) {
            Some(len) => {
                let mut bank = Vec::with_capacity(len);
                for phase in 0..phases {
                    weights(half as f64 - 1.0 + phase as f64 / phases as f64, scale, scale, taps, &mut bank);
                }
                Self::Bank(bank)
            }
            None => Self::PerFrame(Vec::with_capacity(taps)),
        }
    }

    /// The weights of phase `phase` of `phases`, for input frames `index − half + 1 ..= index + half`.
    fn get(&mut self, phase: u64, phases: u64, half: i64, scale: f64) -> &[f32] {
        let taps = 2 * half as usize;
        match self {
            Self::Bank(bank) => &bank[phase as usize * taps..][..taps],
            Self::PerFrame(scratch) => {
                scratch.clear();
                weights(half as f64 - 1.0 + phase as f64 / phases as f64, scale, scale, taps, scratch);
                scratch
            }
        }
    }
}

impl Resampler {
    /// Makes a resampler from `in_rate` to `out_rate` (both 8–96 kHz) for `channels` (1–8) channels.
    pub fn new(in_rate: u32, out_rate: u32, channels: usize) -> Result<Self, AudioError> {
        check_rate(in_rate)?;
        check_rate(out_rate)?;
        check_channels(channels)?;
        let g = gcd(in_rate as u64, out_rate as u64);
        let cutoff_hz = CUTOFF * in_rate.min(out_rate) as f64 / 2.0;
        let scale = 2.0 * cutoff_hz / in_rate as f64;
        let half = (ZERO_CROSSINGS as f64 / scale).ceil() as i64;
        let mut resampler = Self {
            in_rate,
            out_rate,
            step_num: in_rate as u64 / g,
            step_den: out_rate as u64 / g,
            scale,
            half,
            history: History::new(channels),
            received: 0,
            emitted: 0,
            weights: PhaseWeights::new(out_rate as u64 / g, half, scale),
        };
        resampler.reset();
        Ok(resampler)
    }

    /// Total output frames a stream of `input_frames` frames yields (`round(N · out / in)`, halves up).
    pub fn output_frames(&self, input_frames: u64) -> u64 {
        let num = input_frames as u128 * self.step_den as u128;
        let den = self.step_num as u128;
        ((2 * num + den) / (2 * den)) as u64
    }

    /// Feeds the next block of the stream and returns every output frame that is now complete.
    /// The input's `start` is ignored (the stream is taken as contiguous); the output's `start`
    /// is the number of frames emitted before it.
    pub fn process(&mut self, block: &AudioBlock) -> Result<AudioBlock, AudioError> {
        if block.sample_rate() != self.in_rate || block.channels() != self.history.channels() {
            return Err(AudioError::FormatMismatch { expected_rate: self.in_rate, expected_channels: self.history.channels(), rate: block.sample_rate(), channels: block.channels() });
        }
        let start = self.emitted as i64;
        if self.in_rate == self.out_rate {
            self.emitted += block.frames() as u64;
            return Ok(AudioBlock::assemble(self.out_rate, start, block.planes().to_vec()));
        }
        self.history.append(block.planes());
        self.received += block.frames() as u64;
        let available = self.received as i64;
        let out = self.render(|last_needed| last_needed < available, u64::MAX);
        self.trim_history();
        Ok(AudioBlock::assemble(self.out_rate, start, out))
    }

    /// Ends the stream: emits the remaining frames (input past the end taken as silence) so the
    /// total is exactly [`output_frames`](Self::output_frames) of the input, then resets for a new stream.
    pub fn flush(&mut self) -> AudioBlock {
        let start = self.emitted as i64;
        let out = if self.in_rate == self.out_rate {
            vec![Vec::new(); self.history.channels()]
        } else {
            self.history.pad(self.half as usize);
            self.render(|_| true, self.output_frames(self.received))
        };
        self.reset();
        AudioBlock::assemble(self.out_rate, start, out)
    }

    /// Computes output frames while `ready(last input frame needed)` holds and fewer than `total` were emitted.
    fn render(&mut self, ready: impl Fn(i64) -> bool, total: u64) -> Vec<Vec<f32>> {
        let mut out = vec![Vec::new(); self.history.channels()];
        while self.emitted < total {
            let (index, phase) = self.position(self.emitted);
            if !ready(index + self.half) {
                break;
            }
            let weights = self.weights.get(phase, self.step_den, self.half, self.scale);
            let offset = (index - self.half + 1 - self.history.start()) as usize;
            for (history, plane) in self.history.planes().iter().zip(&mut out) {
                plane.push(dot(&history[offset..offset + weights.len()], weights));
            }
            self.emitted += 1;
        }
        out
    }

    /// The input position of output frame `k`: whole input frame and remainder in `1/L` steps.
    fn position(&self, k: u64) -> (i64, u64) {
        let t = k as u128 * self.step_num as u128;
        ((t / self.step_den as u128) as i64, (t % self.step_den as u128) as u64)
    }

    /// Drops buffered input that no future output frame reaches.
    fn trim_history(&mut self) {
        let (index, _) = self.position(self.emitted);
        self.history.drop_before(index - self.half + 1);
    }

    /// Back to the start of a new stream: silence before frame 0, nothing received.
    fn reset(&mut self) {
        self.history.reset(self.half as usize);
        self.received = 0;
        self.emitted = 0;
    }

    /// Frames currently buffered per channel (bounded by the kernel span; for tests of constant memory).
    #[cfg(test)]
    pub(super) fn buffered_frames(&self) -> usize {
        self.history.len()
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_exact_after_hours() {
        let r = Resampler::new(44_100, 48_000, 2).unwrap();
        assert_eq!((r.step_num, r.step_den), (147, 160));
        // Output frame 48 000 · 3 600 (one hour) is input frame 44 100 · 3 600, exactly.
        assert_eq!(r.position(48_000 * 3_600), (44_100 * 3_600, 0));
        assert_eq!(r.position(48_000 * 3_600 + 1), (44_100 * 3_600, 147));
        assert_eq!(r.output_frames(44_100 * 3_600 * 10), 48_000 * 3_600 * 10);
    }

    #[test]
    fn buffered_input_stays_bounded_whatever_the_stream_length() {
        for (rate, sizes) in [(8_000u32, [1usize, 7, 333, 4096]), (96_000, [4096, 1, 333, 7])] {
            let mut r = Resampler::new(rate, 48_000, 1).unwrap();
            let bound = 2 * r.half as usize + 1;
            let mut peak_per_second = Vec::new();
            for second in 0..3 {
                let mut peak = 0;
                let mut sent = 0;
                for &n in sizes.iter().cycle() {
                    if sent >= rate as usize {
                        break;
                    }
                    let block = AudioBlock::silence(rate, 1, 0, n).unwrap();
                    r.process(&block).unwrap();
                    peak = peak.max(r.buffered_frames());
                    sent += n;
                }
                assert!(peak <= bound, "{rate} Hz, second {second}: {peak} frames buffered");
                peak_per_second.push(peak);
            }
            assert_eq!(peak_per_second[1], peak_per_second[2], "{rate} Hz: state does not grow");
        }
    }
}
