//! VP9 parameters for the `vp09.PP.LL.DD` codec string: from the Matroska VP9
//! CodecPrivate features, or else from a keyframe's uncompressed header plus a level
//! estimated from picture size and frame rate (the VP9 level table, as ffmpeg's vpcC writer does).

/// Profile, level (e.g. 21 for level 2.1) and bit depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vp9Params {
    /// Profile 0 to 3.
    pub profile: u8,
    /// Level × 10.
    pub level: u8,
    /// 8, 10 or 12.
    pub bit_depth: u8,
}

/// Feature ids in the Matroska VP9 CodecPrivate.
const FEATURE_PROFILE: u8 = 1;
const FEATURE_LEVEL: u8 = 2;
const FEATURE_BIT_DEPTH: u8 = 3;

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

impl Vp9Params {
    /// The WebCodecs codec string.
    pub fn codec_string(self) -> String {
        format!("vp09.{:02}.{:02}.{:02}", self.profile, self.level, self.bit_depth)
    }

    /// Parses `vp09.PP.LL.DD` (extra fields are ignored).
    pub fn from_codec_string(codec: &str) -> Option<Self> {
        let mut parts = codec.strip_prefix("vp09.")?.split('.');
        let mut next = || parts.next()?.parse::<u8>().ok();
        Some(Self { profile: next()?, level: next()?, bit_depth: next()? })
    }

    /// The Matroska VP9 CodecPrivate (profile, level and bit depth features).
    pub fn codec_private(self) -> Vec<u8> {
        [FEATURE_PROFILE, 1, self.profile, FEATURE_LEVEL, 1, self.level, FEATURE_BIT_DEPTH, 1, self.bit_depth].to_vec()
    }
}

/// Features found in a VP9 CodecPrivate: (profile, level, bit depth), each optional.
pub fn parse_codec_private(data: &[u8]) -> (Option<u8>, Option<u8>, Option<u8>) {
    let (mut profile, mut level, mut depth) = (None, None, None);
    let mut rest = data;
    while let [id, len, tail @ ..] = rest {
        let Some(value) = tail.get(..usize::from(*len)) else { break };
        match (*id, value) {
            (FEATURE_PROFILE, [v]) => profile = Some(*v),
            (FEATURE_LEVEL, [v]) => level = Some(*v),
            (FEATURE_BIT_DEPTH, [v]) => depth = Some(*v),
            _ => {}
        }
        rest = &tail[value.len()..];
    }
    (profile, level, depth)
}

/// The smallest level whose limits hold `width`×`height` at `fps` (picture size only when unknown).
pub fn estimate_level(width: u32, height: u32, fps: Option<f64>) -> u8 {
    let picture = u64::from(width) * u64::from(height);
    let rate = fps.filter(|f| f.is_finite() && *f > 0.0).map_or(picture, |f| (picture as f64 * f) as u64);
    LEVELS.iter().find(|&&(_, max_rate, max_size)| rate <= max_rate && picture <= max_size).map_or(62, |l| l.0)
}

/// Profile and bit depth from the uncompressed header of a VP9 keyframe (`None` for other frames).
pub fn keyframe_profile(frame: &[u8]) -> Option<(u8, u8)> {
    let mut bits = Bits { data: frame, pos: 0 };
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

/// A big-endian bit reader.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: usize) -> Option<u32> {
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
    fn estimates_levels_like_ffmpeg() {
        assert_eq!(estimate_level(320, 240, Some(30.0)), 20);
        assert_eq!(estimate_level(1920, 1080, Some(30.0)), 40);
        assert_eq!(estimate_level(1920, 1080, Some(60.0)), 41);
        assert_eq!(estimate_level(176, 144, None), 10);
    }

    #[test]
    fn parses_keyframe_headers_and_features() {
        // frame_marker=2, profile 0, show_existing 0, key frame, show, no error resilience, sync code.
        assert_eq!(keyframe_profile(&[0x82, 0x49, 0x83, 0x42, 0x00]), Some((0, 8)));
        // Profile 2 (high bit set), ten-bit.
        assert_eq!(keyframe_profile(&[0x92, 0x49, 0x83, 0x42, 0x00]), Some((2, 10)));
        assert_eq!(keyframe_profile(&[0x86, 0x49, 0x83, 0x42]), None);
        let params = Vp9Params { profile: 0, level: 21, bit_depth: 8 };
        assert_eq!(params.codec_string(), "vp09.00.21.08");
        assert_eq!(Vp9Params::from_codec_string("vp09.00.21.08.01"), Some(params));
        assert_eq!(parse_codec_private(&params.codec_private()), (Some(0), Some(21), Some(8)));
        assert_eq!(parse_codec_private(&[1, 5, 0]), (None, None, None));
    }
}
