//! Codec levels for the encoder's codec string, from frame size, frame rate and bitrate.
//!
//! H.264 uses ITU-T H.264 Table A-1 (macroblocks per frame and per second, frame side at most
//! √(8·MaxFS) macroblocks, max VCL bitrate; High profile allows 1.25× the bitrate). AV1 uses
//! the AV1 spec's Annex A (luma samples per picture and per second, width and height, main
//! tier bitrate). VP9's table lives in `container::codec::vp9`, which the WebM writer shares.

use super::frames::FrameRate;

/// H.264 levels as (level_idc, MaxMBPS, MaxFS, MaxBR in kbit/s for Baseline/Main).
const H264_LEVELS: [(u8, u64, u64, u64); 19] = [
    (10, 1_485, 99, 64),
    (11, 3_000, 396, 192),
    (12, 6_000, 396, 384),
    (13, 11_880, 396, 768),
    (20, 11_880, 396, 2_000),
    (21, 19_800, 792, 4_000),
    (22, 20_250, 1_620, 4_000),
    (30, 40_500, 1_620, 10_000),
    (31, 108_000, 3_600, 14_000),
    (32, 216_000, 5_120, 20_000),
    (40, 245_760, 8_192, 20_000),
    (41, 245_760, 8_192, 50_000),
    (42, 522_240, 8_704, 50_000),
    (50, 589_824, 22_080, 135_000),
    (51, 983_040, 36_864, 240_000),
    (52, 2_073_600, 36_864, 240_000),
    (60, 4_177_920, 139_264, 240_000),
    (61, 8_355_840, 139_264, 480_000),
    (62, 16_711_680, 139_264, 800_000),
];

/// AV1 levels as (seq_level_idx, MaxPicSize, MaxHSize, MaxVSize, MaxDisplayRate, main tier kbit/s).
const AV1_LEVELS: [(u8, u64, u64, u64, u64, u64); 14] = [
    (0, 147_456, 2048, 1152, 4_423_680, 1_500),
    (1, 278_784, 2816, 1584, 8_363_520, 3_000),
    (4, 665_856, 4352, 2448, 19_975_680, 6_000),
    (5, 1_065_024, 5504, 3096, 31_950_720, 10_000),
    (8, 2_359_296, 6144, 3456, 70_778_880, 12_000),
    (9, 2_359_296, 6144, 3456, 141_557_760, 20_000),
    (12, 8_912_896, 8192, 4352, 267_386_880, 30_000),
    (13, 8_912_896, 8192, 4352, 534_773_760, 40_000),
    (14, 8_912_896, 8192, 4352, 1_069_547_520, 60_000),
    (15, 8_912_896, 8192, 4352, 1_069_547_520, 60_000),
    (16, 35_651_584, 16384, 8704, 1_069_547_520, 60_000),
    (17, 35_651_584, 16384, 8704, 2_139_095_040, 100_000),
    (18, 35_651_584, 16384, 8704, 4_278_190_080, 160_000),
    (19, 35_651_584, 16384, 8704, 4_278_190_080, 160_000),
];

/// The AV1 seq_level_idx meaning "no level constraints" (used when nothing smaller fits).
const AV1_MAX_PARAMETERS: u8 = 31;

/// An H.264 profile the encoder may be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum H264Profile {
    /// High (profile_idc 100).
    High,
    /// Main (profile_idc 77).
    Main,
    /// Constrained Baseline (profile_idc 66 with constraint_set1).
    ConstrainedBaseline,
    /// Baseline (profile_idc 66).
    Baseline,
}

impl H264Profile {
    /// `PPCC` of `avc1.PPCCLL`: profile_idc and constraint flags in hex.
    fn prefix(self) -> &'static str {
        match self {
            H264Profile::High => "6400",
            H264Profile::Main => "4d00",
            H264Profile::ConstrainedBaseline => "42e0",
            H264Profile::Baseline => "4200",
        }
    }

    /// The WebCodecs codec string at `level_idc`.
    pub fn codec_string(self, level_idc: u8) -> String {
        format!("avc1.{}{level_idc:02x}", self.prefix())
    }
}

/// The smallest H.264 level_idc for `width × height` at `rate` and `bitrate_bps` in `profile`
/// (6.2 when nothing fits).
pub fn h264_level(width: u32, height: u32, rate: FrameRate, bitrate_bps: u64, profile: H264Profile) -> u8 {
    let (mbs_w, mbs_h) = (u64::from(width).div_ceil(16), u64::from(height).div_ceil(16));
    let frame_mbs = mbs_w * mbs_h;
    // Compare 4·bitrate with 4·MaxBR (5·MaxBR for High, its 1.25× allowance) in whole numbers.
    let (bitrate_x4, factor_x4) = (u128::from(bitrate_bps) * 4, if profile == H264Profile::High { 5 } else { 4 });
    H264_LEVELS
        .iter()
        .find(|&&(_, max_mbps, max_fs, max_br)| {
            let side_limit = 8 * max_fs;
            frame_mbs <= max_fs
                && mbs_w * mbs_w <= side_limit
                && mbs_h * mbs_h <= side_limit
                && u128::from(frame_mbs) * u128::from(rate.num) <= u128::from(max_mbps) * u128::from(rate.den)
                && bitrate_x4 <= u128::from(max_br) * 1000 * factor_x4
        })
        .map_or(62, |l| l.0)
}

/// The smallest AV1 seq_level_idx (main tier) for `width × height` at `rate` and `bitrate_bps`.
pub fn av1_level(width: u32, height: u32, rate: FrameRate, bitrate_bps: u64) -> u8 {
    let (w, h) = (u64::from(width), u64::from(height));
    AV1_LEVELS
        .iter()
        .find(|&&(_, max_pic, max_w, max_h, max_rate, max_kbps)| {
            w * h <= max_pic
                && w <= max_w
                && h <= max_h
                && u128::from(w * h) * u128::from(rate.num) <= u128::from(max_rate) * u128::from(rate.den)
                && u128::from(bitrate_bps) <= u128::from(max_kbps) * 1000
        })
        .map_or(AV1_MAX_PARAMETERS, |l| l.0)
}

/// The VP9 level × 10 for `width × height` at `rate` (the WebM writer's estimate).
pub fn vp9_level(width: u32, height: u32, rate: FrameRate) -> u8 {
    crate::container::codec::vp9::estimate_level(width, height, Some(rate.fps()))
}
