//! Subtitles: SRT and WebVTT in and out, and captions rasterized to placed bitmaps.
//!
//! Parsing is forgiving: each bad cue or setting is reported with its line number
//! ([`SubtitleError`]) and the valid cues are kept. Cue text is plain text: markup is
//! stripped, never interpreted (see the `markup` rules: WebVTT tags and references, common
//! SRT tags). At most [`MAX_CUES_PER_FILE`] cues are read from one file.
//!
//! [`CueRaster`] turns cues into [`PlacedCue`]s: cues shown at the same time with the same
//! settings are drawn as one block in list order ([`spans`]); identical text and style are
//! rasterized once (the renderer's cache, with hit/miss counts in [`Progress`]); each result
//! is a tight premultiplied bitmap with its placement.

mod batch;
mod cue;
mod error;
mod markup;
mod place;
mod scan;
mod spans;
mod srt;
mod timestamp;
mod vtt;

pub use batch::{CueError, CueRaster, PlacedCue, Progress, RasterizedCues, rasterize_cues};
pub(crate) use batch::{CueLayer, render_span};
pub use cue::{Cue, CueAlign, CueLine, CuePosition, CueSettings, LineAlign, LineValue, PositionAlign};
pub use error::{MAX_SUBTITLE_ERRORS, SubtitleError, SubtitleErrorKind};
pub use spans::{CueSpan, spans};
pub use srt::{parse_srt, to_srt};
pub use vtt::{parse_vtt, to_vtt};

/// Most cues read from one file (as many as a subtitles layer may hold inline).
pub const MAX_CUES_PER_FILE: usize = crate::project::limits::MAX_CUES_PER_LAYER;

/// What a subtitle file held.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// The valid cues, in file order.
    pub cues: Vec<Cue>,
    /// Problems found, by line.
    pub errors: Vec<SubtitleError>,
}

/// Reads SRT or WebVTT, chosen by the `WEBVTT` header.
pub fn parse(text: &str) -> Parsed {
    if text.trim_start_matches('\u{feff}').starts_with("WEBVTT") { parse_vtt(text) } else { parse_srt(text) }
}

#[cfg(test)]
mod tests;
