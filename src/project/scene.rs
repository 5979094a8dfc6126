//! Scenes: played one after another; each holds layers in z-order on a shared clock.

use super::color::Color;
use super::context::Ctx;
use super::error::ErrorCode;
use super::layer::{Draft, LENGTH, Layer, read_layer};
use super::limits::{MAX_LAYERS, MAX_LAYERS_PER_SCENE};
use super::path::{index_path, key_path};
use super::reader::{Fields, show_seconds};
use crate::time::us_to_seconds;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One scene of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    /// How long the scene lasts, in microseconds (JSON: `duration`, seconds; default: until its last timed layer ends).
    #[serde(rename = "duration", with = "crate::project::seconds")]
    pub duration_us: i64,
    /// The colour behind the layers (default: the output's background).
    pub background: Color,
    /// The layers, bottom first.
    pub layers: Vec<Layer>,
}

/// Reads the scene at `path`.
pub(crate) fn read_scene(value: &Value, path: String, cx: &mut Ctx) -> Option<Scene> {
    let mut f = Fields::new(value, path, "a scene", &mut cx.report)?;
    let r = &mut cx.report;
    let duration_us = f.seconds("duration", LENGTH, r).optional();
    let background = f.opaque_color("background", r).or(cx.background);
    let items = f.array("layers", MAX_LAYERS_PER_SCENE, r).or(&[]);
    let layers_path = f.path_of("layers");
    let drafts = items.and_then(|items| read_layers(items, &layers_path, cx));
    let path = f.path().to_owned();
    f.finish(&mut cx.report);
    let (duration_us, background, mut drafts) = (duration_us?, background?, drafts?);

    let own_end_us = drafts.iter().filter_map(Draft::own_end_us).max();
    let Some(end_us) = duration_us.or(own_end_us) else {
        let message = "the scene has no length: add a video, audio or timed layer, or set \"duration\" in seconds";
        cx.report.add(path, ErrorCode::Missing, message);
        return None;
    };
    let mut fine = true;
    for (j, draft) in drafts.iter_mut().enumerate() {
        let layer_path = index_path(&layers_path, j);
        if check_start(draft, end_us, duration_us.is_some(), &layer_path, cx) {
            draft.close(end_us);
            fine &= check_fades(&draft.layer, &layer_path, cx);
        } else {
            fine = false;
        }
    }
    let layers = drafts.into_iter().map(|d| d.layer).collect();
    fine.then_some(Scene { duration_us: end_us, background, layers })
}

/// Reads every layer; `None` when any is wrong or the project has too many.
fn read_layers(items: &[Value], path: &str, cx: &mut Ctx) -> Option<Vec<Draft>> {
    cx.layers += items.len();
    if cx.layers > MAX_LAYERS {
        let message = format!("the project has more than {MAX_LAYERS} layers; split it into several projects");
        cx.report.add(path, ErrorCode::TooMany, message);
        return None;
    }
    let mut drafts = Some(Vec::with_capacity(items.len()));
    for (j, item) in items.iter().enumerate() {
        match (read_layer(item, index_path(path, j), cx), drafts.as_mut()) {
            (Some(draft), Some(list)) => list.push(draft),
            _ => drafts = None,
        }
    }
    drafts
}

/// Checks that a layer starts before the scene ends.
fn check_start(draft: &Draft, end_us: i64, explicit: bool, path: &str, cx: &mut Ctx) -> bool {
    let start_us = draft.layer.start_us();
    if start_us < end_us {
        return true;
    }
    let (start, end) = (show_seconds(us_to_seconds(start_us)), show_seconds(us_to_seconds(end_us)));
    let message = if explicit {
        format!(
            "starts at {start} seconds, when the scene is over (its duration is {end}); start it earlier or lengthen the scene"
        )
    } else {
        format!(
            "starts at {start} seconds, when the scene is over (its last timed layer ends at {end}); give this layer a duration or set the scene's duration"
        )
    };
    cx.report.add(key_path(path, "start"), ErrorCode::Conflict, message);
    false
}

/// Checks that a layer's fades fit within its length.
fn check_fades(layer: &Layer, path: &str, cx: &mut Ctx) -> bool {
    let fades = layer.fades();
    let length_us = layer.duration_us();
    if fades.in_us + fades.out_us <= length_us {
        return true;
    }
    let field = if fades.out_us > 0 { "fadeOut" } else { "fadeIn" };
    let message = format!(
        "fadeIn ({}) and fadeOut ({}) together last longer than the layer ({} seconds); shorten them",
        show_seconds(us_to_seconds(fades.in_us)),
        show_seconds(us_to_seconds(fades.out_us)),
        show_seconds(us_to_seconds(length_us))
    );
    cx.report.add(key_path(path, field), ErrorCode::Conflict, message);
    false
}
