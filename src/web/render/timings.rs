//! Where a job's time goes: milliseconds the render loop spent waiting for each codec and
//! working in each stage, reported as `stats.timings` (the bench prints them to find stalls).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds with sub-millisecond resolution (page and worker).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub(crate) fn now_ms() -> f64;
}

/// Accumulated milliseconds per activity of the render loop.
#[derive(Clone, Copy, Default)]
pub(crate) struct Timings {
    /// Validating, probing, planning, checking codecs and opening the encoders and the sink.
    pub setup: f64,
    /// Waiting for decoded frames (decoders behind, or decoding a segment's pre-roll).
    pub decode_wait: f64,
    /// Waiting for room in the video encoder's queue (the sound made meanwhile included).
    pub encode_wait: f64,
    /// Drawing on the canvas and reading it back as a frame.
    pub compose: f64,
    /// Decoding, mixing and encoding audio before each video frame and while the video
    /// encoder is full (so it overlaps `encode_wait`).
    pub audio: f64,
    /// Moving encoded packets into the muxer and the sink.
    pub mux: f64,
    /// Opening decoders at segment starts.
    pub open: f64,
    /// Flushing the encoders after the last frame.
    pub flush: f64,
    /// Frames before which the video encoder had no frame queued (it may have gone idle).
    pub encoder_dry: u32,
}

impl Timings {
    /// `{ setupMs, decodeWaitMs, encodeWaitMs, composeMs, audioMs, muxMs, openMs, flushMs, encoderDry }`.
    pub(crate) fn to_js(self) -> JsValue {
        let obj = Object::new();
        let fields = [
            ("setupMs", self.setup),
            ("decodeWaitMs", self.decode_wait),
            ("encodeWaitMs", self.encode_wait),
            ("composeMs", self.compose),
            ("audioMs", self.audio),
            ("muxMs", self.mux),
            ("openMs", self.open),
            ("flushMs", self.flush),
        ];
        for (name, ms) in fields {
            let _ = Reflect::set(&obj, &name.into(), &ms.round().into());
        }
        let _ = Reflect::set(&obj, &"encoderDry".into(), &self.encoder_dry.into());
        obj.into()
    }
}
