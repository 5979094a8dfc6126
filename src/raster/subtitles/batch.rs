//! Rasterizing many cues: one bitmap per span of simultaneously shown cues, deduplicated
//! through the renderer's cache, streamed so 10,000 cues never sit in memory at once.

use super::Cue;
use super::place::{cue_style, place_cue};
use super::spans::{CueSpan, spans};
use crate::plan::LayerBox;
use crate::project::TextStyle;
use crate::raster::bitmap::Bitmap;
use crate::raster::text::{CacheStats, RenderedText, TextError, TextPlacement, TextRenderer, style_key};
use std::sync::Arc;
use thiserror::Error;

/// How far a batch has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Spans handled so far.
    pub done: usize,
    /// Spans in the batch.
    pub total: usize,
    /// Renders served by the cache in this batch.
    pub hits: u64,
    /// Renders that rasterized in this batch.
    pub misses: u64,
}

/// A caption bitmap ready to composite.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedCue {
    /// When it appears, in microseconds (cue time: from the subtitles layer's start).
    pub start_us: i64,
    /// When it disappears.
    pub end_us: i64,
    /// The cues it shows (indices into the cue list), in list order.
    pub cues: Vec<usize>,
    /// The rendered block (shared with every other span of identical text and style).
    pub text: Arc<RenderedText>,
    /// Where it is drawn on the output frame.
    pub placement: TextPlacement,
}

impl PlacedCue {
    /// The pixels (premultiplied RGBA8).
    pub fn bitmap(&self) -> Option<&Bitmap> {
        self.text.bitmap.as_ref()
    }
}

/// A span that could not be rendered; the others are unaffected.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("cue {cue}: {error}")]
pub struct CueError {
    /// Index of the first cue of the span.
    pub cue: usize,
    /// Why.
    pub error: TextError,
}

impl CueError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        self.error.code()
    }
}

/// The placed cues of a batch, one at a time (an iterator); blank cues are skipped.
pub struct CueRaster<'a> {
    renderer: &'a mut TextRenderer,
    cues: &'a [Cue],
    style: &'a TextStyle,
    style_key: Arc<str>,
    layer_box: LayerBox,
    scale: f32,
    spans: std::vec::IntoIter<CueSpan>,
    total: usize,
    done: usize,
    before: CacheStats,
}

impl<'a> CueRaster<'a> {
    /// Prepares `cues` in `style` for `layer_box` (the subtitles layer's box on the output
    /// frame) at `scale` bitmap pixels per output pixel.
    pub fn new(
        renderer: &'a mut TextRenderer,
        cues: &'a [Cue],
        style: &'a TextStyle,
        layer_box: LayerBox,
        scale: f32,
    ) -> CueRaster<'a> {
        let spans = spans(cues);
        let before = renderer.cache_stats();
        CueRaster {
            renderer,
            cues,
            style,
            style_key: style_key(style),
            layer_box,
            scale,
            total: spans.len(),
            spans: spans.into_iter(),
            done: 0,
            before,
        }
    }

    /// Spans done and total, and this batch's cache hits and misses.
    pub fn progress(&self) -> Progress {
        let now = self.renderer.cache_stats();
        Progress {
            done: self.done,
            total: self.total,
            hits: now.hits - self.before.hits,
            misses: now.misses - self.before.misses,
        }
    }

    /// Renders and places one span; `Ok(None)` when it draws nothing.
    fn render(&mut self, span: CueSpan) -> Result<Option<PlacedCue>, CueError> {
        let layer =
            CueLayer { cues: self.cues, style: self.style, style_key: &self.style_key, layer_box: &self.layer_box };
        render_span(self.renderer, &layer, span, self.scale)
    }
}

/// The cues of one subtitles layer and how they are drawn.
pub(crate) struct CueLayer<'a> {
    /// Every cue.
    pub cues: &'a [Cue],
    /// The layer style.
    pub style: &'a TextStyle,
    /// The style's cache key.
    pub style_key: &'a Arc<str>,
    /// The layer's box on the output frame.
    pub layer_box: &'a LayerBox,
}

/// Renders (through the cache) and places one span of `layer`; `Ok(None)` when it draws nothing.
pub(crate) fn render_span(
    renderer: &mut TextRenderer,
    layer: &CueLayer<'_>,
    span: CueSpan,
    scale: f32,
) -> Result<Option<PlacedCue>, CueError> {
    let first = span.cues.first().copied().unwrap_or(0);
    let settings = layer.cues.get(first).map(|c| c.settings).unwrap_or_default();
    let texts: Vec<&str> = span.cues.iter().filter_map(|&i| layer.cues.get(i)).map(|c| c.text.as_str()).collect();
    let text = texts.join("\n");
    let fail = |error| CueError { cue: first, error };
    let rendered = if settings.is_default() {
        renderer.render_keyed(layer.style_key, &text, layer.style, scale)
    } else {
        let style = cue_style(layer.style, &settings, layer.layer_box);
        renderer.render_keyed(&style_key(&style), &text, &style, scale)
    }
    .map_err(fail)?;
    let placement = place_cue(&rendered, layer.style, &settings, layer.layer_box);
    Ok(placement.map(|placement| PlacedCue {
        start_us: span.start_us,
        end_us: span.end_us,
        cues: span.cues,
        text: rendered,
        placement,
    }))
}

impl Iterator for CueRaster<'_> {
    type Item = Result<PlacedCue, CueError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let span = self.spans.next()?;
            let result = self.render(span);
            self.done += 1;
            match result {
                Ok(None) => continue,
                Ok(Some(placed)) => return Some(Ok(placed)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Everything a small batch produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterizedCues {
    /// The placed cues, by start time.
    pub placed: Vec<PlacedCue>,
    /// Spans that could not be rendered.
    pub errors: Vec<CueError>,
    /// Final counts.
    pub progress: Progress,
}

/// Rasterizes all `cues` and keeps every result, calling `on_progress` after each span.
/// Holds every bitmap at once: for thousands of distinct cues iterate a [`CueRaster`] instead.
pub fn rasterize_cues(
    renderer: &mut TextRenderer,
    cues: &[Cue],
    style: &TextStyle,
    layer_box: LayerBox,
    scale: f32,
    mut on_progress: impl FnMut(Progress),
) -> RasterizedCues {
    let mut batch = CueRaster::new(renderer, cues, style, layer_box, scale);
    let (mut placed, mut errors) = (Vec::new(), Vec::new());
    while let Some(result) = batch.next() {
        match result {
            Ok(p) => placed.push(p),
            Err(e) => errors.push(e),
        }
        on_progress(batch.progress());
    }
    RasterizedCues { placed, errors, progress: batch.progress() }
}
