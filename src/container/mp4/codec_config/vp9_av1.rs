//! VP9 (`vpcC`) and AV1 (`av1C`) configurations ↔ WebCodecs codec strings.
//!
//! VP9 needs no WebCodecs description, so the muxer rebuilds `vpcC` from the
//! codec string. The short form `vp09.PP.LL.DD` means "colour unspecified" in
//! both directions (a file saying so reads back as the short form); any other
//! colour description uses the full nine-field form. AV1's description is the
//! `av1C` body; when none is given the muxer builds a 4-byte `av1C` from the string.

use crate::container::ContainerError;
use crate::container::mp4::box_reader::{Cursor, malformed};

const UNSPECIFIED: u8 = 2;
const CHROMA_420_COLOCATED: u8 = 1;

/// The fields of a `vpcC` (version 1) box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct VpConfig {
    profile: u8,
    level: u8,
    bit_depth: u8,
    chroma: u8,
    primaries: u8,
    transfer: u8,
    matrix: u8,
    full_range: bool,
}

impl VpConfig {
    fn is_short_form(&self) -> bool {
        self.chroma == CHROMA_420_COLOCATED
            && [self.primaries, self.transfer, self.matrix] == [UNSPECIFIED; 3]
            && !self.full_range
    }
}

/// `vp09.PP.LL.DD` (or the full form) from a `vpcC` full-box body.
pub(in crate::container::mp4) fn vp9_codec_string(vpcc: &[u8]) -> Result<String, ContainerError> {
    let mut c = Cursor::new(vpcc, "vpcC");
    let (version, _) = c.full_header()?;
    let (profile, level, packed) = (c.u8()?, c.u8()?, c.u8()?);
    let cfg = if version == 0 {
        // Draft layout: bitDepth(4) colorSpace(4), then chroma/transfer/range we do not need.
        VpConfig {
            profile,
            level,
            bit_depth: packed >> 4,
            chroma: CHROMA_420_COLOCATED,
            primaries: UNSPECIFIED,
            transfer: UNSPECIFIED,
            matrix: UNSPECIFIED,
            full_range: false,
        }
    } else {
        let (primaries, transfer, matrix) = (c.u8()?, c.u8()?, c.u8()?);
        VpConfig {
            profile,
            level,
            bit_depth: packed >> 4,
            chroma: (packed >> 1) & 7,
            primaries,
            transfer,
            matrix,
            full_range: packed & 1 == 1,
        }
    };
    let mut s = format!("vp09.{:02}.{:02}.{:02}", cfg.profile, cfg.level, cfg.bit_depth);
    if !cfg.is_short_form() {
        s.push_str(&format!(
            ".{:02}.{:02}.{:02}.{:02}.{:02}",
            cfg.chroma,
            cfg.primaries,
            cfg.transfer,
            cfg.matrix,
            u8::from(cfg.full_range)
        ));
    }
    Ok(s)
}

/// Builds a `vpcC` (version 1) full-box body from a `vp09.…` codec string.
pub(in crate::container::mp4) fn vpcc_from_codec_string(codec: &str) -> Result<Vec<u8>, ContainerError> {
    let bad = || ContainerError::InvalidInput(format!("'{codec}' is not a VP9 codec string like vp09.00.10.08"));
    let fields: Vec<u8> =
        codec.split('.').skip(1).map(|f| f.parse::<u8>().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let cfg = match fields.as_slice() {
        [p, l, d] => VpConfig {
            profile: *p,
            level: *l,
            bit_depth: *d,
            chroma: CHROMA_420_COLOCATED,
            primaries: UNSPECIFIED,
            transfer: UNSPECIFIED,
            matrix: UNSPECIFIED,
            full_range: false,
        },
        [p, l, d, c, cp, tc, mc, fr] => VpConfig {
            profile: *p,
            level: *l,
            bit_depth: *d,
            chroma: *c,
            primaries: *cp,
            transfer: *tc,
            matrix: *mc,
            full_range: *fr == 1,
        },
        _ => return Err(bad()),
    };
    if !codec.starts_with("vp09.") || cfg.bit_depth > 15 || cfg.chroma > 7 {
        return Err(bad());
    }
    let packed = (cfg.bit_depth << 4) | (cfg.chroma << 1) | u8::from(cfg.full_range);
    Ok(vec![1, 0, 0, 0, cfg.profile, cfg.level, packed, cfg.primaries, cfg.transfer, cfg.matrix, 0, 0])
}

/// `av01.P.LLT.DD` from an `av1C` body.
pub(in crate::container::mp4) fn av1_codec_string(av1c: &[u8]) -> Result<String, ContainerError> {
    match av1c {
        [marker, b1, b2, ..] if marker & 0x80 != 0 => {
            let (profile, level) = (b1 >> 5, b1 & 0x1F);
            let tier = if b2 & 0x80 != 0 { 'H' } else { 'M' };
            let depth = match (b2 & 0x40 != 0, b2 & 0x20 != 0) {
                (true, true) => 12,
                (true, false) => 10,
                _ => 8,
            };
            Ok(format!("av01.{profile}.{level:02}{tier}.{depth:02}"))
        }
        _ => Err(malformed("the 'av1C' AV1 configuration is too short or lacks its marker bit")),
    }
}

/// The `av1C` body to store: the given description, or one built from the `av01.…` string.
pub(in crate::container::mp4) fn av1c_for(codec: &str, description: Option<&[u8]>) -> Result<Vec<u8>, ContainerError> {
    if let Some(d) = description {
        av1_codec_string(d)
            .map_err(|_| ContainerError::InvalidInput("the AV1 description is not an av1C record".into()))?;
        return Ok(d.to_vec());
    }
    let bad = || ContainerError::InvalidInput(format!("'{codec}' is not an AV1 codec string like av01.0.04M.08"));
    let mut parts = codec.split('.');
    let (Some("av01"), Some(p), Some(lt), Some(d)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let profile: u8 = p.parse().map_err(|_| bad())?;
    let (level, tier) = lt.split_at_checked(lt.len().saturating_sub(1)).ok_or_else(bad)?;
    let level: u8 = level.parse().map_err(|_| bad())?;
    let high_tier = match tier {
        "M" => false,
        "H" => true,
        _ => return Err(bad()),
    };
    let (high, twelve) = match d {
        "08" => (false, false),
        "10" => (true, false),
        "12" => (true, true),
        _ => return Err(bad()),
    };
    if profile > 2 || level > 31 {
        return Err(bad());
    }
    // Profile 1 is 4:4:4; profiles 0 and 2 are taken as 4:2:0 (the common case).
    let subsampled = if profile == 1 { 0 } else { 0b1100 };
    let b2 = (u8::from(high_tier) << 7) | (u8::from(high) << 6) | (u8::from(twelve) << 5) | subsampled;
    Ok(vec![0x81, (profile << 5) | level, b2, 0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vp9_short_and_full_forms_round_trip() {
        let short = [1, 0, 0, 0, 0, 20, 0x82, 2, 2, 2, 0, 0];
        assert_eq!(vp9_codec_string(&short).unwrap(), "vp09.00.20.08");
        assert_eq!(vpcc_from_codec_string("vp09.00.20.08").unwrap(), short);
        let full = [1, 0, 0, 0, 2, 31, 0xA3, 9, 16, 9, 0, 0];
        let s = vp9_codec_string(&full).unwrap();
        assert_eq!(s, "vp09.02.31.10.01.09.16.09.01");
        assert_eq!(vpcc_from_codec_string(&s).unwrap(), full);
        assert!(vpcc_from_codec_string("vp09.00").is_err());
        assert!(vpcc_from_codec_string("vp09.x.10.08").is_err());
    }

    #[test]
    fn av1_strings_and_synthesized_records() {
        assert_eq!(av1_codec_string(&[0x81, 0x00, 0x0c, 0x00]).unwrap(), "av01.0.00M.08");
        assert_eq!(av1_codec_string(&[0x81, 0x08, 0xCC, 0x00]).unwrap(), "av01.0.08H.10");
        let built = av1c_for("av01.0.04M.08", None).unwrap();
        assert_eq!(av1_codec_string(&built).unwrap(), "av01.0.04M.08");
        assert!(av1c_for("av01.0.4X.08", None).is_err());
        assert!(av1c_for("av01", None).is_err());
        assert!(av1_codec_string(&[0x01, 0, 0]).is_err());
    }
}
