//! The `OutputFile` export: a render output written from JavaScript into the same sink the
//! browser's renders use (an OPFS file, or memory parts where OPFS is unavailable), so a file
//! downloaded from the render server is stored like one made here.

use super::error::error_object;
use super::render::Sink;
use crate::container::ByteSink;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;

/// A file being written chunk by chunk (at any offset, for resumed downloads), then closed as a `Blob`.
#[wasm_bindgen]
pub struct OutputFile {
    sink: Option<Sink>,
    storage: &'static str,
}

#[wasm_bindgen]
impl OutputFile {
    /// Opens a file; `options` is `{ outputDir, outputName, storage: 'auto' | 'memory' }`, like
    /// `render`'s. Resolves to an `OutputFile`.
    pub fn open(options: JsValue) -> Promise {
        let text = |key: &str| Reflect::get(&options, &key.into()).ok().and_then(|v| v.as_string());
        let dir = text("outputDir").unwrap_or_else(|| "frameloom".into());
        let name = text("outputName").unwrap_or_else(|| "download".into());
        let memory = text("storage").as_deref() == Some("memory");
        wasm_bindgen_futures::future_to_promise(async move {
            let sink = Sink::open(&dir, &name, memory).await;
            Ok(OutputFile { storage: sink.kind(), sink: Some(sink) }.into())
        })
    }

    /// Where the bytes are: `opfs` (spilled to a file) or `memory`; final once finished.
    pub fn storage(&self) -> String {
        self.storage.to_owned()
    }

    /// Writes `bytes` at byte `offset` (a resumed download writes after what it has).
    #[wasm_bindgen(js_name = writeAt)]
    pub fn write_at(&mut self, offset: f64, bytes: &[u8]) -> Result<(), JsValue> {
        let sink = self.sink.as_mut().ok_or_else(closed)?;
        sink.write_at(offset.max(0.0) as u64, bytes)
            .map_err(|e| error_object("io", &format!("writing the output failed: {e}")))
    }

    /// Closes the file; resolves to its bytes as a `Blob` of type `mime`.
    pub fn finish(&mut self, mime: String) -> Promise {
        let sink = self.sink.take();
        if let Some(sink) = &sink {
            self.storage = sink.kind();
        }
        wasm_bindgen_futures::future_to_promise(async move {
            let sink = sink.ok_or_else(closed)?;
            Ok(sink.finish(&mime).await.map_err(|e| e.to_js())?.into())
        })
    }
}

fn closed() -> JsValue {
    error_object("internal", "the output file is already closed; this is an engine bug")
}
