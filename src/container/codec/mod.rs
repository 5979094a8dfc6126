//! Format-independent codec knowledge shared by the MP4 and WebM containers:
//! decoder configuration records ↔ WebCodecs codec strings, and the few bitstream
//! facts a container needs. How a record is wrapped (MP4 boxes, Matroska
//! CodecPrivate) stays in the container's own folder.

pub mod aac;
pub mod av1;
pub mod avc;
mod bits;
pub mod colour;
pub mod hevc;
pub mod opus;
pub mod vp9;
