//! Subtitle file problems, each at a line number; the valid cues are kept.

use thiserror::Error;

/// Most problems reported for one file; the rest are counted in a last [`SubtitleErrorKind::TooManyErrors`].
pub const MAX_SUBTITLE_ERRORS: usize = 100;

/// A problem at a line of a subtitle file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}: {kind}")]
pub struct SubtitleError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: SubtitleErrorKind,
}

impl SubtitleError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// What is wrong at a line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SubtitleErrorKind {
    /// A WebVTT file must start with `WEBVTT`.
    #[error("a WebVTT file must start with the line \"WEBVTT\"; the cues were read anyway")]
    MissingHeader,
    /// A block has no `start --> end` line.
    #[error("expected a timing line like \"00:00:01,000 --> 00:00:02,500\"; this block was skipped")]
    MissingTiming,
    /// A timestamp cannot be read.
    #[error("cannot read the time \"{text}\" (write HH:MM:SS,mmm or HH:MM:SS.mmm); this cue was skipped")]
    BadTimestamp {
        /// The text found.
        text: String,
    },
    /// The cue ends at or before its start.
    #[error("the cue ends at or before it starts; this cue was skipped")]
    EndNotAfterStart,
    /// The cue has no text.
    #[error("the cue has no text; it was skipped")]
    EmptyText,
    /// A WebVTT setting cannot be read; the cue is kept without it.
    #[error("cannot use the cue setting \"{setting}\" ({reason}); the cue is shown without it")]
    BadSetting {
        /// The setting as written.
        setting: String,
        /// Why.
        reason: &'static str,
    },
    /// The cue text is longer than the limit.
    #[error("the cue text has {chars} characters, above the limit of {limit}; this cue was skipped")]
    TextTooLong {
        /// Its length.
        chars: usize,
        /// The limit.
        limit: usize,
    },
    /// The file has more cues than the limit; the rest were dropped.
    #[error("more than {limit} cues; the cues from here on were dropped (split the file)")]
    TooManyCues {
        /// The limit.
        limit: usize,
    },
    /// More problems than [`MAX_SUBTITLE_ERRORS`].
    #[error("{more} more problems were not listed")]
    TooManyErrors {
        /// How many were left out.
        more: usize,
    },
}

impl SubtitleErrorKind {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            SubtitleErrorKind::MissingHeader => "subtitle_missing_header",
            SubtitleErrorKind::MissingTiming => "subtitle_missing_timing",
            SubtitleErrorKind::BadTimestamp { .. } => "subtitle_bad_timestamp",
            SubtitleErrorKind::EndNotAfterStart => "subtitle_end_not_after_start",
            SubtitleErrorKind::EmptyText => "subtitle_empty_text",
            SubtitleErrorKind::BadSetting { .. } => "subtitle_bad_setting",
            SubtitleErrorKind::TextTooLong { .. } => "subtitle_text_too_long",
            SubtitleErrorKind::TooManyCues { .. } => "subtitle_too_many_cues",
            SubtitleErrorKind::TooManyErrors { .. } => "subtitle_too_many_errors",
        }
    }
}

/// Collects errors up to [`MAX_SUBTITLE_ERRORS`], counting the rest.
#[derive(Default)]
pub(crate) struct Errors {
    list: Vec<SubtitleError>,
    dropped: usize,
    /// True once the cue limit was reported.
    pub truncated: bool,
}

impl Errors {
    /// Records `kind` at `line`.
    pub fn add(&mut self, line: usize, kind: SubtitleErrorKind) {
        if self.list.len() < MAX_SUBTITLE_ERRORS {
            self.list.push(SubtitleError { line, kind });
        } else {
            self.dropped += 1;
        }
    }

    /// The list, with a summary of the dropped ones last.
    pub fn finish(mut self, last_line: usize) -> Vec<SubtitleError> {
        if self.dropped > 0 {
            self.list
                .push(SubtitleError { line: last_line, kind: SubtitleErrorKind::TooManyErrors { more: self.dropped } });
        }
        self.list
    }
}
