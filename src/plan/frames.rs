//! The output frame grid: an exact rational frame rate, and frame times computed from the
//! frame number (never accumulated), so frame `n` is at `round(n · den / num)` seconds however
//! long the timeline.

use crate::project::{Color, Format, Output};
use crate::time::US_PER_SECOND;
use serde::{Deserialize, Serialize};

/// An exact frame rate `num / den` frames per second (29.97 is 30000/1001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameRate {
    /// Frames…
    pub num: u32,
    /// …per this many seconds.
    pub den: u32,
}

impl FrameRate {
    /// The rate `num / den`, or `None` when either is 0.
    pub fn new(num: u32, den: u32) -> Option<FrameRate> {
        (num > 0 && den > 0).then_some(FrameRate { num, den })
    }

    /// The rate as a float, for APIs that want one (WebCodecs `framerate`).
    pub fn fps(self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }

    /// When frame `n` starts, in microseconds: `round(n · den · 10⁶ / num)` (halves round up).
    pub fn frame_time_us(self, n: u64) -> i64 {
        let num = i128::from(self.num);
        let scaled = i128::from(n) * i128::from(self.den) * i128::from(US_PER_SECOND);
        ((2 * scaled + num) / (2 * num)).min(i128::from(i64::MAX)) as i64
    }

    /// How long frame `n` shows: from its start to the next frame's start.
    pub fn frame_duration_us(self, n: u64) -> i64 {
        self.frame_time_us(n.saturating_add(1)) - self.frame_time_us(n)
    }

    /// The frame showing at `t_us`: the last frame that starts at or before it (0 before time 0).
    pub fn frame_at(self, t_us: i64) -> u64 {
        if t_us <= 0 {
            return 0;
        }
        let per = i128::from(self.den) * i128::from(US_PER_SECOND);
        // Within one of the answer; frame times are over 8000 µs apart, so one step corrects it.
        let guess = (i128::from(t_us) * i128::from(self.num) / per).min(i128::from(u64::MAX - 1)) as u64;
        if self.frame_time_us(guess + 1) <= t_us {
            guess + 1
        } else if guess > 0 && self.frame_time_us(guess) > t_us {
            guess - 1
        } else {
            guess
        }
    }

    /// The first frame that starts at or after `t_us`.
    pub fn first_frame_from(self, t_us: i64) -> u64 {
        if t_us <= 0 { 0 } else { self.frame_at(t_us - 1) + 1 }
    }
}

/// What the file looks like: frame size and grid, container, length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputSpec {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// The exact frame rate.
    pub frame_rate: FrameRate,
    /// The container written.
    pub format: Format,
    /// The colour behind everything (scenes may have their own; see `Segment::background`).
    pub background: Color,
    /// Length of the timeline (and of the audio), in microseconds.
    pub duration_us: i64,
    /// Frames to render: every frame that starts before `duration_us`.
    pub frame_count: u64,
}

impl OutputSpec {
    /// The spec of `output` for a timeline of `duration_us` at `frame_rate`.
    pub(crate) fn new(output: &Output, frame_rate: FrameRate, duration_us: i64) -> OutputSpec {
        OutputSpec {
            width: output.width,
            height: output.height,
            frame_rate,
            format: output.format,
            background: output.background,
            duration_us,
            frame_count: frame_rate.first_frame_from(duration_us),
        }
    }

    /// When frame `n` starts, in microseconds (exact; see [`FrameRate::frame_time_us`]).
    pub fn frame_time_us(&self, n: u64) -> i64 {
        self.frame_rate.frame_time_us(n)
    }

    /// How long frame `n` shows, in microseconds (the container's sample duration).
    pub fn frame_duration_us(&self, n: u64) -> i64 {
        self.frame_rate.frame_duration_us(n)
    }

    /// The frame showing at `t_us` (the last one is held to the end).
    pub fn frame_at(&self, t_us: i64) -> u64 {
        self.frame_rate.frame_at(t_us).min(self.frame_count.saturating_sub(1))
    }

    /// When the video track ends: the end of the last frame (at or just after `duration_us`).
    pub fn video_end_us(&self) -> i64 {
        self.frame_time_us(self.frame_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_at_inverts_frame_time() {
        for rate in [FrameRate { num: 30000, den: 1001 }, FrameRate { num: 25, den: 2 }, FrameRate { num: 120, den: 1 }]
        {
            for n in [0u64, 1, 2, 999, 1_000_001] {
                let t = rate.frame_time_us(n);
                assert_eq!(rate.frame_at(t), n);
                assert_eq!(rate.frame_at(t - 1), n.saturating_sub(1));
                assert_eq!(rate.frame_at(rate.frame_time_us(n + 1) - 1), n);
                assert_eq!(rate.first_frame_from(t), n);
                assert_eq!(rate.first_frame_from(t + 1), n + 1);
            }
        }
        assert_eq!(FrameRate::new(0, 1), None);
        assert_eq!(FrameRate { num: 30, den: 1 }.frame_at(-5), 0);
    }
}
