//! H.264: the `avc1.PPCCLL` codec string from an AVCDecoderConfigurationRecord (avcC).

/// `<entry>.PPCCLL` (profile, constraint flags, level in hex) from an avcC record;
/// `entry` is the sample entry name (`avc1` or `avc3`). `None` unless version 1 and 4+ bytes.
pub fn codec_string(entry: &str, avcc: &[u8]) -> Option<String> {
    let [1, profile, compat, level, ..] = *avcc else { return None };
    Some(format!("{entry}.{profile:02x}{compat:02x}{level:02x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_h264() {
        assert_eq!(codec_string("avc1", &[1, 0x64, 0x00, 0x1F, 0xFF]).as_deref(), Some("avc1.64001f"));
        assert_eq!(codec_string("avc3", &[1, 0x42, 0xC0, 0x1E]).as_deref(), Some("avc3.42c01e"));
        assert_eq!(codec_string("avc1", &[0, 0x64, 0, 0x1F]), None);
        assert_eq!(codec_string("avc1", &[1, 2]), None);
    }
}
