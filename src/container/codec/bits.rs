//! A big-endian bit reader over a byte slice, for the few bitstream headers a container reads.

/// Reads bits most significant first; every read past the end gives `None`.
pub struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> BitReader<'a> {
    /// Starts at the first bit of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The next `n` bits (at most 32) as an unsigned number.
    pub fn read(&mut self, n: usize) -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..n {
            let byte = *self.data.get(self.pos / 8)?;
            value = value << 1 | u32::from(byte >> (7 - self.pos % 8) & 1);
            self.pos += 1;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_bytes_and_stops_at_the_end() {
        let mut bits = BitReader::new(&[0b1010_0000, 0xFF]);
        assert_eq!(bits.read(3), Some(0b101));
        assert_eq!(bits.read(9), Some(0b0_0000_1111));
        assert_eq!(bits.read(4), Some(0xF));
        assert_eq!(bits.read(1), None);
    }
}
