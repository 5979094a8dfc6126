//! The YUV path against blending in R'G'B' and converting (the canvas path's maths).

use super::*;
use crate::plan::{Affine, Placement, Rect, Rotation};
use crate::raster::Bitmap;

const SPACES: [YuvSpace; 4] = [
    YuvSpace { matrix: YuvMatrix::Bt709, full_range: false },
    YuvSpace { matrix: YuvMatrix::Bt709, full_range: true },
    YuvSpace { matrix: YuvMatrix::Bt601, full_range: false },
    YuvSpace { matrix: YuvMatrix::Bt601, full_range: true },
];

/// A small deterministic generator (xorshift).
struct Rng(u32);

impl Rng {
    fn byte(&mut self) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 24) as u8
    }
}

/// A `w × h` premultiplied bitmap of random colours, with fully transparent and fully opaque
/// pixels among the partly transparent ones.
fn random_bitmap(rng: &mut Rng, w: u32, h: u32) -> Bitmap {
    let mut px = Vec::new();
    for i in 0..w * h {
        let a = match i % 5 {
            0 => 0,
            1 => 255,
            _ => rng.byte(),
        };
        let c = [rng.byte(), rng.byte(), rng.byte()].map(|c| (u16::from(c) * u16::from(a) / 255) as u8);
        px.extend([c[0], c[1], c[2], a]);
    }
    Bitmap::from_premultiplied(w, h, px).unwrap()
}

/// A `w × h` background: R'G'B' colours constant over each 2 × 2 block, as Y'CbCr codes
/// (planar), and the exact Y'CbCr values of those codes.
fn background(rng: &mut Rng, w: usize, h: usize, space: YuvSpace) -> Vec<u8> {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let blocks: Vec<[f32; 3]> = (0..cw * ch).map(|_| space.from_rgb([rng.byte(), rng.byte(), rng.byte()].map(f32::from))).collect();
    let code = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    let mut data: Vec<u8> = (0..w * h).map(|i| code(blocks[(i / w / 2) * cw + (i % w) / 2][0])).collect();
    data.extend(blocks.iter().map(|b| code(b[1])));
    data.extend(blocks.iter().map(|b| code(b[2])));
    data
}

/// Blends in R'G'B' (f32, as the canvas does) and converts: the expected planar frame.
fn reference(before: &[u8], (w, h): (usize, usize), bitmap: &Bitmap, (x, y): (i64, i64), opacity: f32, space: YuvSpace) -> Vec<f32> {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let dst = |fx: usize, fy: usize| -> [f32; 3] {
        let c = (fy / 2) * cw + fx / 2;
        [before[fy * w + fx], before[w * h + c], before[w * h + cw * ch + c]].map(f32::from)
    };
    let src = |fx: i64, fy: i64| -> [f32; 4] {
        let (bx, by) = (fx - x, fy - y);
        let inside = bx >= 0 && by >= 0 && bx < i64::from(bitmap.width()) && by < i64::from(bitmap.height());
        if inside { bitmap.pixel(bx as u32, by as u32).unwrap().map(|v| f32::from(v) * opacity) } else { [0.0; 4] }
    };
    // The blended Y'CbCr of the luma sample at (fx, fy), possibly outside the frame.
    let blended = |fx: usize, fy: usize| -> [f32; 3] {
        let d = space.to_rgb(dst(fx.min(w - 1), fy.min(h - 1)));
        let s = src(fx as i64, fy as i64);
        let rgb = [0, 1, 2].map(|i| s[i] + d[i] * (1.0 - s[3] / 255.0));
        space.from_rgb(rgb)
    };
    let mut out: Vec<f32> = (0..w * h).map(|i| blended(i % w, i / w)[0]).collect();
    for plane in [1, 2] {
        for c in 0..cw * ch {
            let (bx, by) = (c % cw * 2, c / cw * 2);
            let quad = [(bx, by), (bx + 1, by), (bx, by + 1), (bx + 1, by + 1)];
            out.push(quad.iter().map(|&(qx, qy)| blended(qx, qy)[plane]).sum::<f32>() / 4.0);
        }
    }
    out
}

/// The planar form of an NV12 buffer.
fn deinterleave(data: &[u8], luma: usize) -> Vec<u8> {
    let mut out = data[..luma].to_vec();
    out.extend(data[luma..].iter().step_by(2));
    out.extend(data[luma + 1..].iter().step_by(2));
    out
}

/// A random bitmap of `bitmap` size at `at` over a random `frame`, at `opacity`.
struct Case {
    seed: u32,
    frame: (usize, usize),
    bitmap: (u32, u32),
    at: (i64, i64),
    opacity: f64,
}

/// Blends the case in both layouts, and checks every sample against [`reference`] within
/// `tolerance` codes.
fn check(case: Case, tolerance: f32) {
    let Case { seed, frame: (w, h), bitmap: bitmap_size, at: (x, y), opacity } = case;
    for space in SPACES {
        let mut rng = Rng(seed);
        let bitmap = random_bitmap(&mut rng, bitmap_size.0, bitmap_size.1);
        let before = background(&mut rng, w, h, space);
        let want = reference(&before, (w, h), &bitmap, (x, y), opacity as f32, space);
        let mut overlay = YuvOverlay::new(&bitmap, x, y, space);
        let mut planar = before.clone();
        overlay.blend(&mut YuvFrame::new(&mut planar, w as u32, h as u32, ChromaLayout::Planar).unwrap(), opacity);
        let mut nv12 = before[..w * h].to_vec();
        let chroma = (before.len() - w * h) / 2;
        for i in 0..chroma {
            nv12.extend([before[w * h + i], before[w * h + chroma + i]]);
        }
        overlay.blend(&mut YuvFrame::new(&mut nv12, w as u32, h as u32, ChromaLayout::Interleaved).unwrap(), opacity);
        assert_eq!(deinterleave(&nv12, w * h), planar, "{space:?}: NV12 and I420 agree");
        for (i, (&got, &want)) in planar.iter().zip(&want).enumerate() {
            let diff = (f32::from(got) - want).abs();
            assert!(diff <= tolerance, "{space:?} sample {i}: got {got}, want {want:.2}");
        }
    }
}

#[test]
fn blending_in_ycbcr_matches_blending_in_rgb() {
    check(Case { seed: 1, frame: (16, 12), bitmap: (7, 5), at: (4, 2), opacity: 1.0 }, 1.5);
    check(Case { seed: 2, frame: (16, 12), bitmap: (7, 5), at: (3, 5), opacity: 1.0 }, 1.5);
    check(Case { seed: 3, frame: (20, 10), bitmap: (9, 6), at: (5, 1), opacity: 0.8 }, 1.5);
    check(Case { seed: 4, frame: (20, 10), bitmap: (1, 1), at: (7, 3), opacity: 0.35 }, 1.5);
}

#[test]
fn clips_at_every_frame_edge_and_odd_sizes() {
    check(Case { seed: 5, frame: (15, 9), bitmap: (8, 6), at: (-3, -2), opacity: 1.0 }, 1.5);
    check(Case { seed: 6, frame: (15, 9), bitmap: (8, 6), at: (11, 6), opacity: 0.6 }, 1.5);
    check(Case { seed: 7, frame: (15, 9), bitmap: (30, 20), at: (-7, -5), opacity: 1.0 }, 1.5);
    check(Case { seed: 8, frame: (15, 9), bitmap: (4, 4), at: (40, -30), opacity: 1.0 }, 0.01);
}

#[test]
fn transparent_pixels_and_zero_opacity_leave_the_frame_as_it_was() {
    let space = SPACES[0];
    let before = background(&mut Rng(9), 10, 8, space);
    let clear = Bitmap::new(6, 4).unwrap();
    let opaque = Bitmap::from_premultiplied(6, 4, [200, 30, 90, 255].repeat(24)).unwrap();
    for (bitmap, opacity) in [(&clear, 1.0), (&opaque, 0.0), (&opaque, 0.001)] {
        let mut data = before.clone();
        YuvOverlay::new(bitmap, 1, 1, space).blend(&mut YuvFrame::new(&mut data, 10, 8, ChromaLayout::Planar).unwrap(), opacity);
        assert_eq!(data, before);
    }
}

#[test]
fn opaque_pixels_replace_the_frame_with_their_colour() {
    for space in SPACES {
        let mut data = background(&mut Rng(10), 8, 8, space);
        let red = Bitmap::from_premultiplied(4, 4, [255, 0, 0, 255].repeat(16)).unwrap();
        YuvOverlay::new(&red, 2, 2, space).blend(&mut YuvFrame::new(&mut data, 8, 8, ChromaLayout::Planar).unwrap(), 1.0);
        let want = space.from_rgb([255.0, 0.0, 0.0]).map(|v| v.round() as u8);
        assert_eq!((data[2 * 8 + 2], data[64 + 4 + 1], data[64 + 16 + 4 + 1]), (want[0], want[1], want[2]), "{space:?}");
    }
}

fn placement(transform: Affine, w: f64, h: f64) -> Placement {
    let rect = Rect::new(0.0, 0.0, w, h);
    Placement { src_rect: rect, transform, clip: None, source_rotation: Rotation::R0, fitted: rect }
}

#[test]
fn takes_only_axis_aligned_placements_on_whole_pixels() {
    let at = |a: f64, d: f64, e: f64, f: f64| PixelPlacement::of(&placement(Affine { a, b: 0.0, c: 0.0, d, e, f }, 24.0, 10.0));
    let want = PixelPlacement { src: (0, 0, 24, 10), x: 100, y: -3, width: 24, height: 10 };
    assert_eq!(at(1.0, 1.0, 100.0, -3.0), Some(want));
    assert_eq!(at(1.0, 1.0, 100.0002, -3.0), Some(want));
    assert_eq!(at(2.0, 0.5, 4.0, 8.0).map(|p| (p.width, p.height)), Some((48, 5)));
    assert_eq!(at(1.0, 1.0, 100.5, 0.0), None);
    assert_eq!(at(-1.0, 1.0, 100.0, 0.0), None);
    assert_eq!(at(1.3, 1.0, 0.0, 0.0), None);
    assert!(PixelPlacement::of(&placement(Affine::rotate(90.0), 24.0, 10.0)).is_none());
    let bitmap = Bitmap::from_premultiplied(24, 10, [10, 20, 30, 255].repeat(240)).unwrap();
    let scaled = placement(Affine { a: 2.0, b: 0.0, c: 0.0, d: 2.0, e: 2.0, f: 2.0 }, 24.0, 10.0);
    let mut data = vec![0; YuvFrame::byte_len(64, 32).unwrap()];
    YuvOverlay::placed(&bitmap, &scaled, SPACES[0]).unwrap().blend(&mut YuvFrame::new(&mut data, 64, 32, ChromaLayout::Planar).unwrap(), 1.0);
    let y = SPACES[0].from_rgb([10.0, 20.0, 30.0])[0].round() as u8;
    assert_eq!((data[2 * 64 + 2], data[21 * 64 + 49], data[22 * 64 + 50], data[64 + 1]), (y, y, 0, 0));
}
