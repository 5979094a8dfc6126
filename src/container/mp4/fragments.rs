//! Movie fragments: `mvex`/`trex` defaults and `moof`/`traf`/`tfhd`/`tfdt`/`trun`
//! sample runs appended to each track's sample table.
//!
//! Data offsets follow ISO/IEC 14496-12 §8.8.7: an explicit base data offset
//! wins; otherwise `default-base-is-moof` (or being the first `traf`) bases at the
//! `moof`, and a later `traf` continues where the previous one's data ended. A
//! `trun` without a data offset continues after the previous `trun`. Without
//! `tfdt`, decode time continues from the track's previous samples.

use super::box_reader::{Children, Cursor, Mp4Box, malformed, required};
use super::sample_table::SampleRecord;
use super::trak::Track;
use crate::container::ContainerError;

const BASE_DATA_OFFSET: u32 = 0x1;
const SAMPLE_DESCRIPTION_INDEX: u32 = 0x2;
const DEFAULT_DURATION: u32 = 0x8;
const DEFAULT_SIZE: u32 = 0x10;
const DEFAULT_FLAGS: u32 = 0x20;
const DEFAULT_BASE_IS_MOOF: u32 = 0x2_0000;

const DATA_OFFSET: u32 = 0x1;
const FIRST_SAMPLE_FLAGS: u32 = 0x4;
const SAMPLE_DURATION: u32 = 0x100;
const SAMPLE_SIZE: u32 = 0x200;
const SAMPLE_FLAGS: u32 = 0x400;
const SAMPLE_CTS_OFFSET: u32 = 0x800;

/// `sample_is_non_sync_sample` in the sample flags.
const NON_SYNC: u32 = 0x1_0000;
/// Decode times beyond this (about 36 years at 1 GHz) are treated as corrupt.
const MAX_DECODE_TIME: u64 = 1 << 60;

/// Sample defaults of a track's fragments (`trex`, overridden per fragment by `tfhd`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TrackDefaults {
    /// Default sample duration in media ticks.
    pub duration: u32,
    /// Default sample size in bytes.
    pub size: u32,
    /// Default sample flags.
    pub flags: u32,
}

/// Reads a `trex` body: the track it applies to and its defaults.
pub(super) fn parse_trex(trex: &Mp4Box) -> Result<(u32, TrackDefaults), ContainerError> {
    let mut c = Cursor::new(trex.body, "trex");
    c.full_header()?;
    let id = c.u32()?;
    c.u32()?; // default sample description index
    Ok((id, TrackDefaults { duration: c.u32()?, size: c.u32()?, flags: c.u32()? }))
}

/// Appends the samples of one `moof` to the tracks it describes (unknown track ids are skipped).
pub(super) fn apply_moof(moof: &Mp4Box, tracks: &mut [Track], file_len: u64) -> Result<(), ContainerError> {
    let mut previous_end: Option<u64> = None;
    for traf in Children::of(moof) {
        let traf = traf?;
        if &traf.kind != b"traf" {
            continue;
        }
        let mut c = Cursor::new(required(&traf, b"tfhd")?.body, "tfhd");
        let (_, flags) = c.full_header()?;
        let id = c.u32()?;
        let Some(track) = tracks.iter_mut().find(|t| t.id == id) else { continue };
        let base = if flags & BASE_DATA_OFFSET != 0 {
            c.u64()?
        } else {
            match previous_end {
                Some(end) if flags & DEFAULT_BASE_IS_MOOF == 0 => end,
                _ => moof.offset,
            }
        };
        if flags & SAMPLE_DESCRIPTION_INDEX != 0 {
            c.u32()?;
        }
        let mut defaults = track.defaults;
        if flags & DEFAULT_DURATION != 0 {
            defaults.duration = c.u32()?;
        }
        if flags & DEFAULT_SIZE != 0 {
            defaults.size = c.u32()?;
        }
        if flags & DEFAULT_FLAGS != 0 {
            defaults.flags = c.u32()?;
        }
        let mut dts = match super::box_reader::child(&traf, b"tfdt")? {
            Some(tfdt) => decode_time(&tfdt)?,
            None => track.table.end_dts(),
        };
        let mut data_pos = base;
        for trun in Children::of(&traf) {
            let trun = trun?;
            if &trun.kind == b"trun" {
                (data_pos, dts) = apply_trun(&trun, track, &defaults, base, data_pos, dts, file_len)?;
            }
        }
        previous_end = Some(data_pos);
    }
    Ok(())
}

fn decode_time(tfdt: &Mp4Box) -> Result<i64, ContainerError> {
    let mut c = Cursor::new(tfdt.body, "tfdt");
    let (version, _) = c.full_header()?;
    let t = c.u32_or_u64(version)?;
    if t > MAX_DECODE_TIME {
        return Err(malformed(format!("'tfdt' at byte {} has an implausible decode time {t}", tfdt.offset)));
    }
    Ok(t as i64)
}

/// Appends one `trun`'s samples; returns where its data ends and the decode time after it.
fn apply_trun(
    trun: &Mp4Box,
    track: &mut Track,
    defaults: &TrackDefaults,
    base: u64,
    data_pos: u64,
    dts: i64,
    file_len: u64,
) -> Result<(u64, i64), ContainerError> {
    let mut c = Cursor::new(trun.body, "trun");
    let (_, flags) = c.full_header()?;
    let count = c.u32()?;
    let offset = if flags & DATA_OFFSET != 0 {
        let rel = c.i32()?;
        base.checked_add_signed(i64::from(rel))
            .ok_or_else(|| malformed(format!("'trun' at byte {} points before the file start", trun.offset)))?
    } else {
        data_pos
    };
    let first_flags = if flags & FIRST_SAMPLE_FLAGS != 0 { Some(c.u32()?) } else { None };
    let fields =
        [SAMPLE_DURATION, SAMPLE_SIZE, SAMPLE_FLAGS, SAMPLE_CTS_OFFSET].iter().filter(|&&f| flags & f != 0).count();
    track.table.check_room(u64::from(count), file_len)?;
    c.check_entries(u64::from(count), 4 * fields as u64)?;
    let mut records = Vec::with_capacity(count as usize);
    let (mut bytes, mut ticks) = (0u64, 0i64);
    for i in 0..count {
        let duration = if flags & SAMPLE_DURATION != 0 { c.u32()? } else { defaults.duration };
        let size = if flags & SAMPLE_SIZE != 0 { c.u32()? } else { defaults.size };
        let sample_flags =
            if flags & SAMPLE_FLAGS != 0 { c.u32()? } else { first_flags.filter(|_| i == 0).unwrap_or(defaults.flags) };
        // Version 1 offsets are signed; version 0 ones are unsigned by the spec, but values
        // past i32::MAX only occur when writers stored negative offsets there too.
        let cts_offset = if flags & SAMPLE_CTS_OFFSET != 0 { c.i32()? } else { 0 };
        bytes += u64::from(size);
        ticks += i64::from(duration);
        records.push(SampleRecord { size, duration, cts_offset, sync: sample_flags & NON_SYNC == 0 });
    }
    track.table.push_run(offset, dts, records);
    Ok((offset.saturating_add(bytes), dts.saturating_add(ticks)))
}
