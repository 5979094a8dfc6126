//! Mp4 container: probe, demux and mux. (Stub: being implemented.)

use super::{ByteSink, ByteSource, ContainerError, Demuxer, MuxTrack, Muxer, Packet, ProbeInfo};

/// Reads the headers of a Mp4 file and describes its tracks.
pub fn probe(_source: &mut dyn ByteSource) -> Result<ProbeInfo, ContainerError> {
    Err(ContainerError::Unsupported { what: "Mp4 (not yet implemented)".into() })
}

/// Pull demuxer over a Mp4 file.
pub struct Mp4Demuxer<'a> {
    _source: Box<dyn ByteSource + 'a>,
    info: ProbeInfo,
}

impl<'a> Mp4Demuxer<'a> {
    /// Parses the headers of `source`.
    pub fn open(mut source: Box<dyn ByteSource + 'a>) -> Result<Self, ContainerError> {
        let info = probe(source.as_mut())?;
        Ok(Self { _source: source, info })
    }
}

impl Demuxer for Mp4Demuxer<'_> {
    fn info(&self) -> &ProbeInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ContainerError> {
        Ok(None)
    }
}

/// Options for [`Mp4Muxer`].
#[derive(Debug, Clone, Default)]
pub struct Mp4Options {}

/// Streaming Mp4 muxer.
pub struct Mp4Muxer<S: ByteSink> {
    sink: S,
}

impl<S: ByteSink> Mp4Muxer<S> {
    /// Starts a file with `tracks` on `sink`.
    pub fn new(sink: S, _tracks: &[MuxTrack], _options: Mp4Options) -> Result<Self, ContainerError> {
        Ok(Self { sink })
    }

    /// Returns the sink after [`Muxer::finish`].
    pub fn into_sink(self) -> S {
        self.sink
    }
}

impl<S: ByteSink> Muxer for Mp4Muxer<S> {
    fn write_packet(&mut self, _track_index: usize, _packet: &Packet) -> Result<(), ContainerError> {
        Err(ContainerError::Unsupported { what: "Mp4 muxing (not yet implemented)".into() })
    }

    fn finish(&mut self) -> Result<(), ContainerError> {
        Ok(())
    }
}
