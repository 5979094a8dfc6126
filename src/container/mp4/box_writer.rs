//! Writing ISO-BMFF boxes into memory: nested boxes whose sizes are patched when closed.

use super::box_reader::FourCc;

/// Builds boxes in a byte vector; `start` opens a box, `end` closes the innermost one.
#[derive(Default)]
pub(super) struct BoxWriter {
    buf: Vec<u8>,
    open: Vec<usize>,
}

impl BoxWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a box of type `kind` (32-bit size, patched by [`BoxWriter::end`]).
    pub fn start(&mut self, kind: &FourCc) -> &mut Self {
        self.open.push(self.buf.len());
        self.buf.extend_from_slice(&[0, 0, 0, 0]);
        self.buf.extend_from_slice(kind);
        self
    }

    /// Opens a full box with `version` and 24-bit `flags`.
    pub fn start_full(&mut self, kind: &FourCc, version: u8, flags: u32) -> &mut Self {
        self.start(kind);
        self.u32((u32::from(version) << 24) | (flags & 0x00FF_FFFF))
    }

    /// Closes the innermost open box, writing its size.
    ///
    /// Boxes built in memory stay far below 4 GiB: the muxer's sample limit bounds the index.
    pub fn end(&mut self) -> &mut Self {
        if let Some(start) = self.open.pop() {
            let size = u32::try_from(self.buf.len() - start).unwrap_or(u32::MAX);
            self.buf[start..start + 4].copy_from_slice(&size.to_be_bytes());
        }
        self
    }

    /// Appends a whole box with `body`.
    pub fn leaf(&mut self, kind: &FourCc, body: &[u8]) -> &mut Self {
        self.start(kind).bytes(body).end()
    }

    /// Appends a big-endian u16.
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends a big-endian i16.
    pub fn i16(&mut self, v: i16) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends a big-endian u32.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends a big-endian i32.
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends a big-endian u64.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends a big-endian i64.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends raw bytes.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(v);
        self
    }

    /// Appends `n` zero bytes.
    pub fn zeros(&mut self, n: usize) -> &mut Self {
        self.buf.resize(self.buf.len() + n, 0);
        self
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Overwrites 4 bytes at `pos` (a field reserved earlier) with `v`.
    pub fn patch_u32(&mut self, pos: usize, v: u32) {
        if let Some(slot) = self.buf.get_mut(pos..pos + 4) {
            slot.copy_from_slice(&v.to_be_bytes());
        }
    }

    /// The finished bytes (any box left open keeps a zero size).
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sizes_are_patched() {
        let mut w = BoxWriter::new();
        w.start(b"moov").start_full(b"mvhd", 1, 3).bytes(&[7]).end().end();
        let b = w.into_bytes();
        assert_eq!(&b[0..8], b"\0\0\0\x15moov");
        assert_eq!(&b[8..16], b"\0\0\0\x0dmvhd");
        assert_eq!(&b[16..21], &[1, 0, 0, 3, 7]);
    }
}
