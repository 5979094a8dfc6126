//! Codec configuration boxes ↔ WebCodecs codec strings and descriptions.
//!
//! Reading turns a sample entry's type and child boxes into what a WebCodecs
//! decoder needs; writing turns a [`MuxTrack`]'s codec string and description
//! into the sample entry type and configuration box to store.

mod dops;
mod esds;
mod vpcc;

use super::box_reader::{FourCc, find_child, fourcc_str, malformed};
use super::box_writer::BoxWriter;
use crate::container::codec::aac::{self, AudioSpecificConfig};
use crate::container::codec::opus::{self, OpusConfig};
use crate::container::codec::vp9::Vp9Config;
use crate::container::codec::{av1, avc, hevc};
use crate::container::{ContainerError, MuxTrack, TrackKind};

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
        b"avc1" | b"avc3" => record(config(b"avcC")?.map(|b| b.body), entry, avc::codec_string)
            .ok_or_else(|| malformed("the 'avcC' H.264 configuration is not version 1 or is too short")),
        b"hvc1" | b"hev1" => record(config(b"hvcC")?.map(|b| b.body), entry, hevc::codec_string)
            .ok_or_else(|| malformed("the 'hvcC' HEVC configuration is not version 1 or is too short")),
        b"vp09" => match config(b"vpcC")? {
            Some(b) => Ok(DecoderSetup::named(vpcc::parse(b.body)?.codec_string())),
            None => Ok(DecoderSetup::named("vp09".into())),
        },
        b"vp08" => Ok(DecoderSetup::named("vp8".into())),
        b"av01" => {
            match config(b"av1C")? {
                Some(b) => Ok(DecoderSetup {
                    description: Some(b.body.to_vec()),
                    ..DecoderSetup::named(av1::codec_string(b.body).ok_or_else(|| {
                        malformed("the 'av1C' AV1 configuration is too short or lacks its marker bit")
                    })?)
                }),
                None => Ok(DecoderSetup::named("av01".into())),
            }
        }
        b"mp4a" => {
            // QuickTime nests the esds inside a 'wave' box.
            let esds = match config(b"esds")? {
                Some(b) => Some(b),
                None => config(b"wave")?.map(|w| find_child(w.body, w.body_offset, b"esds")).transpose()?.flatten(),
            };
            let Some(esds) = esds else { return Ok(DecoderSetup::named("mp4a".into())) };
            let esds = esds::parse_esds(esds.body)?;
            let asc = esds.specific_info.as_deref().and_then(AudioSpecificConfig::parse);
            Ok(DecoderSetup {
                codec: esds::codec_string(&esds),
                sample_rate: asc.and_then(|a| a.sample_rate),
                channels: asc.and_then(|a| a.channels),
                description: esds.specific_info,
                rate_is_definitive: false,
            })
        }
        b"Opus" => {
            let dops = config(b"dOps")?.ok_or_else(|| malformed("an Opus sample entry has no 'dOps' box"))?;
            let cfg = dops::parse(dops.body)?;
            Ok(DecoderSetup {
                codec: "opus".into(),
                description: Some(cfg.to_opus_head()),
                sample_rate: Some(opus::SAMPLE_RATE),
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

/// The setup of an avcC/hvcC entry: the record names the codec and is the description
/// (`None` when `name` cannot read it); without a record the entry type is the codec.
fn record(body: Option<&[u8]>, entry: &FourCc, name: fn(&str, &[u8]) -> Option<String>) -> Option<DecoderSetup> {
    let entry = fourcc_str(entry);
    match body {
        Some(b) => Some(DecoderSetup { description: Some(b.to_vec()), ..DecoderSetup::named(name(&entry, b)?) }),
        None => Some(DecoderSetup::named(entry)),
    }
}

/// Checks a WebCodecs `description` is an `avcC` (or `hvcC`) record before it is stored as one.
fn require_record(description: Option<&[u8]>, codec: &str) -> Result<Vec<u8>, ContainerError> {
    match description {
        Some(d) if d.len() >= 4 && d[0] == 1 => Ok(d.to_vec()),
        Some(_) => Err(ContainerError::InvalidInput(format!(
            "the {codec} description is not a version 1 decoder configuration record"
        ))),
        None => Err(ContainerError::InvalidInput(format!(
            "a {codec} track needs its decoder configuration record as description (from the encoder's metadata)"
        ))),
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
            w.leaf(b"avcC", &require_record(description, "H.264")?);
            fourcc_of(prefix)
        }
        "hvc1" | "hev1" => {
            w.leaf(b"hvcC", &require_record(description, "HEVC")?);
            fourcc_of(prefix)
        }
        "vp09" => {
            let cfg = Vp9Config::from_codec_string(codec).ok_or_else(|| {
                ContainerError::InvalidInput(format!("'{codec}' is not a VP9 codec string like vp09.00.10.08"))
            })?;
            w.leaf(b"vpcC", &vpcc::build(&cfg));
            *b"vp09"
        }
        "av01" => {
            w.leaf(b"av1C", &av1c_for(codec, description)?);
            *b"av01"
        }
        "mp4a" => {
            let (oti, aot) = esds::parse_codec_string(codec)?;
            let audio = track.audio.as_ref().ok_or_else(|| {
                ContainerError::InvalidInput("an audio track needs its sample rate and channels".into())
            })?;
            let asc = match (description, oti, aot) {
                (Some(d), _, _) => Some(d.to_vec()),
                (None, 0x40, Some(aot)) if aot < 31 => Some(aac::build(aot, audio.sample_rate, audio.channels)),
                (None, 0x40, _) => {
                    return Err(ContainerError::InvalidInput(format!(
                        "'{codec}' needs its AudioSpecificConfig as description"
                    )));
                }
                (None, _, _) => None,
            };
            w.leaf(b"esds", &esds::build_esds(track_id as u16, oti, asc.as_deref()));
            *b"mp4a"
        }
        _ => {
            let (channels, rate) = track.audio.as_ref().map_or((2, opus::SAMPLE_RATE), |a| (a.channels, a.sample_rate));
            let cfg = match description {
                Some(d) => OpusConfig::from_opus_head(d).ok_or_else(|| {
                    ContainerError::InvalidInput("the Opus description is not an OpusHead header".into())
                })?,
                None => OpusConfig::default_for(channels, rate).ok_or_else(|| {
                    ContainerError::InvalidInput(format!(
                        "an Opus track with {channels} channels needs its OpusHead description"
                    ))
                })?,
            };
            w.leaf(b"dOps", &dops::build(&cfg));
            *b"Opus"
        }
    };
    Ok(EntryConfig { fourcc, boxes: w.into_bytes() })
}

/// The `av1C` body to store: the given description once checked, or one built from the `av01.…` string.
fn av1c_for(codec: &str, description: Option<&[u8]>) -> Result<Vec<u8>, ContainerError> {
    match description {
        Some(d) if av1::codec_string(d).is_some() => Ok(d.to_vec()),
        Some(_) => Err(ContainerError::InvalidInput("the AV1 description is not an av1C record".into())),
        None => av1::av1c_from_codec_string(codec).ok_or_else(|| {
            ContainerError::InvalidInput(format!("'{codec}' is not an AV1 codec string like av01.0.04M.08"))
        }),
    }
}

fn fourcc_of(prefix: &str) -> FourCc {
    let mut out = [b' '; 4];
    for (o, b) in out.iter_mut().zip(prefix.bytes()) {
        *o = b;
    }
    out
}
