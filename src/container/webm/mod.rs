//! WebM / Matroska: probe, streaming demux and streaming mux, on a hand-written EBML
//! reader and writer (pure Rust; allocations are bounded by documented limits and the
//! real file length; every loop advances through the file).
//!
//! Reading: `segment` parses the EBML header, SeekHead, Info, Tracks and Cues;
//! `cluster` walks blocks (including unknown-size live Clusters); `scan` gathers what
//! the headers omit; `probe` and `demuxer` build on those. Writing: `muxer` with
//! `interleave`, `mux_header` and `ebml_writer`. Codec naming lives in `codec`.
//!
//! Known limits:
//! - Matroska stores presentation times only, so demuxed `dts_us == pts_us` (H.264/HEVC
//!   with B-frames in MKV keep decode order but not decode times).
//! - Opus timestamps have CodecDelay subtracted, as ffmpeg does; the muxer adds it back.
//! - A second EBML header or Segment (chained files) ends reading; zlib/bzlib/lzo-compressed
//!   and encrypted tracks are unsupported (header stripping is undone).
//! - Files with Cues and Duration are only scanned for their first video frames (frame
//!   rate, VP9 details), so `sample_count` is `None` for them.
//! - The muxer writes a TimestampScale of 1 ms (`MuxTrack::timescale` is not used), refuses
//!   packets before time 0 (after the Opus CodecDelay shift), and its live layout has no Cues.

mod blocks;
mod cluster;
mod codec;
mod cues;
mod demuxer;
mod ebml;
mod ebml_writer;
mod frame_rate;
#[cfg(test)]
mod hostile_tests;
mod ids;
mod interleave;
mod mux_header;
mod muxer;
mod probe;
mod reader;
mod scan;
mod segment;
mod timebase;
mod tracks;
mod vp9_private;

pub use demuxer::WebmDemuxer;
pub use muxer::{WebmMuxer, WebmOptions};

use super::{ByteSource, ContainerError, ProbeInfo};

/// Reads the headers of a WebM/Matroska file and describes its tracks.
///
/// Files without Cues or Duration (live recordings) are scanned block header by block
/// header (payloads are skipped) to find duration, keyframes and frame timing.
pub fn probe(source: &mut dyn ByteSource) -> Result<ProbeInfo, ContainerError> {
    let mut reader = reader::Reader::borrowed(source);
    Ok(probe::probe_reader(&mut reader)?.info)
}
