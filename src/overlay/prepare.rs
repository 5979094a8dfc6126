//! Building the timeline: the project's text, cues, fonts and images read once per job.

use super::error::{OverlayError, OverlayWarning};
use super::layer::{Content, Frames, OverlayLayer};
use crate::plan::{RenderPlan, Visual, VisualLayer};
use crate::project::{Layer, Project, SubtitlesContent, TextStyle};
use crate::raster::TextRenderer;
use crate::raster::image;
use crate::raster::subtitles::{Cue, parse, spans};
use crate::raster::text::style_key;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What the walk over the plan keeps between layers.
pub(crate) struct Preparer<'a, F> {
    /// Source bytes by id.
    pub files: F,
    /// Where fonts go.
    pub renderer: &'a mut TextRenderer,
    /// Font sources already added.
    pub fonts: BTreeSet<String>,
    /// Images already decoded, by source id.
    pub images: BTreeMap<String, Arc<Frames>>,
    /// Subtitle file problems.
    pub warnings: Vec<OverlayWarning>,
}

impl<F: FnMut(&str) -> Option<Vec<u8>>> Preparer<'_, F> {
    /// The bytes of `source_id`, used at `path`.
    fn bytes(&mut self, source_id: &str, path: &str) -> Result<Vec<u8>, OverlayError> {
        (self.files)(source_id)
            .ok_or_else(|| OverlayError::MissingSource { path: path.to_owned(), source_id: source_id.to_owned() })
    }

    /// Adds the font source `style` names (once per job).
    fn font(&mut self, style: &TextStyle, path: &str) -> Result<(), OverlayError> {
        let Some(id) = &style.font else { return Ok(()) };
        if self.fonts.contains(id) {
            return Ok(());
        }
        let path = format!("{path}.style.font");
        let bytes = self.bytes(id, &path)?;
        self.renderer.add_font_source(id, bytes).map_err(|error| OverlayError::Font { path, error })?;
        self.fonts.insert(id.clone());
        Ok(())
    }

    /// Prepares visual layer `visual` of `plan`; `None` for video layers.
    pub fn layer(
        &mut self,
        plan: &RenderPlan,
        project: &Project,
        visual: usize,
    ) -> Result<Option<OverlayLayer>, OverlayError> {
        let Some(v) = plan.visuals.get(visual) else { return Ok(None) };
        let path = format!("scenes[{}].layers[{}]", v.scene, v.layer);
        let project_layer = project.scenes.get(v.scene).and_then(|s| s.layers.get(v.layer));
        let content = match (&v.content, project_layer) {
            (Visual::Text, Some(Layer::Text(t))) => {
                self.font(&t.style, &path)?;
                Content::Text { text: t.text.clone(), key: style_key(&t.style), style: t.style.clone() }
            }
            (Visual::Subtitles { .. }, Some(Layer::Subtitles(s))) => {
                self.font(&s.style, &path)?;
                let cues = self.cues(&s.content, &path)?;
                let spans = spans(&cues);
                let max_end = spans
                    .iter()
                    .scan(i64::MIN, |end, s| {
                        *end = (*end).max(s.end_us);
                        Some(*end)
                    })
                    .collect();
                Content::Subtitles { cues, key: style_key(&s.style), style: s.style.clone(), spans, max_end }
            }
            (Visual::Image(i), _) => match self.image(v, &i.source, &path)? {
                Some(content) => content,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(Some(OverlayLayer { visual, start_us: v.start_us, end_us: v.end_us, layer_box: v.layer_box, path, content }))
    }

    /// The cues of a subtitles layer: inline, or parsed from its source (bad cues become warnings).
    fn cues(&mut self, content: &SubtitlesContent, path: &str) -> Result<Vec<Cue>, OverlayError> {
        let id = match content {
            SubtitlesContent::Cues(cues) => return Ok(cues.iter().map(Cue::from).collect()),
            SubtitlesContent::Source(id) => id,
        };
        let path = format!("{path}.source");
        let bytes = self.bytes(id, &path)?;
        let text = String::from_utf8(bytes).map_err(|_| OverlayError::SubtitlesNotText { path: path.clone() })?;
        let parsed = parse(&text);
        self.warnings.extend(parsed.errors.into_iter().map(|error| OverlayWarning { path: path.clone(), error }));
        Ok(parsed.cues)
    }

    /// An image layer: its source decoded (once per source) and placed in the layer's box.
    fn image(&mut self, v: &VisualLayer, source: &str, path: &str) -> Result<Option<Content>, OverlayError> {
        let path = format!("{path}.source");
        let frames = match self.images.get(source) {
            Some(frames) => frames.clone(),
            None => {
                let bytes = self.bytes(source, &path)?;
                let decoded =
                    image::decode(&bytes).map_err(|error| OverlayError::Image { path: path.clone(), error })?;
                let frames = Arc::new(Frames {
                    frames: decoded.frames.into_iter().map(|f| (Arc::new(f.bitmap), f.delay_us)).collect(),
                    loop_count: decoded.loop_count,
                    width: decoded.width,
                    height: decoded.height,
                    rotation: decoded.rotation,
                });
                self.images.insert(source.to_owned(), frames.clone());
                frames
            }
        };
        let placed = v.place_picture(frames.width, frames.height, frames.rotation).transpose();
        Ok(placed.map_err(OverlayError::Placement)?.map(|placement| Content::Image { placement, frames }))
    }
}
