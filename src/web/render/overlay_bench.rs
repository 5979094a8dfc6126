//! `rasterOverlays`: the in-worker half of the caption raster benchmark (`make bench` only).
//! It rasterizes every overlay entry of a project through the worker's text renderer, as a
//! render does, without decoding or encoding video, so the bench can time rasterization alone.

use super::error::RenderError;
use super::job::prepare;
use crate::overlay::{OverlayError, OverlayTimeline};
use crate::web::fonts::with_renderer;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// Rasterizes every image, text and subtitles entry of `project_json` (inline cues and text
/// only: no source files are read) and resolves to `{ drawn, hits, misses }` (pictures drawn,
/// and the worker's text cache hits and misses during the call).
#[wasm_bindgen(js_name = rasterOverlays)]
pub fn raster_overlays(project_json: &str) -> Result<JsValue, JsValue> {
    let (project, _media, plan) = prepare(project_json, &Object::new().into()).map_err(|e| e.to_js())?;
    let before = with_renderer(|r| r.cache_stats());
    let drawn = with_renderer(|r| -> Result<u32, OverlayError> {
        let timeline = OverlayTimeline::build(&plan, &project, r, |_| None, 1.0)?;
        let mut drawn = 0;
        for entry in timeline.entries() {
            drawn += u32::from(timeline.rasterize(r, &entry)?.is_some());
        }
        Ok(drawn)
    })
    .map_err(|e| RenderError::Overlay(e).to_js())?;
    let after = with_renderer(|r| r.cache_stats());
    let result = Object::new();
    let _ = Reflect::set(&result, &"drawn".into(), &drawn.into());
    let _ = Reflect::set(&result, &"hits".into(), &((after.hits - before.hits) as f64).into());
    let _ = Reflect::set(&result, &"misses".into(), &((after.misses - before.misses) as f64).into());
    Ok(result.into())
}
