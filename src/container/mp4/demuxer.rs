//! The pull demuxer: packets in file order, sample data read on demand.

use super::edit_list::Timeline;
use super::probe::probe_movie;
use super::sample_table::{Position, Sample, SampleTable};
use crate::container::{ByteSource, ContainerError, Demuxer, Packet, ProbeInfo};

/// One track's table and where reading stands in it.
struct TrackReader {
    id: u32,
    timeline: Timeline,
    table: SampleTable,
    pos: Position,
    next: Option<Sample>,
}

/// Pull demuxer over an MP4/MOV file (progressive or fragmented).
///
/// Packets come in file order (interleaved by file offset across tracks, each
/// track in decode order). Every stored sample becomes a packet, including
/// decoder pre-roll before an edit list's start, which gets negative timestamps
/// (see `edit_list.rs`); packet counts therefore match ffprobe's.
pub struct Mp4Demuxer<'a> {
    source: Box<dyn ByteSource + 'a>,
    info: ProbeInfo,
    tracks: Vec<TrackReader>,
}

impl<'a> Mp4Demuxer<'a> {
    /// Parses the headers of `source`; sample tables stay in memory, sample data in the source.
    pub fn open(mut source: Box<dyn ByteSource + 'a>) -> Result<Self, ContainerError> {
        let (info, movie) = probe_movie(source.as_mut())?;
        let tracks = movie
            .tracks
            .into_iter()
            .map(|t| {
                let mut pos = Position::default();
                let next = t.table.step(&mut pos);
                TrackReader { id: t.id, timeline: t.timeline, table: t.table, pos, next }
            })
            .collect();
        Ok(Self { source, info, tracks })
    }
}

impl TrackReader {
    /// Puts the reader at its first sample at or after file offset `offset`.
    fn move_to_offset(&mut self, offset: u64) {
        let mut pos = Position::default();
        loop {
            match self.table.step(&mut pos) {
                Some(sample) if sample.offset < offset => continue,
                next => {
                    (self.pos, self.next) = (pos, next);
                    return;
                }
            }
        }
    }

    /// File offset of the last sync sample shown at or before `t_us`, if any.
    fn keyframe_offset(&self, t_us: i64) -> Option<u64> {
        let shown = |s: &Sample| self.timeline.presentation_us(s.cts()) <= t_us;
        self.table.iter().filter(|s| s.record.sync && shown(s)).last().map(|s| s.offset)
    }
}

impl Demuxer for Mp4Demuxer<'_> {
    fn info(&self) -> &ProbeInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ContainerError> {
        let Some(track) = self.tracks.iter_mut().filter(|t| t.next.is_some()).min_by_key(|t| t.next.map(|s| s.offset))
        else {
            return Ok(None);
        };
        let Some(sample) = track.next else { return Ok(None) };
        track.next = track.table.step(&mut track.pos);
        let data = self.source.read_vec(sample.offset, u64::from(sample.record.size), "sample data")?;
        let dts_us = track.timeline.presentation_us(sample.dts);
        let end_us = track.timeline.presentation_us(sample.dts.saturating_add(i64::from(sample.record.duration)));
        Ok(Some(Packet {
            track_id: track.id,
            pts_us: track.timeline.presentation_us(sample.cts()),
            dts_us,
            duration_us: end_us.saturating_sub(dts_us),
            keyframe: sample.record.sync,
            data,
        }))
    }

    fn seek(&mut self, track_id: u32, t_us: i64) -> Result<(), ContainerError> {
        let track = self.tracks.iter().find(|t| t.id == track_id).ok_or(ContainerError::UnknownTrack(track_id))?;
        // File order is offset order, so every track resumes at the keyframe's offset.
        let offset = track.keyframe_offset(t_us).unwrap_or(0);
        for track in &mut self.tracks {
            track.move_to_offset(offset);
        }
        Ok(())
    }
}
