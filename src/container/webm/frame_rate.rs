//! Frame rate and variable-frame-rate detection from DefaultDuration or block timestamps.

/// Common nominal rates a measured rate snaps to when it is within measuring error.
fn nominal_rates() -> impl Iterator<Item = f64> {
    let integers = (1..=240).map(f64::from);
    let ntsc = [24.0, 30.0, 48.0, 60.0, 120.0, 240.0].into_iter().map(|r| r * 1000.0 / 1001.0);
    integers.chain(ntsc)
}

/// The nominal rate closest to `fps` if it lies within `relative_error`, else `fps` itself.
fn snap(fps: f64, relative_error: f64) -> f64 {
    let nearest = nominal_rates().min_by(|a, b| (a - fps).abs().total_cmp(&(b - fps).abs())).unwrap_or(fps);
    if (nearest - fps).abs() <= nearest * relative_error { nearest } else { fps }
}

/// Frame rate from a DefaultDuration in nanoseconds.
pub fn from_default_duration(ns: u64) -> Option<f64> {
    (ns > 0).then(|| snap(1e9 / ns as f64, 1e-5))
}

/// Average frame rate and whether frame intervals vary by more than one tick of rounding,
/// from frame start times (sorted in place). `tick_us` is the length of one timestamp tick.
pub fn from_times(times_us: &mut [i64], tick_us: f64) -> (Option<f64>, bool) {
    times_us.sort_unstable();
    let (Some(&first), Some(&last)) = (times_us.first(), times_us.last()) else { return (None, false) };
    if times_us.len() < 2 || last <= first {
        return (None, false);
    }
    let span = last.saturating_sub(first) as f64;
    let fps = (times_us.len() - 1) as f64 * 1e6 / span;
    let rate = snap(fps, 2.0 * tick_us.max(1.0) / span);
    let intervals = times_us.windows(2).map(|w| w[1].saturating_sub(w[0]));
    let (min, max) = intervals.fold((i64::MAX, i64::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let variable = max.saturating_sub(min) as f64 > (1.5 * tick_us).max(2.0);
    (Some(rate), variable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snaps_rounded_millisecond_timestamps() {
        let mut times: Vec<i64> = (0..90).map(|i| (i as f64 * 1000.0 / 30.0).round() as i64 * 1000 + 7000).collect();
        let (fps, vfr) = from_times(&mut times, 1000.0);
        assert_eq!(fps, Some(30.0));
        assert!(!vfr);
        let mut ntsc: Vec<i64> = (0..300).map(|i| (i as f64 * 1001.0 / 30.0).round() as i64 * 1000).collect();
        assert!((from_times(&mut ntsc, 1000.0).0.unwrap() - 29.97).abs() < 0.001);
        assert_eq!(from_default_duration(33_333_333), Some(30.0));
    }

    #[test]
    fn detects_gaps() {
        let mut times: Vec<i64> = (0..90).filter(|i| !(20..40).contains(i)).map(|i| i * 33_333).collect();
        assert!(from_times(&mut times, 1.0).1);
        assert_eq!(from_times(&mut [5], 1.0), (None, false));
    }
}
