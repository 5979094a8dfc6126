//! Where a picture layer sits on the frame: box, rotation, opacity, fit and crop.

use crate::project::keyword::keyword_enum;
use crate::project::limits::{MAX_LAYER_PIXELS, MAX_ROTATION, MAX_SOURCE_PIXELS};
use crate::project::reader::{Bounds, Fields, Report};
use serde::{Deserialize, Serialize};

keyword_enum! {
    /// How a picture is scaled into its layer box.
    pub enum Fit {
        /// Scale to fit inside the box, keeping proportions (may leave empty bands).
        Contain = "contain",
        /// Scale to fill the box, keeping proportions (may cut the edges).
        Cover = "cover",
        /// Stretch to the box exactly.
        Fill = "fill",
        /// Keep the natural pixel size, centred in the box.
        None = "none",
    }
}

/// A layer's box on the output frame, in output pixels, with its rotation and opacity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// Left edge of the box.
    pub x: f64,
    /// Top edge of the box.
    pub y: f64,
    /// Box width.
    pub width: f64,
    /// Box height.
    pub height: f64,
    /// Clockwise rotation around the box centre, in degrees.
    pub rotation: f64,
    /// 0 (invisible) to 1 (opaque).
    pub opacity: f64,
}

/// A rectangle of the source picture, in source pixels (after the source's own rotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crop {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// Reads `x`, `y`, `width`, `height` (defaulting to `default_box`), `rotation` and `opacity`.
pub(crate) fn read_placement(f: &mut Fields, default_box: [f64; 4], r: &mut Report) -> Option<Placement> {
    let position = Bounds::between(-MAX_LAYER_PIXELS, MAX_LAYER_PIXELS, " pixels");
    let size = Bounds::above(0.0, MAX_LAYER_PIXELS, " pixels");
    let [dx, dy, dw, dh] = default_box;
    let x = f.number("x", position, r).or(dx);
    let y = f.number("y", position, r).or(dy);
    let width = f.number("width", size, r).or(dw);
    let height = f.number("height", size, r).or(dh);
    let rotation = f.number("rotation", Bounds::between(-MAX_ROTATION, MAX_ROTATION, " degrees"), r).or(0.0);
    let opacity = f.number("opacity", Bounds::between(0.0, 1.0, ""), r).or(1.0);
    Some(Placement { x: x?, y: y?, width: width?, height: height?, rotation: rotation?, opacity: opacity? })
}

/// Reads `fit` (default `contain`).
pub(crate) fn read_fit(f: &mut Fields, r: &mut Report) -> Option<Fit> {
    f.keyword::<Fit>("fit", r).or(Fit::Contain)
}

/// Reads an optional `crop`.
pub(crate) fn read_crop(f: &mut Fields, r: &mut Report) -> Option<Option<Crop>> {
    f.nested("crop", "a crop", r, |mut crop, r| {
        let max = f64::from(MAX_SOURCE_PIXELS);
        let offset = Bounds::between(0.0, max, " pixels");
        let size = Bounds::between(1.0, max, " pixels");
        let x = crop.integer("x", offset, r).or(0);
        let y = crop.integer("y", offset, r).or(0);
        let width = crop.integer("width", size, r).required(r);
        let height = crop.integer("height", size, r).required(r);
        crop.finish(r);
        Some(Crop { x: x? as u32, y: y? as u32, width: width? as u32, height: height? as u32 })
    })
    .optional()
}
