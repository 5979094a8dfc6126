//! Text: layout (bidi, fallback, shaping, wrapping) and rasterization to premultiplied bitmaps.
//!
//! [`TextRenderer`] owns the [`FontLibrary`], a glyph cache and a render cache. It turns a
//! text and a project [`TextStyle`] into a [`RenderedText`]: a tight bitmap plus the block
//! geometry that [`place_text`] needs to put it in a layer box. Everything is measured in
//! *bitmap pixels* = output pixels × `scale` (1 for export; a preview may render smaller).
//!
//! Pipeline: paragraphs (split at line breaks) → bidi levels (UAX #9) → runs of one level,
//! script and face (per-character fallback, colour fonts for emoji) → shaping (rustybuzz)
//! → greedy wrapping at UAX #14 opportunities (long words are cut) → lines reordered
//! visually (rule L2) → painting: box, shadow (Gaussian blur), outline (round-joined stroke),
//! fill, colour glyphs. Missing weights are synthesized (a stroke) and so is italic (a shear).

mod blur;
mod cache;
mod glyphs;
mod itemize;
mod layout;
mod masks;
mod paint;
mod place;
mod shape;
mod style;
mod wrap;

pub use cache::{CacheStats, DEFAULT_CACHE_BYTES};
pub use place::{TextPlacement, place_block, place_text};

use super::bitmap::Bitmap;
use super::fonts::{FontError, FontId, FontInfo, FontLibrary};
use crate::project::TextStyle;
use cache::{CacheKey, RenderCache};
use glyphs::GlyphCache;
use std::collections::HashMap;
use std::sync::Arc;
use thiserror::Error;

/// Widest or tallest text bitmap, in pixels.
pub const MAX_TEXT_SIDE: u32 = 16_384;
/// Most pixels in one text bitmap (the largest output frame, 8192 × 4320).
pub const MAX_TEXT_PIXELS: u64 = 8192 * 4320;

/// Why a text could not be rendered.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TextError {
    /// The painted text would be bigger than [`MAX_TEXT_SIDE`] / [`MAX_TEXT_PIXELS`].
    #[error(
        "the text would be {width}×{height} pixels, above the limit; use a smaller size, shorter text or a narrower maxWidth"
    )]
    TooLarge {
        /// Bitmap width it would need.
        width: u32,
        /// Bitmap height it would need.
        height: u32,
    },
    /// The scale is not a positive finite number.
    #[error("render scale {scale} must be a positive number")]
    InvalidScale {
        /// The scale given.
        scale: f32,
    },
}

impl TextError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            TextError::TooLarge { .. } => "text_too_large",
            TextError::InvalidScale { .. } => "text_invalid_scale",
        }
    }
}

/// A rendered text block.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedText {
    /// The painted pixels, cropped to what is visible; `None` when nothing is (blank text, no box).
    pub bitmap: Option<Bitmap>,
    /// Bitmap left edge minus the block's left edge, in bitmap pixels (negative when the box,
    /// outline or shadow reach left of the text).
    pub offset_x: i32,
    /// Bitmap top edge minus the block's top edge.
    pub offset_y: i32,
    /// Width of the text block (the widest line), in bitmap pixels.
    pub block_width: f32,
    /// Height of the text block (lines × line height), in bitmap pixels.
    pub block_height: f32,
    /// Box padding around the block (0 without a box); alignment places block + padding.
    pub padding: f32,
    /// Number of lines after wrapping.
    pub lines: usize,
    /// Bitmap pixels per output pixel.
    pub scale: f32,
}

impl RenderedText {
    /// Bytes held by the bitmap.
    pub fn byte_size(&self) -> usize {
        self.bitmap.as_ref().map_or(0, |b| b.pixels().len())
    }
}

/// Lays out and rasterizes text; owns the fonts and the caches.
pub struct TextRenderer {
    fonts: FontLibrary,
    /// `font` source id → its face.
    sources: HashMap<String, FontId>,
    glyphs: GlyphCache,
    cache: RenderCache,
}

impl Default for TextRenderer {
    fn default() -> Self {
        TextRenderer::new()
    }
}

impl TextRenderer {
    /// A renderer with the embedded Noto Sans only.
    pub fn new() -> TextRenderer {
        TextRenderer::with_fonts(FontLibrary::new())
    }

    /// A renderer over `fonts`.
    pub fn with_fonts(fonts: FontLibrary) -> TextRenderer {
        TextRenderer {
            fonts,
            sources: HashMap::new(),
            glyphs: GlyphCache::default(),
            cache: RenderCache::new(DEFAULT_CACHE_BYTES),
        }
    }

    /// The fonts.
    pub fn fonts(&self) -> &FontLibrary {
        &self.fonts
    }

    /// Adds a font (TTF/OTF, or every face of a TTC) for fallback and families; this backs
    /// `engine.loadFont(bytes)`. Cached renders are dropped when faces were added, as glyphs
    /// may now exist; a file already loaded (same bytes) changes nothing and keeps the cache.
    pub fn add_font(&mut self, bytes: Vec<u8>) -> Result<Vec<FontInfo>, FontError> {
        let before = self.fonts.fonts().count();
        let added = self.fonts.add_font(bytes)?;
        if self.fonts.fonts().count() != before {
            self.cache.clear();
        }
        Ok(added)
    }

    /// Adds the file of a project `font` source, so styles naming `source_id` use its family.
    /// Adding the same file under the same id again (every job of a worker does) is a no-op.
    pub fn add_font_source(&mut self, source_id: &str, bytes: Vec<u8>) -> Result<Vec<FontInfo>, FontError> {
        let added = self.add_font(bytes)?;
        if let Some(first) = added.first() {
            if self.sources.insert(source_id.to_owned(), first.id) != Some(first.id) {
                self.cache.clear();
            }
        }
        Ok(added)
    }

    /// Lays out and paints `text` in `style` at `scale` bitmap pixels per output pixel.
    pub fn render_text(&mut self, text: &str, style: &TextStyle, scale: f32) -> Result<RenderedText, TextError> {
        if !(scale.is_finite() && scale > 0.0) {
            return Err(TextError::InvalidScale { scale });
        }
        let resolved = style::resolve(style, scale, &self.fonts, &self.sources);
        let layout = layout::layout(text, &resolved, &self.fonts);
        let painted = paint::paint(&layout, &resolved, &self.fonts, &mut self.glyphs)?;
        let (bitmap, offset_x, offset_y) = match painted.bitmap.as_ref().and_then(Bitmap::opaque_bounds) {
            Some((x, y, w, h)) => {
                let cropped = painted.bitmap.as_ref().and_then(|b| b.crop(x, y, w, h));
                (cropped, painted.offset_x + x as i32, painted.offset_y + y as i32)
            }
            None => (None, 0, 0),
        };
        Ok(RenderedText {
            bitmap,
            offset_x,
            offset_y,
            block_width: layout.width,
            block_height: layout.height,
            padding: resolved.text_box.map_or(0.0, |b| b.padding),
            lines: layout.lines,
            scale,
        })
    }

    /// Like [`TextRenderer::render_text`], but identical text, style and scale are rasterized
    /// once and shared; see [`TextRenderer::cache_stats`].
    pub fn render_cached(&mut self, text: &str, style: &TextStyle, scale: f32) -> Result<Arc<RenderedText>, TextError> {
        let key = style_key(style);
        self.render_keyed(&key, text, style, scale)
    }

    /// [`TextRenderer::render_cached`] with the style's key computed once by the caller.
    pub(crate) fn render_keyed(
        &mut self,
        style_key: &Arc<str>,
        text: &str,
        style: &TextStyle,
        scale: f32,
    ) -> Result<Arc<RenderedText>, TextError> {
        let key = CacheKey { style: style_key.clone(), text: text.to_owned(), scale: scale.to_bits() };
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit);
        }
        let rendered = Arc::new(self.render_text(text, style, scale)?);
        self.cache.insert(key, rendered.clone());
        Ok(rendered)
    }

    /// Hit and miss counts and the size of the render cache.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Sets how many bytes of bitmaps the render cache keeps (default [`DEFAULT_CACHE_BYTES`]).
    pub fn set_cache_budget(&mut self, bytes: usize) {
        self.cache.set_budget(bytes);
    }
}

/// The cache key of a style: its JSON.
pub(crate) fn style_key(style: &TextStyle) -> Arc<str> {
    Arc::from(serde_json::to_string(style).unwrap_or_default())
}
