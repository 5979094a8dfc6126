//! Live counts of open codecs and unclosed frames, for `engine.debugStats()` and leak tests.
//!
//! Every codec and frame the renderer creates goes through a wrapper that counts it when
//! made and uncounts it when closed (each exactly once, on drop).

use js_sys::{Object, Reflect};
use std::cell::Cell;
use wasm_bindgen::JsValue;

/// What is counted.
#[derive(Clone, Copy)]
pub(crate) enum Counted {
    /// An open `VideoDecoder`.
    VideoDecoder,
    /// An open `AudioDecoder`.
    AudioDecoder,
    /// An open `VideoEncoder`.
    VideoEncoder,
    /// An open `AudioEncoder`.
    AudioEncoder,
    /// A `VideoFrame` not closed yet.
    VideoFrame,
    /// An `AudioData` not closed yet.
    AudioData,
    /// An overlay `ImageBitmap` not closed yet.
    ImageBitmap,
}

const KINDS: [(Counted, &str); 7] = [
    (Counted::VideoDecoder, "videoDecoders"),
    (Counted::AudioDecoder, "audioDecoders"),
    (Counted::VideoEncoder, "videoEncoders"),
    (Counted::AudioEncoder, "audioEncoders"),
    (Counted::VideoFrame, "videoFrames"),
    (Counted::AudioData, "audioData"),
    (Counted::ImageBitmap, "imageBitmaps"),
];

thread_local! {
    static COUNTS: [Cell<i64>; 7] = Default::default();
}

/// Counts one more `kind`.
pub(crate) fn opened(kind: Counted) {
    COUNTS.with(|c| c[kind as usize].set(c[kind as usize].get() + 1));
}

/// Counts one `kind` closed.
pub(crate) fn closed(kind: Counted) {
    COUNTS.with(|c| c[kind as usize].set(c[kind as usize].get() - 1));
}

/// `{ videoDecoders, audioDecoders, videoEncoders, audioEncoders, videoFrames, audioData, imageBitmaps }`.
pub(crate) fn snapshot() -> JsValue {
    let obj = Object::new();
    COUNTS.with(|c| {
        for (kind, name) in KINDS {
            let _ = Reflect::set(&obj, &name.into(), &(c[kind as usize].get() as f64).into());
        }
    });
    obj.into()
}
