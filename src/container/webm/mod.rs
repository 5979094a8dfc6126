//! Webm container: probe, demux and mux. (Stub: being implemented.)

use super::{ByteSink, ByteSource, ContainerError, Demuxer, MuxTrack, Muxer, Packet, ProbeInfo};

/// Reads the headers of a Webm file and describes its tracks.
pub fn probe(_source: &mut dyn ByteSource) -> Result<ProbeInfo, ContainerError> {
    Err(ContainerError::Unsupported { what: "Webm (not yet implemented)".into() })
}

/// Pull demuxer over a Webm file.
pub struct WebmDemuxer<'a> {
    _source: Box<dyn ByteSource + 'a>,
    info: ProbeInfo,
}

impl<'a> WebmDemuxer<'a> {
    /// Parses the headers of `source`.
    pub fn open(mut source: Box<dyn ByteSource + 'a>) -> Result<Self, ContainerError> {
        let info = probe(source.as_mut())?;
        Ok(Self { _source: source, info })
    }
}

impl Demuxer for WebmDemuxer<'_> {
    fn info(&self) -> &ProbeInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ContainerError> {
        Ok(None)
    }
}

/// Options for [`WebmMuxer`].
#[derive(Debug, Clone, Default)]
pub struct WebmOptions {}

/// Streaming Webm muxer.
pub struct WebmMuxer<S: ByteSink> {
    sink: S,
}

impl<S: ByteSink> WebmMuxer<S> {
    /// Starts a file with `tracks` on `sink`.
    pub fn new(sink: S, _tracks: &[MuxTrack], _options: WebmOptions) -> Result<Self, ContainerError> {
        Ok(Self { sink })
    }

    /// Returns the sink after [`Muxer::finish`].
    pub fn into_sink(self) -> S {
        self.sink
    }
}

impl<S: ByteSink> Muxer for WebmMuxer<S> {
    fn write_packet(&mut self, _track_index: usize, _packet: &Packet) -> Result<(), ContainerError> {
        Err(ContainerError::Unsupported { what: "Webm muxing (not yet implemented)".into() })
    }

    fn finish(&mut self) -> Result<(), ContainerError> {
        Ok(())
    }
}
