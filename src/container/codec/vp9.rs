//! VP9: the `vp09.PP.LL.DD[.CC.cp.tc.mc.FF]` codec string ↔ its parameters, the
//! profile and bit depth of a keyframe's uncompressed header, and a level estimated
//! from picture size and frame rate (the VP9 level table, as ffmpeg's vpcC writer does).
//!
//! The short form means "colour unspecified" in both directions: parameters with the
//! default colour description print as the short form, and any other colour
//! description uses the full nine-field form.

use super::bits::BitReader;

/// `colour_primaries` / `transfer_characteristics` / `matrix_coefficients` "unspecified".
const UNSPECIFIED: u8 = 2;
/// `chromaSubsampling` 4:2:0 with the chroma sample colocated with luma (0, 0).
const CHROMA_420_COLOCATED: u8 = 1;

/// Levels as (level × 10, max luma samples per second, max luma picture size).
const LEVELS: [(u8, u64, u64); 14] = [
    (10, 829_440, 36_864),
    (11, 2_764_800, 73_728),
    (20, 4_608_000, 122_880),
    (21, 9_216_000, 245_760),
    (30, 20_736_000, 552_960),
    (31, 36_864_000, 983_040),
    (40, 83_558_400, 2_228_224),
    (41, 160_432_128, 2_228_224),
    (50, 311_951_360, 8_912_896),
    (51, 588_251_136, 8_912_896),
    (52, 1_176_502_272, 8_912_896),
    (60, 1_176_502_272, 35_651_584),
    (61, 2_353_004_544, 35_651_584),
    (62, 4_706_009_088, 35_651_584),
];

/// The fields a VP9 codec string names (those of a `vpcC` version 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vp9Config {
    /// Profile 0 to 3.
    pub profile: u8,
    /// Level × 10 (e.g. 21 for level 2.1).
    pub level: u8,
    /// 8, 10 or 12.
    pub bit_depth: u8,
    /// `chromaSubsampling` (0–3: 4:2:0 vertical, 4:2:0 colocated, 4:2:2, 4:4:4).
    pub chroma: u8,
    /// `colour_primaries` (ISO/IEC 23091-2).
    pub primaries: u8,
    /// `transfer_characteristics`.
    pub transfer: u8,
    /// `matrix_coefficients`.
    pub matrix: u8,
    /// `video_full_range_flag`.
    pub full_range: bool,
}

impl Vp9Config {
    /// Profile, level and bit depth with the colour description left unspecified (the short form).
    pub fn new(profile: u8, level: u8, bit_depth: u8) -> Self {
        Self {
            profile,
            level,
            bit_depth,
            chroma: CHROMA_420_COLOCATED,
            primaries: UNSPECIFIED,
            transfer: UNSPECIFIED,
            matrix: UNSPECIFIED,
            full_range: false,
        }
    }

    fn is_short_form(&self) -> bool {
        self.chroma == CHROMA_420_COLOCATED
            && [self.primaries, self.transfer, self.matrix] == [UNSPECIFIED; 3]
            && !self.full_range
    }

    /// The WebCodecs codec string (short form when the colour description is unspecified).
    pub fn codec_string(&self) -> String {
        let mut s = format!("vp09.{:02}.{:02}.{:02}", self.profile, self.level, self.bit_depth);
        if !self.is_short_form() {
            s.push_str(&format!(
                ".{:02}.{:02}.{:02}.{:02}.{:02}",
                self.chroma,
                self.primaries,
                self.transfer,
                self.matrix,
                u8::from(self.full_range)
            ));
        }
        s
    }

    /// Parses `vp09.PP.LL.DD` or the full form (the optional fields come all or none).
    pub fn from_codec_string(codec: &str) -> Option<Self> {
        let fields: Vec<u8> = codec.strip_prefix("vp09.")?.split('.').map(|f| f.parse().ok()).collect::<Option<_>>()?;
        let cfg = match *fields.as_slice() {
            [profile, level, depth] => Self::new(profile, level, depth),
            [profile, level, bit_depth, chroma, primaries, transfer, matrix, full_range] => {
                Self { profile, level, bit_depth, chroma, primaries, transfer, matrix, full_range: full_range == 1 }
            }
            _ => return None,
        };
        (cfg.bit_depth <= 15 && cfg.chroma <= 7).then_some(cfg)
    }
}

/// The smallest level whose limits hold `width`×`height` at `fps` (picture size only when unknown).
pub fn estimate_level(width: u32, height: u32, fps: Option<f64>) -> u8 {
    let picture = u64::from(width) * u64::from(height);
    let rate = fps.filter(|f| f.is_finite() && *f > 0.0).map_or(picture, |f| (picture as f64 * f) as u64);
    LEVELS.iter().find(|&&(_, max_rate, max_size)| rate <= max_rate && picture <= max_size).map_or(62, |l| l.0)
}

/// Profile and bit depth from the uncompressed header of a VP9 keyframe (`None` for other frames).
pub fn keyframe_profile(frame: &[u8]) -> Option<(u8, u8)> {
    let mut bits = BitReader::new(frame);
    if bits.read(2)? != 2 {
        return None;
    }
    let low = bits.read(1)?;
    let profile = (bits.read(1)? << 1 | low) as u8;
    if profile == 3 {
        bits.read(1)?;
    }
    let show_existing = bits.read(1)?;
    let frame_type = bits.read(1)?;
    bits.read(2)?;
    if show_existing != 0 || frame_type != 0 || bits.read(24)? != 0x49_8342 {
        return None;
    }
    let bit_depth = if profile >= 2 { if bits.read(1)? == 1 { 12 } else { 10 } } else { 8 };
    Some((profile, bit_depth))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_levels_like_ffmpeg() {
        assert_eq!(estimate_level(320, 240, Some(30.0)), 20);
        assert_eq!(estimate_level(1920, 1080, Some(30.0)), 40);
        assert_eq!(estimate_level(1920, 1080, Some(60.0)), 41);
        assert_eq!(estimate_level(176, 144, None), 10);
    }

    #[test]
    fn parses_keyframe_headers() {
        // frame_marker=2, profile 0, show_existing 0, key frame, show, no error resilience, sync code.
        assert_eq!(keyframe_profile(&[0x82, 0x49, 0x83, 0x42, 0x00]), Some((0, 8)));
        // Profile 2 (high bit set), ten-bit.
        assert_eq!(keyframe_profile(&[0x92, 0x49, 0x83, 0x42, 0x00]), Some((2, 10)));
        assert_eq!(keyframe_profile(&[0x86, 0x49, 0x83, 0x42]), None);
    }

    #[test]
    fn short_and_full_codec_strings_round_trip() {
        let short = Vp9Config::new(0, 21, 8);
        assert_eq!(short.codec_string(), "vp09.00.21.08");
        assert_eq!(Vp9Config::from_codec_string("vp09.00.21.08"), Some(short));
        let full = Vp9Config {
            chroma: 1,
            primaries: 9,
            transfer: 16,
            matrix: 9,
            full_range: true,
            ..Vp9Config::new(2, 31, 10)
        };
        assert_eq!(full.codec_string(), "vp09.02.31.10.01.09.16.09.01");
        assert_eq!(Vp9Config::from_codec_string(&full.codec_string()), Some(full));
        assert_eq!(Vp9Config::from_codec_string("vp09.00"), None);
        assert_eq!(Vp9Config::from_codec_string("vp09.x.10.08"), None);
        assert_eq!(Vp9Config::from_codec_string("vp09.00.21.08.01"), None);
        assert_eq!(Vp9Config::from_codec_string("vp09.00.21.16"), None);
        assert_eq!(Vp9Config::from_codec_string("vp9"), None);
    }
}
