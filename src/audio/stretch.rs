//! Streaming, pitch-preserving speed change (WSOLA: waveform-similarity overlap-add).
//!
//! Output is built from Hann-windowed frames of [`FRAME`] input frames laid every [`HOP`]
//! output frames (50 % overlap; the windows sum to one). Frame `m` is centred at output
//! frame `m·HOP` and nominally at input frame `round(m·HOP·speed)` (computed from `m`, never
//! accumulated); within ±[`SEEK`] of that it starts where its first half best matches the
//! natural continuation of the previous frame (normalized cross-correlation on the channel
//! average, a coarse search every 4th frame refined to the exact one). All channels use the
//! same offset, so the stereo image holds. Near the input's start and (once known) its end,
//! the search window shifts to stay inside the input, so edges keep their full level.
//!
//! **Lengths are exact:** after `N` input frames and [`Stretcher::flush`], the total output is
//! [`Speed::output_frames`]`(N)` = `round(N / speed)`. Output frame 0 is input frame 0.
//! **Chunking does not matter:** every frame depends only on absolute positions, so results
//! are bit-identical for any block sizes. State is a few thousand frames whatever the stream
//! length. Speed 1 passes through bit-exact. Sizes are tuned for 48 kHz (32 ms frames).

use super::buffer::check_channels;
use super::history::History;
use super::{AudioBlock, AudioError, OUTPUT_RATE};

/// Analysis/synthesis frame length in frames (32 ms at 48 kHz).
const FRAME: usize = 1536;
/// Output frames between frame starts: half a frame.
const HOP: usize = FRAME / 2;
/// How far (in input frames, each way) a frame may move to match its predecessor; covers
/// one period of anything above ≈ 62 Hz.
const SEEK: i64 = 384;
/// Step of the coarse similarity search (lags and samples).
const COARSE: usize = 4;

/// A playback speed between 0.25× and 4× (1 = normal).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Speed(f64);

impl Speed {
    /// Normal speed.
    pub const NORMAL: Speed = Speed(1.0);
    /// The slowest accepted speed.
    pub const MIN: f64 = 0.25;
    /// The fastest accepted speed.
    pub const MAX: f64 = 4.0;

    /// Checks `speed` is within 0.25–4.
    pub fn new(speed: f64) -> Result<Self, AudioError> {
        if (Self::MIN..=Self::MAX).contains(&speed) { Ok(Self(speed)) } else { Err(AudioError::SpeedOutOfRange { speed }) }
    }

    /// The speed factor.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Frames of output that `input_frames` frames of input become: `round(N / speed)`.
    pub fn output_frames(self, input_frames: u64) -> u64 {
        (input_frames as f64 / self.0).round() as u64
    }
}

/// A streaming WSOLA time-stretcher for 48 kHz audio with a fixed channel count.
#[derive(Debug, Clone)]
pub struct Stretcher {
    speed: Speed,
    window: Vec<f32>,
    /// Buffered input frames.
    history: History,
    received: u64,
    /// Overlap-add accumulator: output frames `[(m−1)·HOP, (m+1)·HOP)` while frame `m` is added.
    acc: Vec<Vec<f32>>,
    /// Index of the next frame to place.
    next_frame: u64,
    /// Input start of the previous frame.
    prev_start: i64,
    emitted: u64,
    /// Scratch: channel averages of the reference and of the search region.
    reference: Vec<f32>,
    region: Vec<f32>,
}

impl Stretcher {
    /// Makes a stretcher at `speed` for 48 kHz audio with `channels` (1–8) channels.
    pub fn new(speed: Speed, channels: usize) -> Result<Self, AudioError> {
        check_channels(channels)?;
        let window = (0..FRAME).map(|n| (0.5 - 0.5 * (std::f64::consts::TAU * n as f64 / FRAME as f64).cos()) as f32).collect();
        let mut stretcher = Self { speed, window, history: History::new(channels), received: 0, acc: vec![vec![0.0; FRAME]; channels], next_frame: 0, prev_start: 0, emitted: 0, reference: Vec::new(), region: Vec::new() };
        stretcher.reset();
        Ok(stretcher)
    }

    /// Feeds the next block of the stream and returns every output frame that is now complete.
    /// The input's `start` is ignored; the output's `start` is the number of frames emitted before it.
    pub fn process(&mut self, block: &AudioBlock) -> Result<AudioBlock, AudioError> {
        if block.sample_rate() != OUTPUT_RATE || block.channels() != self.history.channels() {
            return Err(AudioError::FormatMismatch { expected_rate: OUTPUT_RATE, expected_channels: self.history.channels(), rate: block.sample_rate(), channels: block.channels() });
        }
        let start = self.emitted as i64;
        if self.speed == Speed::NORMAL {
            self.emitted += block.frames() as u64;
            return Ok(AudioBlock::assemble(OUTPUT_RATE, start, block.planes().to_vec()));
        }
        self.history.append(block.planes());
        self.received += block.frames() as u64;
        let mut out = vec![Vec::new(); self.history.channels()];
        while self.frame_end(self.next_frame, None) <= self.received as i64 {
            self.place_frame(None, &mut out, u64::MAX);
        }
        self.trim_history();
        Ok(AudioBlock::assemble(OUTPUT_RATE, start, out))
    }

    /// Ends the stream: emits the rest so the total is exactly `speed.output_frames(N)`, then resets for a new stream.
    pub fn flush(&mut self) -> AudioBlock {
        let start = self.emitted as i64;
        let mut out = vec![Vec::new(); self.history.channels()];
        if self.speed != Speed::NORMAL {
            let end = self.received;
            let total = self.speed.output_frames(end);
            while self.emitted < total {
                let needed = self.frame_end(self.next_frame, Some(end));
                self.history.pad((needed - self.history.end()).max(0) as usize);
                self.place_frame(Some(end), &mut out, total);
            }
        }
        self.reset();
        AudioBlock::assemble(OUTPUT_RATE, start, out)
    }

    /// Where frame `m` may start: `[lo, hi]` in input frames. The window of ±SEEK around the
    /// nominal start is shifted (not cut) to stay after the input's start and, once `end` is
    /// known, before its end, so a frame near either edge still has choices to match.
    fn search_range(&self, m: u64, end: Option<u64>) -> (i64, i64) {
        if m == 0 {
            return (-(HOP as i64), -(HOP as i64));
        }
        let nominal = ((m * HOP as u64) as f64 * self.speed.0).round() as i64 - HOP as i64;
        let (mut lo, mut hi) = (nominal - SEEK, nominal + SEEK);
        let limit = end.map(|end| (end as i64 - FRAME as i64).max(0));
        if let Some(limit) = limit {
            let over = (hi - limit).max(0);
            (lo, hi) = (lo - over, hi - over);
        }
        if lo < 0 {
            (lo, hi) = (0, hi - lo);
        }
        (lo, limit.map_or(hi, |limit| hi.min(limit)))
    }

    /// One past the last input frame that frame `m` may read.
    fn frame_end(&self, m: u64, end: Option<u64>) -> i64 {
        self.search_range(m, end).1 + FRAME as i64
    }

    /// Chooses frame `next_frame`'s start, overlap-adds it, and appends the output frames it completes (up to `total`).
    fn place_frame(&mut self, end: Option<u64>, out: &mut [Vec<f32>], total: u64) {
        let (lo, hi) = self.search_range(self.next_frame, end);
        let start = if self.next_frame == 0 { lo } else { self.best_start(lo, hi) };
        let offset = (start - self.history.start()) as usize;
        for (acc, history) in self.acc.iter_mut().zip(self.history.planes()) {
            for ((a, &x), &w) in acc.iter_mut().zip(&history[offset..offset + FRAME]).zip(&self.window) {
                *a += w * x;
            }
        }
        if self.next_frame > 0 {
            let count = (total - self.emitted).min(HOP as u64) as usize;
            for (plane, acc) in out.iter_mut().zip(&self.acc) {
                plane.extend_from_slice(&acc[..count]);
            }
            self.emitted += count as u64;
        }
        for acc in &mut self.acc {
            acc.copy_within(HOP.., 0);
            acc[HOP..].fill(0.0);
        }
        self.prev_start = start;
        self.next_frame += 1;
    }

    /// The start in `[lo, hi]` whose first half best matches what follows the previous frame.
    fn best_start(&mut self, lo: i64, hi: i64) -> i64 {
        let (reference, region) = (&mut self.reference, &mut self.region);
        let first = self.history.start();
        channel_average(self.history.planes(), (self.prev_start + HOP as i64 - first) as usize, HOP, reference);
        channel_average(self.history.planes(), (lo - first) as usize, (hi - lo) as usize + HOP, region);
        let score = |s: i64, step: usize| similarity(reference, &region[(s - lo) as usize..][..HOP], step);
        let coarse = best_of((lo..=hi).step_by(COARSE), |s| score(s, COARSE));
        let reach = COARSE as i64 - 1;
        best_of((coarse - reach).max(lo)..=(coarse + reach).min(hi), |s| score(s, 1))
    }

    /// Drops buffered input that no future frame (nor the final flush) reaches.
    fn trim_history(&mut self) {
        let (lo, _) = self.search_range(self.next_frame, None);
        // A flush may shift the next windows back to end by the last input frame.
        let keep_from = lo.min(self.prev_start + HOP as i64).min(self.received as i64 - FRAME as i64 - 2 * SEEK);
        self.history.drop_before(keep_from);
    }

    /// Back to the start of a new stream: silence before frame 0.
    fn reset(&mut self) {
        self.history.reset(HOP);
        self.acc.iter_mut().for_each(|a| a.fill(0.0));
        self.received = 0;
        self.next_frame = 0;
        self.prev_start = 0;
        self.emitted = 0;
    }

    /// Frames currently buffered per channel (bounded; for tests of constant memory).
    #[cfg(test)]
    pub(super) fn buffered_frames(&self) -> usize {
        self.history.len()
    }
}

/// Writes the average of all channels over `len` frames from `offset` into `out`.
fn channel_average(planes: &[Vec<f32>], offset: usize, len: usize, out: &mut Vec<f32>) {
    out.clear();
    out.resize(len, 0.0);
    for plane in planes {
        for (o, &x) in out.iter_mut().zip(&plane[offset..offset + len]) {
            *o += x;
        }
    }
    let scale = 1.0 / planes.len() as f32;
    out.iter_mut().for_each(|o| *o *= scale);
}

/// Cross-correlation of `reference` and `candidate` over every `step`-th sample, normalized by the candidate's energy.
fn similarity(reference: &[f32], candidate: &[f32], step: usize) -> f32 {
    let (mut dot, mut energy) = (0.0f32, 0.0f32);
    for (&r, &c) in reference.iter().zip(candidate).step_by(step) {
        dot += r * c;
        energy += c * c;
    }
    dot / (energy + 1e-12).sqrt()
}

/// The first position with the highest score.
fn best_of(positions: impl Iterator<Item = i64>, score: impl Fn(i64) -> f32) -> i64 {
    let mut best = (i64::MIN, f32::NEG_INFINITY);
    for s in positions {
        let value = score(s);
        if value > best.1 || best.0 == i64::MIN {
            best = (s, value);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffered_input_stays_bounded_whatever_the_stream_length() {
        let bound = FRAME + 2 * SEEK as usize + 4 * HOP;
        for speed in [0.25, 1.7, 4.0] {
            let mut s = Stretcher::new(Speed::new(speed).unwrap(), 2).unwrap();
            let mut peaks = Vec::new();
            for _second in 0..4 {
                let mut peak = 0;
                for &n in [1usize, 7, 333, 4096].iter().cycle().take(40) {
                    s.process(&AudioBlock::silence(OUTPUT_RATE, 2, 0, n).unwrap()).unwrap();
                    peak = peak.max(s.buffered_frames());
                }
                assert!(peak <= bound, "speed {speed}: {peak} frames buffered");
                peaks.push(peak);
            }
            assert!(peaks[3] <= peaks[1], "speed {speed}: state does not grow: {peaks:?}");
        }
    }
}
