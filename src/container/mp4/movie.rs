//! The whole index of a file: `moov` (tracks, edit lists, sample tables,
//! fragment defaults) plus every `moof`, with every sample checked to lie in the file.

use super::MAX_INDEX_BOX_BYTES;
use super::box_reader::{BoxHeader, Children, Mp4Box, malformed, required};
use super::fragments::{apply_moof, parse_trex};
use super::top_level::{TopLevel, scan};
use super::trak::{Track, parse_trak, timescale_and_duration};
use crate::container::{ByteSource, ContainerError};
use crate::time::ticks_to_us;

/// A parsed file: its audio/video tracks with complete sample tables.
#[derive(Debug, Clone)]
pub(super) struct Movie {
    /// True for QuickTime (`qt  ` brand or no `ftyp`).
    pub quicktime: bool,
    /// True when the file uses movie fragments.
    pub fragmented: bool,
    /// `mvhd` duration in µs (0 when unknown).
    pub duration_us: i64,
    /// Audio and video tracks in `moov` order.
    pub tracks: Vec<Track>,
}

/// Reads a whole index box (`moov`/`moof`) into memory, within [`MAX_INDEX_BOX_BYTES`].
fn read_index_box(source: &mut dyn ByteSource, header: &BoxHeader) -> Result<Vec<u8>, ContainerError> {
    if header.body_len() > MAX_INDEX_BOX_BYTES {
        return Err(ContainerError::LimitExceeded {
            what: "size of an MP4 index box (moov/moof) in bytes".into(),
            value: header.body_len(),
            limit: MAX_INDEX_BOX_BYTES,
        });
    }
    source.read_vec(header.body_offset(), header.body_len(), "index box")
}

/// Reads and checks the index of `source`.
pub(super) fn read_movie(source: &mut dyn ByteSource) -> Result<Movie, ContainerError> {
    let file_len = source.len();
    let top: TopLevel = scan(source)?;
    let Some(moov_header) = top.moov else {
        return Err(if top.has_mdat { ContainerError::MissingIndex } else { malformed("the file has no 'moov' box") });
    };
    let quicktime = top.is_quicktime();
    let body = read_index_box(source, &moov_header)?;
    let moov = Mp4Box {
        kind: moov_header.kind,
        body: &body,
        offset: moov_header.offset,
        body_offset: moov_header.body_offset(),
    };

    let (movie_timescale, movie_duration) = timescale_and_duration(&required(&moov, b"mvhd")?, "mvhd")?;
    let mut tracks = Vec::new();
    let mut mvex = None;
    for b in Children::of(&moov) {
        let b = b?;
        match &b.kind {
            b"trak" => tracks.extend(parse_trak(&b, movie_timescale, quicktime, file_len)?),
            b"mvex" => mvex = Some(b),
            _ => {}
        }
    }
    if let Some(mvex) = &mvex {
        for trex in Children::of(mvex) {
            let trex = trex?;
            if &trex.kind == b"trex" {
                let (id, defaults) = parse_trex(&trex)?;
                if let Some(t) = tracks.iter_mut().find(|t| t.id == id) {
                    t.defaults = defaults;
                }
            }
        }
    }
    for header in &top.moofs {
        let body = read_index_box(source, header)?;
        let moof = Mp4Box { kind: header.kind, body: &body, offset: header.offset, body_offset: header.body_offset() };
        apply_moof(&moof, &mut tracks, file_len)?;
    }
    if tracks.is_empty() {
        return Err(ContainerError::NoTracks);
    }
    for t in &tracks {
        t.table.check_within(file_len, t.id)?;
    }
    let fragmented = mvex.is_some() || !top.moofs.is_empty();
    let duration = i64::try_from(movie_duration).unwrap_or(i64::MAX);
    Ok(Movie { quicktime, fragmented, duration_us: ticks_to_us(duration, movie_timescale), tracks })
}
