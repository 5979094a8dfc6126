//! The `extractRanges` export: a range-only copy of a `Blob` source (see
//! [`crate::container::extract`]) written to OPFS or memory, for uploading less than the
//! whole file to the render server.

use super::BlobSource;
use super::error::{container_error, error_object};
use super::render::Sink;
use crate::container::extract::extract;
use crate::plan::SourceNeeds;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Blob;

/// Copies from `blob` the whole GOPs (and nearby audio) that `needs_json` (a plan's
/// `SourceNeeds` for this source, as JSON) asks for, at the source's timestamps. `options` is
/// `{ outputDir, outputName, storage: 'auto' | 'memory' }`. Resolves to `{ blob, mimeType,
/// sourceBytes, outputBytes, saving, worthIt, packetsKept }`: upload `blob` instead of the
/// source only when `worthIt` (it saves at least 30 % of the bytes); rejects with `{ code, message }`.
#[wasm_bindgen(js_name = extractRanges)]
pub fn extract_ranges(blob: Blob, needs_json: String, options: JsValue) -> Promise {
    let text = |key: &str| Reflect::get(&options, &key.into()).ok().and_then(|v| v.as_string());
    let dir = text("outputDir").unwrap_or_else(|| "frameloom".into());
    let name = text("outputName").unwrap_or_else(|| "extract".into());
    let memory = text("storage").as_deref() == Some("memory");
    wasm_bindgen_futures::future_to_promise(async move {
        let needs: SourceNeeds = serde_json::from_str(&needs_json).map_err(|e| {
            error_object("invalid_argument", &format!("needs is not a plan's SourceNeeds JSON ({e}); pass plan.sources[id]"))
        })?;
        let source = BlobSource::new(blob).map_err(container_error)?;
        let sink = Sink::open(&dir, &name, memory).await;
        let (sink, report) = extract(Box::new(source), &needs, sink).map_err(container_error)?;
        let out = sink.finish(report.mime_type()).await.map_err(|e| e.to_js())?;
        let result = Object::new();
        // Defining data properties on a fresh plain object cannot fail.
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&result, &key.into(), &value);
        };
        set("blob", out.into());
        set("mimeType", report.mime_type().into());
        set("sourceBytes", (report.source_bytes as f64).into());
        set("outputBytes", (report.output_bytes as f64).into());
        set("saving", report.saving().into());
        set("worthIt", report.worth_it().into());
        set("packetsKept", (report.packets_kept as f64).into());
        Ok(result.into())
    })
}
