//! The v1 project format: types, JSON parsing, validation and limits.
//!
//! [`validate`] is the way in: it parses JSON text, checks every rule of
//! `docs/project-format.md`, reports every problem at once (each with a JSON path
//! such as `scenes[0].layers[2].trimEnd`), and returns a [`Project`] with all
//! defaults filled in. Times are integer microseconds in Rust (`*_us` fields) and
//! seconds in JSON; serializing a `Project` gives JSON that validates to the same value.

mod color;
mod context;
mod document;
mod error;
mod gif;
mod json;
mod keyword;
mod layer;
pub mod limits;
mod output;
mod path;
mod reader;
mod scene;
mod seconds;
mod source;
mod suggest;

pub use color::Color;
pub use document::{Project, VERSION};
pub use error::{ErrorCode, ValidationError};
pub use gif::{GifPalette, GifSettings};
pub use layer::{
    Align, AudioLayer, Crop, Cue, Fades, Fit, FontFamily, ImageLayer, Layer, LayerType, Outline, Placement, Shadow,
    SubtitlesContent, SubtitlesLayer, TextBox, TextLayer, TextStyle, Trim, VerticalAlign, VideoLayer,
};
pub use output::{AudioCodec, Format, Output, Quality, VideoCodec};
pub use scene::Scene;
pub use source::{Source, SourceKind, is_valid_id};

/// Parses and validates a v1 project, returning every problem at once.
///
/// Never panics; the input is bounded by [`limits::MAX_PROJECT_BYTES`] and the other limits.
pub fn validate(json: &str) -> Result<Project, Vec<ValidationError>> {
    let parsed = json::parse(json).map_err(|e| vec![e])?;
    document::read_project(&parsed.value, reader::Report::new(parsed.duplicates))
}
