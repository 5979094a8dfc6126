//! The resampler's interpolation kernel: a Kaiser-windowed sinc.
//!
//! The kernel is expressed in zero-crossing units `u` (sinc zeros at every integer `u`), so
//! it serves every rate pair; the resampler scales `u` to its cutoff. With 64 zero crossings
//! on each side and β = 9 the stopband is ≈ 90 dB down and the transition band is ≈ 9 % of
//! the cutoff, which [`CUTOFF`] places just below the lower Nyquist frequency: 44.1 kHz →
//! 48 kHz is flat to 20 kHz and anything that could alias or image is ≈ 90 dB down.
//!
//! The sinc is computed exactly (a rotation recurrence gives `sin(πu)` tap after tap, one
//! `sin_cos` per output frame); only the smooth window comes from a table (shared, 32 KB),
//! where linear interpolation errs by < 1e-7.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// Sinc zero crossings on each side of the centre.
pub(super) const ZERO_CROSSINGS: usize = 64;
/// Cutoff as a fraction of the lower Nyquist frequency: the stopband starts right at it.
pub(super) const CUTOFF: f64 = 0.955;
/// Window table entries per zero crossing.
const RESOLUTION: usize = 128;
/// Kaiser window shape: larger is more stopband attenuation and a wider transition band.
const KAISER_BETA: f64 = 9.0;

/// Appends `gain · kernel(u)` for the `count` taps `u = (offset − k) · scale`, `k = 0, 1, …`.
pub(super) fn weights(offset: f64, scale: f64, gain: f64, count: usize, out: &mut Vec<f32>) {
    let (mut sin, mut cos) = (PI * offset * scale).sin_cos();
    let (step_sin, step_cos) = (PI * scale).sin_cos();
    for k in 0..count {
        let u = (offset - k as f64) * scale;
        let sinc = if u == 0.0 { 1.0 } else { sin / (PI * u) };
        out.push((gain * sinc * window(u)) as f32);
        // sin(π(u − scale)) and cos(π(u − scale)) from sin(πu) and cos(πu).
        (sin, cos) = (sin * step_cos - cos * step_sin, cos * step_cos + sin * step_sin);
    }
}

/// The Kaiser window at `u` zero crossings from the centre (0 at and beyond [`ZERO_CROSSINGS`]).
fn window(u: f64) -> f64 {
    let table = table();
    let x = u.abs() * RESOLUTION as f64;
    if x >= (table.len() - 1) as f64 {
        return 0.0;
    }
    let index = x as usize;
    match table.get(index..index + 2) {
        Some(&[a, b]) => a + (x - index as f64) * (b - a),
        _ => 0.0,
    }
}

/// The tabulated half window, `ZERO_CROSSINGS * RESOLUTION + 1` points from the centre to the edge.
fn table() -> &'static [f64] {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let len = ZERO_CROSSINGS * RESOLUTION;
        let norm = bessel_i0(KAISER_BETA);
        (0..=len)
            .map(|i| {
                let edge = i as f64 / len as f64;
                bessel_i0(KAISER_BETA * (1.0 - edge * edge).max(0.0).sqrt()) / norm
            })
            .collect()
    })
}

/// Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20).
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let half = x / 2.0;
    for k in 1..64 {
        term *= (half / k as f64) * (half / k as f64);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(u: f64) -> f64 {
        let x = u / ZERO_CROSSINGS as f64;
        let sinc = if u == 0.0 { 1.0 } else { (PI * u).sin() / (PI * u) };
        sinc * bessel_i0(KAISER_BETA * (1.0 - x * x).max(0.0).sqrt()) / bessel_i0(KAISER_BETA)
    }

    #[test]
    fn weights_match_the_exact_kernel() {
        let mut out = Vec::new();
        let (offset, scale, count) = (66.3, 0.9575, 134);
        weights(offset, scale, 2.0, count, &mut out);
        for (k, &w) in out.iter().enumerate() {
            let u = (offset - k as f64) * scale;
            let expected = if u.abs() < ZERO_CROSSINGS as f64 { 2.0 * exact(u) } else { 0.0 };
            assert!((w as f64 - expected).abs() < 1e-6, "tap {k}: {w} vs {expected}");
        }
    }

    #[test]
    fn kernel_is_one_at_centre_and_zero_at_crossings() {
        let mut out = Vec::new();
        weights(5.0, 1.0, 1.0, 11, &mut out);
        assert_eq!(out[5], 1.0);
        assert!(out.iter().enumerate().all(|(k, &w)| k == 5 || w.abs() < 1e-9));
        out.clear();
        weights(1e300, 1.0, 1.0, 1, &mut out);
        assert_eq!(out, [0.0]);
    }
}
