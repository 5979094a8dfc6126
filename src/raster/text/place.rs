//! Where a rendered text block lands in its layer box, and from there on the output frame.

use super::RenderedText;
use crate::plan::{Affine, LayerBox, Point, Rect};
use crate::project::{Align, VerticalAlign};

/// Where a text bitmap is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextPlacement {
    /// Bitmap pixels → output pixels (canvas `setTransform` order; includes the box rotation
    /// and `1 / scale`): draw the bitmap at (0, 0) through it.
    pub transform: Affine,
    /// The bitmap's rectangle in the box's own coordinates (output pixels, origin at the box's
    /// top-left, before its rotation).
    pub local: Rect,
    /// The bitmap's width in its own pixels.
    pub bitmap_width: u32,
    /// The bitmap's height in its own pixels.
    pub bitmap_height: u32,
}

impl TextPlacement {
    /// The bitmap's corners on the output frame, clockwise from its top-left.
    pub fn quad(&self) -> [Point; 4] {
        let bitmap = Rect::new(0.0, 0.0, f64::from(self.bitmap_width), f64::from(self.bitmap_height));
        bitmap.corners().map(|p| self.transform.apply(p))
    }

    /// The smallest axis-aligned rectangle on the output frame holding the bitmap; for an
    /// unrotated box its `x`, `y` are whole pixels (an ffmpeg `overlay` position).
    pub fn output_bounds(&self) -> Rect {
        let (mut l, mut t, mut r, mut b) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in self.quad() {
            (l, t, r, b) = (l.min(p.x), t.min(p.y), r.max(p.x), b.max(p.y));
        }
        let (l, t, r, b) = (snap(l), snap(t), snap(r), snap(b));
        Rect::new(l, t, r - l, b - t)
    }
}

/// `v` rounded when it is a whole number up to floating-point noise.
fn snap(v: f64) -> f64 {
    if (v - v.round()).abs() < 1e-6 { v.round() } else { v }
}

/// Places `text` in `layer_box`: the block (with its box padding) is aligned horizontally by
/// `align` and vertically by `vertical`; it may overflow the box. `None` when nothing is drawn.
pub fn place_text(
    text: &RenderedText,
    align: Align,
    vertical: VerticalAlign,
    layer_box: &LayerBox,
) -> Option<TextPlacement> {
    let (outer_w, outer_h) = outer_size(text);
    let x = match align {
        Align::Left => 0.0,
        Align::Center => (layer_box.width - outer_w) / 2.0,
        Align::Right => layer_box.width - outer_w,
    };
    let y = match vertical {
        VerticalAlign::Top => 0.0,
        VerticalAlign::Middle => (layer_box.height - outer_h) / 2.0,
        VerticalAlign::Bottom => layer_box.height - outer_h,
    };
    place_block(text, x, y, layer_box)
}

/// Places `text` with the top-left of its outer block (block + padding) at `(x, y)` in the
/// box's own coordinates. In an unrotated box the bitmap lands on whole output pixels.
pub fn place_block(text: &RenderedText, x: f64, y: f64, layer_box: &LayerBox) -> Option<TextPlacement> {
    let bitmap = text.bitmap.as_ref()?;
    let scale = f64::from(text.scale);
    let padding = f64::from(text.padding) / scale;
    let mut left = x + padding + f64::from(text.offset_x) / scale;
    let mut top = y + padding + f64::from(text.offset_y) / scale;
    if layer_box.rotation.rem_euclid(360.0) == 0.0 {
        left = (layer_box.x + left).round() - layer_box.x;
        top = (layer_box.y + top).round() - layer_box.y;
    }
    let local = Rect::new(left, top, f64::from(bitmap.width()) / scale, f64::from(bitmap.height()) / scale);
    let transform =
        Affine::scale(1.0 / scale, 1.0 / scale).then(Affine::translate(left, top)).then(layer_box.transform());
    Some(TextPlacement { transform, local, bitmap_width: bitmap.width(), bitmap_height: bitmap.height() })
}

/// The block plus padding, in output pixels.
pub(crate) fn outer_size(text: &RenderedText) -> (f64, f64) {
    let scale = f64::from(text.scale);
    let pad = 2.0 * f64::from(text.padding);
    ((f64::from(text.block_width) + pad) / scale, (f64::from(text.block_height) + pad) / scale)
}
