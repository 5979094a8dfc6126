//! Opus in MP4: the `dOps` box ↔ the OpusHead fields.
//!
//! `dOps` is big-endian with version 0; `OpusHead` (RFC 7845) is the magic
//! "OpusHead", version 1 and the same fields little-endian.

use crate::container::ContainerError;
use crate::container::codec::opus::OpusConfig;
use crate::container::mp4::box_reader::{Cursor, malformed};

/// Parses a `dOps` box body.
pub(in crate::container::mp4) fn parse(body: &[u8]) -> Result<OpusConfig, ContainerError> {
    let mut c = Cursor::new(body, "dOps");
    if c.u8()? != 0 {
        return Err(malformed("the 'dOps' Opus configuration has an unknown version"));
    }
    let (channels, pre_skip, input_sample_rate, output_gain, mapping_family) =
        (c.u8()?, c.u16()?, c.u32()?, c.i16()?, c.u8()?);
    let mapping_table = if mapping_family == 0 { Vec::new() } else { c.take(2 + usize::from(channels))?.to_vec() };
    Ok(OpusConfig { channels, pre_skip, input_sample_rate, output_gain, mapping_family, mapping_table })
}

/// The `dOps` box body for `cfg`.
pub(in crate::container::mp4) fn build(cfg: &OpusConfig) -> Vec<u8> {
    let mut out = vec![0, cfg.channels];
    out.extend(cfg.pre_skip.to_be_bytes());
    out.extend(cfg.input_sample_rate.to_be_bytes());
    out.extend(cfg.output_gain.to_be_bytes());
    out.push(cfg.mapping_family);
    out.extend(&cfg.mapping_table);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dops_and_opus_head_round_trip() {
        let dops = [0x00, 0x01, 0x01, 0x38, 0x00, 0x00, 0xbb, 0x80, 0x00, 0x00, 0x00];
        let cfg = parse(&dops).unwrap();
        assert_eq!((cfg.channels, cfg.pre_skip, cfg.input_sample_rate), (1, 312, 48000));
        let head = cfg.to_opus_head();
        assert_eq!(&head[..12], b"OpusHead\x01\x01\x38\x01");
        assert_eq!(OpusConfig::from_opus_head(&head), Some(cfg.clone()));
        assert_eq!(build(&cfg), dops);
        let surround = [0, 6, 0, 0, 0, 0, 0xbb, 0x80, 0, 0, 1, 4, 2, 0, 4, 1, 2, 3, 5];
        let cfg = parse(&surround).unwrap();
        assert_eq!(build(&OpusConfig::from_opus_head(&cfg.to_opus_head()).unwrap()), surround);
        assert!(parse(&[0, 6, 0, 0, 0, 0, 0xbb, 0x80, 0, 0, 1, 4]).is_err());
        assert!(OpusConfig::from_opus_head(b"OpusTags").is_none());
    }
}
