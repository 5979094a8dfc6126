//! Painting a laid-out block: glyph coverage masks (from the cache) are combined into fill and
//! outline coverage, then box, shadow, outline, fill and colour glyphs are composited in that
//! order. Coverage is combined by maximum, so overlapping glyphs and strokes never darken
//! twice, whatever the colours' alpha. Shadow offsets are drawn at whole pixels.

use super::blur::blur_alpha;
use super::glyphs::{ColorGlyph, GlyphCache, GlyphImage};
use super::layout::Layout;
use super::masks::{GlyphMask, MaskStyle, SUBPIXELS, union};
use super::style::{BOLD_FROM, Resolved};
use super::{MAX_TEXT_PIXELS, MAX_TEXT_SIDE, TextError};
use crate::raster::bitmap::{Bitmap, mul_div_255};
use crate::raster::fonts::FontLibrary;
use std::sync::Arc;
use tiny_skia::{Color, FillRule, FilterQuality, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Rect, Transform};

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

/// An integer rectangle: left, top, right, bottom.
type Bounds = [i32; 4];

/// The glyphs to draw, in block coordinates.
struct Pieces {
    /// Outline glyph masks with their top-left corner.
    masks: Vec<(Arc<GlyphMask>, i32, i32)>,
    /// Colour glyphs with their destination transform.
    color: Vec<(Arc<ColorGlyph>, Transform)>,
}

/// Paints `layout` in `style`.
pub(crate) fn paint(
    layout: &Layout,
    style: &Resolved,
    fonts: &FontLibrary,
    cache: &mut GlyphCache,
) -> Result<Painted, TextError> {
    let pieces = gather(layout, style, fonts, cache);
    let mut ink: Option<Bounds> = None;
    for (mask, x, y) in &pieces.masks {
        ink = join(ink, Some([*x, *y, *x + mask.width as i32, *y + mask.height as i32]));
    }
    for (glyph, ts) in &pieces.color {
        let (w, h) = (glyph.bitmap.width() as f32, glyph.bitmap.height() as f32);
        ink = join(ink, Rect::from_xywh(0.0, 0.0, w, h).and_then(|r| r.transform(*ts)).map(round_out));
    }
    let box_rect = style.text_box.and_then(|b| {
        Rect::from_xywh(-b.padding, -b.padding, layout.width + 2.0 * b.padding, layout.height + 2.0 * b.padding)
    });
    let shadow =
        style.shadow.map(|s| (s, s.dx.round() as i32, s.dy.round() as i32, (s.sigma * BLUR_REACH).ceil() as i32 + 1));
    let mut all = join(ink, box_rect.map(round_out));
    if let (Some((_, dx, dy, reach)), Some([l, t, r, b])) = (shadow, ink) {
        let shape = [l - reach, t - reach, r + reach, b + reach];
        all = join(join(all, Some(shape)), Some([shape[0] + dx, shape[1] + dy, shape[2] + dx, shape[3] + dy]));
    }
    let Some([left, top, right, bottom]) = all else {
        return Ok(Painted { bitmap: None, offset_x: 0, offset_y: 0 });
    };
    let (width, height) = ((right - left) as u32, (bottom - top) as u32);
    if width > MAX_TEXT_SIDE || height > MAX_TEXT_SIDE || u64::from(width) * u64::from(height) > MAX_TEXT_PIXELS {
        return Err(TextError::TooLarge { width, height });
    }
    let mut canvas = Pixmap::new(width.max(1), height.max(1)).ok_or(TextError::TooLarge { width, height })?;
    let (w, h) = (canvas.width() as usize, canvas.height() as usize);
    let base = Transform::from_translate(-left as f32, -top as f32);
    let (fill, outline) = coverage(&pieces, style.outline.is_some(), left, top, w, h);
    if let (Some(b), Some(rect)) = (style.text_box, box_rect) {
        if let Some(path) = rounded_rect(rect, b.radius) {
            canvas.fill_path(&path, &paint_of(b.color), FillRule::Winding, base, None);
        }
    }
    if let Some((s, dx, dy, _)) = shadow {
        let mut shape = outline.clone().unwrap_or_else(|| fill.clone());
        if !pieces.color.is_empty() {
            if let Some(mut emoji) = Pixmap::new(width.max(1), height.max(1)) {
                draw_color_glyphs(&mut emoji, &pieces, base);
                let alpha: Vec<u8> = emoji.pixels().iter().map(|p| p.alpha()).collect();
                union(&mut shape, &alpha);
            }
        }
        blur_alpha(&mut shape, w, h, s.sigma);
        composite(canvas.data_mut(), &shape, s.color, (dx, dy), w, h);
    }
    if let (Some((_, color)), Some(cov)) = (style.outline, &outline) {
        composite(canvas.data_mut(), cov, color, (0, 0), w, h);
    }
    composite(canvas.data_mut(), &fill, style.fill, (0, 0), w, h);
    draw_color_glyphs(&mut canvas, &pieces, base);
    Ok(Painted { bitmap: Some(Bitmap::from_pixmap(canvas)), offset_x: left, offset_y: top })
}

/// Looks up every glyph's mask (outline glyphs) or bitmap (colour glyphs) at its place.
fn gather(layout: &Layout, style: &Resolved, fonts: &FontLibrary, cache: &mut GlyphCache) -> Pieces {
    let mut pieces = Pieces { masks: Vec::new(), color: Vec::new() };
    let outline = style.outline.map_or(0.0, |(w, _)| w);
    for g in &layout.glyphs {
        let Some(face) = fonts.face(g.font) else { continue };
        let scale = style.size / face.units_per_em;
        let slant = if style.choice.italic && !face.info.italic { SYNTHETIC_SLANT } else { 0.0 };
        match cache.get(fonts, g.font, g.id) {
            GlyphImage::Outline(path) => {
                let embolden = style.choice.weight >= BOLD_FROM && face.info.weight < BOLD_FROM;
                let bold = if embolden { style.size * SYNTHETIC_BOLD } else { 0.0 };
                let mask_style = MaskStyle {
                    scale: scale.to_bits(),
                    slant: slant.to_bits(),
                    bold: bold.to_bits(),
                    outline: outline.to_bits(),
                };
                let (x, fx) = split_subpixel(g.x);
                let (y, fy) = split_subpixel(g.y);
                if let Some(mask) = cache.mask(&path, (g.font, g.id, mask_style, fx, fy)) {
                    let (left, top) = (x + mask.left, y + mask.top);
                    pieces.masks.push((mask, left, top));
                }
            }
            GlyphImage::Color(glyph) => {
                let s = style.size / glyph.ppem;
                let ts = Transform::from_row(s, 0.0, -slant * s, s, g.x + glyph.left * s, g.y - glyph.top * s);
                pieces.color.push((glyph, ts));
            }
            GlyphImage::Empty => {}
        }
    }
    pieces
}

/// A position as whole pixels and a quarter-pixel remainder (0–3).
fn split_subpixel(v: f32) -> (i32, u8) {
    let quarters = (v * SUBPIXELS).round() as i64;
    (quarters.div_euclid(SUBPIXELS as i64) as i32, quarters.rem_euclid(SUBPIXELS as i64) as u8)
}

/// Fill and outline coverage of the glyph masks on a `w × h` canvas whose top-left is (`left`, `top`).
fn coverage(
    pieces: &Pieces,
    with_outline: bool,
    left: i32,
    top: i32,
    w: usize,
    h: usize,
) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut fill = vec![0u8; w * h];
    let mut outline = with_outline.then(|| vec![0u8; w * h]);
    for (mask, x, y) in &pieces.masks {
        let (x, y) = ((x - left) as usize, (y - top) as usize);
        blit_max(&mut fill, w, &mask.fill, mask.width as usize, x, y);
        if let (Some(dst), Some(src)) = (outline.as_mut(), mask.outline.as_ref()) {
            blit_max(dst, w, src, mask.width as usize, x, y);
        }
    }
    (fill, outline)
}

/// Combines `src` (`src_w` wide) into `dst` (`dst_w` wide) at (`x`, `y`) by maximum.
fn blit_max(dst: &mut [u8], dst_w: usize, src: &[u8], src_w: usize, x: usize, y: usize) {
    for (row, line) in src.chunks_exact(src_w.max(1)).enumerate() {
        let start = (y + row) * dst_w + x;
        if let Some(out) = dst.get_mut(start..start + line.len()) {
            union(out, line);
        }
    }
}

/// Draws `color` through `coverage` (shifted by `offset`) over premultiplied RGBA `pixels`.
fn composite(pixels: &mut [u8], coverage: &[u8], color: Color, (dx, dy): (i32, i32), w: usize, h: usize) {
    let c = color.premultiply().to_color_u8();
    let src = [c.red(), c.green(), c.blue(), c.alpha()].map(u16::from);
    // Per coverage value: the colour it draws and how much of the destination it keeps.
    let mut ink = [0u32; 256];
    let mut keep = [0u32; 256];
    for (cov, (ink, keep)) in (0u16..).zip(ink.iter_mut().zip(&mut keep)) {
        *ink = u32::from_le_bytes(src.map(|s| mul_div_255(s, cov)));
        *keep = u32::from(255 - mul_div_255(src[3], cov));
    }
    let (dx, dy) = (dx as isize, dy as isize);
    // Destination columns whose source column (x − dx) is inside.
    let (x0, x1) = (dx.clamp(0, w as isize) as usize, (w as isize + dx).clamp(0, w as isize) as usize);
    for y in 0..h {
        let sy = y as isize - dy;
        if sy < 0 || sy >= h as isize {
            continue;
        }
        let from = sy as usize * w + (x0 as isize - dx) as usize;
        let (Some(cov), Some(out)) =
            (coverage.get(from..from + (x1 - x0)), pixels.get_mut((y * w + x0) * 4..(y * w + x1) * 4))
        else {
            continue;
        };
        for (px, &c) in out.chunks_exact_mut(4).zip(cov) {
            if c == 0 {
                continue;
            }
            let d = u32::from_le_bytes([px[0], px[1], px[2], px[3]]);
            // No channel carries into the next: colour ≤ alpha (premultiplied), so
            // ink + dest × keep ≤ (255 − keep) + keep.
            let v = ink[usize::from(c)] + scale_channels(d, keep[usize::from(c)]);
            px.copy_from_slice(&v.to_le_bytes());
        }
    }
}

/// Every byte of `pixel` times `factor` (0–255) / 255, rounded as [`mul_div_255`] does, two
/// channels per multiplication (each in its own 16 bits).
fn scale_channels(pixel: u32, factor: u32) -> u32 {
    let pair = |x: u32| {
        let t = x * factor + 0x0080_0080;
        ((t + ((t >> 8) & 0x00ff_00ff)) >> 8) & 0x00ff_00ff
    };
    pair(pixel & 0x00ff_00ff) | (pair((pixel >> 8) & 0x00ff_00ff) << 8)
}

/// Draws the colour glyphs.
fn draw_color_glyphs(target: &mut Pixmap, pieces: &Pieces, base: Transform) {
    for (glyph, ts) in &pieces.color {
        if let Some(src) = glyph.bitmap.as_pixmap() {
            let paint = PixmapPaint { quality: FilterQuality::Bicubic, ..PixmapPaint::default() };
            target.draw_pixmap(0, 0, src, &paint, ts.post_concat(base), None);
        }
    }
}

/// An anti-aliased solid paint.
fn paint_of(color: Color) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(color);
    paint.anti_alias = true;
    paint
}

/// The whole pixels covering `rect`.
fn round_out(rect: Rect) -> Bounds {
    [rect.left().floor() as i32, rect.top().floor() as i32, rect.right().ceil() as i32, rect.bottom().ceil() as i32]
}

/// The smallest rectangle holding both.
fn join(a: Option<Bounds>, b: Option<Bounds>) -> Option<Bounds> {
    match (a, b) {
        (Some(a), Some(b)) => Some([a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_channels_matches_mul_div_255() {
        for factor in 0..=255u16 {
            for v in (0..=255u8).step_by(3) {
                let pixel = [v, 255 - v, v / 2, v | 0x80];
                let want = pixel.map(|c| mul_div_255(u16::from(c), factor));
                assert_eq!(scale_channels(u32::from_le_bytes(pixel), u32::from(factor)).to_le_bytes(), want);
            }
        }
    }
}
