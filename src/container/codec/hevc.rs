//! HEVC: the `hvc1.…`/`hev1.…` codec string from an HEVCDecoderConfigurationRecord
//! (hvcC), as ISO/IEC 14496-15 Annex E spells it.

/// Bytes of the hvcC fields the codec string uses (through `general_level_idc`).
const NAMED_FIELDS: usize = 13;
/// Offset of `numOfArrays` (the parameter-set arrays follow it).
const NUM_OF_ARRAYS: usize = 22;

/// `<entry>.<space><profile>.<compat>.<tier><level>[.<constraint bytes>]` from an hvcC record;
/// `entry` is the sample entry name (`hvc1` or `hev1`). `None` unless version 1 and long enough.
pub fn codec_string(entry: &str, hvcc: &[u8]) -> Option<String> {
    let fields = hvcc.get(..NAMED_FIELDS)?;
    let [1, b, c0, c1, c2, c3, ..] = *fields else { return None };
    let space = ["", "A", "B", "C"][usize::from(b >> 6)];
    let tier = if b & 0x20 != 0 { 'H' } else { 'L' };
    let profile = b & 0x1F;
    let compat = u32::from_be_bytes([c0, c1, c2, c3]).reverse_bits();
    let constraints = &fields[6..12];
    let level = fields[12];
    let mut codec = format!("{entry}.{space}{profile}.{compat:X}.{tier}{level}");
    let kept = constraints.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
    for byte in &constraints[..kept] {
        codec.push_str(&format!(".{byte:X}"));
    }
    Some(codec)
}

/// The sample entry name a full hvcC record implies: `hvc1` when it carries parameter
/// sets, `hev1` (parameter sets in band) when it has none. `None` when the record is cut short.
pub fn sample_entry(hvcc: &[u8]) -> Option<&'static str> {
    Some(if *hvcc.get(NUM_OF_ARRAYS)? == 0 { "hev1" } else { "hvc1" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hevc() {
        let hvcc = [1, 0x01, 0x60, 0, 0, 0, 0xB0, 0, 0, 0, 0, 0, 93];
        assert_eq!(codec_string("hvc1", &hvcc).as_deref(), Some("hvc1.1.6.L93.B0"));
        let main10_high = [1, 0x22, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 120];
        assert_eq!(codec_string("hev1", &main10_high).as_deref(), Some("hev1.2.4.H120"));
        assert_eq!(codec_string("hvc1", &[1, 2, 3]), None);
        assert_eq!(codec_string("hvc1", &[0; 13]), None);
        assert_eq!(sample_entry(&hvcc), None);
        let mut full = vec![1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93];
        full.extend_from_slice(&[0xF0, 0, 0xFC, 0xFD, 0xF8, 0xF8, 0, 0, 0x0F, 3]);
        assert_eq!(sample_entry(&full), Some("hvc1"));
        full[NUM_OF_ARRAYS] = 0;
        assert_eq!(sample_entry(&full), Some("hev1"));
    }
}
