//! `video` layers: a trimmed clip of a video source, placed on the frame, with its sound.

use super::audio::read_volume;
use super::timing::{Fades, Trim, read_fades, read_start, read_trim};
use super::visual::{Crop, Fit, Placement, read_crop, read_fit, read_placement};
use super::{Ctx, read_source_ref};
use crate::project::reader::Fields;
use crate::project::source::SourceKind;
use serde::{Deserialize, Serialize};

/// A video clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoLayer {
    /// The id of a `video` source.
    pub source: String,
    /// When the clip starts, in microseconds from the scene start (JSON: `start`, seconds).
    #[serde(rename = "start", with = "crate::project::seconds")]
    pub start_us: i64,
    /// The part of the source that plays, and how fast.
    #[serde(flatten)]
    pub trim: Trim,
    /// The box the picture is fitted into.
    #[serde(flatten)]
    pub placement: Placement,
    /// How the picture is scaled into the box.
    pub fit: Fit,
    /// The part of the source picture to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop: Option<Crop>,
    /// Gain of the clip's sound (0 mutes it).
    pub volume: f64,
    /// Fades of picture and sound.
    #[serde(flatten)]
    pub fades: Fades,
}

/// Reads a video layer.
pub(super) fn read(mut f: Fields, cx: &mut Ctx) -> Option<VideoLayer> {
    let source = read_source_ref(&mut f, "source", &[SourceKind::Video], "a video layer", cx).required(&mut cx.report);
    let r = &mut cx.report;
    let start_us = read_start(&mut f, r);
    let trim = read_trim(&mut f, r);
    let (w, h) = cx.frame;
    let placement = read_placement(&mut f, [0.0, 0.0, w, h], r);
    let fit = read_fit(&mut f, r);
    let crop = read_crop(&mut f, r);
    let volume = read_volume(&mut f, r);
    let fades = read_fades(&mut f, r);
    f.finish(r);
    Some(VideoLayer {
        source: source?,
        start_us: start_us?,
        trim: trim?,
        placement: placement?,
        fit: fit?,
        crop: crop?,
        volume: volume?,
        fades: fades?,
    })
}
