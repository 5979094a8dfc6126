//! The mixer's output stage: a stateless soft limiter.
//!
//! Samples within ±[`LIMIT_THRESHOLD`] (−1 dBFS) pass unchanged; above it a tanh knee
//! bends them smoothly (continuous value and slope) toward ±1 so the sum of many layers
//! never exceeds full scale and never hard-clips. It has no memory, so it cannot pump or
//! depend on block boundaries; it distorts only what would otherwise clip. Non-finite
//! samples (which no stage produces from finite input) become 0 or ±1.

/// Level up to which samples pass unchanged (−1 dBFS).
pub const LIMIT_THRESHOLD: f32 = 0.891_250_9;

/// Limits every sample of `samples` in place to [−1, 1].
pub fn soft_limit(samples: &mut [f32]) {
    const KNEE: f32 = 1.0 - LIMIT_THRESHOLD;
    for s in samples {
        let x = if s.is_nan() { 0.0 } else { *s };
        let magnitude = x.abs();
        if magnitude > LIMIT_THRESHOLD {
            *s = (LIMIT_THRESHOLD + KNEE * ((magnitude - LIMIT_THRESHOLD) / KNEE).tanh()).copysign(x);
        } else {
            *s = x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_below_threshold_and_bends_above() {
        let mut s = [0.0, 0.5, -0.89, LIMIT_THRESHOLD, 0.95, 2.0, -100.0, f32::INFINITY, f32::NAN];
        soft_limit(&mut s);
        assert_eq!(s[..4], [0.0, 0.5, -0.89, LIMIT_THRESHOLD]);
        assert!(s[4] > LIMIT_THRESHOLD && s[4] < 0.95);
        assert!(s[5] > 0.99 && s[5] <= 1.0 && s[6] < -0.99 && s[6] >= -1.0);
        assert!((s[7] - 1.0).abs() < 1e-6 && s[8] == 0.0);
        let mut near = [LIMIT_THRESHOLD + 1e-4];
        soft_limit(&mut near);
        assert!((near[0] - (LIMIT_THRESHOLD + 1e-4)).abs() < 1e-6, "slope 1 at the knee");
    }
}
