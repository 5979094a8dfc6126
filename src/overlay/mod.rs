//! The overlay timeline both renderers share: which text, caption and image pictures show
//! when, and their pixels on demand.
//!
//! [`OverlayTimeline::build`] reads the plan's image, text and subtitles layers once per job:
//! font sources are added to the [`TextRenderer`], subtitle files parsed (bad cues become
//! [`OverlayWarning`]s, the valid ones are used), images decoded (once per source, with the
//! raster limits) and placed. Nothing is rasterized up front: the timeline is a list of
//! [`Entry`]s (a layer, an item, a time range) and [`OverlayTimeline::rasterize`] draws one
//! entry when asked, through the renderer's cache (identical text and style are rasterized
//! once; the cache is bounded, so 10,000 cues stream in bounded memory).
//!
//! - the client asks [`OverlayTimeline::active_at`] for every output frame and composites
//!   the [`Picture`]s over the video (caching each entry's upload while it shows);
//! - the server walks [`OverlayTimeline::entries`] (z-order, then time) in batches and writes
//!   each picture as a PNG overlaid over its time range.
//!
//! Items: a text layer has one entry (item 0) for its whole span; a subtitles layer one per
//! span of simultaneously shown cues (item = span index); an image layer one per frame shown
//! (item = frame index; a still image has one, an animated GIF one per frame change).

mod error;
mod layer;
mod prepare;

pub use error::{OverlayError, OverlayWarning};

use crate::plan::{Placement, Rect, RenderPlan, Rotation};
use crate::project::Project;
use crate::raster::subtitles::{CueLayer, render_span};
use crate::raster::text::{RenderedText, TextPlacement, place_text};
use crate::raster::{Bitmap, TextRenderer};
use layer::{Content, OverlayLayer};
use prepare::Preparer;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One picture of an overlay layer over a time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entry {
    /// Index of the layer in `plan.visuals` (also its z-order: higher is on top).
    pub visual: usize,
    /// Which picture of the layer: 0 for text, the span index for subtitles, the frame index
    /// for images. The same `(visual, item)` always rasterizes to the same picture.
    pub item: usize,
    /// Timeline time it appears.
    pub start_us: i64,
    /// Timeline time it disappears.
    pub end_us: i64,
}

/// The pixels of an entry and where they go.
#[derive(Debug, Clone)]
pub struct Picture {
    pixels: Pixels,
    /// Where to draw it, as for a video frame: `src_rect` of the bitmap, through `transform`
    /// (bitmap pixels → output pixels), clipped to `clip` when set.
    pub placement: Placement,
}

/// A picture's bitmap: a rendered text (shared with the cache) or an image frame.
#[derive(Debug, Clone)]
enum Pixels {
    Text(Arc<RenderedText>),
    Image(Arc<Bitmap>),
}

impl Picture {
    /// The premultiplied RGBA8 pixels.
    pub fn bitmap(&self) -> &Bitmap {
        match &self.pixels {
            // A text without pixels is never placed, so never becomes a picture.
            Pixels::Text(text) => text.bitmap.as_ref().unwrap_or(&crate::raster::bitmap::EMPTY),
            Pixels::Image(bitmap) => bitmap,
        }
    }

    /// The smallest axis-aligned rectangle of the output frame it covers (before `clip`); for
    /// text in an unrotated box `x` and `y` are whole pixels (an ffmpeg `overlay` position).
    pub fn bounds(&self) -> Rect {
        let p = &self.placement;
        let (mut l, mut t, mut r, mut b) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in p.src_rect.corners().map(|c| p.transform.apply(c)) {
            (l, t, r, b) = (l.min(c.x), t.min(c.y), r.max(c.x), b.max(c.y));
        }
        let snap = |v: f64| if (v - v.round()).abs() < 1e-6 { v.round() } else { v };
        let (l, t, r, b) = (snap(l), snap(t), snap(r), snap(b));
        Rect::new(l, t, r - l, b - t)
    }

    /// A rendered text at `placement`.
    fn text(text: Arc<RenderedText>, placed: TextPlacement) -> Picture {
        let (w, h) = (f64::from(placed.bitmap_width), f64::from(placed.bitmap_height));
        let placement = Placement {
            src_rect: Rect::new(0.0, 0.0, w, h),
            transform: placed.transform,
            clip: None,
            source_rotation: Rotation::R0,
            fitted: placed.local,
        };
        Picture { pixels: Pixels::Text(text), placement }
    }
}

/// The overlay layers of one job, prepared.
#[derive(Debug)]
pub struct OverlayTimeline {
    layers: Vec<OverlayLayer>,
    warnings: Vec<OverlayWarning>,
    scale: f32,
}

impl OverlayTimeline {
    /// Prepares every image, text and subtitles layer of `plan` (built from `project`):
    /// `files(source_id)` gives a source's bytes (`None`: missing); font sources are added to
    /// `renderer`. `scale` is bitmap pixels per output pixel (1 for export).
    pub fn build(
        plan: &RenderPlan,
        project: &Project,
        renderer: &mut TextRenderer,
        files: impl FnMut(&str) -> Option<Vec<u8>>,
        scale: f32,
    ) -> Result<OverlayTimeline, OverlayError> {
        let mut preparer =
            Preparer { files, renderer, fonts: BTreeSet::new(), images: BTreeMap::new(), warnings: Vec::new() };
        let mut layers = Vec::new();
        for visual in 0..plan.visuals.len() {
            layers.extend(preparer.layer(plan, project, visual)?);
        }
        Ok(OverlayTimeline { layers, warnings: preparer.warnings, scale })
    }

    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// True when visual layer `visual` is an overlay here (image, text or subtitles).
    pub fn has_layer(&self, visual: usize) -> bool {
        self.layer(visual).is_some()
    }

    /// Problems in subtitle files that did not stop the render (the valid cues are used).
    pub fn warnings(&self) -> &[OverlayWarning] {
        &self.warnings
    }

    /// Every entry, in z-order (bottom layer first), each layer's by start time; produced
    /// lazily, so a long animation or 10,000 cues cost nothing until walked.
    pub fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        self.layers.iter().flat_map(OverlayLayer::entries)
    }

    /// The entries showing at timeline time `t_us`, bottom first.
    pub fn active_at(&self, t_us: i64) -> Vec<Entry> {
        let mut out = Vec::new();
        for layer in &self.layers {
            layer.active_at(t_us, &mut out);
        }
        out
    }

    /// Draws `entry` (through `renderer`'s cache for text); `Ok(None)` when it shows nothing
    /// (blank text).
    pub fn rasterize(&self, renderer: &mut TextRenderer, entry: &Entry) -> Result<Option<Picture>, OverlayError> {
        let Some(layer) = self.layer(entry.visual) else { return Ok(None) };
        let text_error = |path: String| move |error| OverlayError::Text { path, error };
        match &layer.content {
            Content::Text { text, style, key } => {
                let rendered =
                    renderer.render_keyed(key, text, style, self.scale).map_err(text_error(layer.path.clone()))?;
                let placed = place_text(&rendered, style.align, style.vertical_align, &layer.layer_box);
                Ok(placed.map(|placed| Picture::text(rendered, placed)))
            }
            Content::Subtitles { cues, style, key, spans, .. } => {
                let Some(span) = spans.get(entry.item) else { return Ok(None) };
                let cue_layer = CueLayer { cues, style, style_key: key, layer_box: &layer.layer_box };
                let placed = render_span(renderer, &cue_layer, span.clone(), self.scale).map_err(|e| {
                    OverlayError::Text { path: format!("{}.cues[{}]", layer.path, e.cue), error: e.error }
                })?;
                Ok(placed.map(|p| Picture::text(p.text, p.placement)))
            }
            Content::Image { frames, placement } => Ok(frames
                .frames
                .get(entry.item)
                .map(|(bitmap, _)| Picture { pixels: Pixels::Image(bitmap.clone()), placement: *placement })),
        }
    }

    /// The prepared layer for visual `visual`.
    fn layer(&self, visual: usize) -> Option<&OverlayLayer> {
        let i = self.layers.partition_point(|l| l.visual < visual);
        self.layers.get(i).filter(|l| l.visual == visual)
    }
}

#[cfg(test)]
mod tests;
