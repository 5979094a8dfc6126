//! Down/upmix of any channel count to stereo.
//!
//! WebCodecs reports only a channel count, so the layout is assumed from it, in the order
//! browsers and WAVE/SMPTE use (the Web Audio API's "speakers" layouts, extended to 6.1/7.1
//! as FFmpeg orders them):
//!
//! | channels | order |
//! |---|---|
//! | 1 | M |
//! | 2 | L R |
//! | 3 | L R C |
//! | 4 | L R SL SR (quad) |
//! | 5 | L R C SL SR |
//! | 6 | L R C LFE SL SR (5.1) |
//! | 7 | L R C LFE BC SL SR (6.1) |
//! | 8 | L R C LFE BL BR SL SR (7.1) |
//!
//! Coefficients follow ITU-R BS.775: centre and surrounds at −3 dB (×0.7071) into their
//! side, back centre at −6 dB into both sides, LFE dropped. The result is not normalized
//! (the same as the Web Audio API's downmix), so full-scale surround content can exceed 1.0;
//! the mixer's [`soft_limit`](super::soft_limit) handles that.
//!
//! Mono is copied to both sides at 0 dB (the Web Audio API's up-mix, so a mono clip sounds as
//! loud in the render as in the browser's preview). A server render matches this with
//! `pan=stereo|c0=c0|c1=c0`. Stereo passes through bit-exact.

use super::{AudioBlock, MAX_CHANNELS};

const H: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// `(to left, to right)` gain of each input channel, per channel count (index = count − 1).
const MATRICES: [&[(f32, f32)]; MAX_CHANNELS] = [
    &[(1.0, 1.0)],
    &[(1.0, 0.0), (0.0, 1.0)],
    &[(1.0, 0.0), (0.0, 1.0), (H, H)],
    &[(1.0, 0.0), (0.0, 1.0), (H, 0.0), (0.0, H)],
    &[(1.0, 0.0), (0.0, 1.0), (H, H), (H, 0.0), (0.0, H)],
    &[(1.0, 0.0), (0.0, 1.0), (H, H), (0.0, 0.0), (H, 0.0), (0.0, H)],
    &[(1.0, 0.0), (0.0, 1.0), (H, H), (0.0, 0.0), (0.5, 0.5), (H, 0.0), (0.0, H)],
    &[(1.0, 0.0), (0.0, 1.0), (H, H), (0.0, 0.0), (H, 0.0), (0.0, H), (H, 0.0), (0.0, H)],
];

/// The `(to left, to right)` gain of each of `channels` input channels (1–8), in the table's
/// order; the server's ffmpeg `pan` filter is built from it so both renderers mix alike.
pub fn stereo_gains(channels: usize) -> Option<&'static [(f32, f32)]> {
    MATRICES.get(channels.checked_sub(1)?).copied()
}

/// Returns the block as stereo (same rate and start), mixing its channels with the table above.
pub fn to_stereo(block: &AudioBlock) -> AudioBlock {
    let planes = block.planes();
    let stereo = match planes {
        [l, r] => vec![l.clone(), r.clone()],
        _ => {
            let matrix = MATRICES[planes.len() - 1];
            let mut left = vec![0.0f32; block.frames()];
            let mut right = vec![0.0f32; block.frames()];
            for (plane, &(to_l, to_r)) in planes.iter().zip(matrix) {
                add_scaled(&mut left, plane, to_l);
                add_scaled(&mut right, plane, to_r);
            }
            vec![left, right]
        }
    };
    AudioBlock::assemble(block.sample_rate(), block.start(), stereo)
}

fn add_scaled(out: &mut [f32], input: &[f32], gain: f32) {
    if gain != 0.0 {
        for (o, &x) in out.iter_mut().zip(input) {
            *o += gain * x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dc(channels: &[f32]) -> AudioBlock {
        AudioBlock::new(48_000, 5, channels.iter().map(|&v| vec![v; 4]).collect()).unwrap()
    }

    fn levels(block: &AudioBlock) -> (f32, f32) {
        (block.planes()[0][3], block.planes()[1][3])
    }

    #[test]
    fn mono_goes_to_both_sides_at_unity() {
        let out = to_stereo(&dc(&[0.5]));
        assert_eq!(levels(&out), (0.5, 0.5));
        assert_eq!((out.start(), out.frames(), out.sample_rate()), (5, 4, 48_000));
    }

    #[test]
    fn stereo_is_bit_exact() {
        let input = AudioBlock::new(44_100, 0, vec![vec![0.1, -0.3], vec![0.7, 1e-30]]).unwrap();
        assert_eq!(to_stereo(&input), input);
    }

    #[test]
    fn five_one_follows_bs775() {
        // Each channel alone: L, R, C, LFE, Ls, Rs.
        let cases = [([1.0, 0., 0., 0., 0., 0.], (1.0, 0.0)), ([0., 1.0, 0., 0., 0., 0.], (0.0, 1.0)), ([0., 0., 1.0, 0., 0., 0.], (H, H)), ([0., 0., 0., 1.0, 0., 0.], (0.0, 0.0)), ([0., 0., 0., 0., 1.0, 0.], (H, 0.0)), ([0., 0., 0., 0., 0., 1.0], (0.0, H))];
        for (input, expected) in cases {
            assert_eq!(levels(&to_stereo(&dc(&input))), expected, "{input:?}");
        }
        let (l, r) = levels(&to_stereo(&dc(&[0.2, 0.1, 0.4, 0.9, 0.3, -0.2])));
        assert!((l - (0.2 + H * 0.4 + H * 0.3)).abs() < 1e-6 && (r - (0.1 + H * 0.4 - H * 0.2)).abs() < 1e-6);
    }

    #[test]
    fn every_count_keeps_front_channels_and_balance() {
        for n in 3..=MAX_CHANNELS {
            let mut all = vec![0.25f32; n];
            let (l, r) = levels(&to_stereo(&dc(&all)));
            assert_eq!(l, r, "{n} channels balanced");
            all.iter_mut().skip(2).for_each(|v| *v = 0.0);
            assert_eq!(levels(&to_stereo(&dc(&all))), (0.25, 0.25), "{n} channels: L/R pass at unity");
        }
    }
}
