//! The work a render plan asks for, in the units the cost model prices: decoded pixels per
//! codec, composited and encoded output pixels, fast-path frames, audio seconds, bytes to move,
//! overlays to rasterize.

use super::codec::CodecFamily;
use crate::container::ProbeInfo;
use crate::plan::{RenderPlan, Visual};
use crate::project::{Layer, Project, SubtitlesContent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Frames shorter than this are SD: Chromium gives an untagged SD frame BT.601 colours, which
/// the YUV path does not take (the output is BT.709), and probes do not read colour tags, so SD
/// frames count as drawn on the canvas (measured: an untagged 854×480 or 640×480 H.264 source
/// under captions took the canvas, the same source tagged BT.709 the YUV path).
const HD_HEIGHT: u32 = 720;
/// Frame rate assumed for a source track that does not state one.
const DEFAULT_SOURCE_FPS: f64 = 30.0;
/// Decoded frames a video layer holds in flight (the decode queue).
const DECODE_FRAMES_IN_FLIGHT: u64 = 8;
/// Output frames held in flight (the encode queue, plus the canvas).
const ENCODE_FRAMES_IN_FLIGHT: u64 = 9;
/// Bytes per decoded pixel (4:2:0, 8 bit) and per composited RGBA pixel.
const DECODED_BYTES_PER_PIXEL: f64 = 1.5;
const RGBA_BYTES_PER_PIXEL: u64 = 4;

/// Decoding one video layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodeWork {
    /// The source id.
    pub source: String,
    /// The track's WebCodecs codec string.
    pub codec: String,
    /// Frames decoded, from the keyframe before the trim to the end of the visible part.
    pub frames: u64,
    /// Pixels per decoded frame.
    pub frame_pixels: u64,
}

/// Everything the cost model needs to know about a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobFeatures {
    /// Length of the output in microseconds.
    pub duration_us: i64,
    /// Output frames.
    pub output_frames: u64,
    /// Pixels per output frame.
    pub output_pixels: u64,
    /// The output video codec.
    pub output_codec: CodecFamily,
    /// Output frames that skip the canvas (one opaque layer exactly covering the frame).
    pub passthrough_frames: u64,
    /// Output frames whose overlays are blended into the decoded frame's planes (an opaque
    /// video at output size under text and subtitle layers only: the YUV path, no canvas).
    pub yuv_frames: u64,
    /// Output frames whose packets a renderer that copies (the server) copies unchanged: the
    /// whole GOPs of `copy` and `smartCut` segments.
    pub copied_frames: u64,
    /// Source bytes those copied frames take (the file's mean bytes per second × copied time).
    pub copied_bytes: u64,
    /// Video decoding, one entry per video layer.
    pub decode: Vec<DecodeWork>,
    /// Seconds of source audio decoded, mixed and encoded (summed over clips).
    pub audio_seconds: f64,
    /// Text blocks and inline subtitle cues, each rasterized once (a subtitles layer read from
    /// an SRT/WebVTT source counts as one: its cues are not read before the render).
    pub overlay_items: u64,
    /// Bytes to send a server that has none of the sources (whole files).
    pub upload_bytes: u64,
    /// Probed sources (video and audio files) the job reads.
    pub sources: u64,
    /// Expected output size in bytes (copied GOPs' bytes, and the encoder bitrates for the rest).
    pub output_bytes: u64,
    /// Peak bytes of decoded and composited frames in flight in the browser.
    pub memory_bytes: u64,
}

impl JobFeatures {
    /// The features of `plan`, built from `project`, whose sources were probed into `probes`
    /// (by source id).
    pub fn from_plan(project: &Project, plan: &RenderPlan, probes: &BTreeMap<String, ProbeInfo>) -> JobFeatures {
        let out = &plan.output;
        let output_pixels = u64::from(out.width) * u64::from(out.height);
        let decode: Vec<DecodeWork> = plan.visuals.iter().filter_map(|layer| decode_work(layer, probes)).collect();
        let frames_drawn = |how: Drawing| {
            plan.segments
                .iter()
                .filter(|segment| drawing(plan, segment) == how)
                .map(|segment| segment.frame_count)
                .sum()
        };
        let passthrough_frames = frames_drawn(Drawing::Passthrough);
        let yuv_frames = frames_drawn(Drawing::Yuv);
        let (mut copied_frames, mut copied_bytes) = (0u64, 0u64);
        for splice in plan.segments.iter().filter_map(|segment| segment.treatment.splice()) {
            let copied_us = (splice.copy.to_us - splice.copy.from_us).max(0);
            copied_frames += (copied_us as f64 * out.frame_rate.fps() / 1e6).round() as u64;
            if let Some(probe) = probes.get(&splice.source).filter(|p| p.duration_us.is_some_and(|d| d > 0)) {
                let duration_us = probe.duration_us.unwrap_or(1) as f64;
                copied_bytes += (probe.size as f64 * copied_us as f64 / duration_us) as u64;
            }
        }
        let audio_seconds =
            plan.audio.iter().map(|clip| (clip.source_out_us - clip.decode_from_us).max(0) as f64 / 1e6).sum();
        let upload_bytes = plan.sources.keys().filter_map(|id| probes.get(id)).map(|p| p.size).sum();
        let sources = plan.sources.keys().filter(|id| probes.contains_key(*id)).count() as u64;
        let seconds = out.duration_us.max(0) as f64 / 1e6;
        let copied_frames = copied_frames.min(out.frame_count);
        // Copied GOPs keep their bytes; the encoded frames take the encoders' bitrates.
        let encoded_share = out.frame_count.saturating_sub(copied_frames) as f64 / out.frame_count.max(1) as f64;
        let video = plan.encoding.video.bitrate_bps as f64 * seconds / 8.0;
        let audio = plan.encoding.audio.as_ref().map_or(0, |a| a.bitrate_bps) as f64 * seconds / 8.0;
        let output_bytes = if video > 0.0 {
            copied_bytes + (video * encoded_share + audio) as u64
        } else {
            out.frame_count.saturating_mul(output_pixels) / 8
        };
        let decoded_in_flight: f64 =
            decode.iter().map(|d| (DECODE_FRAMES_IN_FLIGHT * d.frame_pixels) as f64 * DECODED_BYTES_PER_PIXEL).sum();
        let memory_bytes = decoded_in_flight as u64 + ENCODE_FRAMES_IN_FLIGHT * output_pixels * RGBA_BYTES_PER_PIXEL;
        JobFeatures {
            duration_us: out.duration_us,
            output_frames: out.frame_count,
            output_pixels,
            output_codec: CodecFamily::of_output(plan.encoding.video.codec),
            passthrough_frames,
            yuv_frames,
            copied_frames,
            copied_bytes,
            decode,
            audio_seconds,
            overlay_items: overlay_items(project),
            upload_bytes,
            sources,
            output_bytes,
            memory_bytes,
        }
    }
}

/// How the browser makes a segment's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drawing {
    /// The decoded frame goes to the encoder as is.
    Passthrough,
    /// Overlays blended into the decoded frame's planes.
    Yuv,
    /// Drawn on the canvas.
    Canvas,
}

/// How `segment`'s frames are made: its bottom layer an opaque video exactly covering the
/// frame, alone (passthrough) or under overlays only, at output size and HD (YUV); else the canvas.
fn drawing(plan: &RenderPlan, segment: &crate::plan::Segment) -> Drawing {
    let out = &plan.output;
    let Some((bottom, rest)) = segment.layers.split_first() else { return Drawing::Canvas };
    let Some(layer) = plan.visuals.get(*bottom) else { return Drawing::Canvas };
    let opaque = layer.opacity.at(segment.start_us) >= 1.0 && layer.opacity.at(segment.end_us - 1) >= 1.0;
    let Visual::Video(video) = &layer.content else { return Drawing::Canvas };
    if !opaque || !video.placement.covers_exactly(video.width, video.height, out.width, out.height) {
        return Drawing::Canvas;
    }
    let overlays_only =
        rest.iter().all(|i| plan.visuals.get(*i).is_some_and(|v| !matches!(v.content, Visual::Video(_))));
    match rest {
        [] => Drawing::Passthrough,
        _ if overlays_only && (video.width, video.height) == (out.width, out.height) && video.height >= HD_HEIGHT => {
            Drawing::Yuv
        }
        _ => Drawing::Canvas,
    }
}

/// Text blocks and inline cues in `project` (a subtitles source counts as one item).
fn overlay_items(project: &Project) -> u64 {
    let items = |layer: &Layer| match layer {
        Layer::Text(_) => 1,
        Layer::Subtitles(s) => match &s.content {
            SubtitlesContent::Cues(cues) => cues.len(),
            SubtitlesContent::Source(_) => 1,
        },
        _ => 0,
    };
    project.scenes.iter().flat_map(|scene| &scene.layers).map(items).sum::<usize>() as u64
}

/// The decoding a video layer needs: from its decode-start keyframe to the source time of its
/// last visible instant, at the track's frame rate.
fn decode_work(layer: &crate::plan::VisualLayer, probes: &BTreeMap<String, ProbeInfo>) -> Option<DecodeWork> {
    let Visual::Video(video) = &layer.content else { return None };
    let track = probes.get(&video.source)?.tracks.iter().find(|t| t.id == video.track_id)?;
    let fps = track
        .video
        .as_ref()
        .and_then(|v| v.frame_rate)
        .filter(|f| f.is_finite() && *f > 0.0)
        .unwrap_or(DEFAULT_SOURCE_FPS);
    let end_us = video.time.source_time_us(layer.end_us);
    let seconds = (end_us - video.decode_from_us).max(0) as f64 / 1e6;
    Some(DecodeWork {
        source: video.source.clone(),
        codec: track.codec.clone(),
        frames: (seconds * fps).ceil() as u64,
        frame_pixels: u64::from(video.width) * u64::from(video.height),
    })
}
