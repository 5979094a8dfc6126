//! AAC (and other MPEG-4 audio) in MP4: the `esds` descriptor chain around the
//! AudioSpecificConfig.
//!
//! WebCodecs wants `mp4a.40.<audio object type>` and the AudioSpecificConfig
//! bytes as description; `esds` wraps them in MPEG-4 descriptors (tag, 7-bit
//! continued length, body).

use crate::container::ContainerError;
use crate::container::codec::aac;
use crate::container::mp4::box_reader::{Cursor, malformed};

const ES_DESCRIPTOR: u8 = 3;
const DECODER_CONFIG: u8 = 4;
const DECODER_SPECIFIC_INFO: u8 = 5;
const SL_CONFIG: u8 = 6;
/// objectTypeIndication of MPEG-4 audio (AAC and friends).
const MPEG4_AUDIO: u8 = 0x40;

/// What an `esds` box says about the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::container::mp4) struct Esds {
    /// objectTypeIndication (0x40 for MPEG-4 audio).
    pub object_type: u8,
    /// The DecoderSpecificInfo bytes (the AudioSpecificConfig for AAC).
    pub specific_info: Option<Vec<u8>>,
}

fn read_descriptor<'a>(c: &mut Cursor<'a>) -> Result<(u8, &'a [u8]), ContainerError> {
    let tag = c.u8()?;
    let mut len = 0usize;
    for _ in 0..4 {
        let b = c.u8()?;
        len = (len << 7) | usize::from(b & 0x7F);
        if b & 0x80 == 0 {
            break;
        }
    }
    Ok((tag, c.take(len)?))
}

/// Parses an `esds` full-box body.
pub(in crate::container::mp4) fn parse_esds(body: &[u8]) -> Result<Esds, ContainerError> {
    let mut c = Cursor::new(body, "esds");
    c.full_header()?;
    let (tag, es) = read_descriptor(&mut c)?;
    if tag != ES_DESCRIPTOR {
        return Err(malformed("the 'esds' box does not start with an ES descriptor"));
    }
    let mut es = Cursor::new(es, "esds");
    es.u16()?; // ES_ID
    let flags = es.u8()?;
    if flags & 0x80 != 0 {
        es.u16()?; // dependsOn_ES_ID
    }
    if flags & 0x40 != 0 {
        let url_len = es.u8()?;
        es.skip(usize::from(url_len))?;
    }
    if flags & 0x20 != 0 {
        es.u16()?; // OCR_ES_ID
    }
    while es.remaining() > 0 {
        let (tag, body) = read_descriptor(&mut es)?;
        if tag != DECODER_CONFIG {
            continue;
        }
        let mut dc = Cursor::new(body, "esds");
        let object_type = dc.u8()?;
        dc.skip(12)?; // streamType, bufferSizeDB, maxBitrate, avgBitrate
        let mut specific_info = None;
        while dc.remaining() > 0 {
            let (tag, body) = read_descriptor(&mut dc)?;
            if tag == DECODER_SPECIFIC_INFO {
                specific_info = Some(body.to_vec());
                break;
            }
        }
        return Ok(Esds { object_type, specific_info });
    }
    Err(malformed("the 'esds' box has no decoder configuration"))
}

fn descriptor(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = body.len();
    let groups = (1..4).take_while(|i| len >> (7 * i) != 0).count();
    for i in (1..=groups).rev() {
        out.push(0x80 | ((len >> (7 * i)) & 0x7F) as u8);
    }
    out.push((len & 0x7F) as u8);
    out.extend_from_slice(body);
    out
}

/// Builds an `esds` full-box body for an audio stream of `object_type` with optional decoder-specific info.
pub(in crate::container::mp4) fn build_esds(track_id: u16, object_type: u8, specific_info: Option<&[u8]>) -> Vec<u8> {
    let mut config = vec![object_type, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]; // audio stream, bitrates unknown
    if let Some(info) = specific_info {
        config.extend(descriptor(DECODER_SPECIFIC_INFO, info));
    }
    let mut es = track_id.to_be_bytes().to_vec();
    es.push(0);
    es.extend(descriptor(DECODER_CONFIG, &config));
    es.extend(descriptor(SL_CONFIG, &[2]));
    let mut body = vec![0, 0, 0, 0];
    body.extend(descriptor(ES_DESCRIPTOR, &es));
    body
}

/// The WebCodecs codec string for an `esds`: `mp4a.40.2` for AAC-LC, `mp4a.6B` for MP3, …
/// (upper-case hex: Chromium's `AudioDecoder` takes `mp4a.6B` and `mp4a.69` but not `mp4a.6b`).
pub(in crate::container::mp4) fn codec_string(esds: &Esds) -> String {
    let aot = esds.specific_info.as_deref().and_then(aac::object_type);
    match (esds.object_type, aot) {
        (MPEG4_AUDIO, Some(aot)) => format!("mp4a.40.{aot}"),
        (oti, _) => format!("mp4a.{oti:02X}"),
    }
}

/// The objectTypeIndication and audio object type a `mp4a.…` string names.
pub(in crate::container::mp4) fn parse_codec_string(codec: &str) -> Result<(u8, Option<u8>), ContainerError> {
    let bad = || ContainerError::InvalidInput(format!("'{codec}' is not an AAC codec string like mp4a.40.2"));
    let mut parts = codec.split('.').skip(1);
    let oti = u8::from_str_radix(parts.next().ok_or_else(bad)?, 16).map_err(|_| bad())?;
    let aot = parts.next().map(|a| a.parse::<u8>().map_err(|_| bad())).transpose()?;
    Ok((oti, aot))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esds_round_trips_through_builder() {
        let asc = aac::build(2, 48000, 1);
        let esds = parse_esds(&build_esds(2, 0x40, Some(&asc))).unwrap();
        assert_eq!(esds, Esds { object_type: 0x40, specific_info: Some(asc.clone()) });
        assert_eq!(codec_string(&esds), "mp4a.40.2");
        let big = vec![7u8; 300];
        assert_eq!(parse_esds(&build_esds(1, 0x40, Some(&big))).unwrap().specific_info.unwrap(), big);
    }

    #[test]
    fn reads_ffmpeg_esds() {
        // As written by ffmpeg: 4-byte descriptor lengths.
        let esds = hex("0000000003808080250002000480808017401500000000010d8800010d880580808005118856e500068080800102");
        let e = parse_esds(&esds).unwrap();
        assert_eq!(e.specific_info.as_deref(), Some(&[0x11, 0x88, 0x56, 0xe5, 0x00][..]));
        assert!(parse_esds(&[0, 0, 0, 0, 3, 0x80]).is_err());
        assert_eq!(parse_codec_string("mp4a.40.5").unwrap(), (0x40, Some(5)));
        assert!(parse_codec_string("mp4a.zz").is_err());
        assert_eq!(codec_string(&Esds { object_type: 0x6B, specific_info: None }), "mp4a.6B");
        assert_eq!(parse_codec_string("mp4a.6B").unwrap(), (0x6B, None));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }
}
