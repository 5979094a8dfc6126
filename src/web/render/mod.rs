//! The client render engine: a project and its source files in, a finished MP4 or WebM out,
//! through WebCodecs in the worker.
//!
//! demux ([`packets`]) → `VideoDecoder` ([`video_decode`]) / `AudioDecoder` ([`audio_decode`])
//! → compositing on an `OffscreenCanvas` ([`compositor`], driven by [`video_stage`], with text,
//! caption and image overlays from [`overlay_stage`]) and the
//! audio mix ([`audio_pipeline`]) → `VideoEncoder` ([`video_encode`]) / `AudioEncoder`
//! ([`audio_encode`]) → mux ([`mux`]) → OPFS or memory ([`sink`]).
//!
//! Everything is paced by the codecs' queues and events through one wake-up [`cancel::Signal`]
//! per job; every codec, `VideoFrame` and `AudioData` is owned by a wrapper that closes it on
//! drop, so a failed or cancelled job releases everything as its future unwinds.

mod audio_decode;
mod audio_encode;
mod audio_pipeline;
mod cancel;
mod codec_events;
mod codec_support;
mod colour;
mod compositor;
mod copy_stage;
mod counters;
mod encoded_output;
mod error;
mod gif_job;
mod job;
mod media;
mod mux;
mod overlay_bench;
mod overlay_stage;
mod owned;
mod owned_codec;
mod packets;
mod progress;
mod sink;
mod stills;
mod timeline;
mod timings;
mod video_decode;
mod video_encode;
mod video_stage;
mod yuv_compositor;

use cancel::Signal;
pub(crate) use codec_support::{choose_encoders, undecodable};
pub(crate) use error::RenderError;
pub(crate) use job::prepare;
pub(crate) use sink::Sink;
pub use overlay_bench::raster_overlays;
pub use stills::{sprite_sheet_export, thumbnail};
use js_sys::{Promise, Reflect};
use std::cell::RefCell;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

thread_local! {
    static JOBS: RefCell<BTreeMap<u32, Signal>> = const { RefCell::new(BTreeMap::new()) };
}

/// Renders `project_json` with `files` (`{ [sourceId]: Blob }`); `options` is
/// `{ outputDir, outputName, storage: 'auto' | 'memory' }`, `on_progress` gets
/// `{ stage, fraction, fps, eta }`. Resolves to `{ blob, mimeType, stats, warnings }`; rejects with
/// `{ code, message, … }` (`aborted` when cancelled with [`cancel_render`]).
#[wasm_bindgen]
pub fn render(job_id: u32, project_json: String, files: JsValue, options: JsValue, on_progress: JsValue) -> Promise {
    let signal = Signal::default();
    JOBS.with(|jobs| jobs.borrow_mut().insert(job_id, signal.clone()));
    let text = |key: &str| Reflect::get(&options, &key.into()).ok().and_then(|v| v.as_string());
    let output = job::OutputOptions {
        dir: text("outputDir").unwrap_or_else(|| "frameloom".into()),
        name: text("outputName").unwrap_or_else(|| format!("render-{job_id}")),
        memory: text("storage").as_deref() == Some("memory"),
    };
    wasm_bindgen_futures::future_to_promise(async move {
        let mut progress = progress::Progress::new(on_progress);
        let outcome = job::run(&project_json, &files, output, &mut progress, &signal).await;
        JOBS.with(|jobs| jobs.borrow_mut().remove(&job_id));
        outcome.map_err(|e| e.to_js())
    })
}

/// Cancels job `job_id`: its codecs close, its frames are freed, its output file is removed,
/// and its promise rejects with code `aborted`. Unknown ids are ignored.
#[wasm_bindgen(js_name = cancelRender)]
pub fn cancel_render(job_id: u32) {
    if let Some(signal) = JOBS.with(|jobs| jobs.borrow().get(&job_id).cloned()) {
        signal.cancel();
    }
}

/// Open codecs and unclosed frames right now (all 0 between jobs).
#[wasm_bindgen(js_name = debugStats)]
pub fn debug_stats() -> JsValue {
    counters::snapshot()
}
