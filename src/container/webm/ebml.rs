//! EBML primitives: variable-length integers, element headers (including unknown
//! sizes), iteration over the children of an in-memory master, and typed values.

use crate::container::ContainerError;

/// The format name used in [`ContainerError::Malformed`].
pub const FORMAT: &str = "WebM";

/// Longest element id this reader accepts (EBMLMaxIDLength of Matroska).
pub const MAX_ID_LEN: usize = 4;
/// Longest element size field (EBMLMaxSizeLength of Matroska).
pub const MAX_SIZE_LEN: usize = 8;
/// Longest possible element header.
pub const MAX_HEADER_LEN: usize = MAX_ID_LEN + MAX_SIZE_LEN;

/// Shorthand for a WebM [`ContainerError::Malformed`].
pub fn malformed(what: impl Into<String>) -> ContainerError {
    ContainerError::malformed(FORMAT, what)
}

/// An element header: id, where its payload starts, and its size (`None` when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The element id, marker bits included.
    pub id: u32,
    /// Bytes taken by the id and the size field.
    pub len: usize,
    /// Payload size; `None` for the "unknown size" marker of live streams.
    pub size: Option<u64>,
}

/// Length of a vint from its first byte, or `None` when the first byte is zero (more than 8 bytes).
fn vint_len(first: u8) -> Option<usize> {
    (first != 0).then(|| first.leading_zeros() as usize + 1)
}

/// Reads an unsigned vint (marker removed) at the start of `bytes`: value, length, and whether all value bits are set.
pub fn read_vint(bytes: &[u8]) -> Result<(u64, usize, bool), ContainerError> {
    let first = *bytes.first().ok_or_else(|| malformed("a variable-length integer is cut off"))?;
    let len = vint_len(first).ok_or_else(|| malformed("a variable-length integer is longer than 8 bytes"))?;
    let rest = bytes.get(1..len).ok_or_else(|| malformed("a variable-length integer is cut off"))?;
    let mask = 0xFFu8.checked_shr(len as u32).unwrap_or(0);
    let mut value = u64::from(first & mask);
    let mut all_ones = first & mask == mask;
    for &b in rest {
        value = (value << 8) | u64::from(b);
        all_ones &= b == 0xFF;
    }
    Ok((value, len, all_ones))
}

/// Reads a signed vint (as used by EBML lacing deltas) at the start of `bytes`.
pub fn read_signed_vint(bytes: &[u8]) -> Result<(i64, usize), ContainerError> {
    let (value, len, _) = read_vint(bytes)?;
    let bias = (1i64 << (7 * len - 1)) - 1;
    Ok((value as i64 - bias, len))
}

/// Parses the element header at the start of `bytes`, found at file `offset`.
///
/// `bytes` may be shorter than [`MAX_HEADER_LEN`] near the end of the file; a header that
/// does not fit is reported as truncated.
pub fn parse_header(bytes: &[u8], offset: u64, file_len: u64) -> Result<Header, ContainerError> {
    let truncated = || ContainerError::Truncated { what: "element header".into(), offset, len: file_len };
    let first = *bytes.first().ok_or_else(truncated)?;
    let id_len = vint_len(first).filter(|&l| l <= MAX_ID_LEN).ok_or_else(|| {
        malformed(format!("the element id at byte {offset} is longer than {MAX_ID_LEN} bytes (not Matroska data)"))
    })?;
    let id_bytes = bytes.get(..id_len).ok_or_else(truncated)?;
    let id = id_bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    let size_bytes = bytes.get(id_len..).filter(|s| !s.is_empty()).ok_or_else(truncated)?;
    if vint_len(size_bytes[0]).is_some_and(|l| l > size_bytes.len()) {
        return Err(truncated());
    }
    let (size, size_len, unknown) = read_vint(size_bytes)
        .map_err(|_| malformed(format!("the element size at byte {offset} is longer than {MAX_SIZE_LEN} bytes")))?;
    Ok(Header { id, len: id_len + size_len, size: (!unknown).then_some(size) })
}

/// Iterates over the children of a master element held in memory.
pub struct Children<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Children<'a> {
    /// Iterates over the elements packed in `bytes` (the payload of a master).
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    fn step(&mut self) -> Result<(u32, &'a [u8]), ContainerError> {
        let rest = &self.bytes[self.pos..];
        let header = parse_header(rest, self.pos as u64, self.bytes.len() as u64)
            .map_err(|_| malformed("a child element header runs past the end of its parent"))?;
        let size = header.size.ok_or_else(|| malformed(format!("element 0x{:X} has an unknown size where that is not allowed", header.id)))?;
        let data = usize::try_from(size)
            .ok()
            .and_then(|s| rest.get(header.len..header.len.checked_add(s)?))
            .ok_or_else(|| malformed(format!("element 0x{:X} runs past the end of its parent", header.id)))?;
        self.pos += header.len + data.len();
        Ok((header.id, data))
    }
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<(u32, &'a [u8]), ContainerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let item = self.step();
        if item.is_err() {
            self.pos = self.bytes.len();
        }
        Some(item)
    }
}

/// Decodes an unsigned integer element (0 to 8 bytes, big-endian).
pub fn uint(data: &[u8]) -> Result<u64, ContainerError> {
    if data.len() > 8 {
        return Err(malformed(format!("an unsigned integer element is {} bytes long (at most 8)", data.len())));
    }
    Ok(data.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Decodes a signed integer element (0 to 8 bytes, big-endian two's complement).
pub fn int(data: &[u8]) -> Result<i64, ContainerError> {
    let value = uint(data)?;
    let bits = data.len() as u32 * 8;
    Ok(if bits == 0 || bits == 64 { value as i64 } else { ((value << (64 - bits)) as i64) >> (64 - bits) })
}

/// Decodes a float element (0, 4 or 8 bytes).
pub fn float(data: &[u8]) -> Result<f64, ContainerError> {
    match data.len() {
        0 => Ok(0.0),
        4 => Ok(f64::from(f32::from_be_bytes([data[0], data[1], data[2], data[3]]))),
        8 => Ok(f64::from_be_bytes([data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7]])),
        n => Err(malformed(format!("a float element is {n} bytes long (must be 4 or 8)"))),
    }
}

/// Decodes a string element, dropping trailing NUL padding.
pub fn string(data: &[u8]) -> String {
    let end = data.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
    String::from_utf8_lossy(&data[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vints_and_unknown_sizes() {
        assert_eq!(read_vint(&[0x81]).unwrap(), (1, 1, false));
        assert_eq!(read_vint(&[0x40, 0x02]).unwrap(), (2, 2, false));
        assert_eq!(read_vint(&[0xFF]).unwrap(), (127, 1, true));
        assert!(read_vint(&[0x00, 1, 2]).is_err());
        assert!(read_vint(&[0x20, 1]).is_err());
        let h = parse_header(&[0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], 0, 100).unwrap();
        assert_eq!(h, Header { id: 0x1853_8067, len: 12, size: None });
        let h = parse_header(&[0xA3, 0x01, 0, 0, 0, 0, 0, 1, 0], 0, 100).unwrap();
        assert_eq!(h.size, Some(256));
        assert_eq!(h.len, 9);
    }

    #[test]
    fn rejects_long_ids_and_cut_headers() {
        assert!(matches!(parse_header(&[0x08, 1, 2, 3, 4, 0x81], 0, 6), Err(ContainerError::Malformed { .. })));
        assert!(matches!(parse_header(&[0x1A, 0x45], 0, 2), Err(ContainerError::Truncated { .. })));
        assert!(matches!(parse_header(&[0xA3, 0x40], 0, 2), Err(ContainerError::Truncated { .. })));
        assert!(matches!(parse_header(&[0xA3, 0x00, 1, 2, 3, 4, 5, 6, 7, 8], 0, 10), Err(ContainerError::Malformed { .. })));
    }

    #[test]
    fn decodes_signed_values() {
        assert_eq!(read_signed_vint(&[0xBF]).unwrap(), (0, 1));
        assert_eq!(read_signed_vint(&[0x80]).unwrap(), (-63, 1));
        assert_eq!(int(&[0xFF, 0xFE]).unwrap(), -2);
        assert_eq!(int(&[0x7F]).unwrap(), 127);
        assert_eq!(float(&[0x40, 0xA7, 0x80, 0, 0, 0, 0, 0]).unwrap(), 3008.0);
        assert!(uint(&[0; 9]).is_err());
        assert_eq!(string(b"webm\0\0"), "webm");
    }

    #[test]
    fn children_stop_on_overrun() {
        let items: Vec<_> = Children::new(&[0x86, 0x82, b'V', b'_', 0xD7, 0x85, 1]).collect();
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert!(items[1].is_err());
    }
}
