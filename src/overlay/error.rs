//! What can go wrong while preparing or rasterizing overlays, and the warnings kept alongside.

use crate::plan::PlanError;
use crate::raster::FontError;
use crate::raster::image::ImageError;
use crate::raster::subtitles::SubtitleError;
use crate::raster::text::TextError;
use thiserror::Error;

/// Why an overlay could not be prepared or drawn; `path` is the JSON path of the field to fix.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OverlayError {
    /// A source the overlays need was not handed over.
    #[error("{path}: the file of source \"{source_id}\" is missing; pass it with the project's files")]
    MissingSource {
        /// Where it is used.
        path: String,
        /// The source id.
        source_id: String,
    },
    /// An image source could not be decoded.
    #[error("{path}: {error}")]
    Image {
        /// Where it is used.
        path: String,
        /// Why.
        error: ImageError,
    },
    /// A font source could not be loaded.
    #[error("{path}: {error}")]
    Font {
        /// Where it is used.
        path: String,
        /// Why.
        error: FontError,
    },
    /// A subtitles source is not UTF-8 text.
    #[error("{path}: the subtitles file is not UTF-8 text; save it as UTF-8 SRT or WebVTT")]
    SubtitlesNotText {
        /// Where it is used.
        path: String,
    },
    /// An image's crop does not fit its decoded size.
    #[error("{0}")]
    Placement(PlanError),
    /// A text or caption could not be rendered.
    #[error("{path}: {error}")]
    Text {
        /// The layer (and cue) it belongs to.
        path: String,
        /// Why.
        error: TextError,
    },
}

impl OverlayError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            OverlayError::MissingSource { .. } => "overlay_missing_source",
            OverlayError::Image { error, .. } => error.code(),
            OverlayError::Font { error, .. } => error.code(),
            OverlayError::SubtitlesNotText { .. } => "subtitles_not_text",
            OverlayError::Placement(error) => error.code(),
            OverlayError::Text { error, .. } => error.code(),
        }
    }

    /// The JSON path of the field to fix.
    pub fn path(&self) -> &str {
        match self {
            OverlayError::MissingSource { path, .. }
            | OverlayError::Image { path, .. }
            | OverlayError::Font { path, .. }
            | OverlayError::SubtitlesNotText { path }
            | OverlayError::Text { path, .. } => path,
            OverlayError::Placement(error) => &error.path,
        }
    }
}

/// A problem that does not stop the render: a bad cue in a subtitles file (the valid cues
/// are still shown).
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayWarning {
    /// The subtitles layer, e.g. `scenes[0].layers[1].source`.
    pub path: String,
    /// The cue's problem, with its line number.
    pub error: SubtitleError,
}

impl std::fmt::Display for OverlayWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.error)
    }
}
