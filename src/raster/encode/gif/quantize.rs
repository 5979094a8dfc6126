//! Colour reduction for GIF: a Wu palette (`quantette`) from sample frames, and mapping of
//! frames to it, nearest colour or Floyd–Steinberg dithered.

use palette::Srgb;
use quantette::{ColorSlice, FloydSteinberg, PaletteSize, UniqueColorCounts, wu};

/// Bits kept per channel in the nearest-colour lookup table (5-6-5).
const TABLE_BITS: [u32; 3] = [5, 6, 5];

/// A palette with a lazily filled nearest-colour table.
pub(crate) struct Palette {
    colors: Vec<Srgb<u8>>,
    /// Nearest index per 5-6-5 colour, filled on first use (`u16::MAX`: not yet).
    table: Vec<u16>,
}

impl Palette {
    /// A palette of at most `size` colours for the RGB pixels of `samples`.
    pub fn from_samples(samples: &[&[u8]], size: u16) -> Palette {
        let pixels: Vec<Srgb<u8>> =
            samples.iter().flat_map(|s| s.chunks_exact(3)).map(|p| Srgb::new(p[0], p[1], p[2])).collect();
        let slice = ColorSlice::from_truncated(&pixels);
        let counts = UniqueColorCounts::<Srgb<u8>, u8, 3>::new(slice, |c| c);
        let size = PaletteSize::try_from(size.clamp(2, 256)).unwrap_or(PaletteSize::MAX);
        let mut colors = wu::palette(&counts, size, &wu::UIntBinner::<32>).palette;
        if colors.is_empty() {
            colors.push(Srgb::new(0, 0, 0));
        }
        Palette { colors, table: vec![u16::MAX; 1 << (TABLE_BITS[0] + TABLE_BITS[1] + TABLE_BITS[2])] }
    }

    /// The colours as `r, g, b` bytes (as many as the palette has).
    pub fn bytes(&self) -> Vec<u8> {
        self.colors.iter().flat_map(|c| [c.red, c.green, c.blue]).collect()
    }

    /// Maps RGB pixels (`width` a row) to palette indices.
    pub fn map(&mut self, rgb: &[u8], width: u32, dither: bool) -> Vec<u8> {
        let mut indices: Vec<u8> = rgb.chunks_exact(3).map(|p| self.nearest([p[0], p[1], p[2]])).collect();
        if dither && width > 0 {
            let colors: Vec<Srgb<u8>> = rgb.chunks_exact(3).map(|p| Srgb::new(p[0], p[1], p[2])).collect();
            let height = (indices.len() / width as usize) as u32;
            FloydSteinberg::new().dither(&self.colors, &mut indices, &colors, width, height);
        }
        indices
    }

    /// The index of the palette colour nearest `rgb` (memoized per 5-6-5 bin).
    fn nearest(&mut self, [r, g, b]: [u8; 3]) -> u8 {
        let key = (usize::from(r) >> 3) << 11 | (usize::from(g) >> 2) << 5 | usize::from(b) >> 3;
        if let Some(&hit) = self.table.get(key).filter(|&&v| v != u16::MAX) {
            return hit as u8;
        }
        let distance = |c: &Srgb<u8>| {
            let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
            d(c.red, r) * 2 + d(c.green, g) * 4 + d(c.blue, b) * 3
        };
        let best =
            (0..self.colors.len()).min_by_key(|&i| self.colors.get(i).map_or(i32::MAX, distance)).unwrap_or(0) as u8;
        if let Some(slot) = self.table.get_mut(key) {
            *slot = u16::from(best);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_colours_are_kept_exactly() {
        let rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0];
        let mut palette = Palette::from_samples(&[&rgb], 16);
        let indices = palette.map(&rgb, 2, false);
        let bytes = palette.bytes();
        let color = |i: u8| bytes[usize::from(i) * 3..usize::from(i) * 3 + 3].to_vec();
        assert_eq!(color(indices[0]), [255, 0, 0]);
        assert_eq!(color(indices[2]), [0, 0, 255]);
        assert_eq!(indices[0], indices[3]);
        assert_eq!(palette.map(&rgb, 2, true).len(), 4);
    }
}
