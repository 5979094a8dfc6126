//! The progressive fast-start layout for seekable sinks: `ftyp`, a reserved
//! `free` box where the `moov` will go, then one `mdat` streamed as packets
//! arrive. Only the compact sample tables stay in memory. At `finish` the
//! `moov` is written into the reservation (the rest stays a `free` box) and the
//! `mdat` size is patched.
//!
//! The reservation holds the fixed boxes plus the worst-case index of
//! `expected_samples_per_track` samples in every track (44 bytes each). If the
//! file ends up with more samples and the `moov` does not fit, it is appended
//! after the `mdat` instead: the file is still valid, just not fast-start
//! ([`FastStart::moov_at_start`] says which happened).

use super::Output;
use super::moov_writer::{Edit, TrackBoxes, moov, movie_ticks};
use super::table_writer::{TableWriter, WORST_CASE_BYTES_PER_SAMPLE};
use super::track_writer::{TimedSample, TrackWriter};
use crate::container::{ByteSink, ContainerError, Packet};
use crate::time::ticks_to_us;
use std::cmp::Ordering;

/// Room for everything in a `moov` but the per-sample tables: mvhd and slack.
const FIXED_MOOV_BYTES: u64 = 1024;
/// Room for one track's boxes besides its sample table and codec configuration.
const FIXED_TRAK_BYTES: u64 = 1024;

/// State of a fast-start file being written.
pub(super) struct FastStart {
    reserved_at: u64,
    reserved_len: u64,
    mdat_at: u64,
    tables: Vec<TableWriter>,
    pending_offsets: Vec<Option<u64>>,
    moov_at_start: Option<bool>,
}

impl FastStart {
    /// Writes the reservation and the `mdat` header after the `ftyp` already in `out`.
    pub fn start<S: ByteSink>(
        out: &mut Output<S>,
        tracks: &[TrackWriter],
        expected_samples_per_track: u32,
    ) -> Result<Self, ContainerError> {
        if !out.sink.seekable() {
            return Err(ContainerError::SinkNotSeekable);
        }
        let per_track = |t: &TrackWriter| {
            FIXED_TRAK_BYTES
                + t.entry.boxes.len() as u64
                + WORST_CASE_BYTES_PER_SAMPLE * u64::from(expected_samples_per_track)
        };
        let reserved_len = FIXED_MOOV_BYTES + tracks.iter().map(per_track).sum::<u64>();
        if reserved_len > u64::from(u32::MAX) {
            return Err(ContainerError::LimitExceeded {
                what: "fast-start moov reservation in bytes".into(),
                value: reserved_len,
                limit: u32::MAX.into(),
            });
        }
        let reserved_at = out.pos;
        out.write(&free_header(reserved_len))?;
        out.write_zeros(reserved_len - 8)?;
        let mdat_at = out.pos;
        out.write(&[0, 0, 0, 1, b'm', b'd', b'a', b't', 0, 0, 0, 0, 0, 0, 0, 0])?;
        Ok(Self {
            reserved_at,
            reserved_len,
            mdat_at,
            tables: tracks.iter().map(|_| TableWriter::default()).collect(),
            pending_offsets: vec![None; tracks.len()],
            moov_at_start: None,
        })
    }

    /// Appends the packet's bytes to the `mdat` (its sample is recorded when the next one completes it).
    pub fn write_packet<S: ByteSink>(
        &mut self,
        out: &mut Output<S>,
        index: usize,
        packet: &Packet,
    ) -> Result<(), ContainerError> {
        let offset = out.pos;
        out.write(&packet.data)?;
        self.pending_offsets[index] = Some(offset);
        Ok(())
    }

    /// Patches the `mdat` size and writes the `moov` (every track's last sample already completed).
    pub fn finish<S: ByteSink>(&mut self, out: &mut Output<S>, tracks: &[TrackWriter]) -> Result<(), ContainerError> {
        let mdat_len = out.pos - self.mdat_at;
        out.write_at(self.mdat_at + 8, &mdat_len.to_be_bytes())?;
        let boxes: Vec<TrackBoxes> = tracks
            .iter()
            .zip(&self.tables)
            .map(|(t, table)| TrackBoxes {
                track: t,
                table: Some(table),
                edits: edits(t),
                media_duration: t.first_dts().map_or(0, |first| (t.end_dts() - first).max(0) as u64),
            })
            .collect();
        let moov = moov(&boxes, false);
        let len = moov.len() as u64;
        let fits = len == self.reserved_len || len + 8 <= self.reserved_len;
        if fits {
            out.write_at(self.reserved_at, &moov)?;
            if len < self.reserved_len {
                out.write_at(self.reserved_at + len, &free_header(self.reserved_len - len))?;
            }
        } else {
            out.write(&moov)?;
        }
        self.moov_at_start = Some(fits);
        Ok(())
    }

    /// Adds the sample `done` gives for the pending packet of track `index` (stored at its recorded offset).
    pub fn complete(&mut self, index: usize, done: Option<TimedSample>) {
        if let (Some(sample), Some(Some(at))) = (done, self.pending_offsets.get(index)) {
            self.tables[index].push(&sample, *at);
        }
    }

    /// After `finish`: whether the `moov` fit the reservation at the start.
    pub fn moov_at_start(&self) -> Option<bool> {
        self.moov_at_start
    }
}

fn free_header(len: u64) -> [u8; 8] {
    let mut h = [0u8; 8];
    h[..4].copy_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    h[4..].copy_from_slice(b"free");
    h
}

/// The edit list mapping the stored media (decode times from 0) back to the packets' times.
///
/// Decode times start at the first packet's; a first decode time below 0
/// (B-frame delay, AAC priming, cut pre-roll) becomes `media_time`, one above 0 a leading empty
/// edit as long as the first presentation time, then the media from its earliest composition
/// time (the B-frame delay of a copy that starts late in its source): players that start
/// showing at that composition time (ffmpeg does) and those that follow the edit to the letter
/// agree on every frame's time.
fn edits(track: &TrackWriter) -> Vec<Edit> {
    let Some(first) = track.first_dts() else { return Vec::new() };
    let end_us = ticks_to_us(track.end_cts(), track.timescale);
    match first.cmp(&0) {
        Ordering::Equal => Vec::new(),
        Ordering::Less => vec![Edit { duration: movie_ticks(end_us), media_time: -first }],
        Ordering::Greater => {
            let delay = track.first_cts().map_or(0, |cts| (cts - first).max(0));
            let start_us = ticks_to_us(first + delay, track.timescale);
            vec![
                Edit { duration: movie_ticks(start_us), media_time: -1 },
                Edit { duration: movie_ticks(end_us - start_us), media_time: delay },
            ]
        }
    }
}
