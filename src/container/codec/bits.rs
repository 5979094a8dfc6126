//! Big-endian bit reading and writing over byte slices, for the few bitstream headers a
//! container reads (and the H.264 parameter sets it retags): fixed-width fields and
//! exp-Golomb codes.

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

    /// The next bit as a flag.
    pub fn flag(&mut self) -> Option<bool> {
        self.read(1).map(|b| b == 1)
    }

    /// An unsigned exp-Golomb code `ue(v)`; `None` past the end or beyond 32 bits.
    pub fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.read(1)? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = self.read(zeros)?;
        Some(((1u64 << zeros) - 1 + u64::from(rest)) as u32)
    }

    /// A signed exp-Golomb code `se(v)`.
    pub fn se(&mut self) -> Option<i64> {
        let k = i64::from(self.ue()?);
        Some(if k % 2 == 1 { (k + 1) / 2 } else { -k / 2 })
    }

    /// How many bits have been read.
    pub fn position(&self) -> usize {
        self.pos
    }
}

/// Writes bits most significant first into a growing byte vector.
#[derive(Default)]
pub struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    /// The low `n` bits (at most 32) of `value`.
    pub fn write(&mut self, value: u32, n: usize) {
        for i in (0..n).rev() {
            if self.bits % 8 == 0 {
                self.bytes.push(0);
            }
            if value >> i & 1 == 1 {
                if let Some(last) = self.bytes.last_mut() {
                    *last |= 0x80 >> (self.bits % 8);
                }
            }
            self.bits += 1;
        }
    }

    /// Bits `from..to` of `data` (positions past its end are not written).
    pub fn copy(&mut self, data: &[u8], from: usize, to: usize) {
        let mut bits = BitReader { data, pos: from };
        while bits.position() < to {
            match bits.read(1) {
                Some(bit) => self.write(bit, 1),
                None => break,
            }
        }
    }

    /// The bytes written, the last one padded with zero bits.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
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

    #[test]
    fn reads_exp_golomb_codes() {
        // 1 | 010 | 011 | 00100 | 00101 → ue 0, 1, 2, 3 then se(4) = -2.
        let mut bits = BitReader::new(&[0b1010_0110, 0b0100_0010, 0b1000_0000]);
        assert_eq!([bits.ue(), bits.ue(), bits.ue(), bits.ue()], [Some(0), Some(1), Some(2), Some(3)]);
        assert_eq!(bits.se(), Some(-2));
        assert_eq!(BitReader::new(&[0, 0, 0, 0, 0]).ue(), None);
        assert_eq!(BitReader::new(&[0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]).ue(), Some(u32::MAX - 1));
    }

    #[test]
    fn writes_and_copies_bits() {
        let mut w = BitWriter::default();
        w.write(0b101, 3);
        w.copy(&[0xF0], 2, 6);
        w.write(1, 1);
        assert_eq!(w.into_bytes(), [0b1011_1001]);
    }
}
