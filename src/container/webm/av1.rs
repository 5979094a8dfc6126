//! AV1 in Matroska: the `av01.P.LLT.DD` codec string from an av1C record
//! (the CodecPrivate), and a minimal av1C rebuilt from a codec string.

/// The codec string of an AV1CodecConfigurationRecord.
pub fn codec_string(av1c: &[u8]) -> Option<String> {
    let [marker, b1, b2, ..] = *av1c else { return None };
    if marker != 0x81 {
        return None;
    }
    let profile = b1 >> 5;
    let level = b1 & 0x1F;
    let tier = if b2 & 0x80 != 0 { 'H' } else { 'M' };
    let high_bitdepth = b2 & 0x40 != 0;
    let twelve_bit = b2 & 0x20 != 0;
    let depth = match (profile, high_bitdepth, twelve_bit) {
        (2, true, true) => 12,
        (_, true, _) => 10,
        _ => 8,
    };
    Some(format!("av01.{profile}.{level:02}{tier}.{depth:02}"))
}

/// A 4-byte av1C (no config OBUs) for `av01.P.LLT.DD[.M…]`, with the usual chroma layout of the profile.
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
    let depth: u8 = parts.next()?.parse().ok()?;
    let monochrome = parts.next().is_some_and(|m| m == "1");
    let (high_bitdepth, twelve_bit) = match depth {
        8 => (false, false),
        10 => (true, false),
        12 if profile == 2 => (true, true),
        _ => return None,
    };
    let (sub_x, sub_y) = match profile {
        0 => (true, true),
        1 => (false, false),
        _ => (true, false),
    };
    let flags = u8::from(high_tier) << 7
        | u8::from(high_bitdepth) << 6
        | u8::from(twelve_bit) << 5
        | u8::from(monochrome) << 4
        | u8::from(sub_x || monochrome) << 3
        | u8::from(sub_y || monochrome) << 2;
    Some(vec![0x81, profile << 5 | level, flags, 0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_codec_strings() {
        for s in ["av01.0.04M.08", "av01.0.13H.10", "av01.2.08M.12", "av01.1.05M.08"] {
            assert_eq!(codec_string(&av1c_from_codec_string(s).unwrap()).as_deref(), Some(s));
        }
        assert_eq!(av1c_from_codec_string("av01.0.04X.08"), None);
        assert_eq!(av1c_from_codec_string("av01.0.M.08"), None);
        assert_eq!(codec_string(&[0x81, 0x08]), None);
    }
}
