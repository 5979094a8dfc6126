//! `audio` layers: a trimmed clip of sound (from an audio source or a video's sound).

use super::timing::{Fades, Trim, read_fades, read_start, read_trim};
use super::{Ctx, read_source_ref};
use crate::project::limits::MAX_VOLUME;
use crate::project::reader::{Bounds, Fields, Report};
use crate::project::source::SourceKind;
use serde::{Deserialize, Serialize};

/// A sound clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioLayer {
    /// The id of an `audio` source, or of a `video` source to use its sound.
    pub source: String,
    /// When the sound starts, in microseconds from the scene start (JSON: `start`, seconds).
    #[serde(rename = "start", with = "crate::project::seconds")]
    pub start_us: i64,
    /// The part of the source that plays, and how fast.
    #[serde(flatten)]
    pub trim: Trim,
    /// Gain (0 mutes, 1 leaves it as is).
    pub volume: f64,
    /// Volume fades.
    #[serde(flatten)]
    pub fades: Fades,
}

/// Reads `volume` (a gain factor, default 1).
pub(super) fn read_volume(f: &mut Fields, r: &mut Report) -> Option<f64> {
    f.number("volume", Bounds::between(0.0, MAX_VOLUME, ""), r).or(1.0)
}

/// Reads an audio layer.
pub(super) fn read(mut f: Fields, cx: &mut Ctx) -> Option<AudioLayer> {
    let kinds = [SourceKind::Audio, SourceKind::Video];
    let source = read_source_ref(&mut f, "source", &kinds, "an audio layer", cx).required(&mut cx.report);
    let r = &mut cx.report;
    let start_us = read_start(&mut f, r);
    let trim = read_trim(&mut f, r);
    let volume = read_volume(&mut f, r);
    let fades = read_fades(&mut f, r);
    f.finish(r);
    Some(AudioLayer { source: source?, start_us: start_us?, trim: trim?, volume: volume?, fades: fades? })
}
