//! Builders of hostile media bytes, shared by `tests/hostile.rs` and the CLI
//! test in `server/tests/cli_hostile.rs`: a seeded PRNG, hand-made ISO BMFF
//! boxes and EBML elements, and surgery on real files (drop a box, patch a field).
#![allow(dead_code)] // each test binary uses a different subset

use std::ops::Range;

/// A tiny deterministic PRNG (xorshift64*), so failures reproduce from the seed.
pub struct XorShift(u64);

impl XorShift {
    /// Starts from `seed` (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    /// A 32-bit value biased towards the extremes parsers get wrong (0, 1, 2^31, 2^32-1).
    pub fn nasty_u32(&mut self) -> u32 {
        const EXTREMES: [u32; 6] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF];
        match self.below(3) {
            0 => EXTREMES[self.below(EXTREMES.len())],
            _ => self.next_u64() as u32,
        }
    }
}

/// An ISO BMFF box with a 32-bit size.
pub fn iso_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let size = u32::try_from(8 + payload.len()).expect("test boxes are small");
    let mut out = size.to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

/// A plain `ftyp` box (major brand isom, compatible isom/iso2/avc1/mp41).
pub fn ftyp() -> Vec<u8> {
    iso_box(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41")
}

/// `ftyp` + an `mdat` of `n` bytes and no `moov`: an unfinished recording.
pub fn mdat_without_moov(n: usize) -> Vec<u8> {
    let mut out = ftyp();
    out.extend(iso_box(b"mdat", &vec![0u8; n]));
    out
}

/// A 1 KB file: `ftyp`, then a `kind` box whose 32-bit size says 4 GB.
pub fn box_claiming_4gb(kind: &[u8; 4]) -> Vec<u8> {
    let mut out = ftyp();
    out.extend_from_slice(&u32::MAX.to_be_bytes());
    out.extend_from_slice(kind);
    out.resize(1024, 0);
    out
}

/// A 1 KB file: `ftyp`, then a `kind` box with a 64-bit largesize of `size`.
pub fn box_with_largesize(kind: &[u8; 4], size: u64) -> Vec<u8> {
    let mut out = ftyp();
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(&size.to_be_bytes());
    out.resize(1024, 0);
    out
}

/// The top-level boxes of an ISO BMFF file: type and byte range (stops at the first box that does not fit).
pub fn top_level_boxes(bytes: &[u8]) -> Vec<([u8; 4], Range<usize>)> {
    let mut boxes = Vec::new();
    let mut at = 0usize;
    while let Some(header) = bytes.get(at..at + 16).or_else(|| bytes.get(at..at + 8)) {
        let size32 = u32::from_be_bytes(header[0..4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = header[4..8].try_into().unwrap();
        let size = match size32 {
            0 => bytes.len() - at,
            1 if header.len() == 16 => {
                usize::try_from(u64::from_be_bytes(header[8..16].try_into().unwrap())).unwrap_or(usize::MAX)
            }
            n => n,
        };
        if size < 8 || at.checked_add(size).is_none_or(|end| end > bytes.len()) {
            break;
        }
        boxes.push((kind, at..at + size));
        at += size;
    }
    boxes
}

/// The file with every top-level box of a type in `drop` removed.
pub fn without_top_level(bytes: &[u8], drop: &[&[u8; 4]]) -> Vec<u8> {
    top_level_boxes(bytes)
        .into_iter()
        .filter(|(kind, _)| !drop.contains(&kind))
        .flat_map(|(_, range)| bytes[range].to_vec())
        .collect()
}

/// Offsets just past every occurrence of the four bytes `kind` after the first 4 (a box's payload start, when it is one).
pub fn box_payloads(bytes: &[u8], kind: &[u8; 4]) -> Vec<usize> {
    bytes.windows(4).enumerate().filter(|(at, w)| *w == kind && *at >= 4).map(|(at, _)| at + 4).collect()
}

/// Writes a big-endian `u32` at `at` (no-op past the end).
pub fn patch_u32(bytes: &mut [u8], at: usize, value: u32) {
    if let Some(slot) = bytes.get_mut(at..at + 4) {
        slot.copy_from_slice(&value.to_be_bytes());
    }
}

/// An EBML variable-length size on 8 bytes (values up to 2^56 - 2; 2^56 - 1 means "unknown").
pub fn ebml_size8(value: u64) -> [u8; 8] {
    assert!(value < (1 << 56) - 1, "8-byte EBML sizes stop at 2^56 - 2");
    let mut out = value.to_be_bytes();
    out[0] = 0x01;
    out
}

/// An EBML element with an 8-byte size.
pub fn ebml(id: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend_from_slice(&ebml_size8(payload.len() as u64));
    out.extend_from_slice(payload);
    out
}

/// The EBML header of a file with DocType `doctype`.
pub fn ebml_header(doctype: &str) -> Vec<u8> {
    let mut body = ebml(&[0x42, 0x82], doctype.as_bytes());
    body.extend(ebml(&[0x42, 0x87], &[4]));
    body.extend(ebml(&[0x42, 0x85], &[2]));
    ebml(&[0x1A, 0x45, 0xDF, 0xA3], &body)
}

/// Matroska's Cluster element ID.
pub const CLUSTER_ID: [u8; 4] = [0x1F, 0x43, 0xB6, 0x75];

/// A 1 KB WebM: EBML header, a Segment of unknown size, and a Cluster claiming 2^56 - 2 bytes.
pub fn webm_cluster_claiming_2_56() -> Vec<u8> {
    let mut out = ebml_header("webm");
    out.extend_from_slice(&[0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    out.extend_from_slice(&CLUSTER_ID);
    out.extend_from_slice(&ebml_size8((1 << 56) - 2));
    out.extend_from_slice(&[0xE7, 0x81, 0x00]); // Timecode 0
    out.resize(1024, 0);
    out
}

/// Length of the EBML variable-length integer starting with `first` (1..=8), or `None` for 0x00.
pub fn vint_len(first: u8) -> Option<usize> {
    (first != 0).then(|| first.leading_zeros() as usize + 1)
}

/// A real WebM whose first Cluster's size is rewritten to claim 2^56 - 2 bytes.
pub fn with_huge_first_cluster(webm: &[u8]) -> Option<Vec<u8>> {
    let at = webm.windows(4).position(|w| w == CLUSTER_ID)?;
    let size_at = at + 4;
    let len = vint_len(*webm.get(size_at)?)?;
    let mut out = webm[..size_at].to_vec();
    out.extend_from_slice(&ebml_size8((1 << 56) - 2));
    out.extend_from_slice(webm.get(size_at + len..)?);
    Some(out)
}
