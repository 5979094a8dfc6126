//! One `trak` box: header, media header, handler, edits, sample description and sample table.

use super::box_reader::{Cursor, Mp4Box, malformed, required};
use super::edit_list::Timeline;
use super::fragments::TrackDefaults;
use super::rotation::rotation_from_matrix;
use super::sample_entry::{SampleEntry, parse_stsd};
use super::sample_table::SampleTable;
use crate::container::{ContainerError, TrackKind};

/// Frames of raw audio (PCM, µ-law, A-law) read as one packet (21 ms at 48 kHz).
const RAW_AUDIO_PACKET_FRAMES: u32 = 1024;

/// Everything the index says about one audio or video track.
#[derive(Debug, Clone)]
pub(super) struct Track {
    /// `tkhd` track_ID.
    pub id: u32,
    /// Audio or video (other handlers are skipped).
    pub kind: TrackKind,
    /// Clockwise display rotation from the `tkhd` matrix.
    pub rotation: u16,
    /// Media ticks per second (`mdhd`).
    pub timescale: u32,
    /// Media duration in ticks (`mdhd`; 0 in fragmented files).
    pub media_duration: u64,
    /// Media → presentation mapping.
    pub timeline: Timeline,
    /// The first sample description.
    pub entry: SampleEntry,
    /// The samples (from `stbl`, then from fragments).
    pub table: SampleTable,
    /// Fragment defaults from `trex`.
    pub defaults: TrackDefaults,
}

/// Parses `trak`; returns `None` for tracks that are neither audio nor video (text, timecode, hint…).
pub(super) fn parse_trak(
    trak: &Mp4Box,
    movie_timescale: u32,
    quicktime: bool,
    file_len: u64,
) -> Result<Option<Track>, ContainerError> {
    let mdia = required(trak, b"mdia")?;
    let kind = match handler_type(&required(&mdia, b"hdlr")?)? {
        [b'v', b'i', b'd', b'e'] => TrackKind::Video,
        [b's', b'o', b'u', b'n'] => TrackKind::Audio,
        _ => return Ok(None),
    };
    let (id, rotation) = parse_tkhd(&required(trak, b"tkhd")?)?;
    let (timescale, media_duration) = timescale_and_duration(&required(&mdia, b"mdhd")?, "mdhd")?;
    if timescale == 0 {
        return Err(malformed(format!("track {id} has a timescale of 0 ticks per second")));
    }
    let stbl = required(&required(&mdia, b"minf")?, b"stbl")?;
    let entry = parse_stsd(&required(&stbl, b"stsd")?, kind, quicktime)?;
    let raw = matches!(entry.setup.codec.as_str(), "pcm-s16" | "ulaw" | "alaw");
    let grouped = if raw { SampleTable::from_raw_audio_stbl(&stbl, file_len, RAW_AUDIO_PACKET_FRAMES)? } else { None };
    let table = match grouped {
        Some(table) => table,
        None => SampleTable::from_stbl(&stbl, file_len)?,
    };
    let timeline = Timeline::from_trak(trak, movie_timescale, timescale)?;
    Ok(Some(Track {
        id,
        kind,
        rotation,
        timescale,
        media_duration,
        timeline,
        entry,
        table,
        defaults: TrackDefaults::default(),
    }))
}

fn handler_type(hdlr: &Mp4Box) -> Result<[u8; 4], ContainerError> {
    let mut c = Cursor::new(hdlr.body, "hdlr");
    c.full_header()?;
    c.u32()?; // pre_defined (QuickTime: component type)
    let mut t = [0u8; 4];
    t.copy_from_slice(c.take(4)?);
    Ok(t)
}

fn parse_tkhd(tkhd: &Mp4Box) -> Result<(u32, u16), ContainerError> {
    let mut c = Cursor::new(tkhd.body, "tkhd");
    let (version, _) = c.full_header()?;
    c.skip(if version == 1 { 16 } else { 8 })?; // creation and modification times
    let id = c.u32()?;
    c.skip(4)?; // reserved
    c.u32_or_u64(version)?; // duration
    c.skip(16)?; // reserved, layer, alternate group, volume, reserved
    let mut matrix = [0i32; 9];
    for m in &mut matrix {
        *m = c.i32()?;
    }
    Ok((id, rotation_from_matrix(&matrix)))
}

/// Reads the timescale and duration of `mvhd` or `mdhd` (the two share their layout).
pub(super) fn timescale_and_duration(header: &Mp4Box, what: &'static str) -> Result<(u32, u64), ContainerError> {
    let mut c = Cursor::new(header.body, what);
    let (version, _) = c.full_header()?;
    c.skip(if version == 1 { 16 } else { 8 })?; // creation and modification times
    Ok((c.u32()?, c.u32_or_u64(version)?))
}
