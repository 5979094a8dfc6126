//! Reading ISO-BMFF boxes: headers from a byte source, children of a box
//! already in memory, and a bounds-checked big-endian cursor over a body.

use crate::container::{ByteSource, ContainerError};

/// A box type such as `moov`.
pub(super) type FourCc = [u8; 4];

/// Shows a four-character code for messages, escaping bytes that are not printable.
pub(super) fn fourcc_str(kind: &FourCc) -> String {
    kind.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { char::from(b) } else { '?' }).collect()
}

/// Shorthand for a malformed-MP4 error.
pub(super) fn malformed(what: impl Into<String>) -> ContainerError {
    ContainerError::malformed("MP4", what)
}

/// Where a box sits and how big it says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BoxHeader {
    /// The box type.
    pub kind: FourCc,
    /// Offset of the first header byte.
    pub offset: u64,
    /// Header length: 8, 16 with a 64-bit size, plus 16 for `uuid`.
    pub header_len: u64,
    /// Total size, header included (a declared size 0 already resolved to "up to the end").
    pub size: u64,
}

impl BoxHeader {
    /// Offset of the first body byte.
    pub fn body_offset(&self) -> u64 {
        self.offset.saturating_add(self.header_len)
    }

    /// Body length in bytes.
    pub fn body_len(&self) -> u64 {
        self.size - self.header_len
    }

    /// Offset just past the box.
    pub fn end(&self) -> u64 {
        self.offset.saturating_add(self.size)
    }
}

/// Parses a box header from `head` (the bytes at `offset`), where `available` bytes remain in the parent.
///
/// Returns `None` when fewer than 8 bytes remain (padding at the end of a parent).
/// The declared size may still exceed `available`; callers decide whether that is fatal.
pub(super) fn parse_header(head: &[u8], offset: u64, available: u64) -> Result<Option<BoxHeader>, ContainerError> {
    if available < 8 || head.len() < 8 {
        return Ok(None);
    }
    let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let kind: FourCc = [head[4], head[5], head[6], head[7]];
    let (mut header_len, size) = match size32 {
        0 => (8, available),
        1 => {
            let large = head.get(8..16).ok_or_else(|| {
                malformed(format!("box '{}' at byte {offset} is cut inside its 64-bit size", fourcc_str(&kind)))
            })?;
            let mut b = [0u8; 8];
            b.copy_from_slice(large);
            (16, u64::from_be_bytes(b))
        }
        n => (8, u64::from(n)),
    };
    if &kind == b"uuid" {
        header_len += 16;
    }
    if size < header_len {
        return Err(malformed(format!(
            "box '{}' at byte {offset} declares {size} bytes, less than its own header",
            fourcc_str(&kind)
        )));
    }
    Ok(Some(BoxHeader { kind, offset, header_len, size }))
}

/// Reads the header of the box at `offset` in `source`, whose parent ends at `end`.
pub(super) fn read_header(
    source: &mut dyn ByteSource,
    offset: u64,
    end: u64,
) -> Result<Option<BoxHeader>, ContainerError> {
    let available = end.saturating_sub(offset);
    let n = available.min(32);
    if n < 8 {
        return Ok(None);
    }
    let head = source.read_vec(offset, n, "box header")?;
    parse_header(&head, offset, available)
}

/// One child box whose body is in memory.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mp4Box<'a> {
    /// The box type.
    pub kind: FourCc,
    /// The body (after the header).
    pub body: &'a [u8],
    /// Absolute file offset of the box, for messages.
    pub offset: u64,
    /// Absolute file offset of the body.
    pub body_offset: u64,
}

/// Iterates over the child boxes packed in `data`; a child lying about its size is an error.
pub(super) struct Children<'a> {
    data: &'a [u8],
    pos: usize,
    base: u64,
}

impl<'a> Children<'a> {
    /// Children of a body that starts at absolute file offset `base`.
    pub fn new(data: &'a [u8], base: u64) -> Self {
        Self { data, pos: 0, base }
    }

    /// Children of `parent`'s body.
    pub fn of(parent: &Mp4Box<'a>) -> Self {
        Self::new(parent.body, parent.body_offset)
    }
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Mp4Box<'a>, ContainerError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..)?;
        let offset = self.base + self.pos as u64;
        let header = match parse_header(rest, offset, rest.len() as u64) {
            Ok(Some(h)) => h,
            Ok(None) => {
                self.pos = self.data.len();
                return None;
            }
            Err(e) => {
                self.pos = self.data.len();
                return Some(Err(e));
            }
        };
        if header.size > rest.len() as u64 {
            self.pos = self.data.len();
            return Some(Err(malformed(format!(
                "box '{}' at byte {offset} declares {} bytes but its parent has only {} left",
                fourcc_str(&header.kind),
                header.size,
                rest.len()
            ))));
        }
        // Both fit in `rest`, so they fit in usize.
        let (start, end) = (header.header_len as usize, header.size as usize);
        self.pos += end;
        Some(Ok(Mp4Box { kind: header.kind, body: &rest[start..end], offset, body_offset: offset + header.header_len }))
    }
}

/// Finds the first child of type `kind` among the boxes packed in `data`.
pub(super) fn find_child<'a>(data: &'a [u8], base: u64, kind: &FourCc) -> Result<Option<Mp4Box<'a>>, ContainerError> {
    for child in Children::new(data, base) {
        let child = child?;
        if &child.kind == kind {
            return Ok(Some(child));
        }
    }
    Ok(None)
}

/// Like [`find_child`], but a missing child is an error naming the parent.
pub(super) fn require_child<'a>(
    data: &'a [u8],
    base: u64,
    kind: &FourCc,
    parent: &str,
) -> Result<Mp4Box<'a>, ContainerError> {
    find_child(data, base, kind)?.ok_or_else(|| malformed(format!("'{parent}' has no '{}' box", fourcc_str(kind))))
}

/// Finds the first child of `parent`'s body (children start right at the body).
pub(super) fn child<'a>(parent: &Mp4Box<'a>, kind: &FourCc) -> Result<Option<Mp4Box<'a>>, ContainerError> {
    find_child(parent.body, parent.body_offset, kind)
}

/// Like [`child`], but a missing child is an error.
pub(super) fn required<'a>(parent: &Mp4Box<'a>, kind: &FourCc) -> Result<Mp4Box<'a>, ContainerError> {
    require_child(parent.body, parent.body_offset, kind, &fourcc_str(&parent.kind))
}

/// A bounds-checked big-endian reader over a box body.
pub(super) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Cursor<'a> {
    /// Reads `data`, naming it `what` (the box type) in errors.
    pub fn new(data: &'a [u8], what: &'static str) -> Self {
        Self { data, pos: 0, what }
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ContainerError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| malformed(format!("'{}' box is shorter than its fields", self.what)))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ContainerError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) -> Result<(), ContainerError> {
        self.take(n).map(|_| ())
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, ContainerError> {
        Ok(self.array::<1>()?[0])
    }

    /// Reads a big-endian u16.
    pub fn u16(&mut self) -> Result<u16, ContainerError> {
        self.array().map(u16::from_be_bytes)
    }

    /// Reads a big-endian i16.
    pub fn i16(&mut self) -> Result<i16, ContainerError> {
        self.array().map(i16::from_be_bytes)
    }

    /// Reads a big-endian u32.
    pub fn u32(&mut self) -> Result<u32, ContainerError> {
        self.array().map(u32::from_be_bytes)
    }

    /// Reads a big-endian i32.
    pub fn i32(&mut self) -> Result<i32, ContainerError> {
        self.array().map(i32::from_be_bytes)
    }

    /// Reads a big-endian u64.
    pub fn u64(&mut self) -> Result<u64, ContainerError> {
        self.array().map(u64::from_be_bytes)
    }

    /// Reads a big-endian i64.
    pub fn i64(&mut self) -> Result<i64, ContainerError> {
        self.array().map(i64::from_be_bytes)
    }

    /// Reads a u32 for version 0 boxes and a u64 for version 1.
    pub fn u32_or_u64(&mut self, version: u8) -> Result<u64, ContainerError> {
        if version == 1 { self.u64() } else { self.u32().map(u64::from) }
    }

    /// Reads the version byte and 24-bit flags of a full box.
    pub fn full_header(&mut self) -> Result<(u8, u32), ContainerError> {
        let v = self.u32()?;
        Ok(((v >> 24) as u8, v & 0x00FF_FFFF))
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Everything not read yet.
    pub fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Errors unless at least `count` entries of `entry_len` bytes remain (guards allocations).
    pub fn check_entries(&self, count: u64, entry_len: u64) -> Result<(), ContainerError> {
        match count.checked_mul(entry_len) {
            Some(n) if n <= self.remaining() as u64 => Ok(()),
            _ => Err(malformed(format!(
                "'{}' box declares {count} entries but holds only {} bytes",
                self.what,
                self.remaining()
            ))),
        }
    }
}
