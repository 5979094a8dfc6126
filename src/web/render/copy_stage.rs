//! Stream copy (issue #8): the packets of a plan [`Splice`]'s copied span go from the source
//! into the muxer unchanged (same bytes, the source's decoder description), only moved to
//! timeline time; nothing is decoded or encoded.
//!
//! The copied span is whole GOPs (it starts on a keyframe and stops before the next GOP's
//! keyframe or at the end of the track), so every packet whose presentation time lies in it
//! is copied, in decode order.
//!
//! The sound ([`Sound`]) is either mixed and encoded ([`AudioPipeline`]) or, when the plan
//! copies it ([`AudioTreatment::Copy`]), the sources' audio packets placed on the timeline by
//! [`AudioPlacer`] ([`AudioCopier`]): no audio decoder or encoder is opened then.

use super::audio_encode::AudioOut;
use super::audio_pipeline::AudioPipeline;
use super::cancel::Signal;
use super::encoded_output::StreamConfig;
use super::error::RenderError;
use super::media::Media;
use super::packets::TrackPackets;
use crate::audio::{OUTPUT_CHANNELS, OUTPUT_RATE};
use crate::container::{AudioInfo, Packet};
use crate::project::Format;
use crate::plan::{AudioPlace, AudioPlacer, AudioSplice, AudioTreatment, RenderPlan, SourceSpan, Splice};
use web_sys::AudioEncoderConfig;

/// The decoder config the copied packets carry: the source track's codec string and
/// description (`avcC`), shared by every copied segment (the plan checks they match).
pub(crate) fn copy_config(plan: &RenderPlan, media: &Media) -> Result<Option<StreamConfig>, RenderError> {
    let Some(splice) = plan.segments.iter().find_map(|s| s.treatment.splice()) else { return Ok(None) };
    let track = media.track(&splice.source, splice.track_id)?;
    Ok(Some((track.codec.clone(), track.description.clone())))
}

/// Reads the packets of `span` of `splice`'s source, moved to timeline time, GOP by GOP.
pub(crate) struct CopyReader {
    packets: TrackPackets,
    span: SourceSpan,
    offset_us: i64,
    held: Option<Packet>,
    done: bool,
}

impl CopyReader {
    /// Opens the source at the keyframe starting `span`.
    pub(crate) fn open(media: &Media, splice: &Splice, span: SourceSpan) -> Result<Self, RenderError> {
        let track = media.track(&splice.source, splice.track_id)?;
        let packets = TrackPackets::open(media.reads(&splice.source)?, &splice.source, track.id, span.from_us)?;
        Ok(CopyReader { packets, span, offset_us: splice.offset_us, held: None, done: false })
    }

    /// The next GOP's packets (decode order, timeline time), or `None` after the span.
    pub(crate) fn next_gop(&mut self) -> Result<Option<Vec<Packet>>, RenderError> {
        let mut gop = Vec::new();
        while !self.done {
            let Some(mut packet) = self.held.take().map_or_else(|| self.packets.next(), |p| Ok(Some(p)))? else {
                self.done = true;
                break;
            };
            if packet.keyframe && packet.pts_us >= self.span.to_us {
                self.done = true;
                break;
            }
            if packet.keyframe && !gop.is_empty() {
                self.held = Some(packet);
                break;
            }
            if packet.pts_us < self.span.from_us || packet.pts_us >= self.span.to_us {
                continue;
            }
            packet.pts_us -= self.offset_us;
            packet.dts_us -= self.offset_us;
            gop.push(packet);
        }
        Ok(if gop.is_empty() { None } else { Some(gop) })
    }
}

/// How far before a splice's start its audio is read, so the packet before it is seen.
const AUDIO_SEEK_BACK_US: i64 = 200_000;

/// The sound of a pass: mixed and encoded, or the sources' packets copied as the plan says.
pub(crate) enum Sound {
    /// Decoded, mixed and encoded.
    Mix(AudioPipeline),
    /// Copied ([`AudioTreatment::Copy`]).
    Copy(AudioCopier),
}

impl Sound {
    /// The sound of `plan`: copied when the plan copies it, else mixed into `encoder`
    /// (`None` when the output has no sound).
    pub(crate) fn open(
        plan: &RenderPlan,
        media: &Media,
        encoder: Option<&AudioEncoderConfig>,
        signal: &Signal,
    ) -> Result<Option<Sound>, RenderError> {
        if let AudioTreatment::Copy { splices, .. } = &plan.audio_treatment {
            // WebM holds no block before zero: its first splice starts there (see AudioPlacer).
            let placer = if plan.output.format == Format::Webm { AudioPlacer::from_zero() } else { AudioPlacer::new() };
            return AudioCopier::open(media, splices, placer).map(|c| Some(Sound::Copy(c)));
        }
        match encoder {
            Some(config) => Ok(AudioPipeline::new(plan, AudioOut::open(config, signal)?, signal)?.map(Sound::Mix)),
            None => Ok(None),
        }
    }

    /// The stream's shape, for the muxer (its index reservation, rate and channels).
    pub(crate) fn shape(&self, plan: &RenderPlan) -> Option<AudioShape> {
        let mixed = AudioInfo { sample_rate: OUTPUT_RATE, channels: OUTPUT_CHANNELS as u16 };
        match self {
            Sound::Mix(_) => plan.encoding.audio.as_ref().map(|a| AudioShape { frame_samples: a.frame_samples, info: mixed, extra_packets: 0 }),
            // Each splice may start and end with a partly used packet (and the first its priming).
            Sound::Copy(c) => Some(AudioShape { frame_samples: c.frame_samples, info: c.info.clone(), extra_packets: 3 * c.splices.len() as u64 }),
        }
    }

    /// Produces the sound up to timeline time `until_us`; a mix waits for its codecs only
    /// while it is before `wait_before_us`.
    pub(crate) async fn render_until(&mut self, until_us: i64, wait_before_us: i64, media: &Media) -> Result<(), RenderError> {
        match self {
            Sound::Mix(m) => m.render_until(until_us, wait_before_us, media).await,
            Sound::Copy(c) => c.read_until(Some(until_us), media),
        }
    }

    /// Produces the rest of the sound.
    pub(crate) async fn finish(&mut self, media: &Media) -> Result<(), RenderError> {
        match self {
            Sound::Mix(m) => m.finish(media).await,
            Sound::Copy(c) => c.read_until(None, media),
        }
    }

    /// The stream's codec string and description, once known.
    pub(crate) fn stream(&mut self) -> Option<StreamConfig> {
        match self {
            Sound::Mix(m) => m.out().stream(),
            Sound::Copy(c) => Some(c.config.clone()),
        }
    }

    /// Takes the packets produced so far.
    pub(crate) fn take_packets(&mut self) -> Vec<Packet> {
        match self {
            Sound::Mix(m) => m.take_packets(),
            Sound::Copy(c) => std::mem::take(&mut c.ready),
        }
    }
}

/// What the muxer needs to know of the sound before its first packet.
pub(crate) struct AudioShape {
    /// Samples per packet (the shortest expected; for the index reservation).
    pub frame_samples: u32,
    /// Sample rate and channels.
    pub info: AudioInfo,
    /// Packets beyond duration ÷ packet length the stream may hold.
    pub extra_packets: u64,
}

/// Copies the audio packets of the plan's audio splices, placed by [`AudioPlacer`].
pub(crate) struct AudioCopier {
    splices: Vec<AudioSplice>,
    /// The splice being read (index) and its packets, once opened.
    current: Option<(usize, TrackPackets)>,
    next: usize,
    placer: AudioPlacer,
    ready: Vec<Packet>,
    config: StreamConfig,
    info: AudioInfo,
    frame_samples: u32,
}

impl AudioCopier {
    /// A copier of `splices` (they share one decoder configuration: the plan checks it).
    fn open(media: &Media, splices: &[AudioSplice], placer: AudioPlacer) -> Result<Self, RenderError> {
        let first = splices.first().ok_or_else(|| RenderError::Internal("an audio copy without splices".into()))?;
        let track = media.track(&first.source, first.track_id)?;
        let info = track.audio.clone().unwrap_or(AudioInfo { sample_rate: OUTPUT_RATE, channels: 2 });
        // The shortest packets the index is reserved for: Opus 10 ms (at 48 kHz; its common 20 ms
        // then uses half), AAC's fixed 1024 samples.
        let frame_samples = if track.codec == "opus" { 480 } else { 1024 };
        Ok(AudioCopier {
            splices: splices.to_vec(),
            current: None,
            next: 0,
            placer,
            ready: Vec::new(),
            config: (track.codec.clone(), track.description.clone()),
            info,
            frame_samples,
        })
    }

    /// Reads and places packets until the audio written reaches `until_us` (all: `None`).
    fn read_until(&mut self, until_us: Option<i64>, media: &Media) -> Result<(), RenderError> {
        while until_us.is_none_or(|t| self.placer.end_us().is_none_or(|end| end < t)) {
            let Some((index, packets)) = &mut self.current else {
                let Some(splice) = self.splices.get(self.next) else { return Ok(()) };
                let from_us = splice.from_us - AUDIO_SEEK_BACK_US;
                let packets = TrackPackets::open(media.reads(&splice.source)?, &splice.source, splice.track_id, from_us)?;
                self.placer.start_splice();
                self.current = Some((self.next, packets));
                self.next += 1;
                continue;
            };
            let place = match packets.next()? {
                Some(p) => (self.placer.place(&self.splices[*index], p.pts_us, p.duration_us), Some(p)),
                None => (AudioPlace::Done, None),
            };
            match place {
                (AudioPlace::At(t), Some(mut packet)) => {
                    (packet.pts_us, packet.dts_us) = (t, t);
                    self.ready.push(packet);
                }
                (AudioPlace::Skip, _) => {}
                _ => self.current = None,
            }
        }
        Ok(())
    }
}
