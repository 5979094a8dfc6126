//! Format detection and the format-independent probe entry point.

use super::{ByteSource, ContainerError, TrackInfo, mp4, serde_time, webm};
use serde::Serialize;

/// The container formats this build reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerFormat {
    /// ISO BMFF with an MP4 brand (including fragmented MP4).
    Mp4,
    /// QuickTime (`qt  ` brand).
    Mov,
    /// Matroska with DocType `webm`.
    Webm,
    /// Matroska with DocType `matroska`.
    Matroska,
}

/// Everything `probe` learns about a file without decoding it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeInfo {
    /// The container format.
    pub container: ContainerFormat,
    /// File size in bytes.
    pub size: u64,
    /// Longest track duration, when known.
    #[serde(rename = "duration", serialize_with = "serde_time::opt_seconds")]
    pub duration_us: Option<i64>,
    /// True for fragmented MP4 and for Matroska written live (no cues or unknown sizes).
    pub streamable: bool,
    /// The audio and video tracks, in file order.
    pub tracks: Vec<TrackInfo>,
}

/// The family of container a file starts like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// ISO base media file format (MP4, MOV, 3GP…).
    IsoBmff,
    /// EBML / Matroska (WebM, MKV).
    Matroska,
}

/// Looks at the first bytes (at least 12 are useful) and names the family, or says what the file looks like instead.
pub fn sniff(head: &[u8]) -> Result<Family, ContainerError> {
    if head.is_empty() {
        return Err(ContainerError::Empty);
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Ok(Family::Matroska);
    }
    if head.len() >= 8 {
        let kind = &head[4..8];
        const ISO_BOXES: [&[u8; 4]; 9] =
            [b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"styp", b"moof", b"pnot"];
        if ISO_BOXES.iter().any(|b| kind == *b) {
            return Ok(Family::IsoBmff);
        }
    }
    Err(ContainerError::UnknownFormat { hint: describe(head).to_string() })
}

fn describe(head: &[u8]) -> &'static str {
    const SIGNATURES: [(&[u8], &str); 10] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"RIFF", "a RIFF file (WAV/AVI/WebP)"),
        (b"ID3", "an MP3 file"),
        (b"OggS", "an Ogg file"),
        (b"fLaC", "a FLAC file"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x47", "an MPEG transport stream or unknown data"),
    ];
    for (sig, name) in SIGNATURES {
        if head.starts_with(sig) {
            return name;
        }
    }
    if head.iter().take(64).all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) {
        "text"
    } else {
        "unknown binary data"
    }
}

/// Reads the container headers of `source` and describes its tracks.
pub fn probe(source: &mut dyn ByteSource) -> Result<ProbeInfo, ContainerError> {
    match sniff_source(source)? {
        Family::IsoBmff => mp4::probe(source),
        Family::Matroska => webm::probe(source),
    }
}

/// Sniffs the first bytes of a source.
pub(crate) fn sniff_source(source: &mut dyn ByteSource) -> Result<Family, ContainerError> {
    let n = source.len().min(16);
    let head = source.read_vec(0, n, "file header")?;
    sniff(&head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_non_video_files() {
        let err = sniff(b"\x89PNG\r\n\x1a\n0000").unwrap_err();
        assert!(err.to_string().contains("PNG"), "{err}");
        assert_eq!(sniff(b"").unwrap_err(), ContainerError::Empty);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom").unwrap(), Family::IsoBmff);
        assert_eq!(sniff(&[0x1A, 0x45, 0xDF, 0xA3, 0x9F]).unwrap(), Family::Matroska);
    }
}
