//! MP4/MOV (ISO BMFF and QuickTime): probe, demux and mux.
//!
//! Reading: `top_level` finds the boxes, `movie` parses `moov` (`trak`:
//! `sample_table`, `edit_list`, `sample_entry` + `codec_config`, `rotation`)
//! and every `moof` (`fragments`), `track_info` describes the tracks and
//! `demuxer` pulls packets, reading sample data from the source on demand.
//! Writing: `mux` (see [`Mp4Muxer`] and [`Mp4Layout`]).
//!
//! Conventions:
//! - `rotation` is the clockwise angle a player turns the coded picture for
//!   display (ffprobe prints the counter-clockwise angle, so its `rotation=-90` is our 90).
//! - Edit lists are applied on reading (first non-empty edit + leading empty
//!   edits); pre-roll samples keep their packets with negative times. The muxer
//!   writes the edit list that maps its packets back to their `pts_us`.
//! - Only the first sample description of a track is used; encrypted or unknown
//!   entries are reported with their entry type as codec (e.g. `encv`) and
//!   demuxed as stored, and the muxer refuses them as `Unsupported`.
//!
//! Hostile input gives typed errors, never panics: every declared count and size
//! is checked against the bytes that actually hold it and against the limits
//! below before anything is allocated. Box nesting is bounded by construction:
//! parsers only descend along the fixed paths of the format (at most
//! `moov/trak/mdia/minf/stbl/stsd/entry/wave/esds`), never recursively.

mod box_reader;
mod box_writer;
mod codec_config;
mod demuxer;
mod edit_list;
mod fragments;
#[cfg(test)]
mod hostile_tests;
mod movie;
mod mux;
mod probe;
mod rotation;
mod sample_entry;
mod sample_table;
mod top_level;
mod track_info;
mod trak;

pub use demuxer::Mp4Demuxer;
pub use mux::{Mp4Layout, Mp4Muxer, Mp4Options};

use super::{ByteSource, ContainerError, ProbeInfo};

/// Most samples one track may have (and never more than the file has bytes).
pub const MAX_SAMPLES_PER_TRACK: u64 = 10_000_000;
/// Largest `moov` or `moof` read into memory, in bytes.
pub const MAX_INDEX_BOX_BYTES: u64 = 256 << 20;
/// Most top-level boxes scanned (a fragmented hour has a few thousand).
pub const MAX_TOP_LEVEL_BOXES: u64 = 1_000_000;

/// Reads the headers of an MP4/MOV file and describes its tracks.
pub fn probe(source: &mut dyn ByteSource) -> Result<ProbeInfo, ContainerError> {
    probe::probe_movie(source).map(|(info, _)| info)
}
