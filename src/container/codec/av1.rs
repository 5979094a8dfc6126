//! AV1: the `av01.P.LLT.DD` codec string ↔ an AV1CodecConfigurationRecord (av1C).

/// The av1C byte holding the marker bit and version 1.
const MARKER_VERSION_1: u8 = 0x81;

/// `av01.P.LLT.DD` from an av1C record; `None` when shorter than 3 bytes or without the marker bit.
pub fn codec_string(av1c: &[u8]) -> Option<String> {
    let [marker, b1, b2, ..] = *av1c else { return None };
    if marker & 0x80 == 0 {
        return None;
    }
    let (profile, level) = (b1 >> 5, b1 & 0x1F);
    let tier = if b2 & 0x80 != 0 { 'H' } else { 'M' };
    let depth = match (profile, b2 & 0x40 != 0, b2 & 0x20 != 0) {
        (2, true, true) => 12,
        (_, true, _) => 10,
        _ => 8,
    };
    Some(format!("av01.{profile}.{level:02}{tier}.{depth:02}"))
}

/// A 4-byte av1C (no config OBUs) for `av01.P.LLT.DD[.M[.CCC]]`. Without the optional
/// chroma field the layout is 4:2:0, except profile 1 (always 4:4:4) and monochrome.
pub fn av1c_from_codec_string(codec: &str) -> Option<Vec<u8>> {
    let mut parts = codec.strip_prefix("av01.")?.split('.');
    let profile: u8 = parts.next()?.parse().ok().filter(|p| *p <= 2)?;
    let level_tier = parts.next()?;
    let (level, tier) = level_tier.split_at_checked(level_tier.len().checked_sub(1)?)?;
    let level: u8 = level.parse().ok().filter(|l| *l < 32)?;
    let high_tier = match tier {
        "M" => false,
        "H" => true,
        _ => return None,
    };
    let (high_bitdepth, twelve_bit) = match parts.next()?.parse::<u8>().ok()? {
        8 => (false, false),
        10 => (true, false),
        12 if profile == 2 => (true, true),
        _ => return None,
    };
    let monochrome = match parts.next() {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return None,
    };
    let (sub_x, sub_y, position) = match parts.next() {
        Some(ccc) => chroma_field(ccc)?,
        None if profile == 1 && !monochrome => (false, false, 0),
        None => (true, true, 0),
    };
    let flags = u8::from(high_tier) << 7
        | u8::from(high_bitdepth) << 6
        | u8::from(twelve_bit) << 5
        | u8::from(monochrome) << 4
        | u8::from(sub_x) << 3
        | u8::from(sub_y) << 2
        | position;
    Some(vec![MARKER_VERSION_1, profile << 5 | level, flags, 0])
}

/// The `CCC` field: subsampling x, subsampling y (0/1) and chroma sample position (0–3).
fn chroma_field(ccc: &str) -> Option<(bool, bool, u8)> {
    let &[x @ b'0'..=b'1', y @ b'0'..=b'1', p @ b'0'..=b'3'] = ccc.as_bytes() else { return None };
    Some((x == b'1', y == b'1', p - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_codec_strings() {
        for s in ["av01.0.04M.08", "av01.0.13H.10", "av01.2.08M.12", "av01.1.05M.08"] {
            assert_eq!(codec_string(&av1c_from_codec_string(s).unwrap()).as_deref(), Some(s));
        }
        assert_eq!(av1c_from_codec_string("av01.0.04M.08"), Some(vec![0x81, 0x04, 0x0C, 0]));
        assert_eq!(av1c_from_codec_string("av01.1.05M.08"), Some(vec![0x81, 0x25, 0x00, 0]));
        assert_eq!(av1c_from_codec_string("av01.0.04M.08.1"), Some(vec![0x81, 0x04, 0x1C, 0]));
        assert_eq!(av1c_from_codec_string("av01.2.08M.10.0.101"), Some(vec![0x81, 0x48, 0x49, 0]));
        assert_eq!(av1c_from_codec_string("av01.0.04X.08"), None);
        assert_eq!(av1c_from_codec_string("av01.0.4X.08"), None);
        assert_eq!(av1c_from_codec_string("av01.0.M.08"), None);
        assert_eq!(av1c_from_codec_string("av01.0.04M.12"), None);
        assert_eq!(av1c_from_codec_string("av01.0.04M.08.0.2"), None);
        assert_eq!(av1c_from_codec_string("av01"), None);
    }

    #[test]
    fn names_records() {
        assert_eq!(codec_string(&[0x81, 0x00, 0x0c, 0x00]).as_deref(), Some("av01.0.00M.08"));
        assert_eq!(codec_string(&[0x81, 0x08, 0xCC, 0x00]).as_deref(), Some("av01.0.08H.10"));
        assert_eq!(codec_string(&[0x81, 0x08]), None);
        assert_eq!(codec_string(&[0x01, 0, 0]), None);
    }
}
