//! The first sample description of `stsd`: coded size for video, sample rate
//! and channels for audio (including QuickTime sound description v1/v2), and
//! the codec configuration inside it.

use super::box_reader::{Children, Cursor, FourCc, Mp4Box, malformed};
use super::codec_config::{self, DecoderSetup};
use crate::container::{ContainerError, TrackKind};

/// Bytes of a visual sample entry before its child boxes.
const VISUAL_FIELDS: usize = 78;

/// What the sample description says about a track.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SampleEntry {
    /// Entry type, e.g. `avc1`, `mp4a`, `encv`.
    pub fourcc: FourCc,
    /// Codec string, description and any rate/channels the configuration states.
    pub setup: DecoderSetup,
    /// Coded width (video).
    pub width: u32,
    /// Coded height (video).
    pub height: u32,
    /// Sample rate (audio), the configuration's when it states one.
    pub sample_rate: u32,
    /// Channel count (audio), the configuration's when it states one.
    pub channels: u16,
}

/// Parses the first entry of an `stsd` box for a track of `kind`; `quicktime` enables MOV sound description versions.
pub(super) fn parse_stsd(stsd: &Mp4Box, kind: TrackKind, quicktime: bool) -> Result<SampleEntry, ContainerError> {
    let mut c = Cursor::new(stsd.body, "stsd");
    let (stsd_version, _) = c.full_header()?;
    c.u32()?; // entry count; only the first description is used
    let entry = Children::new(c.rest(), stsd.body_offset + 8)
        .next()
        .ok_or_else(|| malformed("'stsd' holds no sample description"))??;
    let mut f = Cursor::new(entry.body, "sample entry");
    match kind {
        TrackKind::Video => {
            f.skip(24)?;
            let (width, height) = (f.u16()?, f.u16()?);
            f.skip(VISUAL_FIELDS - 28)?;
            let setup = codec_config::read(&entry.kind, f.rest(), entry.body_offset + VISUAL_FIELDS as u64)?;
            Ok(SampleEntry {
                fourcc: entry.kind,
                setup,
                width: width.into(),
                height: height.into(),
                sample_rate: 0,
                channels: 0,
            })
        }
        TrackKind::Audio => {
            f.skip(8)?;
            let version = f.u16()?;
            f.skip(6)?;
            let mut channels = f.u16()?;
            f.skip(6)?;
            let mut rate = f.u32()? >> 16;
            let extra = match version {
                1 if quicktime || stsd_version == 0 => 16,
                2 if quicktime || stsd_version == 0 => {
                    f.skip(4)?;
                    let exact = f64::from_bits(f.u64()?);
                    rate = if exact.is_finite() && exact > 0.0 && exact < f64::from(u32::MAX) {
                        exact.round() as u32
                    } else {
                        0
                    };
                    channels = u16::try_from(f.u32()?).unwrap_or(u16::MAX);
                    20
                }
                _ => 0,
            };
            f.skip(extra)?;
            let start = entry.body_offset + f.position() as u64;
            let setup = codec_config::read(&entry.kind, f.rest(), start)?;
            let sample_rate = match setup.sample_rate {
                Some(r) if setup.rate_is_definitive || rate == 0 => r,
                // Implicit HE-AAC signalling: the config names the core rate, the entry the output rate.
                Some(r) if rate == r.saturating_mul(2) => rate,
                Some(r) => r,
                None => rate,
            };
            let channels = setup.channels.unwrap_or(channels);
            Ok(SampleEntry { fourcc: entry.kind, setup, width: 0, height: 0, sample_rate, channels })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::mp4::box_writer::BoxWriter;

    fn stsd(entry: impl FnOnce(&mut BoxWriter)) -> Vec<u8> {
        let mut w = BoxWriter::new();
        w.start_full(b"stsd", 0, 0).u32(1);
        entry(&mut w);
        w.end();
        w.into_bytes()
    }

    fn parse(bytes: &[u8], quicktime: bool) -> SampleEntry {
        let stsd = Children::new(bytes, 0).next().unwrap().unwrap();
        parse_stsd(&stsd, TrackKind::Audio, quicktime).unwrap()
    }

    #[test]
    fn reads_quicktime_sound_description_v2() {
        let bytes = stsd(|w| {
            w.start(b"lpcm").zeros(6).u16(1).u16(2).zeros(6); // reserved, dref, version 2, revision, vendor
            w.u16(3).u16(16).i16(-2).u16(0).u32(0x0001_0000).u32(72); // v2 placeholders, struct size
            w.u64(96000f64.to_bits()).u32(6).u32(0x7F00_0000).u32(24).u32(0).u32(18).u32(1);
            w.start(b"chan").zeros(12).end().end();
        });
        let e = parse(&bytes, true);
        assert_eq!((e.setup.codec.as_str(), e.sample_rate, e.channels), ("lpcm", 96000, 6));
    }

    #[test]
    fn reads_quicktime_v1_with_wave_wrapped_esds() {
        let esds = [0, 0, 0, 0, 3, 22, 0, 1, 0, 4, 17, 0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 2, 0x11, 0x90];
        let bytes = stsd(|w| {
            w.start(b"mp4a").zeros(6).u16(1).u16(1).zeros(6).u16(2).u16(16).i16(-2).u16(0).u32(44100 << 16);
            w.u32(1024).u32(0).u32(4).u32(2); // v1: samples per packet, bytes per packet/frame/sample
            w.start(b"wave").start(b"frma").bytes(b"mp4a").end().leaf(b"esds", &esds).end().end();
        });
        let e = parse(&bytes, true);
        assert_eq!((e.setup.codec.as_str(), e.sample_rate, e.channels), ("mp4a.40.2", 48000, 2));
        assert_eq!(e.setup.description.as_deref(), Some(&[0x11, 0x90][..]));
    }
}
