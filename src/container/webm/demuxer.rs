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
use crate::container::codec::opus;
use super::probe::probe_reader;
use super::reader::Reader;
use super::timebase::TimeBase;
use super::tracks::TrackEntry;
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
        let start = segment.first_cluster.unwrap_or(segment.end);
        let walker = ClusterWalker::new(start, segment.end);
        Ok(Self { reader, info: probed.info, tracks, walker, tb, pending: VecDeque::new() })
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
            let frame = body.get(range).ok_or_else(|| super::ebml::malformed("a laced frame lies outside its block"))?;
            let mut data = Vec::with_capacity(track.stripped_header.len() + frame.len());
            data.extend_from_slice(&track.stripped_header);
            data.extend_from_slice(frame);
            let toc_us = if track.is_opus { opus::packet_duration_us(&data) } else { None };
            let mut duration_us = block_frame_us.or(track.frame_us).or(toc_us).unwrap_or(0);
            if i as i64 == count - 1 && block.discard_padding_ns > 0 && duration_us > 0 {
                duration_us = (duration_us - block.discard_padding_ns / 1000).max(0);
            }
            let pts_us = start.saturating_add(step.saturating_mul(i as i64));
            self.pending.push_back(Packet { track_id: track.id, pts_us, dts_us: pts_us, duration_us, keyframe: block.keyframe, data });
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
}
