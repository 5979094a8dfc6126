//! EBML element serialization: ids, sizes (minimal, fixed-width for later patching,
//! or unknown for live streams) and typed values.

use super::ids;

/// The 8-byte "unknown size" marker written for live Segments and Clusters.
pub const UNKNOWN_SIZE: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

/// Width of the size fields written as placeholders and patched later.
pub const PATCHABLE_SIZE_LEN: usize = 8;

/// The bytes of an element id (its marker bits are part of the value).
pub fn id_bytes(id: u32) -> Vec<u8> {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(3);
    bytes[skip..].to_vec()
}

/// The shortest size vint for `size` (all-ones patterns are avoided: they mean "unknown").
pub fn size_bytes(size: u64) -> Vec<u8> {
    let len = (1..8).find(|&n| size < (1u64 << (7 * n)) - 1).unwrap_or(8);
    fixed_size(size, len)
}

/// A size vint of exactly `len` bytes (1 to 8); `size` must fit.
pub fn fixed_size(size: u64, len: usize) -> Vec<u8> {
    let marked = size | (1u64 << (7 * len));
    marked.to_be_bytes()[8 - len..].to_vec()
}

/// A whole element: id, minimal size, payload.
pub fn master(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = id_bytes(id);
    out.extend(size_bytes(payload.len() as u64));
    out.extend_from_slice(payload);
    out
}

/// An unsigned integer element in as few bytes as possible (at least one).
pub fn uint_element(id: u32, value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    master(id, &bytes[skip..])
}

/// A signed integer element in as few bytes as possible (at least one).
pub fn int_element(id: u32, value: i64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let len = (1..=8).find(|&n| {
        let bits = 8 * n as u32;
        bits == 64 || (value >= -(1i64 << (bits - 1)) && value < (1i64 << (bits - 1)))
    });
    let len = len.unwrap_or(8);
    master(id, &bytes[8 - len..])
}

/// An 8-byte float element.
pub fn float_element(id: u32, value: f64) -> Vec<u8> {
    master(id, &value.to_be_bytes())
}

/// A string element.
pub fn string_element(id: u32, value: &str) -> Vec<u8> {
    master(id, value.as_bytes())
}

/// A Void element taking exactly `total` bytes (at least 2).
pub fn void(total: usize) -> Vec<u8> {
    let size_len = if total > PATCHABLE_SIZE_LEN { PATCHABLE_SIZE_LEN } else { 1 };
    let payload = total.saturating_sub(1 + size_len);
    let mut out = id_bytes(ids::VOID);
    out.extend(fixed_size(payload as u64, size_len));
    out.resize(total.max(2), 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::webm::ebml::{int, parse_header};

    #[test]
    fn sizes_avoid_the_unknown_marker() {
        assert_eq!(size_bytes(0), vec![0x80]);
        assert_eq!(size_bytes(126), vec![0xFE]);
        assert_eq!(size_bytes(127), vec![0x40, 0x7F]);
        assert_eq!(fixed_size(5, 8), vec![0x01, 0, 0, 0, 0, 0, 0, 5]);
        assert_eq!(id_bytes(ids::SEGMENT), vec![0x18, 0x53, 0x80, 0x67]);
        assert_eq!(id_bytes(ids::VOID), vec![0xEC]);
    }

    #[test]
    fn ints_round_trip() {
        for v in [0i64, 1, -1, 127, 128, -128, -129, 40_000, -6_500_000, i64::MIN, i64::MAX] {
            let e = int_element(0x75A2, v);
            let h = parse_header(&e, 0, e.len() as u64).unwrap();
            assert_eq!(int(&e[h.len..]).unwrap(), v);
        }
    }

    #[test]
    fn voids_have_the_requested_length() {
        for total in [2usize, 5, 9, 10, 200] {
            let v = void(total);
            assert_eq!(v.len(), total);
            let h = parse_header(&v, 0, v.len() as u64).unwrap();
            assert_eq!(h.len as u64 + h.size.unwrap(), total as u64);
        }
    }
}
