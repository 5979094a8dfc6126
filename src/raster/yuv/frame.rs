//! [`YuvFrame`]: the planes of a 4:2:0 frame, tightly packed in one buffer.

/// How the two chroma planes of a 4:2:0 frame are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChromaLayout {
    /// I420: a Cb plane, then a Cr plane.
    Planar,
    /// NV12: one plane of interleaved Cb, Cr pairs.
    Interleaved,
}

/// A `width × height` 4:2:0 frame in one buffer, planes tightly packed in order (Y, then Cb
/// and Cr or the interleaved CbCr plane), as [`YuvFrame::planes`] describes them.
pub struct YuvFrame<'a> {
    data: &'a mut [u8],
    width: usize,
    height: usize,
    layout: ChromaLayout,
}

impl<'a> YuvFrame<'a> {
    /// Wraps `data`; `None` when a side is 0 or `data` is not [`YuvFrame::byte_len`] long.
    pub fn new(data: &'a mut [u8], width: u32, height: u32, layout: ChromaLayout) -> Option<Self> {
        let ok = width > 0 && height > 0 && Self::byte_len(width, height) == Some(data.len());
        ok.then_some(YuvFrame { data, width: width as usize, height: height as usize, layout })
    }

    /// Bytes of a tightly packed `width × height` 4:2:0 frame (either layout).
    pub fn byte_len(width: u32, height: u32) -> Option<usize> {
        let (cw, ch) = (width.div_ceil(2) as usize, height.div_ceil(2) as usize);
        (width as usize).checked_mul(height as usize)?.checked_add(cw.checked_mul(ch)?.checked_mul(2)?)
    }

    /// `(offset, stride)` of each plane: Y, Cb, Cr for [`ChromaLayout::Planar`]; Y, CbCr for
    /// [`ChromaLayout::Interleaved`].
    pub fn planes(width: u32, height: u32, layout: ChromaLayout) -> Vec<(usize, usize)> {
        let (w, h) = (width as usize, height as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        match layout {
            ChromaLayout::Planar => vec![(0, w), (w * h, cw), (w * h + cw * ch, cw)],
            ChromaLayout::Interleaved => vec![(0, w), (w * h, cw * 2)],
        }
    }

    /// Luma size.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Chroma size (half the luma size, rounded up).
    pub fn chroma_size(&self) -> (usize, usize) {
        (self.width.div_ceil(2), self.height.div_ceil(2))
    }

    /// The chroma layout.
    pub fn layout(&self) -> ChromaLayout {
        self.layout
    }

    /// The whole buffer.
    pub fn data(&self) -> &[u8] {
        self.data
    }

    /// `len` luma samples of row `y` from column `x` (inside the frame: callers clip).
    pub(crate) fn luma_row(&mut self, x: usize, y: usize, len: usize) -> &mut [u8] {
        let start = y * self.width + x;
        &mut self.data[start..start + len]
    }

    /// Chroma row `y` from chroma column `x`, `len` samples: `(cb, cr)` for a planar frame;
    /// the interleaved pairs (`2 × len` bytes) and an empty slice for NV12.
    pub(crate) fn chroma_rows(&mut self, x: usize, y: usize, len: usize) -> (&mut [u8], &mut [u8]) {
        let (cw, ch) = self.chroma_size();
        let luma = self.width * self.height;
        match self.layout {
            ChromaLayout::Planar => {
                let (cb, cr) = self.data[luma..].split_at_mut(cw * ch);
                let start = y * cw + x;
                (&mut cb[start..start + len], &mut cr[start..start + len])
            }
            ChromaLayout::Interleaved => {
                let start = luma + (y * cw + x) * 2;
                (&mut self.data[start..start + 2 * len], &mut [])
            }
        }
    }
}
