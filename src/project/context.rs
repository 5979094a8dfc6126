//! What scenes and layers need to know while they are read.

use super::color::Color;
use super::reader::Report;
use super::source::SourceIndex;

/// Shared state of one validation pass below the project level.
pub(crate) struct Ctx<'s> {
    /// Where problems go.
    pub report: Report,
    /// Output width and height in pixels, for default boxes and font sizes.
    pub frame: (f64, f64),
    /// The output background, the default for scenes.
    pub background: Color,
    /// The ids in `sources`, for references.
    pub sources: &'s SourceIndex,
    /// Layers read so far in the whole project.
    pub layers: usize,
    /// Inline cues read so far in the whole project.
    pub cues: usize,
}

impl<'s> Ctx<'s> {
    /// A context for a project whose output is `frame` pixels on `background`.
    pub fn new(report: Report, frame: (f64, f64), background: Color, sources: &'s SourceIndex) -> Ctx<'s> {
        Ctx { report, frame, background, sources, layers: 0, cues: 0 }
    }
}
