//! Which placements the YUV path can draw: axis-aligned, unclipped, on whole output pixels.

use super::overlay::YuvOverlay;
use super::space::YuvSpace;
use crate::plan::{Placement, Rotation};
use crate::raster::Bitmap;
use std::borrow::Cow;

/// How far (in pixels) a coordinate may be from a whole pixel to count as one.
const PIXEL_EPSILON: f64 = 1e-3;

/// An axis-aligned placement on whole pixels: the part of the bitmap shown, and the output
/// rectangle it fills (scaled when the sizes differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelPlacement {
    /// The bitmap's shown part: `(x, y, width, height)`.
    pub src: (u32, u32, u32, u32),
    /// Output left edge.
    pub x: i64,
    /// Output top edge.
    pub y: i64,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
}

impl PixelPlacement {
    /// The whole-pixel form of `placement`, or `None` when it rotates, skews, flips, clips or
    /// lands between pixels (the canvas draws those).
    pub fn of(placement: &Placement) -> Option<PixelPlacement> {
        let (t, r) = (&placement.transform, &placement.src_rect);
        let whole = |v: f64| ((v - v.round()).abs() < PIXEL_EPSILON).then_some(v.round());
        let aligned = placement.clip.is_none()
            && placement.source_rotation == Rotation::R0
            && t.b.abs() < 1e-9
            && t.c.abs() < 1e-9
            && t.a > 0.0
            && t.d > 0.0;
        if !aligned {
            return None;
        }
        let size = |v: f64| whole(v).filter(|v| (1.0..=f64::from(u32::MAX)).contains(v)).map(|v| v as u32);
        let offset = |v: f64| whole(v).filter(|v| (0.0..=f64::from(u32::MAX)).contains(v)).map(|v| v as u32);
        let position = |v: f64| whole(v).filter(|v| v.abs() < 1e9).map(|v| v as i64);
        Some(PixelPlacement {
            src: (offset(r.x)?, offset(r.y)?, size(r.width)?, size(r.height)?),
            x: position(t.a * r.x + t.e)?,
            y: position(t.d * r.y + t.f)?,
            width: size(t.a * r.width)?,
            height: size(t.d * r.height)?,
        })
    }
}

impl YuvOverlay {
    /// `bitmap` drawn at `placement`, converted for `space`: cropped and scaled once (bicubic)
    /// when the placement asks for it; `None` when the placement is not on whole pixels
    /// ([`PixelPlacement::of`]) or reaches outside the bitmap.
    pub fn placed(bitmap: &Bitmap, placement: &Placement, space: YuvSpace) -> Option<YuvOverlay> {
        let p = PixelPlacement::of(placement)?;
        let (sx, sy, sw, sh) = p.src;
        let mut picture = Cow::Borrowed(bitmap);
        if (sx, sy, sw, sh) != (0, 0, bitmap.width(), bitmap.height()) {
            picture = Cow::Owned(bitmap.crop(sx, sy, sw, sh)?);
        }
        if (p.width, p.height) != (sw, sh) {
            picture = Cow::Owned(picture.resize(p.width, p.height)?);
        }
        Some(YuvOverlay::new(&picture, p.x, p.y, space))
    }
}
