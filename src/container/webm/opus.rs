//! Opus facts a container needs: the OpusHead pre-skip (Matroska CodecDelay) and a
//! packet's duration from its TOC byte (used with DiscardPadding for end trimming).

/// SeekPreRoll written for Opus tracks, as the Matroska Opus mapping recommends (80 ms).
pub const SEEK_PRE_ROLL_NS: u64 = 80_000_000;

/// Opus always decodes at 48 kHz; pre-skip is counted in these samples.
const OPUS_RATE: u64 = 48_000;

/// The pre-skip of an OpusHead, in 48 kHz samples.
pub fn pre_skip(head: &[u8]) -> Option<u16> {
    let bytes = head.strip_prefix(b"OpusHead")?.get(2..4)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

/// Pre-skip converted to nanoseconds (Matroska CodecDelay).
pub fn pre_skip_ns(head: &[u8]) -> u64 {
    pre_skip(head).map_or(0, |s| u64::from(s) * 1_000_000_000 / OPUS_RATE)
}

/// A minimal OpusHead (mapping family 0, no pre-skip) for mono or stereo streams without one.
pub fn synthesize_head(channels: u16, sample_rate: u32) -> Option<Vec<u8>> {
    let channels = u8::try_from(channels).ok().filter(|c| (1..=2).contains(c))?;
    let mut head = b"OpusHead".to_vec();
    head.extend_from_slice(&[1, channels, 0, 0]);
    head.extend_from_slice(&sample_rate.to_le_bytes());
    head.extend_from_slice(&[0, 0, 0]);
    Some(head)
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
    fn reads_pre_skip_and_toc_durations() {
        let head = [b"OpusHead".as_slice(), &[1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]].concat();
        assert_eq!(pre_skip(&head), Some(312));
        assert_eq!(pre_skip_ns(&head), 6_500_000);
        assert_eq!(pre_skip(b"OpusHea"), None);
        assert_eq!(packet_duration_us(&[0xF8]), Some(20_000));
        assert_eq!(packet_duration_us(&[0x79, 0]), Some(40_000));
        assert_eq!(packet_duration_us(&[0x03, 0x03]), Some(30_000));
        assert_eq!(packet_duration_us(&[0x03, 0x3F]), None);
        assert_eq!(packet_duration_us(&[]), None);
        assert_eq!(pre_skip(&synthesize_head(2, 44_100).unwrap()), Some(0));
        assert!(synthesize_head(6, 48_000).is_none());
    }
}
