//! One output track: its validated description and the conversion of packet
//! times (µs) to media ticks.
//!
//! Each absolute timestamp is rounded to the track timescale on its own (never
//! accumulated), and a sample's duration is the difference to the next sample's
//! decode time, so it becomes final only when the next packet arrives; the last
//! sample uses its packet's own duration.

use super::super::MAX_SAMPLES_PER_TRACK;
use super::super::codec_config::{self, EntryConfig};
use crate::container::{ContainerError, MuxTrack, Packet, TrackKind};
use crate::time::{ticks_to_us, us_to_ticks};

/// Largest packet time or duration accepted, in µs (about two years): keeps every tick sum far from overflow.
const MAX_TIME_US: i64 = 1 << 46;

/// Timescale for video tracks that do not bring one: divisible by 24, 25, 30, 50, 60 and 30000/1001 frame durations.
const DEFAULT_VIDEO_TIMESCALE: u32 = 90_000;

/// A sample whose timing is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TimedSample {
    /// Decode time in media ticks (as given, not yet rebased).
    pub dts: i64,
    /// Decode duration in media ticks.
    pub duration: u32,
    /// Composition minus decode time in media ticks.
    pub cts_offset: i32,
    /// Keyframe.
    pub sync: bool,
    /// Bytes.
    pub size: u32,
}

/// A track being written.
pub(super) struct TrackWriter {
    /// 1-based MP4 track id.
    pub id: u32,
    /// The description given at creation.
    pub spec: MuxTrack,
    /// Media ticks per second.
    pub timescale: u32,
    /// Sample entry type and configuration box.
    pub entry: EntryConfig,
    first_dts: Option<i64>,
    first_cts: Option<i64>,
    pending: Option<(TimedSample, i64)>,
    end_dts: i64,
    end_cts: i64,
    last_duration: u32,
    count: u64,
}

impl TrackWriter {
    /// Validates `spec` and prepares track `id`.
    pub fn new(id: u32, spec: &MuxTrack) -> Result<Self, ContainerError> {
        let entry = codec_config::for_track(spec, id)?;
        let timescale = match (spec.timescale, spec.kind, &spec.audio) {
            (t, _, _) if t > 0 => t,
            (_, TrackKind::Audio, Some(a)) if a.sample_rate > 0 => a.sample_rate,
            _ => DEFAULT_VIDEO_TIMESCALE,
        };
        match (spec.kind, &spec.video, &spec.audio) {
            (TrackKind::Video, Some(v), _) if (1..=0xFFFF).contains(&v.width) && (1..=0xFFFF).contains(&v.height) => {
                if ![0, 90, 180, 270].contains(&v.rotation) {
                    return Err(ContainerError::InvalidInput(format!(
                        "track {id}: rotation {} is not 0, 90, 180 or 270",
                        v.rotation
                    )));
                }
            }
            (TrackKind::Audio, _, Some(a)) if a.channels > 0 => {}
            _ => {
                return Err(ContainerError::InvalidInput(format!(
                    "track {id} needs its video size (1–65535 px) or audio channels"
                )));
            }
        }
        Ok(Self {
            id,
            spec: spec.clone(),
            timescale,
            entry,
            first_dts: None,
            first_cts: None,
            pending: None,
            end_dts: 0,
            end_cts: 0,
            last_duration: 0,
            count: 0,
        })
    }

    /// Takes the next packet; returns the previous sample, whose duration this packet's decode time fixes.
    pub fn accept(&mut self, packet: &Packet) -> Result<Option<TimedSample>, ContainerError> {
        let ts = self.timescale;
        if [packet.pts_us, packet.dts_us, packet.duration_us].iter().any(|t| t.abs() > MAX_TIME_US) {
            return Err(self.invalid(format!(
                "a packet time beyond ±{MAX_TIME_US} µs (pts {}, dts {})",
                packet.pts_us, packet.dts_us
            )));
        }
        let dts = us_to_ticks(packet.dts_us, ts);
        let cts_offset = i32::try_from(us_to_ticks(packet.pts_us, ts) - dts).map_err(|_| {
            self.invalid(format!("presentation and decode times {} µs apart", packet.pts_us - packet.dts_us))
        })?;
        let size = u32::try_from(packet.data.len()).map_err(|_| self.invalid("a packet above 4 GiB".into()))?;
        let duration = match &self.pending {
            Some((prev, _)) if dts < prev.dts => {
                return Err(self.invalid(format!(
                    "decode times going backwards ({} µs after {} µs)",
                    packet.dts_us,
                    ticks_to_us(prev.dts, ts)
                )));
            }
            Some((prev, _)) => Some(
                u32::try_from(dts - prev.dts)
                    .map_err(|_| self.invalid("a gap of more than 2^32 ticks between packets".into()))?,
            ),
            None => None,
        };
        if self.count >= MAX_SAMPLES_PER_TRACK {
            return Err(ContainerError::LimitExceeded {
                what: format!("samples in track {}", self.id),
                value: self.count + 1,
                limit: MAX_SAMPLES_PER_TRACK,
            });
        }
        self.count += 1;
        self.first_dts.get_or_insert(dts);
        let cts = dts + i64::from(cts_offset);
        self.first_cts = Some(self.first_cts.map_or(cts, |first| first.min(cts)));
        let done = match (self.pending.take(), duration) {
            (Some((prev, _)), Some(duration)) => Some(self.complete(prev, duration)),
            _ => None,
        };
        let own_duration = (us_to_ticks(packet.dts_us + packet.duration_us.max(0), ts) - dts).max(0);
        let sample = TimedSample { dts, duration: 0, cts_offset, sync: packet.keyframe, size };
        self.pending = Some((sample, own_duration));
        Ok(done)
    }

    /// Completes the last sample with its packet's own duration (or the previous sample's when it has none).
    pub fn finish(&mut self) -> Option<TimedSample> {
        let (last, own) = self.pending.take()?;
        let duration = u32::try_from(own).unwrap_or(u32::MAX);
        Some(self.complete(last, if duration > 0 { duration } else { self.last_duration }))
    }

    fn complete(&mut self, mut sample: TimedSample, duration: u32) -> TimedSample {
        sample.duration = duration;
        self.last_duration = duration;
        self.end_dts = sample.dts + i64::from(duration);
        self.end_cts = self.end_cts.max(sample.dts + i64::from(sample.cts_offset) + i64::from(duration));
        sample
    }

    fn invalid(&self, what: String) -> ContainerError {
        ContainerError::InvalidInput(format!("track {}: {what}", self.id))
    }

    /// Decode time of the first packet, in ticks, once one arrived.
    pub fn first_dts(&self) -> Option<i64> {
        self.first_dts
    }

    /// Earliest composition (presentation) time of the packets so far, in ticks.
    pub fn first_cts(&self) -> Option<i64> {
        self.first_cts
    }

    /// Decode time just after the last completed sample.
    pub fn end_dts(&self) -> i64 {
        self.end_dts
    }

    /// Latest presentation end (composition time + duration) of the completed samples.
    pub fn end_cts(&self) -> i64 {
        self.end_cts
    }
}
