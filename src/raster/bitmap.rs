//! [`Bitmap`]: premultiplied RGBA8 pixels, the one picture type of the raster module.

use tiny_skia::{FilterQuality, Pixmap, PixmapPaint, PixmapRef, Transform};

/// An image in memory: `width × height` pixels, row by row, 4 bytes each (R, G, B, A), with
/// **premultiplied** alpha (each colour channel is already multiplied by alpha / 255).
#[derive(Clone, PartialEq, Eq)]
pub struct Bitmap {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

/// A 0 × 0 bitmap, for pictures known to have no pixels.
pub(crate) static EMPTY: Bitmap = Bitmap { width: 0, height: 0, pixels: Vec::new() };

impl std::fmt::Debug for Bitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bitmap({}×{})", self.width, self.height)
    }
}

impl Bitmap {
    /// A fully transparent `width × height` bitmap; `None` when a side is 0 or it would not fit in memory.
    pub fn new(width: u32, height: u32) -> Option<Bitmap> {
        Pixmap::new(width, height).map(Bitmap::from_pixmap)
    }

    /// Wraps premultiplied RGBA8 `pixels`; `None` when their length is not `width × height × 4`
    /// or a colour channel exceeds alpha.
    pub fn from_premultiplied(width: u32, height: u32, pixels: Vec<u8>) -> Option<Bitmap> {
        let valid = pixels.chunks_exact(4).all(|p| p[0] <= p[3] && p[1] <= p[3] && p[2] <= p[3]);
        (valid && byte_len(width, height) == Some(pixels.len()) && width > 0 && height > 0).then_some(Bitmap {
            width,
            height,
            pixels,
        })
    }

    /// Converts straight (not premultiplied) RGBA8 `pixels`, as PNG and `ImageData` hold them.
    pub fn from_straight_rgba(width: u32, height: u32, mut pixels: Vec<u8>) -> Option<Bitmap> {
        for p in pixels.chunks_exact_mut(4) {
            let a = u16::from(p[3]);
            for c in &mut p[..3] {
                *c = mul_div_255(u16::from(*c), a);
            }
        }
        Bitmap::from_premultiplied(width, height, pixels)
    }

    /// Converts opaque RGB8 `pixels` (3 bytes a pixel).
    pub fn from_rgb(width: u32, height: u32, pixels: &[u8]) -> Option<Bitmap> {
        let rgba = pixels.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
        Bitmap::from_premultiplied(width, height, rgba)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The premultiplied RGBA8 bytes, row by row.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Takes the premultiplied RGBA8 bytes.
    pub fn into_pixels(self) -> Vec<u8> {
        self.pixels
    }

    /// The premultiplied `[r, g, b, a]` at `(x, y)`, or `None` outside the bitmap.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        self.pixels.get(i..i + 4).and_then(|p| p.try_into().ok())
    }

    /// Straight (un-premultiplied) RGBA8 bytes, as PNG files and canvas `ImageData` want them.
    pub fn to_straight_rgba(&self) -> Vec<u8> {
        let mut out = self.pixels.clone();
        for p in out.chunks_exact_mut(4) {
            let a = u16::from(p[3]);
            if a != 0 && a != 255 {
                for c in &mut p[..3] {
                    *c = ((u16::from(*c) * 255 + a / 2) / a).min(255) as u8;
                }
            }
        }
        out
    }

    /// RGB8 bytes of the bitmap drawn over an opaque `background` colour (for JPEG).
    pub fn to_rgb_over(&self, background: [u8; 3]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() / 4 * 3);
        for p in self.pixels.chunks_exact(4) {
            let rest = 255 - u16::from(p[3]);
            out.extend((0..3).map(|i| p[i].saturating_add(mul_div_255(u16::from(background[i]), rest))));
        }
        out
    }

    /// True when every pixel is fully transparent.
    pub fn is_transparent(&self) -> bool {
        self.pixels.chunks_exact(4).all(|p| p[3] == 0)
    }

    /// The smallest rectangle `(x, y, width, height)` holding every pixel that is not fully
    /// transparent, or `None` when all are.
    pub fn opaque_bounds(&self) -> Option<(u32, u32, u32, u32)> {
        let (w, h) = (self.width as usize, self.height as usize);
        let alpha = |x: usize, y: usize| self.pixels.get((y * w + x) * 4 + 3).copied().unwrap_or(0);
        let row_used = |y: usize| (0..w).any(|x| alpha(x, y) != 0);
        let top = (0..h).find(|&y| row_used(y))?;
        let bottom = (0..h).rev().find(|&y| row_used(y))?;
        let col_used = |x: usize| (top..=bottom).any(|y| alpha(x, y) != 0);
        let left = (0..w).find(|&x| col_used(x))?;
        let right = (0..w).rev().find(|&x| col_used(x))?;
        Some((left as u32, top as u32, (right - left + 1) as u32, (bottom - top + 1) as u32))
    }

    /// The part `(x, y, width, height)` of the bitmap, or `None` when it is empty or reaches outside.
    pub fn crop(&self, x: u32, y: u32, width: u32, height: u32) -> Option<Bitmap> {
        let rect = tiny_skia::IntRect::from_xywh(i32::try_from(x).ok()?, i32::try_from(y).ok()?, width, height)?;
        if x.checked_add(width)? > self.width || y.checked_add(height)? > self.height {
            return None;
        }
        self.as_pixmap()?.clone_rect(rect).map(Bitmap::from_pixmap)
    }

    /// A copy scaled to `width × height` with bicubic filtering (for thumbnails); `None` when a side is 0.
    pub fn resize(&self, width: u32, height: u32) -> Option<Bitmap> {
        let mut out = Pixmap::new(width, height)?;
        let (sx, sy) = (width as f32 / self.width as f32, height as f32 / self.height as f32);
        let quality = if sx < 1.0 || sy < 1.0 { FilterQuality::Bicubic } else { FilterQuality::Bilinear };
        let paint = PixmapPaint { quality, ..PixmapPaint::default() };
        out.draw_pixmap(0, 0, self.as_pixmap()?, &paint, Transform::from_scale(sx, sy), None);
        Some(Bitmap::from_pixmap(out))
    }

    /// Draws `other` over this bitmap with its top-left corner at `(x, y)` (source-over).
    pub fn draw(&mut self, other: &Bitmap, x: i32, y: i32) {
        let (w, h) = (self.width, self.height);
        if let (Some(src), Some(mut dst)) =
            (other.as_pixmap(), tiny_skia::PixmapMut::from_bytes(&mut self.pixels, w, h))
        {
            dst.draw_pixmap(x, y, src, &PixmapPaint::default(), Transform::identity(), None);
        }
    }

    /// A tiny-skia view of the pixels (same layout: premultiplied RGBA8).
    pub(crate) fn as_pixmap(&self) -> Option<PixmapRef<'_>> {
        PixmapRef::from_bytes(&self.pixels, self.width, self.height)
    }

    /// Takes a tiny-skia pixmap's pixels.
    pub(crate) fn from_pixmap(pixmap: Pixmap) -> Bitmap {
        let (width, height) = (pixmap.width(), pixmap.height());
        Bitmap { width, height, pixels: pixmap.take() }
    }
}

/// `width × height × 4`, when it fits in memory.
fn byte_len(width: u32, height: u32) -> Option<usize> {
    (width as usize).checked_mul(height as usize)?.checked_mul(4)
}

/// `a × b / 255`, rounded, for 8-bit channels.
pub(crate) fn mul_div_255(a: u16, b: u16) -> u8 {
    let x = a * b + 128;
    ((x + (x >> 8)) >> 8) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_and_premultiplied_round_trip() {
        let straight = vec![255, 128, 0, 128, 10, 20, 30, 255, 99, 99, 99, 0];
        let bitmap = Bitmap::from_straight_rgba(3, 1, straight.clone()).unwrap();
        assert_eq!(bitmap.pixel(0, 0), Some([128, 64, 0, 128]));
        assert_eq!(bitmap.pixel(2, 0), Some([0, 0, 0, 0]));
        let back = bitmap.to_straight_rgba();
        assert_eq!(&back[4..8], &straight[4..8]);
        assert!(back[..4].iter().zip(&straight[..4]).all(|(a, b)| a.abs_diff(*b) <= 1));
        assert_eq!(bitmap.to_rgb_over([255, 255, 255]), vec![255, 191, 127, 10, 20, 30, 255, 255, 255]);
    }

    #[test]
    fn rejects_bad_buffers_and_finds_bounds() {
        assert!(Bitmap::from_premultiplied(2, 1, vec![0; 4]).is_none());
        assert!(
            Bitmap::from_premultiplied(1, 1, vec![9, 0, 0, 8]).is_none(),
            "colour above alpha is not premultiplied"
        );
        let mut b = Bitmap::new(5, 4).unwrap();
        assert_eq!(b.opaque_bounds(), None);
        b.draw(&Bitmap::from_rgb(2, 1, &[1, 2, 3, 4, 5, 6]).unwrap(), 1, 2);
        assert_eq!(b.opaque_bounds(), Some((1, 2, 2, 1)));
        assert_eq!(b.crop(1, 2, 2, 1).unwrap().pixel(1, 0), Some([4, 5, 6, 255]));
        assert!(b.crop(4, 0, 2, 1).is_none());
    }
}
