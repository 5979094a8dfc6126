//! The Tracks element: one [`TrackEntry`] per track, as stored in the file.

use super::ebml::{Children, float, malformed, string, uint};
use super::ids;
use crate::container::{ContainerError, TrackKind};

/// Most tracks a file may declare.
pub const MAX_TRACKS: usize = 256;
/// Longest header-stripping prefix accepted (it is copied into every frame).
const MAX_STRIPPED_HEADER: usize = 4096;

/// Video fields of a TrackEntry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFields {
    /// PixelWidth.
    pub width: u32,
    /// PixelHeight.
    pub height: u32,
    /// Clockwise rotation in degrees derived from a rectangular Projection's roll.
    pub rotation: u16,
}

/// Audio fields of a TrackEntry.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioFields {
    /// SamplingFrequency in Hz (8000 when absent, as the spec says).
    pub sample_rate: f64,
    /// Channels (1 when absent).
    pub channels: u64,
}

/// One TrackEntry.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackEntry {
    /// TrackNumber, as used in blocks.
    pub number: u64,
    /// Audio or video; `None` for subtitles and other kinds.
    pub kind: Option<TrackKind>,
    /// CodecID, e.g. `V_VP9`.
    pub codec_id: String,
    /// CodecPrivate.
    pub codec_private: Option<Vec<u8>>,
    /// DefaultDuration in nanoseconds.
    pub default_duration_ns: Option<u64>,
    /// CodecDelay in nanoseconds.
    pub codec_delay_ns: u64,
    /// Video settings.
    pub video: Option<VideoFields>,
    /// Audio settings.
    pub audio: Option<AudioFields>,
    /// Bytes removed from the start of every frame by header-stripping compression.
    pub stripped_header: Option<Vec<u8>>,
}

/// Parses the payload of a Tracks element.
pub fn parse_tracks(data: &[u8]) -> Result<Vec<TrackEntry>, ContainerError> {
    let mut tracks: Vec<TrackEntry> = Vec::new();
    for child in Children::new(data) {
        let (id, body) = child?;
        if id != ids::TRACK_ENTRY {
            continue;
        }
        if tracks.len() >= MAX_TRACKS {
            return Err(ContainerError::LimitExceeded { what: "number of tracks".into(), value: tracks.len() as u64 + 1, limit: MAX_TRACKS as u64 });
        }
        let entry = parse_entry(body)?;
        if tracks.iter().any(|t| t.number == entry.number) {
            return Err(malformed(format!("two tracks share the track number {}", entry.number)));
        }
        tracks.push(entry);
    }
    Ok(tracks)
}

fn parse_entry(data: &[u8]) -> Result<TrackEntry, ContainerError> {
    let mut entry = TrackEntry {
        number: 0,
        kind: None,
        codec_id: String::new(),
        codec_private: None,
        default_duration_ns: None,
        codec_delay_ns: 0,
        video: None,
        audio: None,
        stripped_header: None,
    };
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::TRACK_NUMBER => entry.number = uint(body)?,
            ids::TRACK_TYPE => {
                entry.kind = match uint(body)? {
                    1 => Some(TrackKind::Video),
                    2 => Some(TrackKind::Audio),
                    _ => None,
                }
            }
            ids::CODEC_ID => entry.codec_id = string(body),
            ids::CODEC_PRIVATE => entry.codec_private = Some(body.to_vec()),
            ids::DEFAULT_DURATION => entry.default_duration_ns = Some(uint(body)?).filter(|&d| d > 0),
            ids::CODEC_DELAY => entry.codec_delay_ns = uint(body)?,
            ids::VIDEO => entry.video = Some(parse_video(body)?),
            ids::AUDIO => entry.audio = Some(parse_audio(body)?),
            ids::CONTENT_ENCODINGS => entry.stripped_header = parse_encodings(body)?,
            _ => {}
        }
    }
    if entry.number == 0 {
        return Err(malformed("a track has no TrackNumber"));
    }
    Ok(entry)
}

fn parse_video(data: &[u8]) -> Result<VideoFields, ContainerError> {
    let mut video = VideoFields::default();
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::PIXEL_WIDTH => video.width = u32::try_from(uint(body)?).unwrap_or(0),
            ids::PIXEL_HEIGHT => video.height = u32::try_from(uint(body)?).unwrap_or(0),
            ids::PROJECTION => video.rotation = parse_projection(body)?,
            _ => {}
        }
    }
    Ok(video)
}

/// Clockwise rotation from a rectangular projection's (counter-clockwise) roll, snapped to 90°.
fn parse_projection(data: &[u8]) -> Result<u16, ContainerError> {
    let (mut kind, mut roll) = (0, 0.0);
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::PROJECTION_TYPE => kind = uint(body)?,
            ids::PROJECTION_POSE_ROLL => roll = float(body)?,
            _ => {}
        }
    }
    if kind != 0 || !roll.is_finite() {
        return Ok(0);
    }
    let quarter_turns = (roll / 90.0).round().rem_euclid(4.0) as u16;
    Ok((4 - quarter_turns) % 4 * 90)
}

/// Counter-clockwise Matroska roll for a clockwise rotation in degrees.
pub fn roll_for_rotation(rotation: u16) -> f64 {
    f64::from((360 - rotation % 360) % 360)
}

fn parse_audio(data: &[u8]) -> Result<AudioFields, ContainerError> {
    let mut audio = AudioFields { sample_rate: 8000.0, channels: 1 };
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::SAMPLING_FREQUENCY => audio.sample_rate = float(body)?,
            ids::CHANNELS => audio.channels = uint(body)?,
            _ => {}
        }
    }
    Ok(audio)
}

/// Header stripping is supported (its bytes are put back); zlib and encryption are not.
fn parse_encodings(data: &[u8]) -> Result<Option<Vec<u8>>, ContainerError> {
    let mut stripped = None;
    for encoding in Children::new(data) {
        let (id, body) = encoding?;
        if id != ids::CONTENT_ENCODING {
            continue;
        }
        for child in Children::new(body) {
            let (id, body) = child?;
            match id {
                ids::CONTENT_ENCODING_TYPE if uint(body)? != 0 => return Err(encrypted()),
                ids::CONTENT_ENCRYPTION => return Err(encrypted()),
                ids::CONTENT_COMPRESSION => stripped = Some(parse_compression(body)?),
                _ => {}
            }
        }
    }
    Ok(stripped)
}

fn parse_compression(data: &[u8]) -> Result<Vec<u8>, ContainerError> {
    let (mut algo, mut settings) = (0, Vec::new());
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::CONTENT_COMP_ALGO => algo = uint(body)?,
            ids::CONTENT_COMP_SETTINGS => settings = body.to_vec(),
            _ => {}
        }
    }
    if algo != 3 {
        return Err(ContainerError::Unsupported { what: "compressed Matroska track (zlib/bzlib/lzo); remux it with mkvmerge without compression".into() });
    }
    if settings.len() > MAX_STRIPPED_HEADER {
        return Err(ContainerError::LimitExceeded { what: "stripped header size".into(), value: settings.len() as u64, limit: MAX_STRIPPED_HEADER as u64 });
    }
    Ok(settings)
}

fn encrypted() -> ContainerError {
    ContainerError::Unsupported { what: "encrypted Matroska track".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_projection_roll_to_clockwise_rotation() {
        for (roll, rotation) in [(0.0f64, 0u16), (90.0, 270), (-90.0, 90), (180.0, 180), (270.0, 90)] {
            let mut data = vec![0x76, 0x75, 0x88];
            data.extend_from_slice(&roll.to_be_bytes());
            assert_eq!(parse_projection(&data).unwrap(), rotation, "roll {roll}");
            assert_eq!(roll_for_rotation(rotation).rem_euclid(360.0), roll.rem_euclid(360.0));
        }
    }

    #[test]
    fn rejects_duplicate_and_missing_numbers() {
        let entry = [0xAE, 0x83, 0xD7, 0x81, 0x01];
        let twice = [entry, entry].concat();
        assert!(parse_tracks(&twice).is_err());
        assert!(parse_tracks(&[0xAE, 0x83, 0x83, 0x81, 0x01]).is_err());
        assert_eq!(parse_tracks(&entry).unwrap()[0].number, 1);
    }
}
