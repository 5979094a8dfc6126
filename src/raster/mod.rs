//! Overlays drawn by our own code so the preview, the browser export and the server export
//! show the same pixels: text and captions, decoded images, and picture outputs.
//!
//! - [`fonts`]: the embedded Noto Sans, run-time fonts and fallback;
//! - [`text`]: layout and rasterization of styled text, placement in a layer box;
//! - [`Bitmap`]: premultiplied RGBA8 pixels, the picture type everything here uses;
//! - [`yuv`]: bitmaps blended straight into 4:2:0 Y'CbCr frames (the browser's YUV overlay path).

pub mod bitmap;
pub mod encode;
pub mod fonts;
pub mod image;
pub mod subtitles;
pub mod text;
pub mod yuv;

pub use bitmap::Bitmap;
pub use fonts::{FontError, FontId, FontInfo, FontLibrary};
pub use text::{RenderedText, TextError, TextPlacement, TextRenderer};
