//! Block and SimpleBlock payloads: track number, relative timestamp, flags, and
//! the three lacings (Xiph, EBML, fixed) that pack several frames in one block.

use super::ebml::{malformed, read_signed_vint, read_vint};
use crate::container::ContainerError;
use std::ops::Range;

/// Bytes that always hold a block header without lace sizes (8-byte track vint + 2 + 1 + lace count).
pub const MAX_BLOCK_HEADER: usize = 12;

/// SimpleBlock flag: the frame is a keyframe.
pub const FLAG_KEYFRAME: u8 = 0x80;

/// How the frames of a block are packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lacing {
    /// One frame.
    None,
    /// Sizes as runs of 255-valued bytes.
    Xiph,
    /// Equal sizes.
    Fixed,
    /// First size as a vint, then signed vint differences.
    Ebml,
}

/// The fixed part of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    /// The TrackNumber the block belongs to.
    pub track: u64,
    /// Timestamp relative to the Cluster, in ticks.
    pub relative_time: i16,
    /// The flags byte (keyframe bit only meaningful in SimpleBlocks).
    pub flags: u8,
    /// The lacing.
    pub lacing: Lacing,
    /// Number of frames (1 without lacing, up to 256).
    pub frames: usize,
    /// Bytes taken by the header (lace sizes excluded).
    pub len: usize,
}

/// Parses the header at the start of a block payload (`bytes` may be cut after [`MAX_BLOCK_HEADER`]).
pub fn parse_block_header(bytes: &[u8]) -> Result<BlockHeader, ContainerError> {
    let (track, n, _) = read_vint(bytes).map_err(|_| malformed("a block has a bad track number"))?;
    let fixed = bytes.get(n..n + 3).ok_or_else(|| malformed("a block is shorter than its header"))?;
    let relative_time = i16::from_be_bytes([fixed[0], fixed[1]]);
    let flags = fixed[2];
    let lacing = match flags & 0x06 {
        0x00 => Lacing::None,
        0x02 => Lacing::Xiph,
        0x04 => Lacing::Fixed,
        _ => Lacing::Ebml,
    };
    let (frames, len) = match lacing {
        Lacing::None => (1, n + 3),
        _ => {
            let count = *bytes.get(n + 3).ok_or_else(|| malformed("a laced block has no frame count"))?;
            (usize::from(count) + 1, n + 4)
        }
    };
    Ok(BlockHeader { track, relative_time, flags, lacing, frames, len })
}

/// Splits the bytes after the block header into frame ranges (relative to `body`).
pub fn split_frames(header: &BlockHeader, body: &[u8]) -> Result<Vec<Range<usize>>, ContainerError> {
    let count = header.frames;
    let (sizes, mut pos) = match header.lacing {
        Lacing::None => return Ok(std::iter::once(0..body.len()).collect()),
        Lacing::Fixed => {
            if body.len() % count != 0 {
                return Err(malformed(format!("a fixed-laced block of {} bytes cannot hold {count} equal frames", body.len())));
            }
            (vec![body.len() / count; count - 1], 0)
        }
        Lacing::Xiph => xiph_sizes(body, count)?,
        Lacing::Ebml => ebml_sizes(body, count)?,
    };
    let mut ranges = Vec::with_capacity(count);
    for size in sizes {
        let end = pos.checked_add(size).filter(|&e| e <= body.len()).ok_or_else(lace_overrun)?;
        ranges.push(pos..end);
        pos = end;
    }
    ranges.push(pos..body.len());
    Ok(ranges)
}

fn lace_overrun() -> ContainerError {
    malformed("the lace sizes of a block add up to more than the block")
}

/// Sizes of all frames but the last, and where the frame data starts.
fn xiph_sizes(body: &[u8], count: usize) -> Result<(Vec<usize>, usize), ContainerError> {
    let mut sizes = Vec::with_capacity(count - 1);
    let mut pos = 0;
    for _ in 1..count {
        let mut size = 0usize;
        loop {
            let b = *body.get(pos).ok_or_else(lace_overrun)?;
            pos += 1;
            size += usize::from(b);
            if b != 255 {
                break;
            }
        }
        sizes.push(size);
    }
    Ok((sizes, pos))
}

fn ebml_sizes(body: &[u8], count: usize) -> Result<(Vec<usize>, usize), ContainerError> {
    if count < 2 {
        return Ok((Vec::new(), 0));
    }
    let mut sizes = Vec::with_capacity(count - 1);
    let rest = |pos: usize| body.get(pos..).ok_or_else(lace_overrun);
    let (first, mut pos, _) = read_vint(body).map_err(|_| lace_overrun())?;
    let mut size = i64::try_from(first).map_err(|_| lace_overrun())?;
    sizes.push(usize::try_from(size).map_err(|_| lace_overrun())?);
    for _ in 2..count {
        let (delta, n) = read_signed_vint(rest(pos)?).map_err(|_| lace_overrun())?;
        pos += n;
        size = size.checked_add(delta).filter(|&s| s >= 0).ok_or_else(lace_overrun)?;
        sizes.push(usize::try_from(size).map_err(|_| lace_overrun())?);
    }
    Ok((sizes, pos))
}

/// Serializes a SimpleBlock or Block payload header without lacing.
pub fn write_block_header(track: u64, relative_time: i16, flags: u8) -> Vec<u8> {
    let mut out = super::ebml_writer::size_bytes(track);
    out.extend_from_slice(&relative_time.to_be_bytes());
    out.push(flags);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(lacing_bits: u8, count: u8) -> Vec<u8> {
        vec![0x81, 0x00, 0x10, 0x80 | lacing_bits, count - 1]
    }

    #[test]
    fn splits_all_lacings() {
        let h = parse_block_header(&header(0x02, 3)).unwrap();
        assert_eq!((h.frames, h.len, h.relative_time), (3, 5, 16));
        let body = [&[255u8, 1, 2][..], &[7u8; 256], &[8u8; 2], &[9u8; 4]].concat();
        assert_eq!(split_frames(&h, &body).unwrap(), vec![3..259, 259..261, 261..265]);

        let h = parse_block_header(&header(0x06, 3)).unwrap();
        let body = [&[0x82u8, 0xBF + 1][..], &[1u8; 2], &[2u8; 3], &[3u8; 1]].concat();
        assert_eq!(split_frames(&h, &body).unwrap(), vec![2..4, 4..7, 7..8]);

        let h = parse_block_header(&header(0x04, 2)).unwrap();
        assert_eq!(split_frames(&h, &[0u8; 6]).unwrap(), vec![0..3, 3..6]);
        assert!(split_frames(&h, &[0u8; 5]).is_err());
    }

    #[test]
    fn rejects_lace_counts_larger_than_the_payload() {
        for bits in [0x02, 0x06] {
            let h = parse_block_header(&header(bits, 255)).unwrap();
            assert_eq!(h.frames, 255);
            assert!(split_frames(&h, &[1, 2, 3]).is_err());
        }
        let h = parse_block_header(&[0x81, 0, 0, 0x06, 0xFF]).unwrap();
        assert_eq!(h.frames, 256);
        assert!(split_frames(&h, &[0x81, 0x80]).is_err());
        assert!(parse_block_header(&[0x81, 0]).is_err());
        assert!(parse_block_header(&[0x81, 0, 0, 0x02]).is_err());
    }

    #[test]
    fn writes_headers_that_parse_back() {
        let bytes = write_block_header(2, -5, FLAG_KEYFRAME);
        let h = parse_block_header(&bytes).unwrap();
        assert_eq!((h.track, h.relative_time, h.flags, h.lacing, h.len), (2, -5, 0x80, Lacing::None, 4));
    }
}
