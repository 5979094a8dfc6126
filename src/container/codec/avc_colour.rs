//! H.264 colour tags: the colour description in a sequence parameter set's VUI
//! (`video_signal_type`), rewritten in an avcC record and in the SPS NAL units a sample
//! carries in band, so the tags say what the encoder really coded.
//!
//! Only the VUI's video signal type changes: every other bit of the SPS is copied as is (a
//! VUI is added when the SPS has none).

use super::bits::{BitReader, BitWriter};
use super::colour::Colour;
use super::nal;
use crate::container::ContainerError;

/// `nal_unit_type` of a sequence parameter set.
const SPS: u8 = 7;
/// Profiles whose SPS carries chroma format, bit depths and scaling lists.
const HIGH_PROFILES: [u32; 13] = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];
/// `video_format` 5: unspecified.
const UNSPECIFIED_FORMAT: u32 = 5;

fn malformed(what: &str) -> ContainerError {
    ContainerError::Malformed { format: "H.264", what: what.to_owned() }
}

/// Where the video signal type sits in an SPS's RBSP.
struct SignalType {
    /// Bit offset of `video_signal_type_present_flag`, or of `vui_parameters_present_flag`
    /// when the SPS has no VUI.
    at: usize,
    /// Bit offset just past the old video signal type (its flag and fields).
    end: usize,
    /// The old `video_format`, if any.
    video_format: Option<u32>,
    /// True when the SPS has a VUI.
    has_vui: bool,
}

/// Skips a `scaling_list` of `size` coefficients.
fn skip_scaling_list(bits: &mut BitReader, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i64, 8i64);
    for _ in 0..size {
        if next != 0 {
            next = (last + bits.se()? + 256).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// Reads an SPS RBSP (NAL header included) up to its video signal type.
fn locate(rbsp: &[u8]) -> Option<SignalType> {
    let mut bits = BitReader::new(rbsp);
    bits.read(8)?; // NAL header
    let profile = bits.read(8)?;
    bits.read(16)?; // constraint flags, level
    bits.ue()?; // seq_parameter_set_id
    if HIGH_PROFILES.contains(&profile) {
        let chroma_format = bits.ue()?;
        if chroma_format == 3 {
            bits.flag()?; // separate_colour_plane_flag
        }
        bits.ue()?; // bit_depth_luma_minus8
        bits.ue()?; // bit_depth_chroma_minus8
        bits.flag()?; // qpprime_y_zero_transform_bypass_flag
        if bits.flag()? {
            let lists = if chroma_format == 3 { 12 } else { 8 };
            for i in 0..lists {
                if bits.flag()? {
                    skip_scaling_list(&mut bits, if i < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    bits.ue()?; // log2_max_frame_num_minus4
    match bits.ue()? {
        0 => {
            bits.ue()?; // log2_max_pic_order_cnt_lsb_minus4
        }
        1 => {
            bits.flag()?; // delta_pic_order_always_zero_flag
            bits.se()?; // offset_for_non_ref_pic
            bits.se()?; // offset_for_top_to_bottom_field
            let cycle = bits.ue()?;
            if cycle > 255 {
                return None;
            }
            for _ in 0..cycle {
                bits.se()?;
            }
        }
        _ => {}
    }
    bits.ue()?; // max_num_ref_frames
    bits.flag()?; // gaps_in_frame_num_value_allowed_flag
    bits.ue()?; // pic_width_in_mbs_minus1
    bits.ue()?; // pic_height_in_map_units_minus1
    if !bits.flag()? {
        bits.flag()?; // mb_adaptive_frame_field_flag
    }
    bits.flag()?; // direct_8x8_inference_flag
    if bits.flag()? {
        for _ in 0..4 {
            bits.ue()?; // frame_crop_*_offset
        }
    }
    let vui_at = bits.position();
    if !bits.flag()? {
        return Some(SignalType { at: vui_at, end: vui_at + 1, video_format: None, has_vui: false });
    }
    if bits.flag()? && bits.read(8)? == 255 {
        bits.read(32)?; // sar_width, sar_height
    }
    if bits.flag()? {
        bits.flag()?; // overscan_appropriate_flag
    }
    let at = bits.position();
    let mut video_format = None;
    if bits.flag()? {
        video_format = Some(bits.read(3)?);
        bits.flag()?; // video_full_range_flag
        if bits.flag()? {
            bits.read(24)?; // colour_primaries, transfer_characteristics, matrix_coefficients
        }
    }
    Some(SignalType { at, end: bits.position(), video_format, has_vui: true })
}

/// Writes a video signal type with `colour` (flag included).
fn write_signal_type(out: &mut BitWriter, video_format: u32, colour: Colour) {
    out.write(1, 1); // video_signal_type_present_flag
    out.write(video_format, 3);
    out.write(u32::from(colour.full_range), 1);
    out.write(1, 1); // colour_description_present_flag
    out.write(u32::from(colour.primaries), 8);
    out.write(u32::from(colour.transfer), 8);
    out.write(u32::from(colour.matrix), 8);
}

/// The SPS NAL unit `sps` (header byte first, emulation prevention bytes in) with its
/// colour description set to `colour`.
pub fn retag_sps(sps: &[u8], colour: Colour) -> Result<Vec<u8>, ContainerError> {
    if sps.first().map(|h| h & 0x1F) != Some(SPS) {
        return Err(malformed("not a sequence parameter set"));
    }
    let rbsp = nal::unescape(sps);
    let signal = locate(&rbsp).ok_or_else(|| malformed("sequence parameter set cut short or out of range"))?;
    // The RBSP ends with a stop bit then zero bits: the payload is everything before it.
    let last = rbsp.iter().rposition(|&b| b != 0).ok_or_else(|| malformed("sequence parameter set without a stop bit"))?;
    let stop = last * 8 + 7 - rbsp[last].trailing_zeros() as usize;
    if stop < signal.end {
        return Err(malformed("sequence parameter set cut short"));
    }
    let mut out = BitWriter::default();
    out.copy(&rbsp, 0, signal.at);
    if signal.has_vui {
        write_signal_type(&mut out, signal.video_format.unwrap_or(UNSPECIFIED_FORMAT), colour);
        out.copy(&rbsp, signal.end, stop);
    } else {
        out.write(1, 1); // vui_parameters_present_flag
        out.write(0, 2); // aspect_ratio_info_present_flag, overscan_info_present_flag
        write_signal_type(&mut out, UNSPECIFIED_FORMAT, colour);
        out.write(0, 5); // chroma_loc_info, timing_info, nal_hrd, vcl_hrd, bitstream_restriction
        // No HRD parameters, so no low_delay_hrd_flag; pic_struct_present_flag is the 4th zero.
    }
    out.write(1, 1); // rbsp_stop_one_bit (then zero bits to the byte boundary)
    Ok(nal::escape(&out.into_bytes()))
}

/// The avcC record `avcc` with every SPS retagged with `colour` (see [`retag_sps`]).
pub fn retag_avcc(avcc: &[u8], colour: Colour) -> Result<Vec<u8>, ContainerError> {
    let cut = || malformed("avcC record cut short");
    let (head, rest) = avcc.split_at_checked(6).ok_or_else(cut)?;
    if head[0] != 1 {
        return Err(malformed("avcC record of an unknown version"));
    }
    let mut out = head.to_vec();
    let rest = copy_units(rest, usize::from(head[5] & 0x1F), &mut out, |sps| retag_sps(sps, colour))?;
    let (&pps_count, rest) = rest.split_first().ok_or_else(cut)?;
    out.push(pps_count);
    let rest = copy_units(rest, usize::from(pps_count), &mut out, |pps| Ok(pps.to_vec()))?;
    out.extend_from_slice(rest); // profile-specific extensions (chroma format, bit depths, SPS ext)
    Ok(out)
}

/// Copies `count` parameter sets (each after a 2-byte length) from `data` into `out`
/// through `map`; returns what follows them.
fn copy_units<'a>(
    mut data: &'a [u8],
    count: usize,
    out: &mut Vec<u8>,
    map: impl Fn(&[u8]) -> Result<Vec<u8>, ContainerError>,
) -> Result<&'a [u8], ContainerError> {
    let cut = || malformed("avcC record cut short");
    for _ in 0..count {
        let (len, tail) = data.split_at_checked(2).ok_or_else(cut)?;
        let (unit, tail) = tail.split_at_checked(usize::from(u16::from_be_bytes([len[0], len[1]]))).ok_or_else(cut)?;
        let unit = map(unit)?;
        let len = u16::try_from(unit.len()).map_err(|_| malformed("parameter set longer than 65535 bytes"))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&unit);
        data = tail;
    }
    Ok(data)
}

/// The sample `data` (NAL units each prefixed by a `length_size`-byte big-endian length)
/// with every SPS retagged with `colour`, other NAL units copied as they are; `None` when it
/// holds no SPS (nothing to change).
pub fn retag_sample(data: &[u8], length_size: usize, colour: Colour) -> Result<Option<Vec<u8>>, ContainerError> {
    if !(1..=4).contains(&length_size) {
        return Err(malformed("NAL unit length size outside 1–4 bytes"));
    }
    let cut = || malformed("sample cut inside a NAL unit");
    let mut out = Vec::with_capacity(data.len() + 16);
    let mut rest = data;
    let mut found = false;
    while !rest.is_empty() {
        let (len, tail) = rest.split_at_checked(length_size).ok_or_else(cut)?;
        let len = len.iter().fold(0usize, |n, &b| n << 8 | usize::from(b));
        let (unit, tail) = tail.split_at_checked(len).ok_or_else(cut)?;
        let retagged;
        let unit = if unit.first().map(|h| h & 0x1F) == Some(SPS) {
            retagged = retag_sps(unit, colour)?;
            found = true;
            &retagged[..]
        } else {
            unit
        };
        let len = u32::try_from(unit.len())
            .ok()
            .filter(|&n| length_size == 4 || n < 1 << (8 * length_size))
            .ok_or_else(|| malformed("retagged NAL unit too long for its length field"))?;
        out.extend_from_slice(&len.to_be_bytes()[4 - length_size..]);
        out.extend_from_slice(unit);
        rest = tail;
    }
    Ok(found.then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A baseline SPS without VUI: 320×240, POC type 2, one reference frame.
    fn bare_sps() -> Vec<u8> {
        let mut w = BitWriter::default();
        w.write(0x67, 8);
        w.write(66, 8);
        w.write(0xC0, 8);
        w.write(30, 8);
        w.write(0b1, 1); // sps id 0
        w.write(0b1, 1); // log2_max_frame_num_minus4 0
        w.write(0b011, 3); // poc type 2
        w.write(0b010, 3); // max_num_ref_frames 1
        w.write(0, 1); // gaps
        w.write(0b000010100, 9); // width in mbs - 1 = 19
        w.write(0b0001111, 7); // height in map units - 1 = 14
        w.write(0b110, 3); // frame_mbs_only, direct_8x8, no cropping
        w.write(0, 1); // no VUI
        w.write(1, 1); // stop bit
        w.into_bytes()
    }

    fn colour_of(sps: &[u8]) -> Option<Colour> {
        let rbsp = nal::unescape(sps);
        let at = locate(&rbsp)?.at;
        let mut bits = BitReader::new(&rbsp);
        bits.read(at)?;
        if !bits.flag()? {
            return None;
        }
        bits.read(3)?;
        let full_range = bits.flag()?;
        bits.flag()?;
        let [primaries, transfer, matrix] = [bits.read(8)?, bits.read(8)?, bits.read(8)?].map(|v| v as u8);
        Some(Colour { primaries, transfer, matrix, full_range })
    }

    #[test]
    fn adds_a_vui_to_an_sps_without_one() {
        let sps = bare_sps();
        assert_eq!(colour_of(&sps), None);
        let tagged = retag_sps(&sps, Colour::BT709).unwrap();
        assert_eq!(colour_of(&tagged), Some(Colour::BT709));
        let retagged = retag_sps(&tagged, Colour::BT601).unwrap();
        assert_eq!(colour_of(&retagged), Some(Colour::BT601));
        assert_eq!(retagged.len(), tagged.len());
        assert!(tagged.starts_with(&sps[..4]));
    }

    #[test]
    fn refuses_what_is_not_an_sps_and_never_panics() {
        assert!(retag_sps(&[0x68, 0xCE], Colour::BT709).is_err());
        assert!(retag_sps(&[], Colour::BT709).is_err());
        assert!(retag_avcc(&[1, 0x42, 0, 30, 0xFF, 0xE1, 0, 40], Colour::BT709).is_err());
        assert!(retag_sample(&[0, 0, 0, 9, 0x67], 4, Colour::BT709).is_err());
        let sps = retag_sps(&bare_sps(), Colour::BT709).unwrap();
        for len in 0..sps.len() {
            let _ = retag_sps(&sps[..len], Colour::BT709);
        }
        // Every single-byte corruption: an error or an SPS, never a panic.
        for i in 1..sps.len() {
            for value in [0x00, 0x03, 0x55, 0xFF] {
                let mut bad = sps.clone();
                bad[i] = value;
                let _ = retag_sps(&bad, Colour::BT709);
            }
        }
    }

    #[test]
    fn retags_the_sps_of_an_avcc_and_of_a_sample() {
        let sps = bare_sps();
        let pps = [0x68, 0xCE, 0x38, 0x80];
        let mut avcc = vec![1, 66, 0xC0, 30, 0xFF, 0xE1, 0, sps.len() as u8];
        avcc.extend_from_slice(&sps);
        avcc.extend_from_slice(&[1, 0, 4]);
        avcc.extend_from_slice(&pps);
        let tagged = retag_sps(&sps, Colour::BT709).unwrap();
        let mut want = vec![1, 66, 0xC0, 30, 0xFF, 0xE1, 0, tagged.len() as u8];
        want.extend_from_slice(&tagged);
        want.extend_from_slice(&[1, 0, 4]);
        want.extend_from_slice(&pps);
        assert_eq!(retag_avcc(&avcc, Colour::BT709).unwrap(), want);

        let mut sample = vec![0, 0, 0, sps.len() as u8];
        sample.extend_from_slice(&sps);
        sample.extend_from_slice(&[0, 0, 0, 2, 0x65, 0x88]);
        let mut want = vec![0, 0, 0, tagged.len() as u8];
        want.extend_from_slice(&tagged);
        want.extend_from_slice(&[0, 0, 0, 2, 0x65, 0x88]);
        assert_eq!(retag_sample(&sample, 4, Colour::BT709).unwrap(), Some(want));
        assert_eq!(retag_sample(&[0, 0, 0, 2, 0x65, 0x88], 4, Colour::BT709).unwrap(), None);
    }
}
