//! Painting a laid-out block with tiny-skia: box, shadow, outline, fill, colour glyphs.

use super::blur::blur_alpha;
use super::glyphs::{ColorGlyph, GlyphCache, GlyphImage};
use super::layout::Layout;
use super::style::{BOLD_FROM, Resolved};
use super::{MAX_TEXT_PIXELS, MAX_TEXT_SIDE, TextError};
use crate::raster::bitmap::Bitmap;
use crate::raster::fonts::FontLibrary;
use std::sync::Arc;
use tiny_skia::{
    Color, FillRule, FilterQuality, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke,
    Transform,
};

/// Horizontal shear of synthesized italics (about 11°).
const SYNTHETIC_SLANT: f32 = 0.2;
/// Extra stroke width of synthesized bold, as a fraction of the em.
const SYNTHETIC_BOLD: f32 = 0.04;
/// How far a blurred shadow reaches, in standard deviations.
const BLUR_REACH: f32 = 3.0;

/// What the painter produced: the bitmap and where its top-left sits relative to the block origin.
pub(crate) struct Painted {
    /// The pixels, or `None` when nothing is visible.
    pub bitmap: Option<Bitmap>,
    /// Bitmap left edge minus block left edge, in bitmap pixels.
    pub offset_x: i32,
    /// Bitmap top edge minus block top edge.
    pub offset_y: i32,
}

/// Glyph geometry gathered for painting, in block coordinates.
struct Shapes {
    /// Outlines of faces with the wanted weight.
    regular: Option<Path>,
    /// Outlines to embolden (the face is lighter than asked).
    bold: Option<Path>,
    /// Colour glyphs with their destination transform.
    color: Vec<(Arc<ColorGlyph>, Transform)>,
}

/// Paints `layout` in `style`.
pub(crate) fn paint(layout: &Layout, style: &Resolved, fonts: &FontLibrary, cache: &mut GlyphCache) -> Result<Painted, TextError> {
    let shapes = gather(layout, style, fonts, cache);
    let bold_width = style.size * SYNTHETIC_BOLD;
    let outline = style.outline.map_or(0.0, |(w, _)| w);
    let mut ink: Option<Rect> = None;
    for (path, grow) in [(&shapes.regular, outline), (&shapes.bold, outline + bold_width / 2.0)] {
        ink = union(ink, path.as_ref().and_then(|p| outset(p.bounds(), grow)));
    }
    for (glyph, ts) in &shapes.color {
        let (w, h) = (glyph.bitmap.width() as f32, glyph.bitmap.height() as f32);
        ink = union(ink, Rect::from_xywh(0.0, 0.0, w, h).and_then(|r| r.transform(*ts)));
    }
    let box_rect = style.text_box.and_then(|b| {
        Rect::from_xywh(-b.padding, -b.padding, layout.width + 2.0 * b.padding, layout.height + 2.0 * b.padding)
    });
    let shadow_rect = style
        .shadow
        .and_then(|s| ink.and_then(|r| outset(r, s_reach(style))).map(|r| (r, s)))
        .and_then(|(r, s)| Rect::from_ltrb(r.left() + s.dx, r.top() + s.dy, r.right() + s.dx, r.bottom() + s.dy));
    let Some(all) = union(union(box_rect, ink), shadow_rect) else {
        return Ok(Painted { bitmap: None, offset_x: 0, offset_y: 0 });
    };
    let (left, top) = (all.left().floor(), all.top().floor());
    let (width, height) = ((all.right().ceil() - left) as u32, (all.bottom().ceil() - top) as u32);
    if width > MAX_TEXT_SIDE || height > MAX_TEXT_SIDE || u64::from(width) * u64::from(height) > MAX_TEXT_PIXELS {
        return Err(TextError::TooLarge { width, height });
    }
    let mut canvas = Pixmap::new(width.max(1), height.max(1)).ok_or(TextError::TooLarge { width, height })?;
    let base = Transform::from_translate(-left, -top);
    if let (Some(b), Some(rect)) = (style.text_box, box_rect) {
        if let Some(path) = rounded_rect(rect, b.radius) {
            canvas.fill_path(&path, &paint_of(b.color), FillRule::Winding, base, None);
        }
    }
    if let (Some(s), Some(area)) = (style.shadow, ink.and_then(|r| outset(r, s_reach(style)))) {
        if let Some(shadow) = shadow_layer(&shapes, style, area, s.sigma) {
            let ts = base.pre_translate(area.left().floor() + s.dx, area.top().floor() + s.dy);
            let quality = if s.dx.fract() == 0.0 && s.dy.fract() == 0.0 { FilterQuality::Nearest } else { FilterQuality::Bilinear };
            let paint = PixmapPaint { quality, ..PixmapPaint::default() };
            let tinted = tint(shadow, s.color);
            canvas.draw_pixmap(0, 0, tinted.as_ref(), &paint, ts, None);
        }
    }
    if let Some((w, color)) = style.outline {
        let strokes = [(&shapes.regular, 2.0 * w), (&shapes.bold, 2.0 * w + bold_width)];
        draw_layer(&mut canvas, color, base, &mut |target, paint, ts| {
            for (path, width) in strokes {
                if let Some(p) = path {
                    target.stroke_path(p, paint, &round_stroke(width), ts, None);
                }
            }
        });
    }
    draw_layer(&mut canvas, style.fill, base, &mut |target, paint, ts| fill_shapes(target, &shapes, paint, ts, bold_width));
    for (glyph, ts) in &shapes.color {
        if let Some(src) = glyph.bitmap.as_pixmap() {
            let paint = PixmapPaint { quality: FilterQuality::Bicubic, ..PixmapPaint::default() };
            canvas.draw_pixmap(0, 0, src, &paint, ts.post_concat(base), None);
        }
    }
    Ok(Painted { bitmap: Some(Bitmap::from_pixmap(canvas)), offset_x: left as i32, offset_y: top as i32 })
}

/// How far the shadow's shape layer reaches beyond the ink.
fn s_reach(style: &Resolved) -> f32 {
    style.shadow.map_or(0.0, |s| s.sigma * BLUR_REACH + 1.0)
}

/// Collects glyph outlines and colour glyphs at their places.
fn gather(layout: &Layout, style: &Resolved, fonts: &FontLibrary, cache: &mut GlyphCache) -> Shapes {
    let (mut regular, mut bold) = (PathBuilder::new(), PathBuilder::new());
    let mut color = Vec::new();
    for g in &layout.glyphs {
        let Some(face) = fonts.face(g.font) else { continue };
        let scale = style.size / face.units_per_em;
        let slant = if style.choice.italic && !face.info.italic { SYNTHETIC_SLANT } else { 0.0 };
        match cache.get(fonts, g.font, g.id) {
            GlyphImage::Outline(path) => {
                let ts = Transform::from_row(scale, 0.0, slant * scale, -scale, g.x, g.y);
                let embolden = style.choice.weight >= BOLD_FROM && face.info.weight < BOLD_FROM;
                if let Some(p) = path.as_ref().clone().transform(ts) {
                    if embolden { &mut bold } else { &mut regular }.push_path(&p);
                }
            }
            GlyphImage::Color(glyph) => {
                let s = style.size / glyph.ppem;
                let ts = Transform::from_row(s, 0.0, -slant * s, s, g.x + glyph.left * s, g.y - glyph.top * s);
                color.push((glyph, ts));
            }
            GlyphImage::Empty => {}
        }
    }
    Shapes { regular: regular.finish(), bold: bold.finish(), color }
}

/// Fills the glyph outlines (emboldened ones with an extra stroke) with `paint`.
fn fill_shapes(target: &mut Pixmap, shapes: &Shapes, paint: &Paint, ts: Transform, bold_width: f32) {
    if let Some(p) = &shapes.regular {
        target.fill_path(p, paint, FillRule::Winding, ts, None);
    }
    if let Some(p) = &shapes.bold {
        target.fill_path(p, paint, FillRule::Winding, ts, None);
        target.stroke_path(p, paint, &round_stroke(bold_width), ts, None);
    }
}

/// Draws with `color` through `draw`: directly when opaque, else opaque into a layer that is
/// then blended at the colour's alpha, so overlapping strokes do not darken twice.
fn draw_layer(canvas: &mut Pixmap, color: Color, ts: Transform, draw: &mut dyn FnMut(&mut Pixmap, &Paint, Transform)) {
    if color.is_opaque() {
        draw(canvas, &paint_of(color), ts);
        return;
    }
    let Some(mut layer) = Pixmap::new(canvas.width(), canvas.height()) else { return };
    let mut opaque = color;
    opaque.set_alpha(1.0);
    draw(&mut layer, &paint_of(opaque), ts);
    let paint = PixmapPaint { opacity: color.alpha(), ..PixmapPaint::default() };
    canvas.draw_pixmap(0, 0, layer.as_ref(), &paint, Transform::identity(), None);
}

/// The shadow's shape (outline, fill and colour glyphs) as a blurred alpha layer covering `area`.
fn shadow_layer(shapes: &Shapes, style: &Resolved, area: Rect, sigma: f32) -> Option<Pixmap> {
    let (left, top) = (area.left().floor(), area.top().floor());
    let mut layer = Pixmap::new((area.right().ceil() - left) as u32, (area.bottom().ceil() - top) as u32)?;
    let ts = Transform::from_translate(-left, -top);
    let black = paint_of(Color::BLACK);
    let bold_width = style.size * SYNTHETIC_BOLD;
    if let Some((w, _)) = style.outline {
        for (path, width) in [(&shapes.regular, 2.0 * w), (&shapes.bold, 2.0 * w + bold_width)] {
            if let Some(p) = path {
                layer.stroke_path(p, &black, &round_stroke(width), ts, None);
            }
        }
    }
    fill_shapes(&mut layer, shapes, &black, ts, bold_width);
    for (glyph, glyph_ts) in &shapes.color {
        if let Some(src) = glyph.bitmap.as_pixmap() {
            layer.draw_pixmap(0, 0, src, &PixmapPaint::default(), glyph_ts.post_concat(ts), None);
        }
    }
    let (w, h) = (layer.width() as usize, layer.height() as usize);
    let mut alpha: Vec<u8> = layer.pixels().iter().map(|p| p.alpha()).collect();
    blur_alpha(&mut alpha, w, h, sigma);
    for (px, a) in layer.data_mut().chunks_exact_mut(4).zip(alpha) {
        px.copy_from_slice(&[0, 0, 0, a]);
    }
    Some(layer)
}

/// Turns a black alpha layer into `color` (premultiplied).
fn tint(mut layer: Pixmap, color: Color) -> Pixmap {
    let c = color.premultiply().to_color_u8();
    for px in layer.data_mut().chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        let scale = |v: u8| crate::raster::bitmap::mul_div_255(u16::from(v), a);
        px.copy_from_slice(&[scale(c.red()), scale(c.green()), scale(c.blue()), scale(c.alpha())]);
    }
    layer
}

/// An anti-aliased solid paint.
fn paint_of(color: Color) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(color);
    paint.anti_alias = true;
    paint
}

/// A stroke of `width` with round joins and caps.
fn round_stroke(width: f32) -> Stroke {
    Stroke { width, line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() }
}

/// `rect` grown by `by` on every side.
fn outset(rect: Rect, by: f32) -> Option<Rect> {
    Rect::from_ltrb(rect.left() - by, rect.top() - by, rect.right() + by, rect.bottom() + by)
}

/// The smallest rectangle holding both.
fn union(a: Option<Rect>, b: Option<Rect>) -> Option<Rect> {
    match (a, b) {
        (Some(a), Some(b)) => {
            Rect::from_ltrb(a.left().min(b.left()), a.top().min(b.top()), a.right().max(b.right()), a.bottom().max(b.bottom()))
        }
        (a, None) => a,
        (None, b) => b,
    }
}

/// A rectangle with corners rounded by `radius` (clamped to half the shorter side).
fn rounded_rect(rect: Rect, radius: f32) -> Option<Path> {
    let r = radius.min(rect.width() / 2.0).min(rect.height() / 2.0).max(0.0);
    if r <= 0.0 {
        return Some(PathBuilder::from_rect(rect));
    }
    // Control-point distance for a quarter circle drawn with one cubic.
    let k = r * 0.552_284_8;
    let (l, t, rr, b) = (rect.left(), rect.top(), rect.right(), rect.bottom());
    let mut p = PathBuilder::new();
    p.move_to(l + r, t);
    p.line_to(rr - r, t);
    p.cubic_to(rr - r + k, t, rr, t + r - k, rr, t + r);
    p.line_to(rr, b - r);
    p.cubic_to(rr, b - r + k, rr - r + k, b, rr - r, b);
    p.line_to(l + r, b);
    p.cubic_to(l + r - k, b, l, b - r + k, l, b - r);
    p.line_to(l, t + r);
    p.cubic_to(l, t + r - k, l + r - k, t, l + r, t);
    p.close();
    p.finish()
}
