//! Container I/O in the platform-free core: probe, demux and mux.
//!
//! One folder per format (`mp4/`, `webm/`); the types they share live beside
//! this file, and the codec knowledge they share in `codec/`.
//! Media time is integer microseconds throughout.

pub mod mp4;
pub mod webm;

pub mod codec;
pub mod extract;
mod demuxer;
mod error;
mod io;
mod muxer;
mod packet;
mod probe;
mod serde_time;
mod track;

pub use demuxer::{Demuxer, open_demuxer};
pub use error::ContainerError;
pub use io::{ByteSink, ByteSource, SliceSource, VecSink, check_range};
#[cfg(not(target_arch = "wasm32"))]
pub use io::{FileSink, FileSource};
pub use muxer::{MuxTrack, Muxer};
use muxer::{check_new, check_write};
pub use packet::Packet;
pub use probe::{ContainerFormat, Family, ProbeInfo, probe, sniff};
pub use track::{AudioInfo, TrackInfo, TrackKind, VideoInfo};
