//! Gaussian blur of an alpha channel, approximated by three box blurs (for drop shadows).

/// Blurs `alpha` (`width × height`, one byte a pixel) with standard deviation `sigma` pixels;
/// pixels outside count as transparent.
pub(crate) fn blur_alpha(alpha: &mut [u8], width: usize, height: usize, sigma: f32) {
    if sigma < 0.1 || width == 0 || height == 0 || alpha.len() != width * height {
        return;
    }
    let mut line = Vec::with_capacity(width.max(height));
    for radius in box_radii(sigma) {
        for y in 0..height {
            box_pass(alpha, y * width, 1, width, radius, &mut line);
        }
        for x in 0..width {
            box_pass(alpha, x, width, height, radius, &mut line);
        }
    }
}

/// Radii of the three boxes whose succession approximates a Gaussian of `sigma`.
fn box_radii(sigma: f32) -> [usize; 3] {
    let n = 3.0;
    let ideal = (12.0 * sigma * sigma / n + 1.0).sqrt();
    let mut lower = ideal.floor() as i64;
    if lower % 2 == 0 {
        lower -= 1;
    }
    let lower = lower.max(1);
    let l = lower as f32;
    let m = ((12.0 * sigma * sigma - n * l * l - 4.0 * n * l - 3.0 * n) / (-4.0 * l - 4.0)).round() as i64;
    let size = |i: i64| if i < m { lower } else { lower + 2 };
    [size(0), size(1), size(2)].map(|s| ((s - 1) / 2) as usize)
}

/// One box blur of radius `radius` along `count` pixels of `data` starting at `start`, `step` apart.
fn box_pass(data: &mut [u8], start: usize, step: usize, count: usize, radius: usize, line: &mut Vec<u8>) {
    line.clear();
    line.extend((0..count).map(|i| data.get(start + i * step).copied().unwrap_or(0)));
    let window = (2 * radius + 1) as u32;
    let at = |i: isize| if i < 0 { 0 } else { u32::from(line.get(i as usize).copied().unwrap_or(0)) };
    let mut sum: u32 = (0..=radius as isize).map(at).sum();
    for i in 0..count {
        if let Some(out) = data.get_mut(start + i * step) {
            *out = ((sum + window / 2) / window) as u8;
        }
        let i = i as isize;
        sum = sum + at(i + radius as isize + 1) - at(i - radius as isize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_and_keeps_mass() {
        let (w, h) = (41, 41);
        let mut a = vec![0u8; w * h];
        for y in 15..26 {
            for x in 15..26 {
                a[y * w + x] = 255;
            }
        }
        let before: u32 = a.iter().map(|&v| u32::from(v)).sum();
        blur_alpha(&mut a, w, h, 3.0);
        let after: u32 = a.iter().map(|&v| u32::from(v)).sum();
        assert!((before as f64 - after as f64).abs() / (before as f64) < 0.02, "{before} vs {after}");
        assert!(a[20 * w + 10] > 0 && a[20 * w + 20] > 200 && a[20 * w + 14] < 255);
        assert_eq!(box_radii(3.0), [2, 2, 3]);
    }
}
