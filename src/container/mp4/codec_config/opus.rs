//! Opus in MP4: the `dOps` box ↔ the `OpusHead` WebCodecs description.
//!
//! `dOps` is big-endian with version 0; `OpusHead` (RFC 7845) is the magic
//! "OpusHead", version 1 and the same fields little-endian.

use crate::container::ContainerError;
use crate::container::mp4::box_reader::{Cursor, malformed};

const MAGIC: &[u8; 8] = b"OpusHead";

/// The fields shared by `dOps` and `OpusHead`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::container::mp4) struct OpusConfig {
    /// Output channel count.
    pub channels: u8,
    /// Samples (at 48 kHz) to drop at the start.
    pub pre_skip: u16,
    /// The original input sample rate (informational).
    pub input_sample_rate: u32,
    /// Output gain in Q7.8 dB.
    pub output_gain: i16,
    /// Channel mapping family.
    pub mapping_family: u8,
    /// Stream count, coupled count and channel mapping, present when the family is not 0.
    pub mapping_table: Vec<u8>,
}

impl OpusConfig {
    /// Parses a `dOps` box body.
    pub fn from_dops(body: &[u8]) -> Result<Self, ContainerError> {
        let mut c = Cursor::new(body, "dOps");
        if c.u8()? != 0 {
            return Err(malformed("the 'dOps' Opus configuration has an unknown version"));
        }
        let (channels, pre_skip, input_sample_rate, output_gain, mapping_family) =
            (c.u8()?, c.u16()?, c.u32()?, c.i16()?, c.u8()?);
        let mapping_table = if mapping_family == 0 { Vec::new() } else { c.take(2 + usize::from(channels))?.to_vec() };
        Ok(Self { channels, pre_skip, input_sample_rate, output_gain, mapping_family, mapping_table })
    }

    /// Parses an `OpusHead` packet.
    pub fn from_opus_head(head: &[u8]) -> Result<Self, ContainerError> {
        let bad = || ContainerError::InvalidInput("the Opus description is not an OpusHead header".into());
        if head.len() < 19 || &head[..8] != MAGIC {
            return Err(bad());
        }
        let channels = head[9];
        let mapping_family = head[18];
        let mapping_table = if mapping_family == 0 {
            Vec::new()
        } else {
            head.get(19..21 + usize::from(channels)).ok_or_else(bad)?.to_vec()
        };
        Ok(Self {
            channels,
            pre_skip: u16::from_le_bytes([head[10], head[11]]),
            input_sample_rate: u32::from_le_bytes([head[12], head[13], head[14], head[15]]),
            output_gain: i16::from_le_bytes([head[16], head[17]]),
            mapping_family,
            mapping_table,
        })
    }

    /// A stereo-or-mono default for muxing without a description (family 0, no pre-skip).
    pub fn default_for(channels: u16) -> Result<Self, ContainerError> {
        match channels {
            1 | 2 => Ok(Self {
                channels: channels as u8,
                pre_skip: 0,
                input_sample_rate: 48000,
                output_gain: 0,
                mapping_family: 0,
                mapping_table: Vec::new(),
            }),
            _ => Err(ContainerError::InvalidInput(format!(
                "an Opus track with {channels} channels needs its OpusHead description"
            ))),
        }
    }

    /// The `OpusHead` bytes WebCodecs takes as description.
    pub fn to_opus_head(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend([1, self.channels]);
        out.extend(self.pre_skip.to_le_bytes());
        out.extend(self.input_sample_rate.to_le_bytes());
        out.extend(self.output_gain.to_le_bytes());
        out.push(self.mapping_family);
        out.extend(&self.mapping_table);
        out
    }

    /// The `dOps` box body.
    pub fn to_dops(&self) -> Vec<u8> {
        let mut out = vec![0, self.channels];
        out.extend(self.pre_skip.to_be_bytes());
        out.extend(self.input_sample_rate.to_be_bytes());
        out.extend(self.output_gain.to_be_bytes());
        out.push(self.mapping_family);
        out.extend(&self.mapping_table);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dops_and_opus_head_round_trip() {
        let dops = [0x00, 0x01, 0x01, 0x38, 0x00, 0x00, 0xbb, 0x80, 0x00, 0x00, 0x00];
        let cfg = OpusConfig::from_dops(&dops).unwrap();
        assert_eq!((cfg.channels, cfg.pre_skip, cfg.input_sample_rate), (1, 312, 48000));
        let head = cfg.to_opus_head();
        assert_eq!(&head[..12], b"OpusHead\x01\x01\x38\x01");
        assert_eq!(OpusConfig::from_opus_head(&head).unwrap(), cfg);
        assert_eq!(cfg.to_dops(), dops);
        let surround = [0, 6, 0, 0, 0, 0, 0xbb, 0x80, 0, 0, 1, 4, 2, 0, 4, 1, 2, 3, 5];
        let cfg = OpusConfig::from_dops(&surround).unwrap();
        assert_eq!(OpusConfig::from_opus_head(&cfg.to_opus_head()).unwrap().to_dops(), surround);
        assert!(OpusConfig::from_dops(&[0, 6, 0, 0, 0, 0, 0xbb, 0x80, 0, 0, 1, 4]).is_err());
        assert!(OpusConfig::from_opus_head(b"OpusTags").is_err());
    }
}
