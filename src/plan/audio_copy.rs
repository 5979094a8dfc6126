//! Audio copy: when the sound is nothing but untouched source audio laid back to back, its
//! packets are copied instead of decoded, mixed and encoded.
//!
//! The plan copies the audio when its clips tile the timeline (the first starts at 0, each
//! starts where the previous ends, the last ends with the output), each at speed 1, volume 1,
//! without fades, and every source track has the same codec, sample rate, channels and decoder
//! configuration (AudioSpecificConfig, so the AAC object type; OpusHead), of the output's codec
//! family (AAC into MP4, Opus into MP4 or WebM). The output keeps the source's bitrate. A size
//! target always encodes (its bitrate budget counts the planned audio bitrate).
//!
//! Packets are whole, so joins are at most one packet off, as with ffmpeg's concat demuxer.
//! [`AudioPlacer`] decides which packets of each [`AudioSplice`] are written and when:
//! - the first splice also copies the packet that starts before it (the one ending at or after
//!   its start: AAC priming or a trim's pre-roll); it lands before zero, where the MP4 muxer's
//!   edit list hides it, and every packet keeps its source time shifted by the splice offset.
//!   WebM cannot hold a block before zero, so there ([`AudioPlacer::from_zero`]) the first
//!   splice starts as a later one does after audio ending at 0;
//! - a later splice skips the packets whose middle lies before the audio written so far and
//!   shifts the rest so the first lands exactly there: the audio stays gapless, each splice
//!   moved by at most half a packet against its video;
//! - a splice stops before the first packet whose middle lies at or after its end;
//! - where a source's sound ends early or starts late, the hole stays: the next packets keep
//!   their own time.
//!
//! So the sound is within half a packet (AAC: 1024 samples, 21.3 ms at 48 kHz; Opus: 20 ms) of
//! the video at every join, and the audio ends within half a packet of the output's end.

use super::audio::AudioClip;
use crate::container::{ProbeInfo, TrackInfo};
use crate::project::{AudioCodec, Format, Output};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How the output's sound is produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AudioTreatment {
    /// The output has no sound.
    None,
    /// Decode, mix and encode.
    Encode {
        /// Why the packets could not be copied.
        reason: AudioEncodeReason,
    },
    /// Copy the source packets of each splice in order (see [`AudioPlacer`]).
    Copy {
        /// The codec string every copied track shares (`mp4a.40.2`, `opus`).
        codec: String,
        /// The splices, in timeline order, tiling the timeline.
        splices: Vec<AudioSplice>,
    },
}

impl AudioTreatment {
    /// The stats name of a copy.
    pub const COPY: &'static str = "copy";

    /// The stable name shown in stats: `none`, `encode` or `copy`.
    pub fn name(&self) -> &'static str {
        match self {
            AudioTreatment::None => "none",
            AudioTreatment::Encode { .. } => "encode",
            AudioTreatment::Copy { .. } => Self::COPY,
        }
    }

    /// The reason name of an encode (`mixed`, `codec-mismatch`, …), else `None`.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            AudioTreatment::Encode { reason } => Some(reason.name()),
            _ => None,
        }
    }
}

/// Why the sound is decoded and encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AudioEncodeReason {
    /// `targetSizeBytes` is set: the audio bitrate is part of the budget.
    TargetSize,
    /// `forceTranscode` is set.
    Forced,
    /// Some stretch of the timeline has no sound (silence must be made).
    Gap,
    /// Two sounds play at once.
    Mixed,
    /// A clip changes volume, fades or plays at another speed.
    Edited,
    /// A source's audio codec is not the output's, or the container cannot hold it.
    CodecMismatch,
    /// The sources' sample rates, channels or decoder configurations differ, or are unknown.
    ParameterMismatch,
    /// Never planned: a renderer that made the whole video without its fast path (the
    /// server's normal render) mixed and encoded the sound with it.
    FullRender,
}

impl AudioEncodeReason {
    /// The stable name shown in stats.
    pub fn name(self) -> &'static str {
        match self {
            AudioEncodeReason::TargetSize => "target-size",
            AudioEncodeReason::Forced => "forced",
            AudioEncodeReason::Gap => "gap",
            AudioEncodeReason::Mixed => "mixed",
            AudioEncodeReason::Edited => "edited",
            AudioEncodeReason::CodecMismatch => "codec-mismatch",
            AudioEncodeReason::ParameterMismatch => "parameter-mismatch",
            AudioEncodeReason::FullRender => "full-render",
        }
    }
}

/// One clip's copied audio: source packets from `from_us` to `to_us` (source time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioSplice {
    /// The source id.
    pub source: String,
    /// The container track id of its audio track.
    pub track_id: u32,
    /// Source time the splice starts (`trimStart`).
    pub from_us: i64,
    /// Source time it stops.
    pub to_us: i64,
    /// Source time minus timeline time.
    pub offset_us: i64,
}

impl AudioSplice {
    /// Timeline time it ends.
    pub fn end_us(&self) -> i64 {
        self.to_us - self.offset_us
    }
}

/// Decides whether the sound of `clips` (the plan's, in scene order) is copied.
pub(crate) fn decide(
    clips: &[AudioClip],
    probes: &BTreeMap<String, ProbeInfo>,
    output: &Output,
    duration_us: i64,
) -> AudioTreatment {
    if output.audio_codec == AudioCodec::None {
        return AudioTreatment::None;
    }
    match copy(clips, probes, output, duration_us) {
        Ok((codec, splices)) => AudioTreatment::Copy { codec, splices },
        Err(reason) => AudioTreatment::Encode { reason },
    }
}

/// The shared codec and the splices, or why the sound is encoded.
fn copy(
    clips: &[AudioClip],
    probes: &BTreeMap<String, ProbeInfo>,
    output: &Output,
    duration_us: i64,
) -> Result<(String, Vec<AudioSplice>), AudioEncodeReason> {
    if output.target_size_bytes.is_some() {
        return Err(AudioEncodeReason::TargetSize);
    }
    if output.force_transcode {
        return Err(AudioEncodeReason::Forced);
    }
    let mut sorted: Vec<&AudioClip> = clips.iter().collect();
    sorted.sort_by_key(|c| (c.timeline_start_us, c.timeline_end_us));
    let mut end_us = 0;
    for clip in &sorted {
        if clip.timeline_start_us > end_us {
            return Err(AudioEncodeReason::Gap);
        }
        if clip.timeline_start_us < end_us {
            return Err(AudioEncodeReason::Mixed);
        }
        end_us = clip.timeline_end_us;
    }
    if end_us < duration_us {
        return Err(AudioEncodeReason::Gap);
    }
    if sorted.iter().any(|c| c.speed != 1.0 || c.volume != 1.0 || c.fade_in_us > 0 || c.fade_out_us > 0) {
        return Err(AudioEncodeReason::Edited);
    }
    let mut shared: Option<&TrackInfo> = None;
    for clip in &sorted {
        let track = probes
            .get(&clip.source)
            .and_then(|p| p.tracks.iter().find(|t| t.id == clip.track_id))
            .ok_or(AudioEncodeReason::ParameterMismatch)?;
        if !fits(&track.codec, output) {
            return Err(AudioEncodeReason::CodecMismatch);
        }
        if track.audio.is_none() || track.description.is_none() {
            return Err(AudioEncodeReason::ParameterMismatch);
        }
        let same =
            |a: &TrackInfo| (&a.codec, &a.audio, &a.description) == (&track.codec, &track.audio, &track.description);
        match shared {
            Some(first) if !same(first) => return Err(AudioEncodeReason::ParameterMismatch),
            Some(_) => {}
            None => shared = Some(track),
        }
    }
    let codec = shared.ok_or(AudioEncodeReason::Gap)?.codec.clone();
    let splices = sorted
        .iter()
        .map(|c| AudioSplice {
            source: c.source.clone(),
            track_id: c.track_id,
            from_us: c.source_in_us,
            to_us: c.source_out_us,
            offset_us: c.source_in_us - c.timeline_start_us,
        })
        .collect();
    Ok((codec, splices))
}

/// True when a source audio codec string is the output's codec in a container that holds it.
fn fits(codec: &str, output: &Output) -> bool {
    match output.audio_codec {
        AudioCodec::Aac => codec.starts_with("mp4a.40.") && output.format == Format::Mp4,
        AudioCodec::Opus => codec == "opus" && matches!(output.format, Format::Mp4 | Format::Webm),
        AudioCodec::None => false,
    }
}

/// What to do with one source packet of a splice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioPlace {
    /// Not part of the splice yet: read on.
    Skip,
    /// Write it at this timeline time (presentation and decode: audio does not reorder).
    At(i64),
    /// The splice is done: this packet and the rest belong to no splice.
    Done,
}

/// Places the copied audio packets of successive splices on the output timeline (the rules
/// are in the module documentation). Feed it each splice's packets in order, from the seek.
#[derive(Debug, Clone, Default)]
pub struct AudioPlacer {
    /// Timeline time the audio written so far ends (`None` before the first packet).
    end_us: Option<i64>,
    /// Shift of the current splice's packets beyond its offset, once its first is placed.
    shift_us: Option<i64>,
}

impl AudioPlacer {
    /// A placer for a timeline that has no audio yet, whose container keeps a packet before
    /// zero (MP4: the edit list hides it).
    pub fn new() -> Self {
        Self::default()
    }

    /// A placer for a container that cannot hold audio before zero (WebM): the first splice
    /// starts at 0 with the packet whose middle lies at or after its start, moved there.
    pub fn from_zero() -> Self {
        AudioPlacer { end_us: Some(0), shift_us: None }
    }

    /// Starts the next splice.
    pub fn start_splice(&mut self) {
        self.shift_us = None;
    }

    /// Timeline time the audio written so far ends.
    pub fn end_us(&self) -> Option<i64> {
        self.end_us
    }

    /// Where a packet of `splice` starting at source `pts_us`, lasting `duration_us`, goes.
    pub fn place(&mut self, splice: &AudioSplice, pts_us: i64, duration_us: i64) -> AudioPlace {
        let natural = pts_us - splice.offset_us;
        let half = duration_us / 2;
        let shift = match (self.shift_us, self.end_us) {
            (Some(shift), _) => shift,
            // The first splice: from the packet that ends at or after its start, unshifted.
            (None, None) if natural + duration_us.max(1) < splice.from_us - splice.offset_us => {
                return AudioPlace::Skip;
            }
            (None, None) => 0,
            (None, Some(end)) => {
                // Audio that ended early (a short track) leaves a hole: the splice starts on
                // its own time then, as it does when its source's sound starts late.
                let start = splice.from_us - splice.offset_us;
                let hole = end < start - half;
                if natural + half < if hole { start } else { end } {
                    return AudioPlace::Skip;
                }
                if hole || natural - end > half { 0 } else { end - natural }
            }
        };
        let at = natural + shift;
        if at + half >= splice.end_us() {
            return AudioPlace::Done;
        }
        self.shift_us = Some(shift);
        self.end_us = Some(at + duration_us);
        AudioPlace::At(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splice(from_us: i64, to_us: i64, timeline_us: i64) -> AudioSplice {
        AudioSplice { source: "a".into(), track_id: 2, from_us, to_us, offset_us: from_us - timeline_us }
    }

    /// Places packets of `d` µs (source times `first_us + k·d`) of `s`: (timeline, source) times.
    fn run(p: &mut AudioPlacer, s: &AudioSplice, first_us: i64, d: i64) -> Vec<(i64, i64)> {
        p.start_splice();
        let mut out = Vec::new();
        let mut pts = first_us;
        loop {
            match p.place(s, pts, d) {
                AudioPlace::Skip => {}
                AudioPlace::At(t) => out.push((t, pts)),
                AudioPlace::Done => return out,
            }
            pts += d;
        }
    }

    #[test]
    fn first_splice_keeps_the_priming_packet_and_joins_stay_gapless_within_half_a_packet() {
        let d = 21_333;
        let mut p = AudioPlacer::new();
        let first = run(&mut p, &splice(0, 1_000_000, 0), -d, d);
        assert_eq!(first[0], (-d, -d), "the priming packet is kept before zero");
        let end = p.end_us().unwrap();
        assert!((end - 1_000_000).abs() <= d / 2, "{end}");
        // The second splice is cut 5 ms into a packet of its source.
        let s = splice(2_005_000, 3_000_000, 1_000_000);
        let second = run(&mut p, &s, -d, d);
        let (at, pts) = second[0];
        assert_eq!(at, end, "gapless");
        assert!((at - (pts - s.offset_us)).abs() <= d / 2, "moved by at most half a packet");
        assert!(second.windows(2).all(|w| w[1].0 - w[0].0 == d));
        assert!((p.end_us().unwrap() - 2_000_000).abs() <= d / 2);
    }

    #[test]
    fn from_zero_never_places_a_packet_before_zero_and_stays_within_half_a_packet() {
        let d = 20_000;
        // A cut at source 0.5 s: packets at 0.485 s (middle before the cut) and 0.505 s.
        let s = splice(500_000, 1_500_000, 0);
        let placed = run(&mut AudioPlacer::from_zero(), &s, 485_000 - 24 * d, d);
        assert_eq!(placed[0], (0, 505_000), "the first packet whose middle is past the cut, moved to 0");
        assert!(placed.iter().all(|&(at, _)| at >= 0));
        assert!(placed.windows(2).all(|w| w[1].0 == w[0].0 + d), "gapless");
        let end = placed.last().unwrap().0 + d;
        assert!((end - 1_000_000).abs() <= d / 2, "ends within half a packet: {end}");
    }

    #[test]
    fn a_later_splice_moves_by_at_most_half_a_packet() {
        let d = 20_000;
        let mut p = AudioPlacer::new();
        run(&mut p, &splice(0, 1_000_000, 0), 0, d);
        assert_eq!(p.end_us(), Some(1_000_000));
        // Source packets sit at 7 ms + k·20 ms: the first whose middle is past 1 s is moved.
        let s = splice(500_000, 1_500_000, 1_000_000);
        let (at, pts) = run(&mut p, &s, 7_000, d)[0];
        assert_eq!(at, 1_000_000);
        assert!((at - (pts - s.offset_us)).abs() <= d / 2);
    }

    #[test]
    fn a_source_whose_sound_ends_early_leaves_a_hole_not_a_shift() {
        let d = 20_000;
        let mut p = AudioPlacer::new();
        // The first clip's audio stops at 0.5 s of its 1 s.
        p.start_splice();
        let first = splice(0, 1_000_000, 0);
        for k in 0..25 {
            assert_eq!(p.place(&first, k * d, d), AudioPlace::At(k * d));
        }
        let (at, pts) = run(&mut p, &splice(3_000_000, 4_000_000, 1_000_000), 2_900_000, d)[0];
        assert_eq!((at, pts), (1_000_000, 3_000_000), "the next clip keeps its own time");
    }
}
