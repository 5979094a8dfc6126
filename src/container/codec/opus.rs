//! Opus: the OpusHead identification header (RFC 7845 §5.1), which is the WebCodecs
//! `description`, and a packet's duration from its TOC byte (RFC 6716 §3.1).

/// Opus always decodes at 48 kHz; pre-skip is counted in these samples.
pub const SAMPLE_RATE: u32 = 48_000;

const MAGIC: &[u8; 8] = b"OpusHead";
/// Bytes of an OpusHead before the optional channel mapping table.
const FIXED_LEN: usize = 19;

/// The fields of an OpusHead (also those of the MP4 `dOps` box).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpusConfig {
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
    /// Parses an OpusHead; `None` when it is not one or is cut short.
    pub fn from_opus_head(head: &[u8]) -> Option<Self> {
        let fixed: &[u8; FIXED_LEN] = head.get(..FIXED_LEN)?.try_into().ok()?;
        let [_, _, _, _, _, _, _, _, _, channels, s0, s1, r0, r1, r2, r3, g0, g1, mapping_family] = *fixed;
        if &fixed[..8] != MAGIC {
            return None;
        }
        let mapping_table =
            if mapping_family == 0 { Vec::new() } else { head.get(FIXED_LEN..21 + usize::from(channels))?.to_vec() };
        Some(Self {
            channels,
            pre_skip: u16::from_le_bytes([s0, s1]),
            input_sample_rate: u32::from_le_bytes([r0, r1, r2, r3]),
            output_gain: i16::from_le_bytes([g0, g1]),
            mapping_family,
            mapping_table,
        })
    }

    /// A default for a mono or stereo stream without a description (family 0, no pre-skip, no gain).
    pub fn default_for(channels: u16, input_sample_rate: u32) -> Option<Self> {
        let channels = u8::try_from(channels).ok().filter(|c| (1..=2).contains(c))?;
        Some(Self {
            channels,
            pre_skip: 0,
            input_sample_rate,
            output_gain: 0,
            mapping_family: 0,
            mapping_table: Vec::new(),
        })
    }

    /// The OpusHead bytes WebCodecs takes as description.
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

    /// The pre-skip in nanoseconds.
    pub fn pre_skip_ns(&self) -> u64 {
        u64::from(self.pre_skip) * 1_000_000_000 / u64::from(SAMPLE_RATE)
    }
}

/// Duration of an Opus packet in microseconds, from its TOC byte (RFC 6716 §3.1).
pub fn packet_duration_us(packet: &[u8]) -> Option<i64> {
    let toc = *packet.first()?;
    let config = toc >> 3;
    let frame_us: i64 = match config {
        0..=11 => [10_000, 20_000, 40_000, 60_000][usize::from(config % 4)],
        12..=15 => [10_000, 20_000][usize::from(config % 2)],
        _ => [2_500, 5_000, 10_000, 20_000][usize::from(config % 4)],
    };
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => i64::from(*packet.get(1)? & 0x3F),
    };
    Some(frame_us * frames).filter(|&d| d > 0 && d <= 120_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_builds_opus_heads() {
        let head = [b"OpusHead".as_slice(), &[1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]].concat();
        let cfg = OpusConfig::from_opus_head(&head).unwrap();
        assert_eq!((cfg.channels, cfg.pre_skip, cfg.input_sample_rate), (1, 312, 48000));
        assert_eq!(cfg.pre_skip_ns(), 6_500_000);
        assert_eq!(cfg.to_opus_head(), head);
        assert_eq!(OpusConfig::from_opus_head(b"OpusHea"), None);
        assert_eq!(OpusConfig::from_opus_head(b"OpusTags\x01\x01\x38\x01\x80\xBB\0\0\0\0\0"), None);
        let surround =
            [b"OpusHead".as_slice(), &[1, 6, 0, 0, 0x80, 0xBB, 0, 0, 0, 0, 1, 4, 2, 0, 4, 1, 2, 3, 5]].concat();
        assert_eq!(OpusConfig::from_opus_head(&surround).unwrap().to_opus_head(), surround);
        assert_eq!(OpusConfig::from_opus_head(&surround[..24]), None);
        let stereo = OpusConfig::default_for(2, 44_100).unwrap();
        assert_eq!((stereo.pre_skip, stereo.input_sample_rate), (0, 44_100));
        assert!(OpusConfig::default_for(6, 48_000).is_none());
    }

    #[test]
    fn reads_toc_durations() {
        assert_eq!(packet_duration_us(&[0xF8]), Some(20_000));
        assert_eq!(packet_duration_us(&[0x79, 0]), Some(40_000));
        assert_eq!(packet_duration_us(&[0x03, 0x03]), Some(30_000));
        assert_eq!(packet_duration_us(&[0x03, 0x3F]), None);
        assert_eq!(packet_duration_us(&[]), None);
    }
}
