//! H.264 (`avcC`) and HEVC (`hvcC`) decoder records ↔ WebCodecs codec strings.
//!
//! For both codecs the WebCodecs `description` is the record body itself, so
//! muxing only needs the record and reading only needs to name the codec.

use crate::container::ContainerError;
use crate::container::mp4::box_reader::{Cursor, FourCc, fourcc_str, malformed};

/// `avc1.PPCCLL` from an `avcC` body: profile, constraint flags and level in hex.
pub(in crate::container::mp4) fn avc_codec_string(entry: &FourCc, avcc: &[u8]) -> Result<String, ContainerError> {
    match avcc {
        [1, profile, compat, level, ..] => Ok(format!("{}.{profile:02x}{compat:02x}{level:02x}", fourcc_str(entry))),
        _ => Err(malformed("the 'avcC' H.264 configuration is not version 1 or is too short")),
    }
}

/// `hvc1.1.6.L93.B0` style string from an `hvcC` body (ISO/IEC 14496-15 Annex E).
pub(in crate::container::mp4) fn hevc_codec_string(entry: &FourCc, hvcc: &[u8]) -> Result<String, ContainerError> {
    let mut c = Cursor::new(hvcc, "hvcC");
    if c.u8()? != 1 {
        return Err(malformed("the 'hvcC' HEVC configuration is not version 1"));
    }
    let b = c.u8()?;
    let space = ["", "A", "B", "C"][usize::from(b >> 6)];
    let tier = if b & 0x20 != 0 { 'H' } else { 'L' };
    let profile = b & 0x1F;
    let compat = c.u32()?.reverse_bits();
    let constraints = c.take(6)?;
    let level = c.u8()?;
    let mut s = format!("{}.{space}{profile}.{compat:X}.{tier}{level}", fourcc_str(entry));
    let used = constraints.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
    for byte in &constraints[..used] {
        s.push_str(&format!(".{byte:X}"));
    }
    Ok(s)
}

/// Checks a WebCodecs `description` is an `avcC` (or `hvcC`) record before it is stored as one.
pub(in crate::container::mp4) fn require_record(
    description: Option<&[u8]>,
    codec: &str,
) -> Result<Vec<u8>, ContainerError> {
    match description {
        Some(d) if d.len() >= 4 && d[0] == 1 => Ok(d.to_vec()),
        Some(_) => Err(ContainerError::InvalidInput(format!(
            "the {codec} description is not a version 1 decoder configuration record"
        ))),
        None => Err(ContainerError::InvalidInput(format!(
            "a {codec} track needs its decoder configuration record as description (from the encoder's metadata)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_h264_and_hevc() {
        assert_eq!(avc_codec_string(b"avc1", &[1, 0x64, 0, 0x1f, 0xff]).unwrap(), "avc1.64001f");
        let hvcc = [1, 0x01, 0x60, 0, 0, 0, 0xB0, 0, 0, 0, 0, 0, 93];
        assert_eq!(hevc_codec_string(b"hvc1", &hvcc).unwrap(), "hvc1.1.6.L93.B0");
        let main10_high = [1, 0x22, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 120];
        assert_eq!(hevc_codec_string(b"hev1", &main10_high).unwrap(), "hev1.2.4.H120");
        assert!(avc_codec_string(b"avc1", &[1, 2]).is_err());
        assert!(hevc_codec_string(b"hvc1", &[1, 2, 3]).is_err());
    }
}
