//! A track's samples, as runs of back-to-back samples ("chunks") with per-sample
//! size, duration, composition offset and sync flag; built from `stbl` boxes
//! here and from movie fragments in `fragments.rs`.
//!
//! Memory is 16 bytes per sample plus 24 per chunk; sample data stays in the source.

use super::MAX_SAMPLES_PER_TRACK;
use super::box_reader::{Cursor, Mp4Box, child, malformed, required};
use crate::container::ContainerError;

/// Size, duration, composition offset and sync flag of one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct SampleRecord {
    /// Bytes in the file.
    pub size: u32,
    /// Decode duration in media ticks.
    pub duration: u32,
    /// Composition time minus decode time, in media ticks.
    pub cts_offset: i32,
    /// True when decoding can start here.
    pub sync: bool,
}

/// Samples stored back to back from `offset`, the first decoding at `dts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk {
    /// File offset of the first sample.
    pub offset: u64,
    /// Decode time of the first sample, in media ticks.
    pub dts: i64,
    /// Index of the first sample.
    pub first: u32,
    /// Number of samples.
    pub count: u32,
}

/// One sample with its position and times resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sample {
    /// Position in decode order.
    pub index: u32,
    /// File offset of its bytes.
    pub offset: u64,
    /// Decode time in media ticks.
    pub dts: i64,
    /// Size, duration, composition offset, sync flag.
    pub record: SampleRecord,
}

impl Sample {
    /// Composition time in media ticks.
    pub fn cts(&self) -> i64 {
        self.dts.saturating_add(i64::from(self.record.cts_offset))
    }
}

/// All samples of a track, in decode order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SampleTable {
    records: Vec<SampleRecord>,
    chunks: Vec<Chunk>,
}

/// Largest frame of raw audio merged into packets (32 channels of 32-bit samples).
const MAX_RAW_FRAME_BYTES: u32 = 128;
/// Longest frame of raw audio merged into packets, in media ticks (one is usual: the timescale is the rate).
const MAX_RAW_FRAME_TICKS: u32 = 1 << 16;

/// The most samples a track may hold in a file of `file_len` bytes: real samples take at least a byte each.
pub(super) fn sample_limit(file_len: u64) -> u64 {
    MAX_SAMPLES_PER_TRACK.min(file_len)
}

fn check_count(count: u64, file_len: u64) -> Result<(), ContainerError> {
    if count > sample_limit(file_len) {
        return Err(ContainerError::LimitExceeded {
            what: "samples in one track".into(),
            value: count,
            limit: sample_limit(file_len),
        });
    }
    Ok(())
}

impl SampleTable {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The samples in decode order.
    pub fn iter(&self) -> Samples<'_> {
        Samples { table: self, pos: Position::default() }
    }

    /// Per-sample records in decode order.
    pub fn records(&self) -> &[SampleRecord] {
        &self.records
    }

    /// Decode time just after the last sample (0 when empty).
    pub fn end_dts(&self) -> i64 {
        self.chunks.last().map_or(0, |c| c.dts + self.run_duration(c.first, c.count))
    }

    fn run_duration(&self, first: u32, count: u32) -> i64 {
        let (a, b) = (first as usize, first as usize + count as usize);
        self.records.get(a..b).map_or(0, |r| r.iter().map(|s| i64::from(s.duration)).sum())
    }

    /// Errors unless `additional` more samples fit the per-track limit for a file of `file_len` bytes.
    pub fn check_room(&self, additional: u64, file_len: u64) -> Result<(), ContainerError> {
        check_count(self.records.len() as u64 + additional, file_len)
    }

    /// Appends a run of samples stored back to back at `offset`, decoding from `dts` (a fragment's `trun`).
    /// The caller has checked the count with [`SampleTable::check_room`].
    pub fn push_run(&mut self, offset: u64, dts: i64, records: Vec<SampleRecord>) {
        if !records.is_empty() {
            let first = self.records.len() as u32;
            self.chunks.push(Chunk { offset, dts, first, count: records.len() as u32 });
            self.records.extend(records);
        }
    }

    /// Errors unless every sample's bytes lie inside a file of `file_len` bytes.
    pub fn check_within(&self, file_len: u64, track_id: u32) -> Result<(), ContainerError> {
        for c in &self.chunks {
            let bytes: u64 = self
                .records
                .get(c.first as usize..(c.first + c.count) as usize)
                .map_or(0, |r| r.iter().map(|s| u64::from(s.size)).sum());
            crate::container::check_range(file_len, c.offset, bytes, &format!("sample data of track {track_id}"))?;
        }
        Ok(())
    }

    /// Builds the table from a `stbl` box.
    pub fn from_stbl(stbl: &Mp4Box, file_len: u64) -> Result<Self, ContainerError> {
        let mut records = read_sizes(stbl, file_len)?;
        if let Some(stts) = child(stbl, b"stts")? {
            read_runs(stts.body, "stts", &mut records, |r, v| r.duration = v)?;
        }
        if let Some(ctts) = child(stbl, b"ctts")? {
            // Version 0 is unsigned by the letter of the spec, but writers store negative offsets there too.
            read_runs(ctts.body, "ctts", &mut records, |r, v| r.cts_offset = v as i32)?;
        }
        match child(stbl, b"stss")? {
            Some(stss) => read_sync(stss.body, &mut records)?,
            None => records.iter_mut().for_each(|r| r.sync = true),
        }
        let mut chunks = read_chunks(stbl, records.len() as u32)?;
        let mut dts = 0i64;
        for c in &mut chunks {
            c.dts = dts;
            dts += records[c.first as usize..(c.first + c.count) as usize]
                .iter()
                .map(|s| i64::from(s.duration))
                .sum::<i64>();
        }
        Ok(Self { records, chunks })
    }
}

impl SampleTable {
    /// Builds the table of a raw audio track (PCM, µ-law, A-law: every sample one frame of a
    /// constant size and duration) with up to `frames` samples of a chunk merged into one
    /// packet, as ffmpeg reads them: one packet per frame would cost one decoder call per
    /// frame. `None` when the sizes or durations vary (the caller reads the table as it is).
    pub fn from_raw_audio_stbl(stbl: &Mp4Box, file_len: u64, frames: u32) -> Result<Option<Self>, ContainerError> {
        let (Some(stsz), Some(stts)) = (child(stbl, b"stsz")?, child(stbl, b"stts")?) else { return Ok(None) };
        let mut c = Cursor::new(stsz.body, "stsz");
        c.full_header()?;
        let (size, count) = (c.u32()?, c.u32()?);
        let mut c = Cursor::new(stts.body, "stts");
        c.full_header()?;
        let runs = c.u32()?;
        let (run, duration) = if runs == 1 { (c.u32()?, c.u32()?) } else { (0, 0) };
        let plausible = (1..=MAX_RAW_FRAME_BYTES).contains(&size) && (1..=MAX_RAW_FRAME_TICKS).contains(&duration);
        if !plausible || run < count || child(stbl, b"ctts")?.is_some() {
            return Ok(None);
        }
        if u64::from(count).saturating_mul(u64::from(size)) > file_len {
            return Err(ContainerError::Truncated { what: format!("{count} samples of {size} bytes"), offset: 0, len: file_len });
        }
        let frames = frames.max(1);
        let mut chunks = read_chunks(stbl, count)?;
        check_count(chunks.iter().map(|c| u64::from(c.count.div_ceil(frames))).sum(), file_len)?;
        let (mut records, mut dts) = (Vec::new(), 0i64);
        for chunk in &mut chunks {
            let (first, mut left, start) = (records.len() as u32, chunk.count, dts);
            while left > 0 {
                let n = left.min(frames);
                records.push(SampleRecord { size: n * size, duration: n * duration, cts_offset: 0, sync: true });
                dts += i64::from(n) * i64::from(duration);
                left -= n;
            }
            *chunk = Chunk { offset: chunk.offset, dts: start, first, count: records.len() as u32 - first };
        }
        Ok(Some(Self { records, chunks }))
    }
}

fn read_sizes(stbl: &Mp4Box, file_len: u64) -> Result<Vec<SampleRecord>, ContainerError> {
    if let Some(stz2) = child(stbl, b"stz2")? {
        let mut c = Cursor::new(stz2.body, "stz2");
        c.full_header()?;
        let field = c.u32()? & 0xFF;
        let count = c.u32()?;
        check_count(u64::from(count), file_len)?;
        let bits = match field {
            4 | 8 | 16 => u64::from(field),
            _ => return Err(malformed(format!("'stz2' has a field size of {field} bits"))),
        };
        c.check_entries((u64::from(count) * bits).div_ceil(8), 1)?;
        let data = c.rest();
        return Ok((0..count as usize)
            .map(|i| {
                let size = match bits {
                    4 => u32::from((data[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xF),
                    8 => u32::from(data[i]),
                    _ => u32::from(u16::from_be_bytes([data[2 * i], data[2 * i + 1]])),
                };
                SampleRecord { size, ..Default::default() }
            })
            .collect());
    }
    let stsz = required(stbl, b"stsz")?;
    let mut c = Cursor::new(stsz.body, "stsz");
    c.full_header()?;
    let constant = c.u32()?;
    let count = u64::from(c.u32()?);
    check_count(count, file_len)?;
    if constant != 0 {
        if count.saturating_mul(u64::from(constant)) > file_len {
            return Err(ContainerError::Truncated {
                what: format!("{count} samples of {constant} bytes"),
                offset: 0,
                len: file_len,
            });
        }
        return Ok(vec![SampleRecord { size: constant, ..Default::default() }; count as usize]);
    }
    c.check_entries(count, 4)?;
    (0..count).map(|_| Ok(SampleRecord { size: c.u32()?, ..Default::default() })).collect()
}

/// Applies run-length `(count, value)` entries (stts, ctts) to consecutive samples.
fn read_runs(
    body: &[u8],
    what: &'static str,
    records: &mut [SampleRecord],
    set: impl Fn(&mut SampleRecord, u32),
) -> Result<(), ContainerError> {
    let mut c = Cursor::new(body, what);
    c.full_header()?;
    let entries = u64::from(c.u32()?);
    c.check_entries(entries, 8)?;
    let mut next = records.iter_mut();
    for _ in 0..entries {
        let (count, value) = (c.u32()?, c.u32()?);
        for r in next.by_ref().take(count as usize) {
            set(r, value);
        }
    }
    Ok(())
}

fn read_sync(body: &[u8], records: &mut [SampleRecord]) -> Result<(), ContainerError> {
    let mut c = Cursor::new(body, "stss");
    c.full_header()?;
    let entries = u64::from(c.u32()?);
    c.check_entries(entries, 4)?;
    for _ in 0..entries {
        let number = c.u32()?;
        if let Some(r) = (number as usize).checked_sub(1).and_then(|i| records.get_mut(i)) {
            r.sync = true;
        }
    }
    Ok(())
}

/// Splits `count` samples into chunks using `stsc` runs and `stco`/`co64` offsets.
fn read_chunks(stbl: &Mp4Box, count: u32) -> Result<Vec<Chunk>, ContainerError> {
    let (offsets_box, wide) = match child(stbl, b"co64")? {
        Some(b) => (b, true),
        None => (required(stbl, b"stco")?, false),
    };
    let mut offsets = Cursor::new(offsets_box.body, "stco");
    offsets.full_header()?;
    let chunk_count = u64::from(offsets.u32()?);
    offsets.check_entries(chunk_count, if wide { 8 } else { 4 })?;

    let stsc = required(stbl, b"stsc")?;
    let mut runs = Cursor::new(stsc.body, "stsc");
    runs.full_header()?;
    let run_count = u64::from(runs.u32()?);
    runs.check_entries(run_count, 12)?;
    let mut stsc: Vec<(u64, u32)> = Vec::with_capacity(run_count as usize);
    for _ in 0..run_count {
        let (first_chunk, per_chunk) = (u64::from(runs.u32()?), runs.u32()?);
        runs.u32()?; // sample description index: only the first description is used
        if first_chunk == 0 || stsc.last().is_some_and(|&(prev, _)| first_chunk <= prev) {
            return Err(malformed("'stsc' chunk numbers do not increase"));
        }
        stsc.push((first_chunk - 1, per_chunk));
    }

    let mut chunks = Vec::new();
    let mut assigned = 0u32;
    let mut run = 0usize;
    for index in 0..chunk_count {
        if assigned == count {
            break;
        }
        let offset = if wide { offsets.u64()? } else { u64::from(offsets.u32()?) };
        while stsc.get(run + 1).is_some_and(|&(first, _)| first <= index) {
            run += 1;
        }
        let per_chunk = stsc.get(run).map_or(0, |&(_, n)| n);
        let n = per_chunk.min(count - assigned);
        if n > 0 {
            chunks.push(Chunk { offset, dts: 0, first: assigned, count: n });
            assigned += n;
        }
    }
    if assigned < count {
        return Err(malformed(format!("'stsc'/'stco' place only {assigned} of {count} samples")));
    }
    Ok(chunks)
}

/// A place in a table's decode order; the default is the first sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Position {
    chunk: usize,
    index: u32,
    offset: u64,
    dts: i64,
}

impl SampleTable {
    /// The sample at `pos`, moving `pos` to the next one; `None` past the end.
    pub fn step(&self, pos: &mut Position) -> Option<Sample> {
        let chunk = self.chunks.get(pos.chunk)?;
        if pos.index == chunk.first {
            pos.offset = chunk.offset;
            pos.dts = chunk.dts;
        }
        let record = *self.records.get(pos.index as usize)?;
        let sample = Sample { index: pos.index, offset: pos.offset, dts: pos.dts, record };
        pos.index += 1;
        pos.offset = pos.offset.saturating_add(u64::from(record.size));
        pos.dts = pos.dts.saturating_add(i64::from(record.duration));
        if pos.index >= chunk.first + chunk.count {
            pos.chunk += 1;
        }
        Some(sample)
    }
}

/// Iterator over a table's samples in decode order.
pub(super) struct Samples<'a> {
    table: &'a SampleTable,
    pos: Position,
}

impl Iterator for Samples<'_> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        self.table.step(&mut self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::mp4::box_reader::Children;
    use crate::container::mp4::box_writer::BoxWriter;

    #[test]
    fn compact_sizes_and_chunk_runs() {
        let mut w = BoxWriter::new();
        w.start(b"stbl");
        w.start_full(b"stz2", 0, 0).u32(4).u32(5).bytes(&[0x12, 0x34, 0x50]).end(); // 4-bit sizes 1,2,3,4,5
        w.start_full(b"stsc", 0, 0).u32(2).u32(1).u32(2).u32(1).u32(3).u32(1).u32(1).end(); // 2 per chunk, then 1
        w.start_full(b"stco", 0, 0).u32(4).u32(100).u32(200).u32(300).u32(400).end();
        w.end();
        let bytes = w.into_bytes();
        let stbl = Children::new(&bytes, 0).next().unwrap().unwrap();
        let table = SampleTable::from_stbl(&stbl, 1000).unwrap();
        let got: Vec<_> = table.iter().map(|s| (s.offset, s.record.size, s.record.sync)).collect();
        assert_eq!(got, [(100, 1, true), (101, 2, true), (200, 3, true), (203, 4, true), (300, 5, true)]);
        assert!(table.check_within(1000, 1).is_ok());
        assert!(matches!(table.check_within(304, 1), Err(ContainerError::Truncated { .. })));
        let too_many = SampleTable::from_stbl(&stbl, 4);
        assert!(matches!(too_many, Err(ContainerError::LimitExceeded { .. })), "5 samples cannot fit in 4 bytes");
    }

    #[test]
    fn raw_audio_frames_are_merged_per_chunk() {
        let stbl_bytes = |stts_runs: &[(u32, u32)]| {
            let mut w = BoxWriter::new();
            w.start(b"stbl");
            w.start_full(b"stsz", 0, 0).u32(4).u32(2500).end(); // 2,500 frames of 4 bytes
            let stts = w.start_full(b"stts", 0, 0).u32(stts_runs.len() as u32);
            for &(count, duration) in stts_runs {
                stts.u32(count).u32(duration);
            }
            w.end();
            w.start_full(b"stsc", 0, 0).u32(2).u32(1).u32(2000).u32(1).u32(2).u32(500).u32(1).end();
            w.start_full(b"stco", 0, 0).u32(2).u32(100).u32(20_000).end();
            w.end();
            w.into_bytes()
        };
        let bytes = stbl_bytes(&[(2500, 1)]);
        let stbl = Children::new(&bytes, 0).next().unwrap().unwrap();
        let table = SampleTable::from_raw_audio_stbl(&stbl, 100_000, 1024).unwrap().unwrap();
        let got: Vec<_> = table.iter().map(|s| (s.offset, s.dts, s.record.size, s.record.duration)).collect();
        assert_eq!(got, [(100, 0, 4096, 1024), (4196, 1024, 3904, 976), (20_000, 2000, 2000, 500)]);
        assert_eq!(table.end_dts(), 2500);
        // Varying durations: read as it is.
        let bytes = stbl_bytes(&[(2000, 1), (500, 2)]);
        let stbl = Children::new(&bytes, 0).next().unwrap().unwrap();
        assert_eq!(SampleTable::from_raw_audio_stbl(&stbl, 100_000, 1024).unwrap(), None);
        assert_eq!(SampleTable::from_stbl(&stbl, 100_000).unwrap().len(), 2500);
    }
}
