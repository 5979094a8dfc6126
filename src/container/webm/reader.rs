//! Buffered access to a [`ByteSource`]: element headers through a small read-ahead
//! window (so walking many small blocks costs few source reads), payloads on demand.

use super::ebml::{Header, MAX_HEADER_LEN, parse_header};
use crate::container::{ByteSource, ContainerError};

/// Bytes read ahead when a header or small value is needed outside the window.
const WINDOW: u64 = 16 * 1024;

/// The largest single payload read into memory (one frame, a Tracks or Cues element).
pub const MAX_READ: u64 = 64 * 1024 * 1024;

/// An element found in the source: its header and where its payload lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    /// The element id.
    pub id: u32,
    /// File offset of the first payload byte.
    pub data: u64,
    /// Payload size; `None` when unknown (live streams).
    pub size: Option<u64>,
}

impl Element {
    /// File offset just past the payload, saturating; `None` for unknown sizes.
    pub fn end(&self) -> Option<u64> {
        self.size.map(|s| self.data.saturating_add(s))
    }
}

/// Lends a borrowed source where an owned box is expected.
struct Borrowed<'a>(&'a mut dyn ByteSource);

impl ByteSource for Borrowed<'_> {
    fn len(&self) -> u64 {
        self.0.len()
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ContainerError> {
        self.0.read_at(offset, buf)
    }
}

/// A source with a read-ahead window.
pub struct Reader<'s> {
    source: Box<dyn ByteSource + 's>,
    len: u64,
    window: Vec<u8>,
    window_start: u64,
}

impl<'s> Reader<'s> {
    /// Wraps an owned source.
    pub fn new(source: Box<dyn ByteSource + 's>) -> Self {
        let len = source.len();
        Self { source, len, window: Vec::new(), window_start: 0 }
    }

    /// Wraps a borrowed source.
    pub fn borrowed(source: &'s mut dyn ByteSource) -> Self {
        Self::new(Box::new(Borrowed(source)))
    }

    /// Total length of the source.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Up to `want` bytes at `offset` (fewer near the end of the file), served from the window.
    pub fn peek(&mut self, offset: u64, want: usize) -> Result<&[u8], ContainerError> {
        let end = offset.saturating_add(want as u64).min(self.len);
        if offset >= end {
            return Ok(&[]);
        }
        let window_end = self.window_start + self.window.len() as u64;
        if offset < self.window_start || end > window_end {
            let n = WINDOW.max(want as u64).min(self.len - offset);
            self.window.resize(n as usize, 0);
            self.window_start = offset;
            if let Err(e) = self.source.read_at(offset, &mut self.window) {
                self.window.clear();
                return Err(e);
            }
        }
        let start = (offset - self.window_start) as usize;
        let stop = (end - self.window_start) as usize;
        Ok(self.window.get(start..stop).unwrap_or(&[]))
    }

    /// Reads the element header at `offset`.
    pub fn element(&mut self, offset: u64) -> Result<Element, ContainerError> {
        let len = self.len;
        let bytes = self.peek(offset, MAX_HEADER_LEN)?;
        let Header { id, len: header_len, size } = parse_header(bytes, offset, len)?;
        Ok(Element { id, data: offset + header_len as u64, size })
    }

    /// Reads `len` bytes at `offset` into memory, refusing sizes above [`MAX_READ`] or past the end.
    pub fn read(&mut self, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, ContainerError> {
        if len > MAX_READ {
            return Err(ContainerError::LimitExceeded { what: format!("size of {what}"), value: len, limit: MAX_READ });
        }
        if len <= WINDOW {
            crate::container::check_range(self.len, offset, len, what)?;
            return Ok(self.peek(offset, len as usize)?.to_vec());
        }
        self.source.read_vec(offset, len, what)
    }

    /// Reads the payload of a known-size element.
    pub fn payload(&mut self, element: &Element, what: &str) -> Result<Vec<u8>, ContainerError> {
        let size = element.size.ok_or_else(|| super::ebml::malformed(format!("{what} has an unknown size")))?;
        self.read(element.data, size, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::SliceSource;

    #[test]
    fn peeks_and_reads_near_the_end() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(40_000).collect();
        let mut src = SliceSource::new(&bytes);
        let mut r = Reader::borrowed(&mut src);
        assert_eq!(r.peek(39_998, 12).unwrap(), &bytes[39_998..]);
        assert_eq!(r.peek(10, 3).unwrap(), &bytes[10..13]);
        assert_eq!(r.peek(40_000, 4).unwrap(), &[] as &[u8]);
        assert_eq!(r.read(20_000, 20_000, "x").unwrap(), &bytes[20_000..]);
        assert!(r.read(20_000, 20_001, "x").is_err());
        assert!(r.read(0, MAX_READ + 1, "x").is_err());
    }
}
