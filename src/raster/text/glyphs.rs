//! The glyph cache: outlines (font units), coverage masks (per size, effect and sub-pixel
//! position) and decoded colour-emoji bitmaps, by face and glyph.

use super::masks::{GlyphMask, MaskStyle, rasterize};
use crate::raster::bitmap::Bitmap;
use crate::raster::fonts::{FontId, FontLibrary};
use crate::raster::image::decode_png_bitmap;
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use std::collections::HashMap;
use std::sync::Arc;
use tiny_skia::{Path, PathBuilder};

/// Glyphs kept before the glyph cache is emptied.
const MAX_GLYPHS: usize = 4096;
/// Masks kept before the mask cache is emptied (a few sizes of a few scripts).
const MAX_MASKS: usize = 8192;
/// The emoji strike asked for (Noto Color Emoji has one, at 109 pixels per em).
const EMOJI_PPEM: u16 = 128;

/// A colour glyph: a bitmap with its placement at its strike's size.
#[derive(Debug)]
pub(crate) struct ColorGlyph {
    /// The picture (premultiplied).
    pub bitmap: Bitmap,
    /// Left edge relative to the pen, in strike pixels.
    pub left: f32,
    /// Top edge above the baseline, in strike pixels.
    pub top: f32,
    /// The strike's pixels per em.
    pub ppem: f32,
}

/// What a glyph looks like.
#[derive(Debug, Clone)]
pub(crate) enum GlyphImage {
    /// A vector outline in font units (y up).
    Outline(Arc<Path>),
    /// A colour bitmap.
    Color(Arc<ColorGlyph>),
    /// Nothing to draw (a space).
    Empty,
}

/// Which mask: glyph, style and sub-pixel offset.
type MaskKey = (FontId, u16, MaskStyle, u8, u8);

/// Outlines, masks and colour bitmaps already made.
#[derive(Default)]
pub(crate) struct GlyphCache {
    glyphs: HashMap<(FontId, u16), GlyphImage>,
    masks: HashMap<MaskKey, Option<Arc<GlyphMask>>>,
}

impl GlyphCache {
    /// The image of glyph `id` of face `font`.
    pub fn get(&mut self, fonts: &FontLibrary, font: FontId, id: u16) -> GlyphImage {
        if let Some(image) = self.glyphs.get(&(font, id)) {
            return image.clone();
        }
        if self.glyphs.len() >= MAX_GLYPHS {
            self.glyphs.clear();
        }
        let image = load(fonts, font, id);
        self.glyphs.insert((font, id), image.clone());
        image
    }

    /// The coverage mask of outline glyph `id` of `font` drawn with `style` at sub-pixel
    /// offset (`fx`, `fy`) quarters; `None` for an empty outline.
    pub fn mask(&mut self, path: &Path, key: MaskKey) -> Option<Arc<GlyphMask>> {
        if let Some(mask) = self.masks.get(&key) {
            return mask.clone();
        }
        if self.masks.len() >= MAX_MASKS {
            self.masks.clear();
        }
        let mask = rasterize(path, key.2, key.3, key.4).map(Arc::new);
        self.masks.insert(key, mask.clone());
        mask
    }
}

/// Reads glyph `id` of face `font`: a colour bitmap when the face has one, else the outline.
fn load(fonts: &FontLibrary, font: FontId, id: u16) -> GlyphImage {
    let Some(face) = fonts.face(font) else { return GlyphImage::Empty };
    let Some(ttf) = face.ttf() else { return GlyphImage::Empty };
    if face.info.color {
        let raster = ttf.glyph_raster_image(GlyphId(id), EMOJI_PPEM);
        if let Some(glyph) = raster.and_then(|r| {
            let bitmap = decode_png_bitmap(r.data)?;
            let top = f32::from(r.y) + f32::from(r.height);
            Some(ColorGlyph { bitmap, left: f32::from(r.x), top, ppem: f32::from(r.pixels_per_em.max(1)) })
        }) {
            return GlyphImage::Color(Arc::new(glyph));
        }
    }
    let mut sink = PathSink(PathBuilder::new());
    match ttf.outline_glyph(GlyphId(id), &mut sink).and_then(|_| sink.0.finish()) {
        Some(path) => GlyphImage::Outline(Arc::new(path)),
        None => GlyphImage::Empty,
    }
}

/// Collects an outline into a tiny-skia path.
struct PathSink(PathBuilder);

impl OutlineBuilder for PathSink {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}
