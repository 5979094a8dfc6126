//! What every muxer offers, and how a track is described to it.

use super::{AudioInfo, ContainerError, Packet, TrackInfo, TrackKind, VideoInfo};

/// A track to be written: its codec, decoder configuration and geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct MuxTrack {
    /// Audio or video.
    pub kind: TrackKind,
    /// Codec in WebCodecs form (see [`TrackInfo::codec`]).
    pub codec: String,
    /// Decoder configuration in WebCodecs form (see [`TrackInfo::description`]).
    pub description: Option<Vec<u8>>,
    /// Ticks per second to store timestamps in; 0 lets the muxer choose.
    pub timescale: u32,
    /// Required for video tracks.
    pub video: Option<VideoInfo>,
    /// Required for audio tracks.
    pub audio: Option<AudioInfo>,
}

impl From<&TrackInfo> for MuxTrack {
    fn from(t: &TrackInfo) -> Self {
        Self {
            kind: t.kind,
            codec: t.codec.clone(),
            description: t.description.clone(),
            timescale: t.timescale,
            video: t.video.clone(),
            audio: t.audio.clone(),
        }
    }
}

/// A streaming muxer: tracks are fixed at creation, packets arrive in decode order per track.
pub trait Muxer {
    /// Writes one packet of the track at `track_index` (its position in the creation list).
    fn write_packet(&mut self, track_index: usize, packet: &Packet) -> Result<(), ContainerError>;

    /// Flushes everything still buffered and writes the trailing index, if any.
    fn finish(&mut self) -> Result<(), ContainerError>;
}

/// Checks what every muxer needs at creation: at least one track, and a seekable sink
/// unless the layout is `streaming` (written strictly front to back).
pub(super) fn check_new(tracks: &[MuxTrack], streaming: bool, seekable: bool) -> Result<(), ContainerError> {
    if tracks.is_empty() {
        return Err(ContainerError::NoTracks);
    }
    if !streaming && !seekable {
        return Err(ContainerError::SinkNotSeekable);
    }
    Ok(())
}

/// Refuses a packet once the muxer has finished, or for a track index it was not given.
pub(super) fn check_write(finished: bool, track_index: usize, track_count: usize) -> Result<(), ContainerError> {
    if finished {
        return Err(ContainerError::InvalidInput("a packet was written after finish()".into()));
    }
    if track_index >= track_count {
        return Err(ContainerError::InvalidInput(format!(
            "track index {track_index} but the file has {track_count} tracks"
        )));
    }
    Ok(())
}
