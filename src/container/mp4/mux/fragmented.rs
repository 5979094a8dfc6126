//! The fragmented layout (streaming default, works on non-seekable sinks):
//! `ftyp`, a `moov` with `mvex`, then `moof`+`mdat` pairs.
//!
//! A fragment is cut before a keyframe of the first video track (or any sample
//! of the first track when there is no video) once it spans the target duration,
//! or when it buffers more than [`MAX_FRAGMENT_BYTES`]. Only the current fragment
//! is held in memory. The `moov` is written with the first fragment, when every
//! track's first decode time is known: decode times are stored from
//! min(0, first decode time), and a negative first decode time (B-frames, AAC
//! priming) becomes an open-ended edit list entry (`segment_duration` 0).

use super::super::box_writer::BoxWriter;
use super::Output;
use super::moov_writer::{Edit, TrackBoxes, moov};
use super::track_writer::{TimedSample, TrackWriter};
use crate::container::{ByteSink, ContainerError, Packet, TrackKind};

/// A fragment is cut early when it buffers this many bytes.
pub(super) const MAX_FRAGMENT_BYTES: usize = 32 << 20;

const SYNC_FLAGS: u32 = 0x0200_0000; // depends on no other sample
const NON_SYNC_FLAGS: u32 = 0x0101_0000; // depends on others, not a sync sample

/// The samples and bytes of one track in the fragment being built.
#[derive(Default)]
struct Run {
    samples: Vec<TimedSample>,
    data: Vec<u8>,
}

/// State of a fragmented file being written.
pub(super) struct Fragmented {
    target_us: i64,
    primary: usize,
    fragment_start_us: Option<i64>,
    runs: Vec<Run>,
    pending: Vec<Vec<u8>>,
    bases: Option<Vec<i64>>,
    sequence: u32,
}

impl Fragmented {
    /// Prepares fragments of about `target_us` for `tracks`.
    pub fn new(tracks: &[TrackWriter], target_us: i64) -> Self {
        let primary = tracks.iter().position(|t| t.spec.kind == TrackKind::Video).unwrap_or(0);
        Self {
            target_us,
            primary,
            fragment_start_us: None,
            runs: tracks.iter().map(|_| Run::default()).collect(),
            pending: vec![Vec::new(); tracks.len()],
            bases: None,
            sequence: 0,
        }
    }

    /// Buffers the packet, writing out the current fragment first when it is complete.
    pub fn write_packet<S: ByteSink>(
        &mut self,
        out: &mut Output<S>,
        tracks: &[TrackWriter],
        index: usize,
        packet: &Packet,
    ) -> Result<(), ContainerError> {
        let buffered: usize = self.runs.iter().map(|r| r.data.len()).sum();
        if index == self.primary {
            let cut_point = packet.keyframe || tracks[index].spec.kind == TrackKind::Audio;
            let long_enough =
                self.fragment_start_us.is_some_and(|start| packet.dts_us.saturating_sub(start) >= self.target_us);
            if cut_point && long_enough {
                self.flush(out, tracks)?;
            }
            if self.fragment_start_us.is_none() || self.runs[self.primary].samples.is_empty() {
                self.fragment_start_us = Some(packet.dts_us);
            }
        }
        if buffered > MAX_FRAGMENT_BYTES {
            self.flush(out, tracks)?;
        }
        self.pending[index] = packet.data.clone();
        Ok(())
    }

    /// Writes the last fragment (every track's last sample already completed).
    pub fn finish<S: ByteSink>(&mut self, out: &mut Output<S>, tracks: &[TrackWriter]) -> Result<(), ContainerError> {
        self.flush(out, tracks)?;
        if self.bases.is_none() {
            self.write_moov(out, tracks)?;
        }
        Ok(())
    }

    /// Moves the pending packet of track `index` into its run once `done` gives its sample.
    pub fn complete(&mut self, index: usize, done: Option<TimedSample>) {
        if let Some(sample) = done {
            let data = std::mem::take(&mut self.pending[index]);
            let run = &mut self.runs[index];
            run.samples.push(sample);
            run.data.extend_from_slice(&data);
        }
    }

    fn write_moov<S: ByteSink>(&mut self, out: &mut Output<S>, tracks: &[TrackWriter]) -> Result<(), ContainerError> {
        let bases: Vec<i64> = tracks.iter().map(|t| t.first_dts().unwrap_or(0).min(0)).collect();
        let boxes: Vec<TrackBoxes> = tracks
            .iter()
            .zip(&bases)
            .map(|(t, &base)| TrackBoxes {
                track: t,
                table: None,
                edits: if base < 0 { vec![Edit { duration: 0, media_time: -base }] } else { Vec::new() },
                media_duration: 0,
            })
            .collect();
        out.write(&moov(&boxes, true))?;
        self.bases = Some(bases);
        Ok(())
    }

    /// Writes the buffered samples as one `moof` + `mdat` (nothing when empty).
    fn flush<S: ByteSink>(&mut self, out: &mut Output<S>, tracks: &[TrackWriter]) -> Result<(), ContainerError> {
        if self.runs.iter().all(|r| r.samples.is_empty()) {
            return Ok(());
        }
        if self.bases.is_none() {
            self.write_moov(out, tracks)?;
        }
        let bases = self.bases.as_deref().unwrap_or_default();
        self.sequence += 1;
        let mut w = BoxWriter::new();
        w.start(b"moof").start_full(b"mfhd", 0, 0).u32(self.sequence).end();
        let mut offset_fields = Vec::new();
        for (i, run) in self.runs.iter().enumerate().filter(|(_, r)| !r.samples.is_empty()) {
            let base = bases.get(i).copied().unwrap_or(0);
            let first = run.samples[0].dts - base;
            if first < 0 {
                return Err(ContainerError::InvalidInput(format!(
                    "track {}: its first packet came after the first fragment with an earlier decode time than the file start",
                    tracks[i].id
                )));
            }
            w.start(b"traf").start_full(b"tfhd", 0, 0x2_0000).u32(tracks[i].id).end(); // default-base-is-moof
            w.start_full(b"tfdt", 1, 0).u64(first as u64).end();
            let with_cts = run.samples.iter().any(|s| s.cts_offset != 0);
            let signed = run.samples.iter().any(|s| s.cts_offset < 0);
            let flags = 0x1 | 0x100 | 0x200 | 0x400 | if with_cts { 0x800 } else { 0 };
            w.start_full(b"trun", u8::from(signed), flags).u32(run.samples.len() as u32);
            offset_fields.push((w.len(), run.data.len()));
            w.u32(0); // data offset, patched below
            for s in &run.samples {
                w.u32(s.duration).u32(s.size).u32(if s.sync { SYNC_FLAGS } else { NON_SYNC_FLAGS });
                if with_cts {
                    w.i32(s.cts_offset);
                }
            }
            w.end().end();
        }
        w.end();
        let data_len: u64 = self.runs.iter().map(|r| r.data.len() as u64).sum();
        let large = data_len + 8 > u64::from(u32::MAX);
        let mdat_header_len = if large { 16 } else { 8 };
        let mut data_offset = w.len() + mdat_header_len;
        for (pos, len) in offset_fields {
            w.patch_u32(pos, data_offset as u32);
            data_offset += len;
        }
        out.write(&w.into_bytes())?;
        if large {
            out.write(&[0, 0, 0, 1, b'm', b'd', b'a', b't'])?;
            out.write(&(data_len + 16).to_be_bytes())?;
        } else {
            out.write(&((data_len + 8) as u32).to_be_bytes())?;
            out.write(b"mdat")?;
        }
        for run in &mut self.runs {
            out.write(&run.data)?;
            run.samples.clear();
            run.data.clear();
        }
        Ok(())
    }
}
