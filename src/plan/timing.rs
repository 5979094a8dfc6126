//! Timeline ↔ source time, and opacity over a layer's span.

use crate::project::{Fades, Trim};
use serde::{Deserialize, Serialize};

/// Speeds are exact to this many parts (the format writes them as decimal numbers).
const SPEED_SCALE: u64 = 1_000_000;
/// How far past the mapped source time a frame may start and still be picked: absorbs
/// container timestamp rounding (WebM's millisecond clock) so frames are neither dropped nor
/// repeated when source and output share a rate.
pub const FRAME_PICK_TOLERANCE_US: i64 = 1_000;

/// Maps timeline time to source time for a trimmed, sped-up or slowed-down clip.
///
/// `source_time_us(t) = trim_start + round((t − layer_start) · speed)`, in integers: the speed is
/// taken as the fraction `speed_num / speed_den` (exact to 6 decimal places, so 1.5 is 3/2), the
/// product is computed in 128 bits, halves round up, and the result is kept within
/// `[trim_start, trim_end]`; from the layer's own end on it is exactly `trim_end`. The frame to
/// show at timeline time `t` is the last source frame whose timestamp is at or before
/// [`pick_before_us`](TimeMap::pick_before_us)`(t)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeMap {
    /// Timeline time of the layer's start.
    pub layer_start_us: i64,
    /// Timeline time of the layer's own end (before any cut by its scene).
    pub layer_end_us: i64,
    /// Source time shown at the layer's start (`trimStart`).
    pub trim_start_us: i64,
    /// Source time at the layer's own end (`trimEnd`).
    pub trim_end_us: i64,
    /// Speed numerator.
    pub speed_num: u64,
    /// Speed denominator.
    pub speed_den: u64,
}

impl TimeMap {
    /// The map of a clip trimmed by `trim` that starts at timeline time `layer_start_us`.
    pub fn new(layer_start_us: i64, trim: &Trim) -> TimeMap {
        let layer_end_us = layer_start_us.saturating_add(trim.timeline_duration_us());
        // Capped so the 128-bit product in `source_time_us` cannot overflow, whatever the input.
        let num = ((trim.speed * SPEED_SCALE as f64).round().max(1.0) as u64).min(u64::from(u32::MAX));
        let g = gcd(num, SPEED_SCALE);
        TimeMap {
            layer_start_us,
            layer_end_us,
            trim_start_us: trim.start_us,
            trim_end_us: trim.end_us,
            speed_num: num / g,
            speed_den: SPEED_SCALE / g,
        }
    }

    /// The source time shown at timeline time `t_us` (clamped to the trimmed range).
    pub fn source_time_us(&self, t_us: i64) -> i64 {
        if t_us >= self.layer_end_us {
            return self.trim_end_us;
        }
        let elapsed = i128::from(t_us.saturating_sub(self.layer_start_us).max(0));
        let (num, den) = (i128::from(self.speed_num), i128::from(self.speed_den.max(1)));
        let advance = (2 * elapsed * num + den) / (2 * den);
        let max = i128::from(self.trim_end_us.saturating_sub(self.trim_start_us).max(0));
        self.trim_start_us + advance.min(max) as i64
    }

    /// The latest source timestamp a frame shown at timeline time `t_us` may have:
    /// `source_time_us(t_us)` plus [`FRAME_PICK_TOLERANCE_US`].
    pub fn pick_before_us(&self, t_us: i64) -> i64 {
        self.source_time_us(t_us).saturating_add(FRAME_PICK_TOLERANCE_US)
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// A layer's opacity over time: its `opacity` times linear fades.
///
/// The fade-in rises from 0 at the layer's start; the fade-out falls to 0 at the layer's *own*
/// end (`start + its length`). A layer cut short by its scene is cut, not faded: its fade-out
/// still ends at its own end, past the cut.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Opacity {
    /// The layer's `opacity` (0–1), or its `volume` for sound.
    pub value: f64,
    /// Timeline time of the layer's start.
    pub start_us: i64,
    /// Timeline time of the layer's own end (before any cut by its scene).
    pub own_end_us: i64,
    /// Fade-in length.
    pub fade_in_us: i64,
    /// Fade-out length.
    pub fade_out_us: i64,
}

impl Opacity {
    /// The envelope of a layer with `value` and `fades`, spanning `[start_us, own_end_us)`.
    pub fn new(value: f64, start_us: i64, own_end_us: i64, fades: Fades) -> Opacity {
        Opacity { value, start_us, own_end_us, fade_in_us: fades.in_us, fade_out_us: fades.out_us }
    }

    /// The opacity at timeline time `t_us` (0 outside the layer).
    pub fn at(&self, t_us: i64) -> f64 {
        if t_us < self.start_us || t_us >= self.own_end_us {
            return 0.0;
        }
        let ramp = |elapsed: i64, len: i64| if len > 0 { (elapsed as f64 / len as f64).min(1.0) } else { 1.0 };
        self.value * ramp(t_us - self.start_us, self.fade_in_us) * ramp(self.own_end_us - t_us, self.fade_out_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_become_exact_fractions() {
        let map = |speed| TimeMap::new(0, &Trim { start_us: 0, end_us: 10_000_000, speed });
        assert_eq!((map(1.5).speed_num, map(1.5).speed_den), (3, 2));
        assert_eq!((map(0.25).speed_num, map(0.25).speed_den), (1, 4));
        assert_eq!((map(4.0).speed_num, map(4.0).speed_den), (4, 1));
        assert_eq!((map(1.1).speed_num, map(1.1).speed_den), (11, 10));
        // 1 µs at 1.5× is 1.5 µs, rounded up; never past trimEnd.
        assert_eq!(map(1.5).source_time_us(1), 2);
        assert_eq!(map(1.5).source_time_us(i64::MAX), 10_000_000);
        assert_eq!(map(1.5).source_time_us(-7), 0);
        // 10 s at 3× lasts round(3.33 s) on the timeline; its end still maps to trimEnd exactly.
        let third = map(3.0);
        assert_eq!(third.layer_end_us, 3_333_333);
        assert_eq!((third.source_time_us(3_333_332), third.source_time_us(3_333_333)), (9_999_996, 10_000_000));
    }

    #[test]
    fn fades_are_linear_and_the_fade_out_ends_at_the_own_end() {
        let o = Opacity::new(0.8, 1_000_000, 5_000_000, Fades { in_us: 1_000_000, out_us: 2_000_000 });
        assert_eq!(o.at(999_999), 0.0);
        assert_eq!(o.at(1_000_000), 0.0);
        assert!((o.at(1_500_000) - 0.4).abs() < 1e-12);
        assert_eq!(o.at(2_500_000), 0.8);
        assert!((o.at(4_000_000) - 0.4).abs() < 1e-12);
        assert_eq!(o.at(5_000_000), 0.0);
    }
}
