//! VP9 in MP4: the `vpcC` box ↔ the VP9 codec string parameters.
//!
//! VP9 needs no WebCodecs description, so the muxer rebuilds `vpcC` from the
//! codec string, and reading names the codec from `vpcC` alone.

use crate::container::ContainerError;
use crate::container::codec::vp9::Vp9Config;
use crate::container::mp4::box_reader::Cursor;

/// The parameters of a `vpcC` full-box body (version 0, the draft layout, has no colour description).
pub(in crate::container::mp4) fn parse(vpcc: &[u8]) -> Result<Vp9Config, ContainerError> {
    let mut c = Cursor::new(vpcc, "vpcC");
    let (version, _) = c.full_header()?;
    let (profile, level, packed) = (c.u8()?, c.u8()?, c.u8()?);
    let bit_depth = packed >> 4;
    if version == 0 {
        // Draft layout: bitDepth(4) colorSpace(4), then chroma/transfer/range we do not need.
        return Ok(Vp9Config::new(profile, level, bit_depth));
    }
    let (primaries, transfer, matrix) = (c.u8()?, c.u8()?, c.u8()?);
    let (chroma, full_range) = ((packed >> 1) & 7, packed & 1 == 1);
    Ok(Vp9Config { profile, level, bit_depth, chroma, primaries, transfer, matrix, full_range })
}

/// A `vpcC` (version 1) full-box body for `cfg` (no codec initialization data).
pub(in crate::container::mp4) fn build(cfg: &Vp9Config) -> Vec<u8> {
    let packed = (cfg.bit_depth << 4) | (cfg.chroma << 1) | u8::from(cfg.full_range);
    vec![1, 0, 0, 0, cfg.profile, cfg.level, packed, cfg.primaries, cfg.transfer, cfg.matrix, 0, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vp9_short_and_full_forms_round_trip() {
        let short = [1, 0, 0, 0, 0, 20, 0x82, 2, 2, 2, 0, 0];
        assert_eq!(parse(&short).unwrap().codec_string(), "vp09.00.20.08");
        assert_eq!(build(&Vp9Config::from_codec_string("vp09.00.20.08").unwrap()), short);
        let full = [1, 0, 0, 0, 2, 31, 0xA3, 9, 16, 9, 0, 0];
        let s = parse(&full).unwrap().codec_string();
        assert_eq!(s, "vp09.02.31.10.01.09.16.09.01");
        assert_eq!(build(&Vp9Config::from_codec_string(&s).unwrap()), full);
        let draft = [0, 0, 0, 0, 1, 30, 0x80, 0, 0, 0];
        assert_eq!(parse(&draft).unwrap().codec_string(), "vp09.01.30.08");
        assert!(parse(&[1, 0, 0, 0, 0, 20]).is_err());
    }
}
