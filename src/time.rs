//! Media time helpers: integer microseconds inside, seconds and timescales at the edges.

/// Microseconds in one second.
pub const US_PER_SECOND: i64 = 1_000_000;

/// Converts `ticks` of a `timescale` (ticks per second) to microseconds, rounding to nearest.
pub fn ticks_to_us(ticks: i64, timescale: u32) -> i64 {
    if timescale == 0 {
        return 0;
    }
    let num = ticks as i128 * US_PER_SECOND as i128;
    let den = timescale as i128;
    div_round(num, den) as i64
}

/// Converts microseconds to ticks of a `timescale`, rounding to nearest.
pub fn us_to_ticks(us: i64, timescale: u32) -> i64 {
    let num = us as i128 * timescale as i128;
    div_round(num, US_PER_SECOND as i128) as i64
}

/// Converts microseconds to seconds for display and JSON.
pub fn us_to_seconds(us: i64) -> f64 {
    us as f64 / US_PER_SECOND as f64
}

/// Converts seconds to microseconds, rounding to nearest; the caller has checked the value is finite.
pub fn seconds_to_us(seconds: f64) -> i64 {
    (seconds * US_PER_SECOND as f64).round() as i64
}

/// `num / den` rounded to nearest, halves away from zero (`den` > 0).
pub(crate) fn div_round(num: i128, den: i128) -> i128 {
    let half = den / 2;
    if num >= 0 { (num + half) / den } else { (num - half) / den }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_common_timescales() {
        for ts in [1000u32, 15360, 30000, 44100, 48000, 90000, 1_000_000] {
            for t in [-1024i64, 0, 1, 511, 512, 1001, 123_456_789] {
                assert_eq!(us_to_ticks(ticks_to_us(t, ts), ts), t, "timescale {ts}, ticks {t}");
            }
        }
    }

    #[test]
    fn zero_timescale_is_zero() {
        assert_eq!(ticks_to_us(5, 0), 0);
    }
}
