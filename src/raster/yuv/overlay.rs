//! [`YuvOverlay`]: a premultiplied RGBA bitmap as premultiplied Y'CbCr + alpha planes at its
//! place on the frame, blended into 4:2:0 frames.

use super::frame::{ChromaLayout, YuvFrame};
use super::space::YuvSpace;
use crate::raster::Bitmap;

/// Fixed-point scale of the stored planes (8 fractional bits).
const ONE: f32 = 256.0;
/// The largest stored value: 255 in 8.8 fixed point.
const MAX: u16 = 255 * 256;

/// Premultiplied luma, alpha and 4:2:0 chroma planes, row by row.
#[derive(Clone, Default)]
struct Planes<T> {
    y: Vec<T>,
    a: Vec<T>,
    cb: Vec<T>,
    cr: Vec<T>,
    /// Alpha averaged over each chroma sample's 2 × 2 luma block.
    ca: Vec<T>,
}

/// An overlay ready to blend into frames of one [`YuvSpace`]: its luma rectangle starts at
/// `(x, y)` on the frame, and its chroma samples sit on the frame's 2 × 2 grid (so a
/// picture at an odd position is exact too).
#[derive(Clone)]
pub struct YuvOverlay {
    /// Top-left luma sample on the frame (may be outside: blending clips).
    x: i64,
    y: i64,
    width: usize,
    height: usize,
    /// Top-left chroma sample on the frame's chroma planes.
    cx: i64,
    cy: i64,
    cwidth: usize,
    cheight: usize,
    /// The planes at full opacity, 8.8 fixed point.
    base: Planes<u16>,
    /// The planes at `opacity`, rounded to codes.
    scaled: Planes<u8>,
    opacity: Option<u8>,
}

impl YuvOverlay {
    /// Converts `bitmap` (premultiplied RGBA8) for frames in `space`, its top-left pixel at
    /// luma sample `(x, y)` of the frame.
    pub fn new(bitmap: &Bitmap, x: i64, y: i64, space: YuvSpace) -> YuvOverlay {
        let (width, height) = (bitmap.width() as usize, bitmap.height() as usize);
        let rows = space.rows();
        let off = space.offsets();
        // Premultiplied Y'CbCr of premultiplied RGB: the matrix, plus the offsets scaled by alpha.
        let convert = |row: usize, p: [f32; 4]| {
            let v = off[row] * p[3] / 255.0 + rows[row][0] * p[0] + rows[row][1] * p[1] + rows[row][2] * p[2];
            fixed(v)
        };
        let px = |bx: i64, by: i64| -> [f32; 4] {
            let inside = (0..width as i64).contains(&bx) && (0..height as i64).contains(&by);
            let p = if inside { bitmap.pixel(bx as u32, by as u32).unwrap_or([0; 4]) } else { [0; 4] };
            p.map(f32::from)
        };
        let mut base = Planes::<u16>::default();
        for p in bitmap.pixels().chunks_exact(4) {
            let p = [p[0], p[1], p[2], p[3]].map(f32::from);
            base.y.push(convert(0, p));
            base.a.push(fixed(p[3]));
        }
        let (cx, cy) = (x.div_euclid(2), y.div_euclid(2));
        let (lead_x, lead_y) = (x - 2 * cx, y - 2 * cy);
        let cwidth = (lead_x as usize + width).div_ceil(2);
        let cheight = (lead_y as usize + height).div_ceil(2);
        for j in 0..cheight as i64 {
            for i in 0..cwidth as i64 {
                let (bx, by) = (2 * i - lead_x, 2 * j - lead_y);
                let quad = [px(bx, by), px(bx + 1, by), px(bx, by + 1), px(bx + 1, by + 1)];
                let mean: [f32; 4] = std::array::from_fn(|c| quad.iter().map(|q| q[c]).sum::<f32>() / 4.0);
                base.cb.push(convert(1, mean));
                base.cr.push(convert(2, mean));
                base.ca.push(fixed(mean[3]));
            }
        }
        YuvOverlay { x, y, width, height, cx, cy, cwidth, cheight, base, scaled: Planes::default(), opacity: None }
    }

    /// Blends the overlay at `opacity` (0–1) over `frame`, touching only its rectangle.
    pub fn blend(&mut self, frame: &mut YuvFrame<'_>, opacity: f64) {
        let op = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
        if op == 0 || self.width == 0 || self.height == 0 {
            return;
        }
        if self.opacity != Some(op) {
            self.scale(op);
        }
        let (fw, fh) = frame.size();
        let s = &self.scaled;
        if let Some((cols, rows)) = clip(self.x, self.y, self.width, self.height, fw, fh) {
            for row in rows.clone() {
                let from = row * self.width;
                let src = from + cols.start..from + cols.end;
                let dst_x = (self.x + cols.start as i64) as usize;
                let dst = frame.luma_row(dst_x, (self.y + row as i64) as usize, cols.len());
                blend_row(dst, &s.y[src.clone()], &s.a[src]);
            }
        }
        let (cw, ch) = frame.chroma_size();
        let Some((cols, rows)) = clip(self.cx, self.cy, self.cwidth, self.cheight, cw, ch) else { return };
        let layout = frame.layout();
        for row in rows {
            let from = row * self.cwidth;
            let src = from + cols.start..from + cols.end;
            let (x, y) = ((self.cx + cols.start as i64) as usize, (self.cy + row as i64) as usize);
            let (first, second) = frame.chroma_rows(x, y, cols.len());
            let (cb, cr, ca) = (&s.cb[src.clone()], &s.cr[src.clone()], &s.ca[src]);
            match layout {
                ChromaLayout::Planar => {
                    blend_row(first, cb, ca);
                    blend_row(second, cr, ca);
                }
                ChromaLayout::Interleaved => blend_pairs(first, cb, cr, ca),
            }
        }
    }

    /// Rounds the base planes at opacity `op` (of 255) to codes.
    fn scale(&mut self, op: u8) {
        let at = |v: &[u16]| -> Vec<u8> {
            let op = u32::from(op);
            v.iter().map(|&v| ((u32::from(v) * op + 32_640) / 65_280) as u8).collect()
        };
        let b = &self.base;
        self.scaled = Planes { y: at(&b.y), a: at(&b.a), cb: at(&b.cb), cr: at(&b.cr), ca: at(&b.ca) };
        self.opacity = Some(op);
    }
}

/// `v` codes in 8.8 fixed point, clamped to 0–255.
fn fixed(v: f32) -> u16 {
    (v * ONE).round().clamp(0.0, f32::from(MAX)) as u16
}

/// The columns and rows of a `width × height` rectangle at `(x, y)` inside a `fw × fh` plane,
/// relative to the rectangle; `None` when none are.
fn clip(x: i64, y: i64, width: usize, height: usize, fw: usize, fh: usize) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let span = |at: i64, len: usize, limit: usize| {
        let start = (-at).max(0) as usize;
        let end = (limit as i64 - at).clamp(0, len as i64) as usize;
        (start < end).then_some(start..end)
    };
    Some((span(x, width, fw)?, span(y, height, fh)?))
}

/// `dst = src + dst × (255 − alpha) / 255`, rounded: source-over with premultiplied `src`.
fn blend_row(dst: &mut [u8], src: &[u8], alpha: &[u8]) {
    for ((d, &s), &a) in dst.iter_mut().zip(src).zip(alpha) {
        *d = over(*d, s, a);
    }
}

/// [`blend_row`] for interleaved Cb, Cr pairs.
fn blend_pairs(dst: &mut [u8], cb: &[u8], cr: &[u8], alpha: &[u8]) {
    for (((d, &b), &r), &a) in dst.chunks_exact_mut(2).zip(cb).zip(cr).zip(alpha) {
        d[0] = over(d[0], b, a);
        d[1] = over(d[1], r, a);
    }
}

/// One sample: premultiplied `src` with `alpha` over `dst`.
#[inline(always)]
fn over(dst: u8, src: u8, alpha: u8) -> u8 {
    let x = u16::from(dst) * u16::from(255 - alpha) + 128;
    let kept = (x + (x >> 8)) >> 8;
    (u16::from(src) + kept).min(255) as u8
}
