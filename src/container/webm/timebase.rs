//! Matroska time: integer ticks of `TimestampScale` nanoseconds, converted to and
//! from the microseconds used everywhere else.

use crate::time::div_round;

/// A TimestampScale (nanoseconds per tick, never 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBase {
    scale_ns: u64,
}

fn saturate(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl TimeBase {
    /// A time base of `scale_ns` nanoseconds per tick (0 is treated as 1).
    pub fn new(scale_ns: u64) -> Self {
        Self { scale_ns: scale_ns.max(1) }
    }

    /// Nanoseconds per tick.
    pub fn scale_ns(self) -> u64 {
        self.scale_ns
    }

    /// Ticks to microseconds, rounded to nearest.
    pub fn to_us(self, ticks: i64) -> i64 {
        saturate(div_round(i128::from(ticks) * i128::from(self.scale_ns), 1000))
    }

    /// Fractional ticks (Info Duration) to microseconds.
    pub fn float_to_us(self, ticks: f64) -> i64 {
        (ticks * self.scale_ns as f64 / 1000.0).round() as i64
    }

    /// Microseconds to ticks, rounded to nearest.
    pub fn to_ticks(self, us: i64) -> i64 {
        saturate(div_round(i128::from(us) * 1000, i128::from(self.scale_ns)))
    }

    /// Microseconds to fractional ticks (for Info Duration).
    pub fn us_to_float_ticks(self, us: i64) -> f64 {
        us as f64 * 1000.0 / self.scale_ns as f64
    }

    /// Nanoseconds to ticks, rounded to nearest (as ffmpeg rounds CodecDelay).
    pub fn ns_to_ticks(self, ns: u64) -> i64 {
        saturate(div_round(i128::from(ns), i128::from(self.scale_ns)))
    }

    /// Ticks per second, rounded (1000 for the default scale).
    pub fn timescale(self) -> u32 {
        u32::try_from(div_round(1_000_000_000, i128::from(self.scale_ns))).unwrap_or(u32::MAX).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_default_scale() {
        let tb = TimeBase::new(1_000_000);
        assert_eq!(tb.to_us(7), 7000);
        assert_eq!(tb.to_ticks(-6500), -7);
        assert_eq!(tb.ns_to_ticks(6_500_000), 7);
        assert_eq!(tb.timescale(), 1000);
        assert_eq!(TimeBase::new(0).scale_ns(), 1);
        assert_eq!(TimeBase::new(u64::MAX).to_us(i64::MAX), i64::MAX);
    }
}
