//! Colour descriptions (ISO/IEC 23091-2 code points) as bitstreams and containers signal
//! them, and how untagged video is read.

/// A colour description: primaries, transfer, matrix and range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    /// `colour_primaries`.
    pub primaries: u8,
    /// `transfer_characteristics`.
    pub transfer: u8,
    /// `matrix_coefficients`.
    pub matrix: u8,
    /// `video_full_range_flag`.
    pub full_range: bool,
}

impl Colour {
    /// BT.709, limited range: what every rendered output is.
    pub const BT709: Colour = Colour { primaries: 1, transfer: 1, matrix: 1, full_range: false };
    /// BT.601 (SMPTE 170M), limited range.
    pub const BT601: Colour = Colour { primaries: 6, transfer: 6, matrix: 6, full_range: false };

    /// How video of `height` lines without a colour tag is read, on the server and (through
    /// the decoder config) in the browser: BT.709 from [`HD_LINES`] up, BT.601 below.
    pub fn untagged(height: u32) -> Colour {
        if height >= HD_LINES { Colour::BT709 } else { Colour::BT601 }
    }
}

/// Height from which untagged video is BT.709 (below it, BT.601).
pub const HD_LINES: u32 = 720;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untagged_video_is_bt709_from_720_lines() {
        assert_eq!(Colour::untagged(719), Colour::BT601);
        assert_eq!(Colour::untagged(720), Colour::BT709);
    }
}
