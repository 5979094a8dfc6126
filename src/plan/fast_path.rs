//! Segment analysis: which segments can copy source packets instead of encoding.
//!
//! A segment is copied (or smart-cut) when exactly one layer shows, a video layer that fills
//! the output untouched (same size, no crop, no rotation, opacity 1, no fade within the
//! segment), at speed 1, from a source whose codec is the output codec, at the output frame
//! rate (constant), and whose decoder configuration (codec string and avcC/av1C bytes) is the
//! same as every other copied segment's: a file has one. Then the keyframes decide: cuts on
//! keyframes (or at the track's end) copy; other cuts smart-cut, re-encoding the partial GOPs at
//! either end; a segment without one whole GOP is encoded. A `targetSizeBytes` output, GIF and
//! `forceTranscode` are always encoded. The sound has its own treatment (`audio_copy.rs`).

use super::decode::keyframe_before;
use super::frames::FrameRate;
use super::placement::Rotation;
use super::segment::Segment;
use super::timing::{FRAME_PICK_TOLERANCE_US, Opacity};
use super::treatment::{EncodeReason, SourceSpan, Splice, Treatment};
use super::visual::{VideoVisual, Visual, VisualLayer};
use crate::container::{ProbeInfo, TrackInfo};
use crate::project::{Output, VideoCodec};
use std::collections::BTreeMap;

/// How far a source's average frame rate may be from the output's, as a fraction.
const FRAME_RATE_TOLERANCE: f64 = 0.005;
/// How far a placement may be from the identity, in output pixels.
const PLACEMENT_EPSILON: f64 = 1e-6;

/// The decoder configuration every copied segment shares.
type StreamConfig<'p> = (&'p str, Option<&'p [u8]>);

/// Decides each segment's treatment.
pub(crate) fn assign(
    segments: &mut [Segment],
    visuals: &[VisualLayer],
    probes: &BTreeMap<String, ProbeInfo>,
    output: &Output,
    rate: FrameRate,
) {
    let mut shared: Option<StreamConfig> = None;
    for segment in segments.iter_mut() {
        segment.treatment = match treat(segment, visuals, probes, output, rate, &mut shared) {
            Ok(t) => t,
            Err(reason) => Treatment::Encode { reason },
        };
    }
}

/// The treatment of one segment, or why it is encoded.
fn treat<'p>(
    segment: &Segment,
    visuals: &[VisualLayer],
    probes: &'p BTreeMap<String, ProbeInfo>,
    output: &Output,
    rate: FrameRate,
    shared: &mut Option<StreamConfig<'p>>,
) -> Result<Treatment, EncodeReason> {
    if output.video_codec == VideoCodec::Gif {
        return Err(EncodeReason::Gif);
    }
    if output.target_size_bytes.is_some() {
        return Err(EncodeReason::TargetSize);
    }
    if output.force_transcode {
        return Err(EncodeReason::Forced);
    }
    let shown: Vec<&VisualLayer> = segment.layers.iter().filter_map(|&i| visuals.get(i)).collect();
    let (layer, video) = match shown.as_slice() {
        [only] => (*only, video_of(only).ok_or(EncodeReason::NoVideo)?),
        layers if layers.iter().any(|l| video_of(l).is_some()) => return Err(EncodeReason::Overlay),
        _ => return Err(EncodeReason::NoVideo),
    };
    if !is_opaque(&layer.opacity, segment.start_us, segment.end_us) {
        return Err(EncodeReason::Opacity);
    }
    if !fills_output(video, output) {
        return Err(EncodeReason::Scaled);
    }
    if video.time.speed_num != video.time.speed_den {
        return Err(EncodeReason::Speed);
    }
    let probe = probes.get(&video.source).ok_or(EncodeReason::NoVideo)?;
    let track = probe.tracks.iter().find(|t| t.id == video.track_id).ok_or(EncodeReason::NoVideo)?;
    if !same_codec(&track.codec, output.video_codec) {
        return Err(EncodeReason::CodecMismatch);
    }
    if !same_rate(track, rate) {
        return Err(EncodeReason::FrameRate);
    }
    let end_of_track_us = track.duration_us.or(probe.duration_us).unwrap_or(i64::MAX);
    let from_us = video.time.source_time_us(segment.start_us);
    let to_us = video.time.source_time_us(segment.end_us);
    let splice = splice(video, track, from_us, to_us, end_of_track_us, from_us - segment.start_us)
        .ok_or(EncodeReason::NoWholeGop)?;
    let config = (track.codec.as_str(), track.description.as_deref());
    let needs_description = matches!(output.video_codec, VideoCodec::H264 | VideoCodec::Av1);
    if needs_description && config.1.is_none() {
        return Err(EncodeReason::ParameterMismatch);
    }
    match shared {
        Some(first) if *first != config => return Err(EncodeReason::ParameterMismatch),
        Some(_) => {}
        None => *shared = Some(config),
    }
    Ok(if splice.head.is_none() && splice.tail.is_none() { Treatment::Copy(splice) } else { Treatment::SmartCut(splice) })
}

/// The picture of a video layer.
fn video_of(layer: &VisualLayer) -> Option<&VideoVisual> {
    match &layer.content {
        Visual::Video(v) => Some(v),
        _ => None,
    }
}

/// Cuts the source span `[from_us, to_us)` into a re-encoded head, whole copied GOPs and a
/// re-encoded tail; `None` when it holds no whole GOP.
fn splice(
    video: &VideoVisual,
    track: &TrackInfo,
    from_us: i64,
    to_us: i64,
    end_of_track_us: i64,
    offset_us: i64,
) -> Option<Splice> {
    let tol = FRAME_PICK_TOLERANCE_US;
    let keyframes = &track.keyframes_us;
    let start = keyframes.iter().copied().find(|&k| k >= from_us - tol).filter(|&k| k < to_us - tol)?;
    let end = if to_us >= end_of_track_us - tol {
        to_us
    } else {
        keyframes.iter().copied().rev().find(|&k| k <= to_us + tol).filter(|&k| k > start)?
    };
    Some(Splice {
        source: video.source.clone(),
        track_id: track.id,
        shown: SourceSpan { from_us, to_us },
        copy: SourceSpan { from_us: start, to_us: end },
        head: (start > from_us + tol).then_some(SourceSpan { from_us, to_us: start }),
        head_decode_from_us: keyframe_before(keyframes, from_us),
        tail: (end < to_us - tol).then_some(SourceSpan { from_us: end, to_us }),
        offset_us,
    })
}

/// True when the layer is fully opaque over `[start_us, end_us)`: opacity 1 and no fade there.
fn is_opaque(opacity: &Opacity, start_us: i64, end_us: i64) -> bool {
    let fade_in_ends = opacity.start_us.saturating_add(opacity.fade_in_us);
    let fade_out_starts = opacity.own_end_us.saturating_sub(opacity.fade_out_us);
    opacity.value >= 1.0
        && (opacity.fade_in_us <= 0 || start_us >= fade_in_ends)
        && (opacity.fade_out_us <= 0 || end_us <= fade_out_starts)
}

/// True when the coded frames land on the output pixel for pixel.
fn fills_output(video: &VideoVisual, output: &Output) -> bool {
    let p = &video.placement;
    let t = p.transform.to_array();
    let near = |a: f64, b: f64| (a - b).abs() <= PLACEMENT_EPSILON;
    let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0].iter().zip(t).all(|(&a, b)| near(a, b));
    let r = &p.src_rect;
    (video.width, video.height) == (output.width, output.height)
        && p.source_rotation == Rotation::R0
        && p.clip.is_none()
        && identity
        && near(r.x, 0.0)
        && near(r.y, 0.0)
        && near(r.width, f64::from(video.width))
        && near(r.height, f64::from(video.height))
}

/// True when a WebCodecs codec string names the output codec.
fn same_codec(codec: &str, output: VideoCodec) -> bool {
    let family = codec.split('.').next().unwrap_or("");
    match output {
        VideoCodec::H264 => matches!(family, "avc1" | "avc3"),
        VideoCodec::Vp9 => family == "vp09",
        VideoCodec::Av1 => family == "av01",
        VideoCodec::Vp8 => family == "vp8",
        VideoCodec::Gif => false,
    }
}

/// True when the track has a constant frame rate equal to the output's.
fn same_rate(track: &TrackInfo, rate: FrameRate) -> bool {
    let Some(video) = &track.video else { return false };
    let Some(fps) = video.frame_rate.filter(|_| !video.variable_frame_rate) else { return false };
    (fps - rate.fps()).abs() <= rate.fps() * FRAME_RATE_TOLERANCE
}
