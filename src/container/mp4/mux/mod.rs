//! The MP4 muxer: tracks described by [`MuxTrack`], packets in, an MP4 with
//! the `moov` first out, in one of two layouts (see [`Mp4Layout`]).

mod fast_start;
mod fragmented;
mod moov_writer;
mod table_writer;
mod track_writer;

use crate::container::{ByteSink, ContainerError, MuxTrack, Muxer, Packet, check_new, check_write};
use fast_start::FastStart;
use fragmented::Fragmented;
use track_writer::{TimedSample, TrackWriter};

/// How the output file is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mp4Layout {
    /// `moov` (with `mvex`) up front, then `moof`+`mdat` fragments of about
    /// `fragment_duration_us`, cut at video keyframes. Works on any sink; holds one fragment in memory.
    Fragmented {
        /// Target fragment length in µs.
        fragment_duration_us: i64,
    },
    /// A progressive file with the `moov` first: space for it is reserved up
    /// front (sized for `expected_samples_per_track` samples in each track),
    /// `mdat` data streams out as packets arrive, and the `moov` is written into
    /// the reservation at the end. Needs a seekable sink. If a track ends up with
    /// more samples and the `moov` does not fit, it is appended after the `mdat`
    /// instead (still a valid file; see [`Mp4Muxer::moov_at_start`]).
    FastStart {
        /// Samples to reserve index space for, per track (e.g. frames of the longest track).
        expected_samples_per_track: u32,
    },
}

/// Options for [`Mp4Muxer`]; the default is the fragmented layout with 1 s fragments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mp4Options {
    /// The file layout.
    pub layout: Mp4Layout,
}

impl Default for Mp4Options {
    fn default() -> Self {
        Self::fragmented()
    }
}

impl Mp4Options {
    /// Fragmented MP4 with fragments of about one second (the streaming default).
    pub fn fragmented() -> Self {
        Self { layout: Mp4Layout::Fragmented { fragment_duration_us: 1_000_000 } }
    }

    /// Progressive fast-start MP4 reserving index space for `expected_samples_per_track` samples per track.
    pub fn fast_start(expected_samples_per_track: u32) -> Self {
        Self { layout: Mp4Layout::FastStart { expected_samples_per_track } }
    }
}

/// A sink and the number of bytes appended to it.
pub(super) struct Output<S: ByteSink> {
    sink: S,
    pos: u64,
}

impl<S: ByteSink> Output<S> {
    fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
        self.sink.write(data)?;
        self.pos += data.len() as u64;
        Ok(())
    }

    fn write_zeros(&mut self, mut n: u64) -> Result<(), ContainerError> {
        let zeros = [0u8; 64 * 1024];
        while n > 0 {
            let step = n.min(zeros.len() as u64) as usize;
            self.write(&zeros[..step])?;
            n -= step as u64;
        }
        Ok(())
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), ContainerError> {
        self.sink.write_at(offset, data)
    }
}

enum Layout {
    Fragmented(Fragmented),
    FastStart(FastStart),
}

impl Layout {
    /// Hands the layout the sample `done` gives for the pending packet of track `index`.
    fn complete(&mut self, index: usize, done: Option<TimedSample>) {
        match self {
            Layout::Fragmented(f) => f.complete(index, done),
            Layout::FastStart(f) => f.complete(index, done),
        }
    }
}

/// Streaming MP4 muxer for H.264, HEVC, VP9, AV1, AAC and Opus tracks.
///
/// Timestamps are converted per packet from µs to the track timescale by
/// rounding each absolute time; an edit list maps the stored times back so the
/// file presents packets at their given `pts_us` (a first decode time below 0
/// from B-frames or AAC priming lands the first frame at 0).
pub struct Mp4Muxer<S: ByteSink> {
    out: Output<S>,
    tracks: Vec<TrackWriter>,
    layout: Layout,
    finished: bool,
}

impl<S: ByteSink> Mp4Muxer<S> {
    /// Starts a file with `tracks` on `sink`, writing the `ftyp` (and for fast-start the reservation) right away.
    pub fn new(sink: S, tracks: &[MuxTrack], options: Mp4Options) -> Result<Self, ContainerError> {
        let fragmented = matches!(options.layout, Mp4Layout::Fragmented { .. });
        check_new(tracks, fragmented, sink.seekable())?;
        let tracks: Vec<TrackWriter> =
            tracks.iter().enumerate().map(|(i, t)| TrackWriter::new(i as u32 + 1, t)).collect::<Result<_, _>>()?;
        let mut out = Output { sink, pos: 0 };
        out.write(&moov_writer::ftyp(&tracks, fragmented))?;
        let layout = match options.layout {
            Mp4Layout::Fragmented { fragment_duration_us } => {
                Layout::Fragmented(Fragmented::new(&tracks, fragment_duration_us))
            }
            Mp4Layout::FastStart { expected_samples_per_track } => {
                Layout::FastStart(FastStart::start(&mut out, &tracks, expected_samples_per_track)?)
            }
        };
        Ok(Self { out, tracks, layout, finished: false })
    }

    /// For the fast-start layout after [`Muxer::finish`]: true when the `moov` fit its reservation at the start.
    pub fn moov_at_start(&self) -> Option<bool> {
        match &self.layout {
            Layout::FastStart(f) => f.moov_at_start(),
            Layout::Fragmented(_) => None,
        }
    }

    /// Returns the sink after [`Muxer::finish`].
    pub fn into_sink(self) -> S {
        self.out.sink
    }
}

impl<S: ByteSink> Muxer for Mp4Muxer<S> {
    fn write_packet(&mut self, track_index: usize, packet: &Packet) -> Result<(), ContainerError> {
        check_write(self.finished, track_index, self.tracks.len())?;
        let done = self.tracks[track_index].accept(packet)?;
        self.layout.complete(track_index, done);
        match &mut self.layout {
            Layout::Fragmented(f) => f.write_packet(&mut self.out, &self.tracks, track_index, packet),
            Layout::FastStart(f) => f.write_packet(&mut self.out, track_index, packet),
        }
    }

    fn finish(&mut self) -> Result<(), ContainerError> {
        if self.finished {
            return Err(ContainerError::InvalidInput("finish() was called twice".into()));
        }
        self.finished = true;
        for (i, track) in self.tracks.iter_mut().enumerate() {
            self.layout.complete(i, track.finish());
        }
        match &mut self.layout {
            Layout::Fragmented(f) => f.finish(&mut self.out, &self.tracks),
            Layout::FastStart(f) => f.finish(&mut self.out, &self.tracks),
        }
    }
}
