//! Colour handling on the client, to the server's policy (docs/server-api.md, "Colours"):
//! untagged sources are read BT.709 from 720 lines up and BT.601 below, and outputs are
//! BT.709, tagged.
//!
//! Measured in Chromium 156: its `VideoDecoder` reads every untagged stream as BT.709 unless
//! the config's `colorSpace` says otherwise (a tag in the bitstream still wins), so decoders get
//! [`Colour::untagged`] for their height. The encoders tag each frame as they code it: a canvas
//! frame (sRGB) becomes BT.709 full range (H.264: an SPS saying so, in band whenever the frame
//! colours change; VP9: its frame header), a YUV frame handed straight to the encoder keeps its
//! own colours and tags. So only BT.709 limited-range frames take that fast path
//! ([`is_output_colour`]); the others are converted to BT.709 on the canvas.

use crate::container::codec::colour::Colour;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::VideoFrame;

/// The WebCodecs `VideoColorSpaceInit` for untagged video of `height` lines.
pub(crate) fn untagged_color_space(height: u32) -> Object {
    let name = if Colour::untagged(height) == Colour::BT709 { "bt709" } else { "smpte170m" };
    let init = Object::new();
    for key in ["primaries", "transfer", "matrix"] {
        let _ = Reflect::set(&init, &key.into(), &name.into());
    }
    let _ = Reflect::set(&init, &"fullRange".into(), &false.into());
    init
}

/// True when `frame` is BT.709 limited range: the encoder may take it as it is.
pub(crate) fn is_output_colour(frame: &VideoFrame) -> bool {
    let space = Reflect::get(frame, &"colorSpace".into()).unwrap_or(JsValue::NULL);
    let field = |name: &str| Reflect::get(&space, &name.into()).ok();
    let named = |name: &str, want: &str| field(name).and_then(|v| v.as_string()).as_deref() == Some(want);
    named("matrix", "bt709") && named("primaries", "bt709") && field("fullRange").and_then(|v| v.as_bool()) == Some(false)
}
