//! What every demuxer offers, and the format-independent way to open one.

use super::probe::{Family, sniff_source};
use super::{ByteSource, ContainerError, ProbeInfo, TrackInfo, mp4, webm};

/// A pull demuxer: tracks are known after opening, packets come in file order.
pub trait Demuxer {
    /// The probe of the opened file (format, duration, tracks).
    fn info(&self) -> &ProbeInfo;

    /// The audio and video tracks.
    fn tracks(&self) -> &[TrackInfo] {
        &self.info().tracks
    }

    /// The next packet in file order (each track's packets in decode order), or `None` at the end.
    fn next_packet(&mut self) -> Result<Option<super::Packet>, ContainerError>;

    /// Moves reading to the last keyframe of track `track_id` whose presentation time is at or
    /// before `t_us` (the start of the file when none is): the packets that follow are the
    /// tail of a full demux starting with that keyframe, for every track. Unknown tracks are
    /// an error; nothing moves then.
    fn seek(&mut self, track_id: u32, t_us: i64) -> Result<(), ContainerError>;
}

/// Opens a demuxer for whatever format `source` holds.
pub fn open_demuxer<'a>(mut source: Box<dyn ByteSource + 'a>) -> Result<Box<dyn Demuxer + 'a>, ContainerError> {
    Ok(match sniff_source(source.as_mut())? {
        Family::IsoBmff => Box::new(mp4::Mp4Demuxer::open(source)?),
        Family::Matroska => Box::new(webm::WebmDemuxer::open(source)?),
    })
}
