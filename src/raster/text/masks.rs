//! Glyph coverage masks: each outline glyph is rasterized once per size, effect and quarter
//! pixel position (fill, and outline = the fill grown by the outline width), then reused by
//! every text that draws it. Texts are composed from these masks, which is what makes a
//! thousand captions cheap.

use tiny_skia::{FillRule, LineCap, LineJoin, Mask, Path, PathStroker, Stroke, Transform};

/// Sub-pixel positions per pixel on each axis.
pub(crate) const SUBPIXELS: f32 = 4.0;

/// How a glyph outline is rasterized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct MaskStyle {
    /// Bits of the `f32` pixels per font unit.
    pub scale: u32,
    /// Bits of the `f32` horizontal shear (synthetic italic).
    pub slant: u32,
    /// Bits of the `f32` synthetic-bold stroke width (0 for none).
    pub bold: u32,
    /// Bits of the `f32` outline width (0 for none).
    pub outline: u32,
}

/// A glyph's coverage, with its top-left relative to the pen's whole-pixel position.
#[derive(Debug)]
pub(crate) struct GlyphMask {
    /// Left edge, in pixels right of the pen.
    pub left: i32,
    /// Top edge, in pixels below the baseline (negative: above).
    pub top: i32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Fill coverage, one byte a pixel.
    pub fill: Vec<u8>,
    /// Outline coverage (fill grown by the outline), when the style has an outline.
    pub outline: Option<Vec<u8>>,
}

/// Rasterizes `path` (font units, y up) with `style` at sub-pixel offset (`fx`, `fy`) quarters.
pub(crate) fn rasterize(path: &Path, style: MaskStyle, fx: u8, fy: u8) -> Option<GlyphMask> {
    let (scale, slant) = (f32::from_bits(style.scale), f32::from_bits(style.slant));
    let (bold, outline) = (f32::from_bits(style.bold), f32::from_bits(style.outline));
    let (ox, oy) = (f32::from(fx) / SUBPIXELS, f32::from(fy) / SUBPIXELS);
    let placed = path.clone().transform(Transform::from_row(scale, 0.0, slant * scale, -scale, ox, oy))?;
    let bounds = placed.bounds();
    let grow = bold / 2.0 + outline + 1.0;
    let (left, top) = ((bounds.left() - grow).floor(), (bounds.top() - grow).floor());
    let width = ((bounds.right() + grow).ceil() - left) as u32;
    let height = ((bounds.bottom() + grow).ceil() - top) as u32;
    let to_mask = Transform::from_translate(-left, -top);
    let mut fill = Mask::new(width, height)?;
    fill.fill_path(&placed, FillRule::Winding, true, to_mask);
    let mut stroker = PathStroker::new();
    let mut stroked = |w: f32| -> Option<Vec<u8>> {
        let outline = stroker.stroke(&placed, &round_stroke(w), 1.0)?;
        let mut mask = Mask::new(width, height)?;
        mask.fill_path(&outline, FillRule::Winding, true, to_mask);
        Some(mask.take())
    };
    let mut fill = fill.take();
    if bold > 0.0 {
        if let Some(extra) = stroked(bold) {
            union(&mut fill, &extra);
        }
    }
    let outline = (outline > 0.0).then(|| {
        let mut grown = stroked(2.0 * outline + bold).unwrap_or_else(|| vec![0; fill.len()]);
        union(&mut grown, &fill);
        grown
    });
    Some(GlyphMask { left: left as i32, top: top as i32, width, height, fill, outline })
}

/// `a = max(a, b)`, pixel by pixel.
pub(crate) fn union(a: &mut [u8], b: &[u8]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x = (*x).max(*y);
    }
}

/// A stroke of `width` with round joins and caps.
fn round_stroke(width: f32) -> Stroke {
    Stroke { width, line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() }
}
