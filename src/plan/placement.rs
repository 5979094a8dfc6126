//! Where a picture lands on the output frame.
//!
//! Inputs: the decoded (coded) frame size, the source's own rotation metadata (the decoder
//! gives un-rotated coded frames), the layer's `crop` (in source pixels *after* that
//! rotation), its `fit` and its box (`x`, `y`, `width`, `height`, clockwise `rotation` around
//! the box centre). Output: a [`Placement`], which a canvas 2D compositor uses as
//!
//! ```text
//! ctx.save(); if (clip) { path through the 4 clip points; ctx.clip(); }
//! ctx.setTransform(a, b, c, d, e, f); ctx.globalAlpha = opacity;
//! ctx.drawImage(frame, sx, sy, sw, sh, sx, sy, sw, sh); ctx.restore();
//! ```
//!
//! The transform is the composition, in this order, of: coded frame → upright picture (the
//! source rotation), crop offset, scale to the fitted size, move to the fitted position in the
//! box (box-local coordinates, origin at the box's top-left), and the box's own transform
//! (rotation around its centre, then its position). An ffmpeg renderer reads the same steps:
//! `crop` = `src_rect`, `transpose` = `source_rotation`, `scale` = `fitted` size, cut to the box
//! when `clip` is set, then `rotate` by the box rotation and `overlay` at the box position.

use super::error::PlanErrorKind;
use super::geometry::{Affine, Point, Rect};
use crate::project::{Crop, Fit};
use serde::{Deserialize, Serialize};

/// How far (in output pixels) a fitted picture may pass its box before it needs a clip.
const CLIP_EPSILON: f64 = 1e-6;

/// A source's display rotation: how far its coded frames are turned clockwise for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "u16", try_from = "u16")]
pub enum Rotation {
    /// Upright as coded.
    #[default]
    R0,
    /// A quarter turn clockwise (portrait phone video).
    R90,
    /// Upside down.
    R180,
    /// A quarter turn anticlockwise.
    R270,
}

impl Rotation {
    /// The rotation for clockwise `degrees` (0, 90, 180 or 270; 360 counts as 0).
    pub fn from_degrees(degrees: u16) -> Option<Rotation> {
        match degrees % 360 {
            0 => Some(Rotation::R0),
            90 => Some(Rotation::R90),
            180 => Some(Rotation::R180),
            270 => Some(Rotation::R270),
            _ => None,
        }
    }

    /// Clockwise degrees.
    pub fn degrees(self) -> u16 {
        match self {
            Rotation::R0 => 0,
            Rotation::R90 => 90,
            Rotation::R180 => 180,
            Rotation::R270 => 270,
        }
    }

    /// The upright picture size of a `width × height` coded frame.
    pub fn upright_size(self, width: u32, height: u32) -> (u32, u32) {
        match self {
            Rotation::R0 | Rotation::R180 => (width, height),
            Rotation::R90 | Rotation::R270 => (height, width),
        }
    }

    /// Maps coded-frame pixels of a `width × height` frame to upright-picture pixels.
    pub fn transform(self, width: u32, height: u32) -> Affine {
        let (w, h) = (f64::from(width), f64::from(height));
        let turn = Affine::rotate(f64::from(self.degrees()));
        let shift = match self {
            Rotation::R0 => (0.0, 0.0),
            Rotation::R90 => (h, 0.0),
            Rotation::R180 => (w, h),
            Rotation::R270 => (0.0, w),
        };
        turn.then(Affine::translate(shift.0, shift.1))
    }
}

impl From<Rotation> for u16 {
    fn from(r: Rotation) -> u16 {
        r.degrees()
    }
}

impl TryFrom<u16> for Rotation {
    type Error = String;
    fn try_from(degrees: u16) -> Result<Rotation, String> {
        Rotation::from_degrees(degrees).ok_or_else(|| format!("rotation {degrees} is not 0, 90, 180 or 270"))
    }
}

/// A layer's box on the output frame, in output pixels, turned clockwise around its centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayerBox {
    /// Left edge (before rotation).
    pub x: f64,
    /// Top edge (before rotation).
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Clockwise rotation around the centre, in degrees.
    pub rotation: f64,
}

impl LayerBox {
    /// Maps box-local coordinates (origin at the box's top-left, unrotated) to output pixels;
    /// text and captions are laid out in box-local coordinates and drawn through this.
    pub fn transform(&self) -> Affine {
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        Affine::translate(-hw, -hh)
            .then(Affine::rotate(self.rotation))
            .then(Affine::translate(self.x + hw, self.y + hh))
    }

    /// The box's corners in output pixels, clockwise from its own top-left.
    pub fn quad(&self) -> [Point; 4] {
        let t = self.transform();
        Rect::new(0.0, 0.0, self.width, self.height).corners().map(|p| t.apply(p))
    }
}

impl From<&crate::project::Placement> for LayerBox {
    fn from(p: &crate::project::Placement) -> LayerBox {
        LayerBox { x: p.x, y: p.y, width: p.width, height: p.height, rotation: p.rotation }
    }
}

/// Where and how to draw one picture (see the module docs for the canvas recipe).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    /// The region of the coded frame to read, in coded pixels (whole numbers): the crop.
    pub src_rect: Rect,
    /// Maps coded-frame pixels to output pixels.
    pub transform: Affine,
    /// The rotated box in output pixels (clockwise from its top-left), when the picture
    /// overflows its box (`cover`, or `none` with a picture larger than the box): clip to it.
    pub clip: Option<[Point; 4]>,
    /// The source rotation undone by `transform` (its first step).
    pub source_rotation: Rotation,
    /// The upright, fitted picture in box-local coordinates (may overflow the box; see `clip`).
    pub fitted: Rect,
}

/// How far (in output pixels) a placement may be from an exact cover to count as one.
const COVER_EPSILON: f64 = 1e-3;

impl Placement {
    /// True when this shows a whole `width × height` picture, unrotated and uncropped, exactly
    /// covering the `out_w × out_h` frame (so the encoder may take the frame as is: the fast path).
    pub fn covers_exactly(&self, width: u32, height: u32, out_w: u32, out_h: u32) -> bool {
        let (t, r) = (&self.transform, &self.src_rect);
        let near = |x: f64, y: f64| (x - y).abs() < COVER_EPSILON;
        self.source_rotation == Rotation::R0
            && self.clip.is_none()
            && near(r.x, 0.0)
            && near(r.y, 0.0)
            && near(r.width, f64::from(width))
            && near(r.height, f64::from(height))
            && near(t.b, 0.0)
            && near(t.c, 0.0)
            && near(t.e, 0.0)
            && near(t.f, 0.0)
            && near(t.a * f64::from(width), f64::from(out_w))
            && near(t.d * f64::from(height), f64::from(out_h))
    }
}

/// Places a `coded_width × coded_height` frame shown with `rotation`, cropped by `crop` (upright
/// source pixels) and fitted by `fit` into `frame`. Video layers get this precomputed in the
/// plan; image layers call it once the image is decoded and its size is known.
pub fn placement(
    frame: &LayerBox,
    fit: Fit,
    crop: Option<Crop>,
    coded_width: u32,
    coded_height: u32,
    rotation: Rotation,
) -> Result<Placement, PlanErrorKind> {
    if coded_width == 0 || coded_height == 0 {
        return Err(PlanErrorKind::EmptyPicture { width: coded_width, height: coded_height });
    }
    let (up_w, up_h) = rotation.upright_size(coded_width, coded_height);
    let crop = crop.unwrap_or(Crop { x: 0, y: 0, width: up_w, height: up_h });
    let inside = |at: u32, len: u32, max: u32| u64::from(at) + u64::from(len) <= u64::from(max);
    if !inside(crop.x, crop.width, up_w) || !inside(crop.y, crop.height, up_h) {
        return Err(PlanErrorKind::CropOutside { crop, width: up_w, height: up_h });
    }
    let upright = rotation.transform(coded_width, coded_height);
    let crop_rect = Rect::new(crop.x.into(), crop.y.into(), crop.width.into(), crop.height.into());
    let fitted = fit_rect(fit, crop_rect.width, crop_rect.height, frame.width, frame.height);
    let transform = upright
        .then(Affine::translate(-crop_rect.x, -crop_rect.y))
        .then(Affine::scale(fitted.width / crop_rect.width, fitted.height / crop_rect.height))
        .then(Affine::translate(fitted.x, fitted.y))
        .then(frame.transform());
    let overflows = fitted.x < -CLIP_EPSILON
        || fitted.y < -CLIP_EPSILON
        || fitted.x + fitted.width > frame.width + CLIP_EPSILON
        || fitted.y + fitted.height > frame.height + CLIP_EPSILON;
    Ok(Placement {
        src_rect: coded_rect(crop_rect, coded_width, coded_height, rotation),
        transform,
        clip: overflows.then(|| frame.quad()),
        source_rotation: rotation,
        fitted,
    })
}

/// The layer field a placement error is about: `crop`, or `source` for the picture itself.
pub(crate) fn placement_field(kind: &PlanErrorKind) -> &'static str {
    if matches!(kind, PlanErrorKind::CropOutside { .. }) { "crop" } else { "source" }
}

/// The fitted picture (content `w × h`) in box-local coordinates of a `bw × bh` box, centred.
fn fit_rect(fit: Fit, w: f64, h: f64, bw: f64, bh: f64) -> Rect {
    let (fw, fh) = match fit {
        Fit::Contain => {
            let s = (bw / w).min(bh / h);
            (w * s, h * s)
        }
        Fit::Cover => {
            let s = (bw / w).max(bh / h);
            (w * s, h * s)
        }
        Fit::Fill => (bw, bh),
        Fit::None => (w, h),
    };
    Rect::new((bw - fw) / 2.0, (bh - fh) / 2.0, fw, fh)
}

/// The coded-frame rectangle that shows as `upright` (whole pixels stay whole).
fn coded_rect(upright: Rect, coded_width: u32, coded_height: u32, rotation: Rotation) -> Rect {
    let back = rotation.transform(coded_width, coded_height).inverse().unwrap_or(Affine::IDENTITY);
    let [a, _, c, _] = upright.corners().map(|p| back.apply(p));
    let (x0, x1) = (a.x.min(c.x), a.x.max(c.x));
    let (y0, y1) = (a.y.min(c.y), a.y.max(c.y));
    Rect::new(x0, y0, x1 - x0, y1 - y0)
}
