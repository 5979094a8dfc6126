//! One track's packets from a source file, read through its own demuxer.

use super::error::RenderError;
use crate::container::{Demuxer, Packet, open_demuxer};
use crate::web::{BlobSource, SharedReads};

/// Packets of one track, in decode order.
pub(crate) struct TrackPackets {
    demuxer: Box<dyn Demuxer>,
    track_id: u32,
    source_id: String,
}

impl TrackPackets {
    /// Opens the file of source `source_id` through `reads` and reads track `track_id` from its
    /// last keyframe at or before `from_us` (found through the sample tables or Cues, not by reading).
    pub(crate) fn open(reads: SharedReads, source_id: &str, track_id: u32, from_us: i64) -> Result<Self, RenderError> {
        let corrupt = |error| RenderError::CorruptSource { source_id: source_id.to_owned(), error };
        let source = BlobSource::shared(reads);
        let mut demuxer = open_demuxer(Box::new(source)).map_err(corrupt)?;
        demuxer.seek(track_id, from_us).map_err(corrupt)?;
        Ok(TrackPackets { demuxer, track_id, source_id: source_id.to_owned() })
    }

    /// The source id, for errors.
    pub(crate) fn source_id(&self) -> &str {
        &self.source_id
    }

    /// The track's next packet, or `None` at the end of the file.
    pub(crate) fn next(&mut self) -> Result<Option<Packet>, RenderError> {
        loop {
            let packet = self
                .demuxer
                .next_packet()
                .map_err(|error| RenderError::CorruptSource { source_id: self.source_id.clone(), error })?;
            match packet {
                Some(p) if p.track_id != self.track_id => continue,
                other => return Ok(other),
            }
        }
    }
}
