//! The `probe` export: a `Blob` in, a plain JS `ProbeInfo` object out.

use super::BlobSource;
use super::error::{INTERNAL, container_error, error_object, js_message};
use crate::container::{self, ProbeInfo};
use js_sys::{Array, JSON, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::Blob;

/// Probes `blob` and returns its `ProbeInfo` (durations in seconds), each track with its
/// decoder `description` bytes as a `Uint8Array` (or `null`); throws `{ code, message }`.
#[wasm_bindgen]
pub fn probe(blob: Blob) -> Result<JsValue, JsValue> {
    let mut source = BlobSource::new(blob).map_err(container_error)?;
    let info = container::probe(&mut source).map_err(container_error)?;
    to_js(&info).map_err(|e| error_object(INTERNAL, &format!("could not convert the probe result: {}", js_message(&e))))
}

/// Converts through JSON (smaller than a serde-to-JS bridge), then adds what JSON skips.
fn to_js(info: &ProbeInfo) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(info).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let value = JSON::parse(&json)?;
    let tracks: Array = Reflect::get(&value, &"tracks".into())?.dyn_into()?;
    for (js_track, track) in tracks.iter().zip(&info.tracks) {
        let description = match &track.description {
            Some(bytes) => Uint8Array::from(bytes.as_slice()).into(),
            None => JsValue::NULL,
        };
        Reflect::set(&js_track, &"description".into(), &description)?;
    }
    Ok(value)
}
