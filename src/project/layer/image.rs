//! `image` layers: a still picture shown for a while.

use super::timing::{Fades, read_duration, read_fades, read_start};
use super::visual::{Crop, Fit, Placement, read_crop, read_fit, read_placement};
use super::{Ctx, Draft, Layer, read_source_ref};
use crate::project::reader::Fields;
use crate::project::source::SourceKind;
use serde::{Deserialize, Serialize};

/// A still image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageLayer {
    /// The id of an `image` source.
    pub source: String,
    /// When the image appears, in microseconds from the scene start (JSON: `start`, seconds).
    #[serde(rename = "start", with = "crate::project::seconds")]
    pub start_us: i64,
    /// How long it shows, in microseconds (JSON: `duration`, seconds; default: to the scene's end).
    #[serde(rename = "duration", with = "crate::project::seconds")]
    pub duration_us: i64,
    /// The box the picture is fitted into.
    #[serde(flatten)]
    pub placement: Placement,
    /// How the picture is scaled into the box.
    pub fit: Fit,
    /// The part of the source picture to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop: Option<Crop>,
    /// Opacity fades.
    #[serde(flatten)]
    pub fades: Fades,
}

/// Reads an image layer.
pub(super) fn read(mut f: Fields, cx: &mut Ctx) -> Option<Draft> {
    let source = read_source_ref(&mut f, "source", &[SourceKind::Image], "an image layer", cx).required(&mut cx.report);
    let r = &mut cx.report;
    let start_us = read_start(&mut f, r);
    let duration_us = read_duration(&mut f, r);
    let (w, h) = cx.frame;
    let placement = read_placement(&mut f, [0.0, 0.0, w, h], r);
    let fit = read_fit(&mut f, r);
    let crop = read_crop(&mut f, r);
    let fades = read_fades(&mut f, r);
    f.finish(r);
    let duration_us = duration_us?;
    let layer = ImageLayer {
        source: source?,
        start_us: start_us?,
        duration_us: duration_us.unwrap_or(0),
        placement: placement?,
        fit: fit?,
        crop: crop?,
        fades: fades?,
    };
    Some(Draft { layer: Layer::Image(layer), open_ended: duration_us.is_none() })
}
