//! A layer's gain envelope: volume times fade-in and fade-out, sample-exact in output frames.
//!
//! For a layer of `frames` frames with fades of `fade_in` and `fade_out` frames, the gain at
//! layer frame `i` is `volume · curve(i / fade_in)` while `i < fade_in`, `volume ·
//! curve((frames − 1 − i) / fade_out)` while `i ≥ frames − fade_out`, and `volume` elsewhere:
//! the first and last frames are silent and the fade-out mirrors the fade-in. Fades longer
//! than the layer together are shortened in proportion so they meet without overlapping.
//! The envelope depends only on `i`, so it is identical whatever the block sizes, and it is
//! continuous, so it adds no clicks.

use super::Volume;
use std::f64::consts::FRAC_PI_2;

/// The shape of a fade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FadeCurve {
    /// Gain rises in a straight line (`x`): a dissolve of correlated material keeps its level.
    Linear,
    /// Power rises in a straight line (`sin(x·π/2)`): a cross-fade of two unrelated layers keeps
    /// its loudness, which is what editors' default "constant power" does; the default.
    #[default]
    EqualPower,
}

impl FadeCurve {
    /// The gain at fade position `x` in `[0, 1]` (0 = silent, 1 = full).
    pub fn gain(self, x: f64) -> f64 {
        match self {
            Self::Linear => x,
            Self::EqualPower => (x * FRAC_PI_2).sin(),
        }
    }
}

/// The gain over a layer's span of frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    frames: u64,
    volume: f64,
    fade_in: u64,
    fade_out: u64,
    curve: FadeCurve,
    /// The uncut length the fades are placed on (`frames` is shorter after a cut).
    span: u64,
}

impl Envelope {
    /// Makes the envelope of a `frames`-long layer; fades are in frames of the output rate.
    pub fn new(frames: u64, volume: Volume, fade_in: u64, fade_out: u64, curve: FadeCurve) -> Self {
        let (fade_in, fade_out) = match fade_in.checked_add(fade_out) {
            Some(sum) if sum <= frames => (fade_in, fade_out),
            _ => {
                let fade_in = (fade_in as u128 * frames as u128 / (fade_in as u128 + fade_out as u128)) as u64;
                (fade_in, frames - fade_in)
            }
        };
        Self { frames, volume: volume.get(), fade_in, fade_out, curve, span: frames }
    }

    /// Cuts the layer after `frames` frames without moving its fade-out, which still ends at
    /// the uncut length (a layer cut short by its scene is cut, not faded).
    pub fn cut(self, frames: u64) -> Self {
        Self { frames: frames.min(self.frames), ..self }
    }

    /// Makes a constant-gain envelope without fades.
    pub fn constant(frames: u64, volume: Volume) -> Self {
        Self::new(frames, volume, 0, 0, FadeCurve::default())
    }

    /// The layer's length in frames (after any [`cut`](Self::cut)).
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The fade-in and fade-out lengths actually used (after shortening), in frames.
    pub fn fades(&self) -> (u64, u64) {
        (self.fade_in, self.fade_out)
    }

    /// The gain at layer frame `i` (0 outside the layer).
    pub fn at(&self, i: u64) -> f32 {
        if i >= self.frames {
            return 0.0;
        }
        let mut gain = self.volume;
        if i < self.fade_in {
            gain *= self.curve.gain(i as f64 / self.fade_in as f64);
        }
        let from_end = self.span - 1 - i;
        if from_end < self.fade_out {
            gain *= self.curve.gain(from_end as f64 / self.fade_out as f64);
        }
        gain as f32
    }

    /// Adds `input` times the envelope to `out`, where `input[0]` is layer frame `first`.
    pub fn mix_into(&self, first: u64, input: &[f32], out: &mut [f32]) {
        let gain = self.volume as f32;
        let steady = self.fade_in..(self.span - self.fade_out).min(self.frames);
        for ((o, &x), i) in out.iter_mut().zip(input).zip(first..) {
            *o += x * if steady.contains(&i) { gain } else { self.at(i) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_fades_hit_exact_points() {
        let env = Envelope::new(2000, Volume::new(0.5).unwrap(), 480, 960, FadeCurve::Linear);
        assert_eq!([env.at(0), env.at(240), env.at(479), env.at(480)], [0.0, 0.25, 0.5 * 479.0 / 480.0, 0.5]);
        assert_eq!([env.at(1039), env.at(1040), env.at(1519), env.at(1999), env.at(2000)], [0.5, 0.5 * 959.0 / 960.0, 0.25, 0.0, 0.0]);
    }

    #[test]
    fn equal_power_keeps_crossfade_power() {
        let (a, b) = (Envelope::new(960, Volume::UNITY, 0, 960, FadeCurve::EqualPower), Envelope::new(960, Volume::UNITY, 960, 0, FadeCurve::EqualPower));
        for i in [0, 100, 480, 959] {
            let power = a.at(i).powi(2) + b.at(i).powi(2);
            assert!((power - 1.0).abs() < 1e-2, "frame {i}: {power}");
        }
        assert!((b.at(480) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }

    #[test]
    fn overlong_fades_are_shortened_in_proportion() {
        assert_eq!(Envelope::new(100, Volume::UNITY, 150, 50, FadeCurve::Linear).fades(), (75, 25));
        assert_eq!(Envelope::new(100, Volume::UNITY, u64::MAX, u64::MAX, FadeCurve::Linear).fades(), (50, 50));
        assert_eq!(Envelope::new(0, Volume::UNITY, 10, 0, FadeCurve::Linear).fades(), (0, 0));
    }

    #[test]
    fn a_cut_keeps_the_fade_out_where_it_was() {
        let whole = Envelope::new(1000, Volume::UNITY, 0, 400, FadeCurve::Linear);
        let cut = whole.cut(800);
        assert_eq!(cut.frames(), 800);
        assert_eq!(cut.at(700), whole.at(700));
        assert_eq!((cut.at(799), cut.at(800)), (whole.at(799), 0.0));
        assert!(cut.at(799) > 0.49, "cut mid-fade, not faded to silence");
        assert_eq!(whole.cut(5000).frames(), 1000);
        let (mut mixed, input) = (vec![0.0f32; 1000], vec![1.0f32; 1000]);
        cut.mix_into(0, &input, &mut mixed);
        assert!(mixed.iter().enumerate().all(|(i, &v)| v == cut.at(i as u64)));
    }

    #[test]
    fn mix_into_matches_at_for_any_split() {
        let env = Envelope::new(50, Volume::new(2.0).unwrap(), 10, 20, FadeCurve::EqualPower);
        let input = vec![1.0f32; 60];
        let mut whole = vec![0.0f32; 60];
        env.mix_into(0, &input, &mut whole);
        let mut split = vec![0.0f32; 60];
        for (first, len) in [(0usize, 7usize), (7, 1), (8, 33), (41, 19)] {
            env.mix_into(first as u64, &input[first..first + len], &mut split[first..first + len]);
        }
        assert_eq!(whole, split);
        assert!(whole.iter().enumerate().all(|(i, &v)| v == env.at(i as u64)));
    }
}
