//! Colour handling on the client, to the server's policy (docs/server-api.md, "Colours"):
//! outputs are BT.709 limited range, tagged; untagged sources are read BT.709 from 720 lines
//! up and BT.601 below.
//!
//! Measured in Chromium (156): its `VideoDecoder` reads every untagged stream as BT.709 unless
//! the config's `colorSpace` says otherwise (a tag in the bitstream still wins), so decoders get
//! [`Colour::untagged`] for their height. A canvas frame (sRGB RGB) is coded by the H.264
//! encoder as BT.709 limited range, yet its SPS says full range with the sRGB transfer, so the
//! SPS is retagged ([`retag_h264_config`], [`retag_h264_sample`]); a YUV frame handed straight
//! to the encoder keeps its own colours and tags, so only BT.709 limited-range frames take that
//! path ([`is_output_colour`]), the others are converted on the canvas. (VP9 signals range and
//! matrix in its own frame headers, which Chromium fills in correctly.)

use crate::container::codec::avc_colour::{retag_avcc, retag_sample};
use crate::container::codec::colour::Colour;
use crate::container::ContainerError;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::VideoFrame;

/// The colours of every encoded output.
const OUTPUT: Colour = Colour::BT709;

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

/// True for H.264 codec strings.
pub(crate) fn is_h264(codec: &str) -> bool {
    codec.starts_with("avc1") || codec.starts_with("avc3")
}

/// The encoder's avcC with its SPS tagged as what was coded.
pub(crate) fn retag_h264_config(avcc: &[u8]) -> Result<Vec<u8>, ContainerError> {
    retag_avcc(avcc, OUTPUT)
}

/// An encoded H.264 sample (NAL unit lengths as `avcc` says) with its in-band SPS tagged as
/// what was coded; `None` when it has no SPS.
pub(crate) fn retag_h264_sample(data: &[u8], avcc: &[u8]) -> Result<Option<Vec<u8>>, ContainerError> {
    let length_size = avcc.get(4).map_or(4, |b| usize::from(b & 3) + 1);
    retag_sample(data, length_size, OUTPUT)
}
