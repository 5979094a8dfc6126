//! Gaussian blur of an alpha channel, approximated by three box blurs (for drop shadows).

/// Blurs `alpha` (`width × height`, one byte a pixel) with standard deviation `sigma` pixels;
/// pixels outside count as transparent.
pub(crate) fn blur_alpha(alpha: &mut [u8], width: usize, height: usize, sigma: f32) {
    if sigma < 0.1 || width == 0 || height == 0 || alpha.len() != width * height {
        return;
    }
    let mut line = Vec::with_capacity(width);
    let mut rows = vec![0u8; alpha.len()];
    for radius in box_radii(sigma) {
        for row in alpha.chunks_exact_mut(width) {
            horizontal(row, radius, &mut line);
        }
        rows.copy_from_slice(alpha);
        vertical(&rows, alpha, width, radius);
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

/// One horizontal box blur of `radius` over `row` (`line` is scratch space).
fn horizontal(row: &mut [u8], radius: usize, line: &mut Vec<u8>) {
    line.clear();
    line.extend_from_slice(row);
    let average = Average::new(radius);
    let mut sum: u32 = line.iter().take(radius + 1).map(|&v| u32::from(v)).sum();
    // The window enters on the right and leaves on the left: `entering[i]` joins after pixel i,
    // `leaving[i]` leaves after pixel i + radius.
    let entering = line.iter().skip(radius + 1).map(Some).chain(std::iter::repeat(None));
    let mut leaving = line.iter();
    for (i, (out, enter)) in row.iter_mut().zip(entering).enumerate() {
        *out = average.of(sum);
        if let Some(&v) = enter {
            sum += u32::from(v);
        }
        if i >= radius {
            if let Some(&v) = leaving.next() {
                sum -= u32::from(v);
            }
        }
    }
}

/// One vertical box blur of `radius` from `src` into `dst` (`width` a row), row by row with a
/// running sum per column, so memory is read in order.
fn vertical(src: &[u8], dst: &mut [u8], width: usize, radius: usize) {
    let height = src.len() / width;
    let average = Average::new(radius);
    let row = |y: usize| src.get(y * width..(y + 1) * width);
    let mut sums = vec![0u32; width];
    for y in 0..=radius.min(height.saturating_sub(1)) {
        if let Some(r) = row(y) {
            sums.iter_mut().zip(r).for_each(|(s, &v)| *s += u32::from(v));
        }
    }
    for (y, out) in dst.chunks_exact_mut(width).enumerate() {
        for (o, s) in out.iter_mut().zip(&sums) {
            *o = average.of(*s);
        }
        if let Some(r) = row(y + radius + 1) {
            sums.iter_mut().zip(r).for_each(|(s, &v)| *s += u32::from(v));
        }
        if let Some(r) = y.checked_sub(radius).and_then(row) {
            sums.iter_mut().zip(r).for_each(|(s, &v)| *s -= u32::from(v));
        }
    }
}

/// Division by a box window (2·radius + 1) as a fixed-point multiplication.
struct Average {
    /// 2¹⁶ / window.
    reciprocal: u32,
}

impl Average {
    fn new(radius: usize) -> Average {
        let window = 2 * radius as u32 + 1;
        Average { reciprocal: ((1 << 16) + window / 2) / window }
    }

    /// `sum / window`, rounded (sums of at most 255 × window).
    fn of(&self, sum: u32) -> u8 {
        ((sum * self.reciprocal + (1 << 15)) >> 16).min(255) as u8
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
