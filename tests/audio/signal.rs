//! Test signals and measurements.

use frameloom::audio::{AudioBlock, AudioError, Resampler, Stretcher};

/// The odd chunk sizes streaming must not notice, used in turn.
pub const CHUNKS: [usize; 4] = [1, 7, 333, 4096];

/// `frames` samples of a sine at `freq` Hz and peak `amp`, sampled at `rate`.
pub fn sine(rate: u32, freq: f64, amp: f64, frames: usize) -> Vec<f32> {
    (0..frames).map(|i| (amp * (std::f64::consts::TAU * freq * i as f64 / rate as f64).sin()) as f32).collect()
}

/// A block of `planes` at `rate` starting at `start`.
pub fn block(rate: u32, start: i64, planes: Vec<Vec<f32>>) -> AudioBlock {
    AudioBlock::new(rate, start, planes).expect("valid test block")
}

/// A streaming stage.
pub trait Stage {
    /// Feeds a block.
    fn process(&mut self, block: &AudioBlock) -> Result<AudioBlock, AudioError>;
    /// Ends the stream.
    fn flush(&mut self) -> AudioBlock;
}

impl Stage for Resampler {
    fn process(&mut self, block: &AudioBlock) -> Result<AudioBlock, AudioError> {
        Resampler::process(self, block)
    }
    fn flush(&mut self) -> AudioBlock {
        Resampler::flush(self)
    }
}

impl Stage for Stretcher {
    fn process(&mut self, block: &AudioBlock) -> Result<AudioBlock, AudioError> {
        Stretcher::process(self, block)
    }
    fn flush(&mut self) -> AudioBlock {
        Stretcher::flush(self)
    }
}

/// Feeds `planes` to `stage` in chunks cycling through `sizes`, then flushes; returns the joined output planes.
pub fn stream(stage: &mut impl Stage, rate: u32, planes: &[Vec<f32>], sizes: &[usize]) -> Vec<Vec<f32>> {
    let frames = planes[0].len();
    let mut out = vec![Vec::new(); 2.max(planes.len())];
    let mut expected_start = 0;
    let mut append = |b: AudioBlock, out: &mut Vec<Vec<f32>>| {
        assert_eq!(b.start(), expected_start, "output blocks are contiguous");
        expected_start = b.end();
        out.truncate(b.channels());
        for (o, p) in out.iter_mut().zip(b.planes()) {
            o.extend_from_slice(p);
        }
    };
    let (mut at, mut turn) = (0, 0);
    while at < frames {
        let n = sizes[turn % sizes.len()].min(frames - at);
        let part = planes.iter().map(|p| p[at..at + n].to_vec()).collect();
        append(stage.process(&block(rate, at as i64, part)).expect("process"), &mut out);
        at += n;
        turn += 1;
    }
    append(stage.flush(), &mut out);
    out
}

/// Frequency from interpolated rising zero crossings.
pub fn frequency(samples: &[f32], rate: u32) -> f64 {
    let crossings: Vec<f64> = samples.windows(2).enumerate().filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0).map(|(i, w)| i as f64 + w[0] as f64 / (w[0] - w[1]) as f64).collect();
    assert!(crossings.len() > 2, "signal has too few zero crossings");
    (crossings.len() - 1) as f64 * rate as f64 / (crossings[crossings.len() - 1] - crossings[0])
}

/// Root mean square.
pub fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|&x| x as f64 * x as f64).sum::<f64>() / samples.len() as f64).sqrt()
}

/// Ratio in decibels.
pub fn db(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}

/// Peak amplitude of the `freq` component, measured with a Blackman-Harris window (sidelobes
/// below −92 dB, so a strong tone elsewhere does not leak into the reading).
pub fn tone_level(samples: &[f32], rate: u32, freq: f64) -> f64 {
    let n = samples.len() as f64;
    let (mut re, mut im, mut total) = (0.0, 0.0, 0.0);
    for (i, &x) in samples.iter().enumerate() {
        let a = std::f64::consts::TAU * i as f64 / n;
        let w = 0.35875 - 0.48829 * a.cos() + 0.14128 * (2.0 * a).cos() - 0.01168 * (3.0 * a).cos();
        let phase = std::f64::consts::TAU * freq * i as f64 / rate as f64;
        re += w * x as f64 * phase.cos();
        im += w * x as f64 * phase.sin();
        total += w;
    }
    2.0 * (re * re + im * im).sqrt() / total
}
