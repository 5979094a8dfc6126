//! Matroska CodecID + CodecPrivate ↔ WebCodecs codec string + `description`.

use super::tracks::TrackEntry;
use super::vp9_private;
use crate::container::codec::opus::OpusConfig;
use crate::container::codec::vp9::{self, Vp9Config};
use crate::container::codec::{aac, av1, avc, hevc};
use crate::container::{ContainerError, MuxTrack};

/// A track's codec as WebCodecs sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebCodec {
    /// The codec string.
    pub codec: String,
    /// The decoder `description`.
    pub description: Option<Vec<u8>>,
}

/// Names the codec of `entry`. `first_keyframe` (its first bytes) and `fps` refine VP9
/// strings when the CodecPrivate lacks them. Codecs without a WebCodecs name keep their
/// Matroska CodecID, so a player reports them as unsupported.
pub fn webcodecs_codec(entry: &TrackEntry, first_keyframe: Option<&[u8]>, fps: Option<f64>) -> WebCodec {
    let private = entry.codec_private.as_deref();
    let keep_private = || private.map(<[u8]>::to_vec);
    let named = |codec: Option<String>, description| WebCodec { codec: codec.unwrap_or_else(|| entry.codec_id.clone()), description };
    match entry.codec_id.as_str() {
        "V_VP8" => named(Some("vp8".into()), None),
        "V_VP9" => named(Some(vp9_params(entry, first_keyframe, fps).codec_string()), None),
        "V_AV1" => named(private.and_then(av1::codec_string), keep_private()),
        "V_MPEG4/ISO/AVC" => named(private.and_then(|p| avc::codec_string("avc1", p)), keep_private()),
        "V_MPEGH/ISO/HEVC" => named(private.and_then(|p| hevc::codec_string(hevc::sample_entry(p)?, p)), keep_private()),
        "A_OPUS" => named(Some("opus".into()), keep_private()),
        "A_VORBIS" => named(Some("vorbis".into()), keep_private()),
        "A_FLAC" => named(Some("flac".into()), keep_private()),
        "A_MPEG/L3" => named(Some("mp3".into()), None),
        "A_AAC" => named(private.and_then(aac::codec_string), keep_private()),
        _ => named(None, keep_private()),
    }
}

fn vp9_params(entry: &TrackEntry, first_keyframe: Option<&[u8]>, fps: Option<f64>) -> Vp9Config {
    let (profile, level, depth) = entry.codec_private.as_deref().map(vp9_private::parse).unwrap_or_default();
    let from_frame = first_keyframe.and_then(vp9::keyframe_profile);
    let (width, height) = entry.video.as_ref().map_or((0, 0), |v| (v.width, v.height));
    Vp9Config::new(
        profile.or(from_frame.map(|f| f.0)).unwrap_or(0),
        level.filter(|&l| l > 0).unwrap_or_else(|| vp9::estimate_level(width, height, fps)),
        depth.or(from_frame.map(|f| f.1)).unwrap_or(8),
    )
}

/// How a WebCodecs track is written in Matroska.
#[derive(Debug, Clone, PartialEq)]
pub struct MatroskaCodec {
    /// CodecID.
    pub codec_id: &'static str,
    /// CodecPrivate.
    pub private: Option<Vec<u8>>,
    /// True when WebM allows the codec (otherwise the file is written as Matroska).
    pub webm: bool,
    /// CodecDelay in nanoseconds (Opus pre-skip).
    pub codec_delay_ns: u64,
}

/// Maps a track to its Matroska codec, building the CodecPrivate the mapping requires.
pub fn matroska_codec(track: &MuxTrack) -> Result<MatroskaCodec, ContainerError> {
    let codec = track.codec.as_str();
    let description = track.description.clone();
    let needs = |what: &str| ContainerError::InvalidInput(format!("track '{codec}' needs its {what} as description"));
    let plain = |codec_id, private, webm| Ok(MatroskaCodec { codec_id, private, webm, codec_delay_ns: 0 });
    match codec.split('.').next().unwrap_or("") {
        "vp8" => plain("V_VP8", None, true),
        "vp09" | "vp9" => plain("V_VP9", Vp9Config::from_codec_string(codec).map(|c| vp9_private::build(&c)), true),
        "av01" => {
            let private = description.filter(|d| av1::codec_string(d).is_some()).or_else(|| av1::av1c_from_codec_string(codec));
            plain("V_AV1", Some(private.ok_or_else(|| ContainerError::InvalidInput(format!("'{codec}' is not a valid AV1 codec string")))?), true)
        }
        "avc1" | "avc3" => plain("V_MPEG4/ISO/AVC", Some(description.ok_or_else(|| needs("avcC record"))?), false),
        "hvc1" | "hev1" => plain("V_MPEGH/ISO/HEVC", Some(description.ok_or_else(|| needs("hvcC record"))?), false),
        "opus" => {
            let audio = track.audio.as_ref();
            let head = description
                .or_else(|| audio.and_then(|a| OpusConfig::default_for(a.channels, a.sample_rate)).map(|c| c.to_opus_head()))
                .ok_or_else(|| needs("OpusHead (required above two channels)"))?;
            let codec_delay_ns = OpusConfig::from_opus_head(&head).map_or(0, |h| h.pre_skip_ns());
            Ok(MatroskaCodec { codec_id: "A_OPUS", private: Some(head), webm: true, codec_delay_ns })
        }
        "vorbis" => plain("A_VORBIS", Some(description.ok_or_else(|| needs("Xiph-laced Vorbis headers"))?), true),
        "mp4a" => plain("A_AAC", Some(description.ok_or_else(|| needs("AudioSpecificConfig"))?), false),
        _ => Err(ContainerError::Unsupported { what: format!("codec '{codec}' in WebM/Matroska output (use VP8, VP9, AV1, Opus or Vorbis)") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::{AudioInfo, TrackKind};

    fn entry(codec_id: &str, private: Option<Vec<u8>>) -> TrackEntry {
        TrackEntry {
            number: 1,
            kind: Some(TrackKind::Video),
            codec_id: codec_id.into(),
            codec_private: private,
            default_duration_ns: None,
            codec_delay_ns: 0,
            video: Some(super::super::tracks::VideoFields { width: 320, height: 240, rotation: 0 }),
            audio: None,
            stripped_header: None,
        }
    }

    #[test]
    fn names_vp9_from_the_keyframe_when_private_is_missing() {
        let c = webcodecs_codec(&entry("V_VP9", None), Some(&[0x82, 0x49, 0x83, 0x42, 0]), Some(30.0));
        assert_eq!(c.codec, "vp09.00.20.08");
        let c = webcodecs_codec(&entry("V_VP9", Some(vec![1, 1, 2, 3, 1, 10])), None, None);
        assert_eq!(c.codec, "vp09.02.20.10");
        assert_eq!(webcodecs_codec(&entry("V_MPEG2", None), None, None).codec, "V_MPEG2");
    }

    #[test]
    fn builds_codec_private_for_muxing() {
        let track = MuxTrack {
            kind: TrackKind::Audio,
            codec: "opus".into(),
            description: None,
            timescale: 0,
            video: None,
            audio: Some(AudioInfo { sample_rate: 48_000, channels: 2 }),
        };
        let m = matroska_codec(&track).unwrap();
        assert_eq!((m.codec_id, m.webm, m.codec_delay_ns), ("A_OPUS", true, 0));
        let aac = MuxTrack { codec: "mp4a.40.2".into(), ..track.clone() };
        assert!(matches!(matroska_codec(&aac), Err(ContainerError::InvalidInput(_))));
        let h264 = MuxTrack { codec: "avc1.64001f".into(), description: Some(vec![1, 0x64, 0, 0x1f]), ..track.clone() };
        assert!(!matroska_codec(&h264).unwrap().webm);
        let av1 = MuxTrack { codec: "av01.0.04M.08".into(), ..track.clone() };
        assert_eq!(matroska_codec(&av1).unwrap().private, Some(vec![0x81, 0x04, 0x0C, 0]));
        let png = MuxTrack { codec: "png".into(), ..track };
        assert!(matches!(matroska_codec(&png), Err(ContainerError::Unsupported { .. })));
    }
}
