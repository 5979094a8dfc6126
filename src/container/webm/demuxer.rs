//! The streaming WebM/Matroska demuxer: reads one block at a time from the source
//! and turns each (laced) frame into a [`Packet`].
//!
//! Timing follows ffmpeg so remuxes compare equal under ffprobe: a track's CodecDelay
//! (Opus pre-skip) is subtracted from its timestamps, so the first Opus packet is
//! typically at -6.5 ms rounded to a tick. Matroska stores presentation times only, so
//! `dts_us` equals `pts_us` (for H.264/HEVC with B-frames this is a known limitation).
//! An Opus block's DiscardPadding shortens its packet's `duration_us`.

use super::blocks::split_frames;
use super::cluster::{BlockRef, ClusterWalker};
use super::cues::CuePoint;
use super::probe::probe_reader;
use super::reader::Reader;
use super::timebase::TimeBase;
use super::tracks::TrackEntry;
use crate::container::codec::opus;
use crate::container::{ByteSource, ContainerError, Demuxer, Packet, ProbeInfo};
use std::collections::VecDeque;

/// Per-track facts needed to time packets.
struct DemuxTrack {
    number: u64,
    id: u32,
    delay_ticks: i64,
    frame_us: Option<i64>,
    is_opus: bool,
    stripped_header: Vec<u8>,
}

impl DemuxTrack {
    fn new(entry: &TrackEntry, id: u32, tb: TimeBase) -> Self {
        Self {
            number: entry.number,
            id,
            delay_ticks: tb.ns_to_ticks(entry.codec_delay_ns),
            frame_us: entry.default_duration_ns.map(|ns| (ns / 1000) as i64),
            is_opus: entry.codec_id == "A_OPUS",
            stripped_header: entry.stripped_header.clone().unwrap_or_default(),
        }
    }
}

/// Pull demuxer over a WebM or Matroska file.
pub struct WebmDemuxer<'a> {
    reader: Reader<'a>,
    info: ProbeInfo,
    tracks: Vec<DemuxTrack>,
    walker: ClusterWalker,
    tb: TimeBase,
    pending: VecDeque<Packet>,
    /// Where the Clusters start, for seeks without Cues.
    start: ClusterWalker,
    /// The Cues with absolute cluster offsets (empty when the file has none).
    cues: Vec<(u64, CuePoint)>,
}

impl<'a> WebmDemuxer<'a> {
    /// Parses the headers of `source` (scanning its Clusters if it has no Cues or Duration).
    pub fn open(source: Box<dyn ByteSource + 'a>) -> Result<Self, ContainerError> {
        let mut reader = Reader::new(source);
        let probed = probe_reader(&mut reader)?;
        let segment = probed.segment;
        let tb = TimeBase::new(segment.timestamp_scale);
        let tracks = segment
            .tracks
            .iter()
            .filter(|t| t.kind.is_some())
            .zip(&probed.info.tracks)
            .map(|(entry, info)| DemuxTrack::new(entry, info.id, tb))
            .collect();
        let start = ClusterWalker::new(segment.first_cluster.unwrap_or(segment.end), segment.end);
        let cues = segment
            .cues
            .unwrap_or_default()
            .into_iter()
            .map(|c| (segment.data_start.saturating_add(c.cluster_position), c))
            .collect();
        Ok(Self { reader, info: probed.info, tracks, walker: start.clone(), tb, pending: VecDeque::new(), start, cues })
    }

    /// The Cluster of the last cue of track `number` at or before `t_us`, if any.
    fn cue_before(&self, number: u64, delay_ticks: i64, t_us: i64) -> Option<ClusterWalker> {
        let end = self.start.end();
        let ticks_us =
            |c: &CuePoint| self.tb.to_us(i64::try_from(c.time).unwrap_or(i64::MAX).saturating_sub(delay_ticks));
        let (offset, _) = self
            .cues
            .iter()
            .filter(|(o, c)| c.track == number && *o < end && ticks_us(c) <= t_us)
            .max_by_key(|(_, c)| c.time)?;
        Some(ClusterWalker::new(*offset, end))
    }

    /// Walks block headers from `walker` and returns the walker standing just before the
    /// last keyframe of track `number` at or before `t_us` (stopping at the first one after).
    fn keyframe_before(
        &mut self,
        mut walker: ClusterWalker,
        number: u64,
        delay_ticks: i64,
        t_us: i64,
    ) -> Result<Option<ClusterWalker>, ContainerError> {
        let mut found = None;
        loop {
            let before = walker.clone();
            let Some(block) = walker.next_block(&mut self.reader)? else { return Ok(found) };
            if block.header.track != number || !block.keyframe {
                continue;
            }
            if self.tb.to_us(block.time.saturating_sub(delay_ticks)) > t_us {
                return Ok(found);
            }
            found = Some(before);
        }
    }

    /// Reads a block's frames into `pending`.
    fn unpack(&mut self, block: &BlockRef, track: usize) -> Result<(), ContainerError> {
        let track = &self.tracks[track];
        let payload = self.reader.read(block.data, block.size, "block")?;
        let body = payload.get(block.header.len..).unwrap_or(&[]);
        let ranges = split_frames(&block.header, body)?;
        let count = ranges.len() as i64;
        let start = self.tb.to_us(block.time.saturating_sub(track.delay_ticks));
        let block_frame_us = block.duration.map(|d| self.tb.to_us(i64::try_from(d).unwrap_or(i64::MAX)) / count);
        let step = track.frame_us.or(block_frame_us).unwrap_or(0);
        for (i, range) in ranges.into_iter().enumerate() {
            let frame =
                body.get(range).ok_or_else(|| super::ebml::malformed("a laced frame lies outside its block"))?;
            let mut data = Vec::with_capacity(track.stripped_header.len() + frame.len());
            data.extend_from_slice(&track.stripped_header);
            data.extend_from_slice(frame);
            let toc_us = if track.is_opus { opus::packet_duration_us(&data) } else { None };
            let mut duration_us = block_frame_us.or(track.frame_us).or(toc_us).unwrap_or(0);
            if i as i64 == count - 1 && block.discard_padding_ns > 0 && duration_us > 0 {
                duration_us = (duration_us - block.discard_padding_ns / 1000).max(0);
            }
            let pts_us = start.saturating_add(step.saturating_mul(i as i64));
            self.pending.push_back(Packet {
                track_id: track.id,
                pts_us,
                dts_us: pts_us,
                duration_us,
                keyframe: block.keyframe,
                data,
            });
        }
        Ok(())
    }
}

impl Demuxer for WebmDemuxer<'_> {
    fn info(&self) -> &ProbeInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ContainerError> {
        loop {
            if let Some(packet) = self.pending.pop_front() {
                return Ok(Some(packet));
            }
            let Some(block) = self.walker.next_block(&mut self.reader)? else { return Ok(None) };
            if let Some(track) = self.tracks.iter().position(|t| t.number == block.header.track) {
                self.unpack(&block, track)?;
            }
        }
    }

    /// Reads block headers only: from the Cluster of the last cue at or before `t_us` (from
    /// the first Cluster when there is no such cue, or it leads nowhere) up to the first
    /// keyframe after it.
    fn seek(&mut self, track_id: u32, t_us: i64) -> Result<(), ContainerError> {
        let track = self.tracks.iter().find(|t| t.id == track_id).ok_or(ContainerError::UnknownTrack(track_id))?;
        let (number, delay) = (track.number, track.delay_ticks);
        let mut found = None;
        if let Some(cue) = self.cue_before(number, delay, t_us) {
            found = self.keyframe_before(cue, number, delay, t_us)?;
        }
        if found.is_none() {
            found = self.keyframe_before(self.start.clone(), number, delay, t_us)?;
        }
        self.walker = found.unwrap_or_else(|| self.start.clone());
        self.pending.clear();
        Ok(())
    }
}
