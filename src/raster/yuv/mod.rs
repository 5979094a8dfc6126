//! Overlays blended straight into decoded 4:2:0 Y'CbCr frames (I420 or NV12), with no
//! round-trip through RGB: the browser's YUV overlay path.
//!
//! Source-over blending is linear in R'G'B', and Y'CbCr is an affine map of R'G'B', so
//! blending in Y'CbCr gives the same codes as blending in R'G'B' and converting:
//!
//! ```text
//! out = premultiplied(src) × opacity + dst × (1 − alpha × opacity)
//! ```
//!
//! - [`YuvSpace`]: the frame's matrix (BT.709 / BT.601) and range (limited / full);
//! - [`YuvOverlay`]: a premultiplied RGBA [`Bitmap`](super::Bitmap) converted once to
//!   premultiplied Y, Cb, Cr and alpha planes at its place on the frame (chroma on the frame's
//!   2 × 2 grid), then blended into only its rectangle of each frame, at any opacity;
//! - [`YuvFrame`]: a frame's planes in one buffer (the layout `VideoFrame.copyTo` writes).

mod frame;
mod overlay;
mod placed;
mod space;
#[cfg(test)]
mod tests;

pub use frame::{ChromaLayout, YuvFrame};
pub use overlay::YuvOverlay;
pub use placed::PixelPlacement;
pub use space::{YuvMatrix, YuvSpace};
