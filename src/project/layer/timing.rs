//! Layer timing: `start`, `duration`, `trimStart`/`trimEnd`/`speed`, and `fadeIn`/`fadeOut`.

use crate::project::error::ErrorCode;
use crate::project::limits::{MAX_SECONDS, MAX_SPEED, MIN_SPEED};
use crate::project::reader::{Bounds, Fields, Report, show_seconds};
use crate::time::us_to_seconds;
use serde::{Deserialize, Serialize};

/// Any point in time: 0 to 4 hours.
pub(crate) const TIME: Bounds = Bounds::between(0.0, MAX_SECONDS, " seconds");
/// Any length of time: more than 0, up to 4 hours.
pub(crate) const LENGTH: Bounds = Bounds::above(0.0, MAX_SECONDS, " seconds");

/// Which part of a video or audio source plays, and how fast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trim {
    /// Where playback starts in the source, in microseconds (JSON: `trimStart`, seconds).
    #[serde(rename = "trimStart", with = "crate::project::seconds")]
    pub start_us: i64,
    /// Where playback ends in the source, in microseconds (JSON: `trimEnd`, seconds).
    #[serde(rename = "trimEnd", with = "crate::project::seconds")]
    pub end_us: i64,
    /// Playback rate: 2 plays twice as fast, so the layer lasts half as long.
    pub speed: f64,
}

impl Trim {
    /// How long the trimmed part lasts on the timeline, in microseconds (at least 1).
    pub fn timeline_duration_us(&self) -> i64 {
        (((self.end_us - self.start_us) as f64 / self.speed).round() as i64).max(1)
    }
}

/// Fades at the start and end of a layer (opacity for pictures, volume for sound).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fades {
    /// Fade-in length in microseconds (JSON: `fadeIn`, seconds).
    #[serde(rename = "fadeIn", with = "crate::project::seconds")]
    pub in_us: i64,
    /// Fade-out length in microseconds (JSON: `fadeOut`, seconds).
    #[serde(rename = "fadeOut", with = "crate::project::seconds")]
    pub out_us: i64,
}

/// Reads `start` (scene seconds, default 0).
pub(crate) fn read_start(f: &mut Fields, r: &mut Report) -> Option<i64> {
    f.seconds("start", TIME, r).or(0)
}

/// Reads an optional `duration` (seconds).
pub(crate) fn read_duration(f: &mut Fields, r: &mut Report) -> Option<Option<i64>> {
    f.seconds("duration", LENGTH, r).optional()
}

/// Reads `trimStart` (default 0), `trimEnd` (required) and `speed` (default 1).
pub(crate) fn read_trim(f: &mut Fields, r: &mut Report) -> Option<Trim> {
    let start_us = f.seconds("trimStart", TIME, r).or(0);
    let end_us = f.seconds("trimEnd", LENGTH, r).required(r);
    let speed = f.number("speed", Bounds::between(MIN_SPEED, MAX_SPEED, "×"), r).or(1.0);
    let (start_us, end_us) = (start_us?, end_us?);
    if end_us <= start_us {
        let message = format!("must be greater than trimStart ({})", show_seconds(us_to_seconds(start_us)));
        r.add(f.path_of("trimEnd"), ErrorCode::Conflict, message);
        return None;
    }
    Some(Trim { start_us, end_us, speed: speed? })
}

/// Reads `fadeIn` and `fadeOut` (seconds, default 0); their sum is checked once the layer's length is known.
pub(crate) fn read_fades(f: &mut Fields, r: &mut Report) -> Option<Fades> {
    let in_us = f.seconds("fadeIn", TIME, r).or(0);
    let out_us = f.seconds("fadeOut", TIME, r).or(0);
    Some(Fades { in_us: in_us?, out_us: out_us? })
}
