//! Codec strings for the ISO-family codecs Matroska can carry with ISO configuration
//! records as CodecPrivate: H.264 (avcC), HEVC (hvcC) and AAC (AudioSpecificConfig).

/// `avc1.PPCCLL` from an avcC record.
pub fn avc_codec_string(avcc: &[u8]) -> Option<String> {
    let [1, profile, compat, level, ..] = *avcc else { return None };
    Some(format!("avc1.{profile:02x}{compat:02x}{level:02x}"))
}

/// `hvc1.…` (or `hev1.…` when the record carries no parameter sets) from an hvcC record.
pub fn hevc_codec_string(hvcc: &[u8]) -> Option<String> {
    if hvcc.len() < 23 || hvcc[0] != 1 {
        return None;
    }
    let space = ["", "A", "B", "C"][usize::from(hvcc[1] >> 6)];
    let tier = if hvcc[1] & 0x20 != 0 { 'H' } else { 'L' };
    let profile = hvcc[1] & 0x1F;
    let compat = u32::from_be_bytes([hvcc[2], hvcc[3], hvcc[4], hvcc[5]]).reverse_bits();
    let level = hvcc[12];
    let constraints = &hvcc[6..12];
    let kept = constraints.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
    let sample_entry = if hvcc[22] == 0 { "hev1" } else { "hvc1" };
    let mut codec = format!("{sample_entry}.{space}{profile}.{compat:X}.{tier}{level}");
    for b in &constraints[..kept] {
        codec.push_str(&format!(".{b:X}"));
    }
    Some(codec)
}

/// `mp4a.40.N` from an AudioSpecificConfig (N is the audio object type).
pub fn aac_codec_string(asc: &[u8]) -> Option<String> {
    let first = *asc.first()?;
    let mut object_type = first >> 3;
    if object_type == 31 {
        let second = *asc.get(1)?;
        object_type = 32 + ((first & 0x07) << 3 | second >> 5);
    }
    Some(format!("mp4a.40.{object_type}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso_codec_strings() {
        assert_eq!(avc_codec_string(&[1, 0x64, 0x00, 0x1F, 0xFF]).as_deref(), Some("avc1.64001f"));
        assert_eq!(avc_codec_string(&[0, 0x64]), None);
        let mut hvcc = vec![1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93];
        hvcc.extend_from_slice(&[0xF0, 0, 0xFC, 0xFD, 0xF8, 0xF8, 0, 0, 0x0F, 3]);
        assert_eq!(hevc_codec_string(&hvcc).as_deref(), Some("hvc1.1.6.L93.90"));
        assert_eq!(aac_codec_string(&[0x12, 0x10]).as_deref(), Some("mp4a.40.2"));
        assert_eq!(aac_codec_string(&[0xF8, 0x20]).as_deref(), Some("mp4a.40.33"));
    }
}
