//! The streaming WebM/Matroska muxer.
//!
//! Packets are interleaved by timestamp (briefly buffered), then written straight to
//! the sink as SimpleBlocks in Clusters: a new Cluster starts at each video keyframe,
//! when a block's 16-bit relative timestamp would overflow, and every ~5 s / ~5 MB in
//! audio-only files. Opus timestamps are shifted by the CodecDelay (the inverse of the
//! demuxer), and a shortened final Opus packet is written with DiscardPadding.
//!
//! Seekable layout (default): Segment size, Info Duration and the SeekHead's Cues entry
//! are placeholders patched in `finish`, Clusters get their sizes patched as they close,
//! and Cues (one point per video keyframe) are appended at the end.
//! Live layout ([`WebmOptions::live`]): unknown-size Segment and Clusters, no Duration,
//! no SeekHead and no Cues — nothing is ever rewritten, so any append-only sink works.

use super::blocks::{FLAG_KEYFRAME, write_block_header};
use super::codec::{MatroskaCodec, matroska_codec};
use super::cues::{CuePoint, write_cues};
use super::ebml_writer::{PATCHABLE_SIZE_LEN, UNKNOWN_SIZE, fixed_size, id_bytes, int_element, size_bytes, uint_element, void};
use super::ids;
use super::interleave::{Interleaver, Queued};
use super::mux_header::{FileHead, file_head, seek_entry};
use crate::container::codec::opus;
use super::segment::DEFAULT_TIMESTAMP_SCALE;
use super::timebase::TimeBase;
use crate::container::{ByteSink, ContainerError, MuxTrack, Muxer, Packet, TrackKind, check_new, check_write};

/// Longest Cluster of an audio-only file, in microseconds.
const AUDIO_CLUSTER_US: i64 = 5_000_000;
/// Largest Cluster of an audio-only file, in bytes.
const AUDIO_CLUSTER_BYTES: u64 = 5 * 1024 * 1024;

/// Options for [`WebmMuxer`].
#[derive(Debug, Clone, Default)]
pub struct WebmOptions {
    /// Live layout for append-only sinks (unknown sizes, no Duration, no Cues); otherwise
    /// the sink must be seekable.
    pub live: bool,
}

/// A track being written.
struct OutTrack {
    number: u64,
    video: bool,
    delay_ticks: i64,
    opus: bool,
}

/// The Cluster being written.
struct OpenCluster {
    start: u64,
    time: i64,
    has_video: bool,
}

/// Streaming WebM/Matroska muxer (DocType `webm` unless a codec needs `matroska`).
pub struct WebmMuxer<S: ByteSink> {
    sink: S,
    tracks: Vec<OutTrack>,
    head: FileHead,
    tb: TimeBase,
    written: u64,
    interleaver: Interleaver,
    cluster: Option<OpenCluster>,
    cues: Vec<CuePoint>,
    end_us: i64,
    finished: bool,
}

impl<S: ByteSink> WebmMuxer<S> {
    /// Starts a file with `tracks` on `sink` and writes its head.
    pub fn new(sink: S, tracks: &[MuxTrack], options: WebmOptions) -> Result<Self, ContainerError> {
        check_new(tracks, options.live, sink.seekable())?;
        let mut described = Vec::with_capacity(tracks.len());
        for track in tracks {
            match track.kind {
                TrackKind::Video if track.video.is_none() => return Err(ContainerError::InvalidInput(format!("video track '{}' has no width/height", track.codec))),
                TrackKind::Audio if track.audio.is_none() => return Err(ContainerError::InvalidInput(format!("audio track '{}' has no sample rate/channels", track.codec))),
                _ => described.push((track.clone(), matroska_codec(track)?)),
            }
        }
        let doc_type = if described.iter().all(|(_, c)| c.webm) { "webm" } else { "matroska" };
        let tb = TimeBase::new(DEFAULT_TIMESTAMP_SCALE);
        let mut head = file_head(doc_type, &described, tb.scale_ns(), !options.live);
        let head_bytes = std::mem::take(&mut head.bytes);
        let out_tracks = described.iter().enumerate().map(|(i, (t, c))| out_track(i, t, c, tb)).collect();
        let mut muxer = Self {
            sink,
            tracks: out_tracks,
            tb,
            written: 0,
            interleaver: Interleaver::new(tracks.len()),
            cluster: None,
            cues: Vec::new(),
            end_us: 0,
            finished: false,
            head,
        };
        muxer.write(&head_bytes)?;
        Ok(muxer)
    }

    /// Returns the sink after [`Muxer::finish`].
    pub fn into_sink(self) -> S {
        self.sink
    }

    fn seekable(&self) -> bool {
        self.head.segment_size_at.is_some()
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ContainerError> {
        self.sink.write(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Writes one block, opening a new Cluster first when needed.
    fn write_block(&mut self, item: Queued) -> Result<(), ContainerError> {
        let track = &self.tracks[item.track];
        let (number, video, opus) = (track.number, track.video, track.opus);
        let packet = item.packet;
        let time = self.tb.to_ticks(packet.pts_us).saturating_add(track.delay_ticks);
        if time < 0 {
            return Err(ContainerError::InvalidInput(format!("packet at {} µs is before the start of the file; shift timestamps to be non-negative", packet.pts_us)));
        }
        let starts_gop = video && packet.keyframe;
        if self.needs_new_cluster(time, starts_gop) {
            self.open_cluster(time)?;
        }
        let Some(cluster) = self.cluster.as_mut() else { return Err(ContainerError::InvalidInput("no open cluster".into())) };
        let relative = i16::try_from(time - cluster.time).map_err(|_| ContainerError::InvalidInput("packet timestamps jump backwards by more than 32 s".into()))?;
        cluster.has_video |= video;
        if starts_gop && self.cues.last().is_none_or(|c| c.time != time as u64 || c.track != number) {
            let position = cluster.start - self.head.data_start;
            self.cues.push(CuePoint { time: time as u64, track: number, cluster_position: position });
        }
        self.end_us = self.end_us.max(packet.pts_us.saturating_add(packet.duration_us));
        let toc_us = if opus { opus::packet_duration_us(&packet.data) } else { None };
        let discard_ns = toc_us.filter(|&t| packet.duration_us > 0 && packet.duration_us < t).map(|t| (t - packet.duration_us) * 1000);
        let (prefix, suffix) = match discard_ns {
            None => {
                let flags = if packet.keyframe { FLAG_KEYFRAME } else { 0 };
                (element_head(ids::SIMPLE_BLOCK, write_block_header(number, relative, flags), packet.data.len()), Vec::new())
            }
            Some(discard) => {
                let mut tail = int_element(ids::DISCARD_PADDING, discard);
                if !packet.keyframe {
                    tail.extend(int_element(ids::REFERENCE_BLOCK, -1));
                }
                let block = element_head(ids::BLOCK, write_block_header(number, relative, 0), packet.data.len());
                (element_head(ids::BLOCK_GROUP, block, packet.data.len() + tail.len()), tail)
            }
        };
        self.write(&prefix)?;
        self.write(&packet.data)?;
        self.write(&suffix)
    }

    fn needs_new_cluster(&self, time: i64, starts_gop: bool) -> bool {
        let Some(cluster) = &self.cluster else { return true };
        let span = time - cluster.time;
        let audio_only = !self.tracks.iter().any(|t| t.video);
        (starts_gop && cluster.has_video)
            || span > i64::from(i16::MAX)
            || span < i64::from(i16::MIN)
            || audio_only && (self.tb.to_us(span) >= AUDIO_CLUSTER_US || self.written - cluster.start >= AUDIO_CLUSTER_BYTES)
    }

    fn open_cluster(&mut self, time: i64) -> Result<(), ContainerError> {
        self.close_cluster()?;
        let start = self.written;
        let mut header = id_bytes(ids::CLUSTER);
        header.extend(if self.seekable() { fixed_size(0, PATCHABLE_SIZE_LEN) } else { UNKNOWN_SIZE.to_vec() });
        header.extend(uint_element(ids::TIMESTAMP, time as u64));
        self.write(&header)?;
        self.cluster = Some(OpenCluster { start, time, has_video: false });
        if !self.tracks.iter().any(|t| t.video) {
            self.cues.push(CuePoint { time: time as u64, track: self.tracks.first().map_or(1, |t| t.number), cluster_position: start - self.head.data_start });
        }
        Ok(())
    }

    /// Patches the size of the open Cluster (seekable layout).
    fn close_cluster(&mut self) -> Result<(), ContainerError> {
        let Some(cluster) = self.cluster.take() else { return Ok(()) };
        if self.seekable() {
            let size_at = cluster.start + id_bytes(ids::CLUSTER).len() as u64;
            let size = self.written - size_at - PATCHABLE_SIZE_LEN as u64;
            self.sink.write_at(size_at, &fixed_size(size, PATCHABLE_SIZE_LEN))?;
        }
        Ok(())
    }

    /// Writes the Cues and patches the placeholders of the seekable layout.
    fn patch_head(&mut self) -> Result<(), ContainerError> {
        if let Some((seek_at, seek_len)) = self.head.cues_seek_at {
            if self.cues.is_empty() {
                self.sink.write_at(seek_at, &void(seek_len))?;
            } else {
                let position = self.written - self.head.data_start;
                let cues = write_cues(&self.cues);
                self.write(&cues)?;
                self.sink.write_at(seek_at, &seek_entry(ids::CUES, position))?;
            }
        }
        if let Some(at) = self.head.duration_at {
            self.sink.write_at(at, &self.tb.us_to_float_ticks(self.end_us).to_be_bytes())?;
        }
        if let Some(at) = self.head.segment_size_at {
            self.sink.write_at(at, &fixed_size(self.written - self.head.data_start, PATCHABLE_SIZE_LEN))?;
        }
        Ok(())
    }
}

fn out_track(index: usize, track: &MuxTrack, codec: &MatroskaCodec, tb: TimeBase) -> OutTrack {
    OutTrack {
        number: index as u64 + 1,
        video: track.kind == TrackKind::Video,
        delay_ticks: tb.ns_to_ticks(codec.codec_delay_ns),
        opus: codec.codec_id == "A_OPUS",
    }
}

/// An element's id and size followed by the start of its payload (`head`), for a payload of `head.len() + rest` bytes.
fn element_head(id: u32, head: Vec<u8>, rest: usize) -> Vec<u8> {
    let mut out = id_bytes(id);
    out.extend(size_bytes((head.len() + rest) as u64));
    out.extend(head);
    out
}

impl<S: ByteSink> Muxer for WebmMuxer<S> {
    fn write_packet(&mut self, track_index: usize, packet: &Packet) -> Result<(), ContainerError> {
        check_write(self.finished, track_index, self.tracks.len())?;
        let track = &self.tracks[track_index];
        let key = self.tb.to_ticks(packet.dts_us).saturating_add(track.delay_ticks);
        self.interleaver.push(Queued { track: track_index, key, packet: packet.clone() });
        while let Some(item) = self.interleaver.pop_ready() {
            self.write_block(item)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ContainerError> {
        if self.finished {
            return Ok(());
        }
        while let Some(item) = self.interleaver.pop_earliest() {
            self.write_block(item)?;
        }
        self.close_cluster()?;
        if self.seekable() {
            self.patch_head()?;
        }
        self.finished = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::webm::{WebmDemuxer, reader::Reader, segment::read_segment};
    use crate::container::{AudioInfo, Demuxer, SliceSource, VecSink, VideoInfo};

    fn opus_track() -> MuxTrack {
        let head = [b"OpusHead".as_slice(), &[1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]].concat();
        MuxTrack { kind: TrackKind::Audio, codec: "opus".into(), description: Some(head), timescale: 0, video: None, audio: Some(AudioInfo { sample_rate: 48_000, channels: 2 }) }
    }

    fn packet(pts_us: i64, duration_us: i64, keyframe: bool, data: Vec<u8>) -> Packet {
        Packet { track_id: 0, pts_us, dts_us: pts_us, duration_us, keyframe, data }
    }

    fn demux_all(bytes: &[u8]) -> Vec<Packet> {
        let mut demuxer = WebmDemuxer::open(Box::new(SliceSource::new(bytes))).expect("open");
        std::iter::from_fn(|| demuxer.next_packet().expect("packet")).collect()
    }

    #[test]
    fn audio_only_files_get_a_cluster_every_five_seconds() {
        let mut muxer = WebmMuxer::new(VecSink::default(), &[opus_track()], WebmOptions::default()).expect("muxer");
        let written: Vec<Packet> = (0..600).map(|i| packet(i * 20_000 - 6_500, 20_000, true, vec![0xFC, i as u8])).collect();
        for p in &written {
            muxer.write_packet(0, p).expect("write");
        }
        let last = packet(600 * 20_000 - 6_500, 5_000, true, vec![0xFC, 0]);
        muxer.write_packet(0, &last).expect("write");
        muxer.finish().expect("finish");
        let bytes = muxer.into_sink().bytes;
        let segment = read_segment(&mut Reader::new(Box::new(SliceSource::new(&bytes)))).expect("segment");
        assert_eq!(segment.cues.as_ref().map(Vec::len), Some(3), "one cue per cluster");
        assert_eq!(segment.tracks[0].codec_delay_ns, 6_500_000);
        let read = demux_all(&bytes);
        assert_eq!(read.len(), 601);
        assert_eq!(read[0].pts_us, -7_000, "pts rounds to the millisecond tick, delay applied like ffmpeg");
        assert_eq!(read[600].duration_us, 5_000, "DiscardPadding keeps the shortened duration");
        assert!(read.iter().zip(written.iter()).all(|(r, w)| r.data == w.data));
    }

    #[test]
    fn interleaves_tracks_by_time() {
        let video = MuxTrack {
            kind: TrackKind::Video,
            codec: "vp09.00.10.08".into(),
            description: None,
            timescale: 0,
            video: Some(VideoInfo { width: 64, height: 64, rotation: 0, frame_rate: Some(25.0), variable_frame_rate: false }),
            audio: None,
        };
        let mut muxer = WebmMuxer::new(VecSink::default(), &[video, opus_track()], WebmOptions { live: true }).expect("muxer");
        for i in 0..50 {
            muxer.write_packet(0, &packet(i * 40_000, 40_000, i % 25 == 0, vec![1])).expect("video");
        }
        for i in 0..100 {
            muxer.write_packet(1, &packet(i * 20_000, 20_000, true, vec![0xFC])).expect("audio");
        }
        muxer.finish().expect("finish");
        let bytes = muxer.into_sink().bytes;
        let read = demux_all(&bytes);
        assert_eq!(read.len(), 150);
        let times: Vec<i64> = read.iter().map(|p| if p.track_id == 2 { p.pts_us + 7_000 } else { p.pts_us }).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "blocks in time order: {times:?}");
        let info = crate::container::webm::probe(&mut SliceSource::new(&bytes)).expect("probe");
        assert_eq!(info.tracks[0].codec, "vp09.00.10.08", "VP9 CodecPrivate carries the codec string");
        assert!(info.streamable);
        assert!(matches!(muxer_after_finish(), Err(ContainerError::InvalidInput(_))));
    }

    fn muxer_after_finish() -> Result<(), ContainerError> {
        let mut muxer = WebmMuxer::new(VecSink::default(), &[opus_track()], WebmOptions::default())?;
        muxer.finish()?;
        muxer.write_packet(0, &packet(0, 0, true, vec![0xFC]))
    }
}
