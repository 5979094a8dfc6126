//! AAC: the MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1), which is the
//! WebCodecs `description`, ↔ `mp4a.40.<audio object type>` plus rate and channels.

use super::bits::BitReader;

/// Sample rates by `samplingFrequencyIndex`.
const FREQUENCIES: [u32; 13] =
    [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/// What the leading fields of an AudioSpecificConfig say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioSpecificConfig {
    /// Audio object type (2 = AAC-LC, 5 = SBR, 29 = PS).
    pub object_type: u8,
    /// Output sample rate (the SBR extension rate when signalled).
    pub sample_rate: Option<u32>,
    /// Channel count from the channel configuration (None when a PCE defines it).
    pub channels: Option<u16>,
}

fn read_object_type(b: &mut BitReader) -> Option<u8> {
    let t = b.read(5)?;
    Some(if t == 31 { 32 + b.read(6)? as u8 } else { t as u8 })
}

fn read_frequency(b: &mut BitReader) -> Option<Option<u32>> {
    let index = b.read(4)? as usize;
    Some(if index == 15 { Some(b.read(24)?) } else { FREQUENCIES.get(index).copied() })
}

impl AudioSpecificConfig {
    /// Parses the leading fields; `None` when the bytes are cut short.
    pub fn parse(asc: &[u8]) -> Option<Self> {
        let mut b = BitReader::new(asc);
        let object_type = read_object_type(&mut b)?;
        let mut sample_rate = read_frequency(&mut b)?;
        let channel_config = b.read(4)?;
        if object_type == 5 || object_type == 29 {
            sample_rate = read_frequency(&mut b)?.or(sample_rate);
        }
        let channels = match channel_config {
            1..=6 => Some(channel_config as u16),
            7 | 12 | 14 => Some(8),
            11 => Some(7),
            _ => None,
        };
        Some(Self { object_type, sample_rate, channels })
    }
}

/// The audio object type alone (all a codec string needs); `None` when cut short.
pub fn object_type(asc: &[u8]) -> Option<u8> {
    read_object_type(&mut BitReader::new(asc))
}

/// `mp4a.40.N` from an AudioSpecificConfig (N is the audio object type).
pub fn codec_string(asc: &[u8]) -> Option<String> {
    object_type(asc).map(|t| format!("mp4a.40.{t}"))
}

/// Builds a two-to-five-byte AudioSpecificConfig for `object_type` (below 31) at `sample_rate` with `channels`.
pub fn build(object_type: u8, sample_rate: u32, channels: u16) -> Vec<u8> {
    let mut bits: Vec<(u32, usize)> = vec![(u32::from(object_type & 0x1F), 5)];
    match FREQUENCIES.iter().position(|&f| f == sample_rate) {
        Some(i) => bits.push((i as u32, 4)),
        None => bits.extend([(15, 4), (sample_rate & 0xFF_FFFF, 24)]),
    }
    let config = match channels {
        1..=6 => u32::from(channels),
        8 => 7,
        _ => 0,
    };
    bits.extend([(config, 4), (0, 3)]); // GASpecificConfig: frameLength 1024, no core coder, no extension
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u64, 0usize);
    for (v, len) in bits {
        acc = (acc << len) | u64::from(v);
        n += len;
    }
    let padded = n.div_ceil(8) * 8;
    acc <<= padded - n;
    for i in (0..padded / 8).rev() {
        out.push((acc >> (i * 8)) as u8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_parses_configs() {
        let asc = build(2, 48000, 1);
        assert_eq!(asc, [0x11, 0x88]);
        let cfg = AudioSpecificConfig::parse(&asc).unwrap();
        assert_eq!((cfg.object_type, cfg.sample_rate, cfg.channels), (2, Some(48000), Some(1)));
        // HE-AAC explicit: AOT 5, 24 kHz core, extension 48 kHz, stereo.
        let he = AudioSpecificConfig::parse(&[0x2B, 0x11, 0x88, 0x00]).unwrap();
        assert_eq!((he.object_type, he.sample_rate, he.channels), (5, Some(48000), Some(2)));
        assert_eq!(build(2, 50000, 2).len(), 5);
        assert_eq!(AudioSpecificConfig::parse(&[0x12]), None);
    }

    #[test]
    fn names_object_types() {
        assert_eq!(codec_string(&[0x12, 0x10]).as_deref(), Some("mp4a.40.2"));
        assert_eq!(codec_string(&[0xF8, 0x20]).as_deref(), Some("mp4a.40.33"));
        assert_eq!(codec_string(&[0xF8]), None);
        assert_eq!(codec_string(&[]), None);
    }
}
