//! Visual layers of the plan: video, image, text and subtitles, each once, with its span,
//! opacity, box and what the compositor needs to draw it.

use super::error::PlanError;
use super::placement::{LayerBox, Placement, Rotation, placement, placement_field};
use super::timing::{Opacity, TimeMap};
use crate::project::{Crop, Fit};
use serde::{Deserialize, Serialize};

/// One visual layer on the timeline. Its text, cues and style stay in the project, at
/// `project.scenes[scene].layers[layer]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisualLayer {
    /// Index of its scene in `project.scenes`.
    pub scene: usize,
    /// Index of the layer in its scene's `layers`.
    pub layer: usize,
    /// Timeline time it appears.
    pub start_us: i64,
    /// Timeline time it disappears (its own end, or its scene's end when that comes first).
    pub end_us: i64,
    /// Opacity with fades; use `opacity.at(frame_time_us)`.
    pub opacity: Opacity,
    /// The layer's box on the output frame.
    #[serde(rename = "box")]
    pub layer_box: LayerBox,
    /// What is drawn.
    pub content: Visual,
}

/// What a visual layer draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Visual {
    /// Frames of a video source.
    Video(Box<VideoVisual>),
    /// A still image; placed once decoded (see [`VisualLayer::place_picture`]).
    Image(ImageVisual),
    /// A text block (text and style in the project layer), laid out in box-local coordinates.
    Text,
    /// Captions (cues and style in the project layer), laid out in box-local coordinates.
    Subtitles {
        /// The `subtitles` source (SRT/WebVTT), or `None` for inline cues.
        source: Option<String>,
    },
}

/// A video layer's picture: source track, time mapping and precomputed placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoVisual {
    /// The source id.
    pub source: String,
    /// The container track id of the video track used (the first one).
    pub track_id: u32,
    /// Timeline → source time; the frame to show at output frame time `t` is the last
    /// source frame whose timestamp is at or before `time.pick_before_us(t)`.
    pub time: TimeMap,
    /// Source time of the keyframe to start decoding from (at or before `trimStart`).
    pub decode_from_us: i64,
    /// How the picture fills the box.
    pub fit: Fit,
    /// The part of the picture to use (upright source pixels).
    pub crop: Option<Crop>,
    /// Width of the decoded (coded, un-rotated, square-pixel) frames `placement` is for.
    pub width: u32,
    /// Height of those frames.
    pub height: u32,
    /// Where the coded frames land; call [`VisualLayer::place_picture`] again if the decoder
    /// delivers frames of another size.
    pub placement: Placement,
}

/// An image layer's picture: the source and how it fits; placement needs the decoded size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageVisual {
    /// The source id.
    pub source: String,
    /// How the image fills the box.
    pub fit: Fit,
    /// The part of the image to use (upright image pixels).
    pub crop: Option<Crop>,
}

impl VisualLayer {
    /// The JSON path of this layer's `field` in the project, e.g. `scenes[0].layers[2].crop`.
    pub fn path(&self, field: &str) -> String {
        format!("scenes[{}].layers[{}].{field}", self.scene, self.layer)
    }

    /// True when the layer shows at timeline time `t_us`.
    pub fn is_visible_at(&self, t_us: i64) -> bool {
        (self.start_us..self.end_us).contains(&t_us)
    }

    /// Places a decoded picture of a video or image layer (`width × height` as decoded, to be
    /// shown turned by `rotation`, e.g. an image's EXIF orientation when the decoder did not
    /// apply it). `None` for text and subtitles layers.
    pub fn place_picture(&self, width: u32, height: u32, rotation: Rotation) -> Option<Result<Placement, PlanError>> {
        let (fit, crop) = match &self.content {
            Visual::Video(video) => (video.fit, video.crop),
            Visual::Image(image) => (image.fit, image.crop),
            Visual::Text | Visual::Subtitles { .. } => return None,
        };
        let placed = placement(&self.layer_box, fit, crop, width, height, rotation);
        Some(placed.map_err(|kind| PlanError::new(self.path(placement_field(&kind)), kind)))
    }
}
