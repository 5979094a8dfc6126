//! Codec configuration boxes ↔ WebCodecs codec strings and descriptions.
//!
//! Reading turns a sample entry's type and child boxes into what a WebCodecs
//! decoder needs; writing turns a [`MuxTrack`]'s codec string and description
//! into the sample entry type and configuration box to store.

mod aac;
mod avc_hevc;
mod opus;
mod vp9_av1;

use super::box_reader::{FourCc, find_child, fourcc_str};
use super::box_writer::BoxWriter;
use crate::container::{ContainerError, MuxTrack, TrackKind};
use opus::OpusConfig;

/// What a sample entry tells a WebCodecs decoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DecoderSetup {
    /// WebCodecs codec string; the entry type itself when the codec is unknown, encrypted or lacks its configuration box.
    pub codec: String,
    /// WebCodecs description bytes, when the codec has one.
    pub description: Option<Vec<u8>>,
    /// Sample rate stated by the codec configuration (overrides the entry's).
    pub sample_rate: Option<u32>,
    /// Channel count stated by the codec configuration (overrides the entry's).
    pub channels: Option<u16>,
    /// True when the configuration is definitive about the sample rate (Opus always decodes at 48 kHz).
    pub rate_is_definitive: bool,
}

impl DecoderSetup {
    fn named(codec: String) -> Self {
        Self { codec, description: None, sample_rate: None, channels: None, rate_is_definitive: false }
    }
}

/// Describes the sample entry of type `entry` whose child boxes are `children` (at file offset `base`).
pub(super) fn read(entry: &FourCc, children: &[u8], base: u64) -> Result<DecoderSetup, ContainerError> {
    let config = |kind: &FourCc| find_child(children, base, kind);
    match entry {
        b"avc1" | b"avc3" => record(config(b"avcC")?.map(|b| b.body), entry, avc_hevc::avc_codec_string),
        b"hvc1" | b"hev1" => record(config(b"hvcC")?.map(|b| b.body), entry, avc_hevc::hevc_codec_string),
        b"vp09" => match config(b"vpcC")? {
            Some(b) => Ok(DecoderSetup::named(vp9_av1::vp9_codec_string(b.body)?)),
            None => Ok(DecoderSetup::named("vp09".into())),
        },
        b"vp08" => Ok(DecoderSetup::named("vp8".into())),
        b"av01" => match config(b"av1C")? {
            Some(b) => Ok(DecoderSetup {
                description: Some(b.body.to_vec()),
                ..DecoderSetup::named(vp9_av1::av1_codec_string(b.body)?)
            }),
            None => Ok(DecoderSetup::named("av01".into())),
        },
        b"mp4a" => {
            // QuickTime nests the esds inside a 'wave' box.
            let esds = match config(b"esds")? {
                Some(b) => Some(b),
                None => config(b"wave")?.map(|w| find_child(w.body, w.body_offset, b"esds")).transpose()?.flatten(),
            };
            let Some(esds) = esds else { return Ok(DecoderSetup::named("mp4a".into())) };
            let esds = aac::parse_esds(esds.body)?;
            let asc = esds.specific_info.as_deref().and_then(|a| aac::parse_asc(a).ok());
            Ok(DecoderSetup {
                codec: aac::codec_string(&esds),
                sample_rate: asc.and_then(|a| a.sample_rate),
                channels: asc.and_then(|a| a.channels),
                description: esds.specific_info,
                rate_is_definitive: false,
            })
        }
        b"Opus" => {
            let dops = config(b"dOps")?
                .ok_or_else(|| super::box_reader::malformed("an Opus sample entry has no 'dOps' box"))?;
            let cfg = OpusConfig::from_dops(dops.body)?;
            Ok(DecoderSetup {
                codec: "opus".into(),
                description: Some(cfg.to_opus_head()),
                sample_rate: Some(48000),
                channels: Some(u16::from(cfg.channels)),
                rate_is_definitive: true,
            })
        }
        b"fLaC" => {
            // WebCodecs FLAC description: "fLaC" followed by the metadata blocks dfLa carries.
            let description =
                config(b"dfLa")?.and_then(|b| b.body.get(4..)).map(|blocks| [b"fLaC".as_slice(), blocks].concat());
            Ok(DecoderSetup { description, ..DecoderSetup::named("flac".into()) })
        }
        b"ulaw" => Ok(DecoderSetup::named("ulaw".into())),
        b"alaw" => Ok(DecoderSetup::named("alaw".into())),
        b"sowt" => Ok(DecoderSetup::named("pcm-s16".into())),
        other => Ok(DecoderSetup::named(fourcc_str(other).trim_end().to_string())),
    }
}

fn record(
    body: Option<&[u8]>,
    entry: &FourCc,
    name: fn(&FourCc, &[u8]) -> Result<String, ContainerError>,
) -> Result<DecoderSetup, ContainerError> {
    match body {
        Some(b) => Ok(DecoderSetup { description: Some(b.to_vec()), ..DecoderSetup::named(name(entry, b)?) }),
        None => Ok(DecoderSetup::named(fourcc_str(entry))),
    }
}

/// The sample entry type and configuration box a track is stored with.
pub(super) struct EntryConfig {
    /// Sample entry type, e.g. `avc1`.
    pub fourcc: FourCc,
    /// The serialized configuration box(es) to put inside the entry.
    pub boxes: Vec<u8>,
}

/// Chooses the sample entry and builds its configuration box for `track` (stored as `track_id`).
pub(super) fn for_track(track: &MuxTrack, track_id: u32) -> Result<EntryConfig, ContainerError> {
    let codec = track.codec.as_str();
    let description = track.description.as_deref();
    let prefix = codec.split('.').next().unwrap_or_default();
    let video = matches!(prefix, "avc1" | "avc3" | "hvc1" | "hev1" | "vp09" | "av01");
    let audio = matches!(prefix, "mp4a" | "opus");
    if !video && !audio {
        return Err(ContainerError::Unsupported {
            what: format!("codec '{codec}' in MP4 (supported: H.264, HEVC, VP9, AV1, AAC, Opus)"),
        });
    }
    if video != (track.kind == TrackKind::Video) {
        return Err(ContainerError::InvalidInput(format!(
            "codec '{codec}' does not match the track kind {:?}",
            track.kind
        )));
    }
    let mut w = BoxWriter::new();
    let fourcc: FourCc = match prefix {
        "avc1" | "avc3" => {
            w.leaf(b"avcC", &avc_hevc::require_record(description, "H.264")?);
            fourcc_of(prefix)
        }
        "hvc1" | "hev1" => {
            w.leaf(b"hvcC", &avc_hevc::require_record(description, "HEVC")?);
            fourcc_of(prefix)
        }
        "vp09" => {
            w.leaf(b"vpcC", &vp9_av1::vpcc_from_codec_string(codec)?);
            *b"vp09"
        }
        "av01" => {
            w.leaf(b"av1C", &vp9_av1::av1c_for(codec, description)?);
            *b"av01"
        }
        "mp4a" => {
            let (oti, aot) = aac::parse_codec_string(codec)?;
            let audio = track.audio.as_ref().ok_or_else(|| {
                ContainerError::InvalidInput("an audio track needs its sample rate and channels".into())
            })?;
            let asc = match (description, oti, aot) {
                (Some(d), _, _) => Some(d.to_vec()),
                (None, 0x40, Some(aot)) if aot < 31 => Some(aac::build_asc(aot, audio.sample_rate, audio.channels)),
                (None, 0x40, _) => {
                    return Err(ContainerError::InvalidInput(format!(
                        "'{codec}' needs its AudioSpecificConfig as description"
                    )));
                }
                (None, _, _) => None,
            };
            w.leaf(b"esds", &aac::build_esds(track_id as u16, oti, asc.as_deref()));
            *b"mp4a"
        }
        _ => {
            let cfg = match description {
                Some(d) => OpusConfig::from_opus_head(d)?,
                None => OpusConfig::default_for(track.audio.as_ref().map_or(2, |a| a.channels))?,
            };
            w.leaf(b"dOps", &cfg.to_dops());
            *b"Opus"
        }
    };
    Ok(EntryConfig { fourcc, boxes: w.into_bytes() })
}

fn fourcc_of(prefix: &str) -> FourCc {
    let mut out = [b' '; 4];
    for (o, b) in out.iter_mut().zip(prefix.bytes()) {
        *o = b;
    }
    out
}
