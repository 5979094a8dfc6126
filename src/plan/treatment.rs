//! How each segment is produced: packets copied from the source, a smart cut (copy with the
//! partial GOPs at either end re-encoded), or a full encode, with the reason for an encode.
//!
//! Source time spans are half-open `[from_us, to_us)` in the source's presentation time (edit
//! lists applied, as the demuxer reports packets). A copied span always starts on a keyframe and
//! ends on the next GOP's keyframe or at the end of the track, so it holds whole GOPs only:
//! copy every packet whose presentation time lies in it, in decode order. Timeline time is
//! source time minus [`Splice::offset_us`] (the speed is always 1).

use super::audio_copy::AudioTreatment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a segment is produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Treatment {
    /// Decode, composite and encode every frame.
    Encode {
        /// Why the packets could not be copied.
        reason: EncodeReason,
    },
    /// The segment is whole GOPs of one untouched source: copy its packets as they are.
    Copy(Splice),
    /// Copy the whole GOPs inside the segment; re-encode the frames before the first keyframe
    /// (`head`) and after the last whole GOP (`tail`) with parameters matching the source.
    SmartCut(Splice),
}

impl Treatment {
    /// The splice of a copy or smart cut.
    pub fn splice(&self) -> Option<&Splice> {
        match self {
            Treatment::Copy(s) | Treatment::SmartCut(s) => Some(s),
            Treatment::Encode { .. } => None,
        }
    }

    /// The stable name shown in stats: `copy`, `smartCut` or `encode`.
    pub fn name(&self) -> &'static str {
        match self {
            Treatment::Encode { .. } => "encode",
            Treatment::Copy(_) => "copy",
            Treatment::SmartCut(_) => "smartCut",
        }
    }
}

/// Why a segment is fully re-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodeReason {
    /// The output is a GIF (nothing to copy into it).
    Gif,
    /// `targetSizeBytes` is set: every frame is encoded at the planned bitrate.
    TargetSize,
    /// `forceTranscode` is set.
    Forced,
    /// No video layer shows (background, images or text only).
    NoVideo,
    /// More than one layer shows: something is drawn over or under the video.
    Overlay,
    /// The video has an opacity below 1 or is fading.
    Opacity,
    /// The video is scaled, cropped, moved, rotated or does not fill the frame.
    Scaled,
    /// The video plays faster or slower than 1×.
    Speed,
    /// The source codec is not the output codec.
    CodecMismatch,
    /// The source's decoder configuration (profile, level, SPS/PPS) differs from the one
    /// the other copied segments use, or is unknown.
    ParameterMismatch,
    /// The source frame rate differs from the output's, or varies.
    FrameRate,
    /// The segment holds no whole GOP to copy.
    NoWholeGop,
}

impl EncodeReason {
    /// The stable name shown in stats (`overlay`, `codec-mismatch`, …).
    pub fn name(self) -> &'static str {
        match self {
            EncodeReason::Gif => "gif",
            EncodeReason::TargetSize => "target-size",
            EncodeReason::Forced => "forced",
            EncodeReason::NoVideo => "no-video",
            EncodeReason::Overlay => "overlay",
            EncodeReason::Opacity => "opacity",
            EncodeReason::Scaled => "scaled",
            EncodeReason::Speed => "speed",
            EncodeReason::CodecMismatch => "codec-mismatch",
            EncodeReason::ParameterMismatch => "parameter-mismatch",
            EncodeReason::FrameRate => "frame-rate",
            EncodeReason::NoWholeGop => "no-whole-gop",
        }
    }
}

/// A half-open span of source presentation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceSpan {
    /// First source time in the span.
    pub from_us: i64,
    /// Source time where the span stops.
    pub to_us: i64,
}

/// What a copy or smart cut reads from its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Splice {
    /// The source id.
    pub source: String,
    /// The container track id of its video track.
    pub track_id: u32,
    /// The source span the segment shows: `head`, then `copy`, then `tail`, back to back.
    pub shown: SourceSpan,
    /// Whole GOPs whose packets are copied unchanged (starts on a keyframe).
    pub copy: SourceSpan,
    /// Frames before the first copied keyframe, re-encoded (decode from `head_decode_from_us`).
    pub head: Option<SourceSpan>,
    /// The keyframe at or before `shown.from_us`, where decoding for the head starts.
    pub head_decode_from_us: i64,
    /// Frames after the last whole GOP, re-encoded (decode from `copy.to_us`, a keyframe).
    pub tail: Option<SourceSpan>,
    /// Source time minus timeline time, for every frame of the segment.
    pub offset_us: i64,
}

/// How many segments got each treatment, and why the encoded ones were encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TreatmentSummary {
    /// Segments copied whole.
    pub copy: usize,
    /// Segments smart-cut.
    pub smart_cut: usize,
    /// Segments fully encoded.
    pub encode: usize,
    /// Encoded segments by reason name.
    pub reasons: BTreeMap<String, usize>,
    /// How the sound is made: `copy`, `encode` or `none` ([`AudioTreatment::name`]); empty in
    /// stats stored before it existed.
    #[serde(default)]
    pub audio: String,
    /// Why the sound is encoded (an audio encode reason name: `gap`, `mixed`, …), when it is.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub audio_reason: Option<String>,
}

impl TreatmentSummary {
    /// Counts `treatments`.
    pub fn of<'a>(treatments: impl IntoIterator<Item = &'a Treatment>) -> TreatmentSummary {
        let mut summary = TreatmentSummary::default();
        for t in treatments {
            match t {
                Treatment::Copy(_) => summary.copy += 1,
                Treatment::SmartCut(_) => summary.smart_cut += 1,
                Treatment::Encode { reason } => {
                    summary.encode += 1;
                    *summary.reasons.entry(reason.name().to_owned()).or_default() += 1;
                }
            }
        }
        summary
    }

    /// The summary with the sound's treatment.
    pub fn with_audio(mut self, audio: &AudioTreatment) -> TreatmentSummary {
        self.audio = audio.name().to_owned();
        self.audio_reason = audio.reason().map(str::to_owned);
        self
    }

    /// True when at least one segment copies packets.
    pub fn copies(&self) -> bool {
        self.copy + self.smart_cut > 0
    }
}
