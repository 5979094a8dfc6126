//! Builds the [`ProbeInfo`] of a WebM/Matroska file from its Segment head, its Cues
//! and, when those do not say enough, a header-only scan of its Clusters.

use super::codec::webcodecs_codec;
use super::ebml::malformed;
use super::frame_rate;
use super::reader::Reader;
use super::scan::{Extent, Scan, TrackStats, scan};
use super::segment::{Segment, read_segment};
use super::timebase::TimeBase;
use super::tracks::TrackEntry;
use crate::container::{AudioInfo, ContainerError, ProbeInfo, TrackInfo, TrackKind, VideoInfo};

/// A probed file: what callers see, and the Segment head the demuxer continues from.
pub struct Probed {
    /// The description of the file.
    pub info: ProbeInfo,
    /// The parsed Segment head.
    pub segment: Segment,
}

/// Probes the file behind `reader`.
pub fn probe_reader(reader: &mut Reader) -> Result<Probed, ContainerError> {
    if reader.len() == 0 {
        return Err(ContainerError::Empty);
    }
    let segment = read_segment(reader)?;
    if !segment.tracks.iter().any(|t| t.kind.is_some()) {
        return Err(ContainerError::NoTracks);
    }
    let cues_cover_video = segment.cues.as_ref().is_some_and(|cues| {
        segment.tracks.iter().filter(|t| t.kind == Some(TrackKind::Video)).all(|t| cues.iter().any(|c| c.track == t.number))
    });
    let extent = if segment.duration_ticks.is_some() && cues_cover_video { Extent::Prefix } else { Extent::Full };
    let mut scanned = scan(reader, &segment, extent)?;
    let full = extent == Extent::Full;
    let tb = TimeBase::new(segment.timestamp_scale);
    let mut tracks = Vec::new();
    for (entry, stats) in segment.tracks.iter().zip(scanned.tracks.iter_mut()) {
        if let Some(kind) = entry.kind {
            tracks.push(track_info(entry, kind, stats, &segment, full, tb)?);
        }
    }
    let duration_us = match segment.duration_ticks {
        Some(ticks) => Some(tb.float_to_us(ticks)),
        None => tracks.iter().filter_map(|t| t.duration_us).max(),
    };
    let info = ProbeInfo {
        container: segment.format,
        size: reader.len(),
        duration_us,
        streamable: is_streamable(&segment, &scanned),
        tracks,
    };
    Ok(Probed { info, segment })
}

/// Live-style files: unknown sizes or no Cues.
fn is_streamable(segment: &Segment, scanned: &Scan) -> bool {
    segment.unknown_size || scanned.unknown_size_cluster || segment.cues.is_none()
}

fn track_info(entry: &TrackEntry, kind: TrackKind, stats: &mut TrackStats, segment: &Segment, full: bool, tb: TimeBase) -> Result<TrackInfo, ContainerError> {
    let id = u32::try_from(entry.number).map_err(|_| malformed(format!("track number {} is too large", entry.number)))?;
    let (measured_fps, variable_frame_rate) = frame_rate::from_times(&mut stats.times_us, tb.to_us(1) as f64);
    let fps = entry.default_duration_ns.and_then(frame_rate::from_default_duration).or(measured_fps);
    let codec = webcodecs_codec(entry, stats.first_keyframe.as_deref(), fps);
    let segment_duration = segment.duration_ticks.map(|d| tb.float_to_us(d));
    let video = (kind == TrackKind::Video).then(|| {
        let fields = entry.video.clone().unwrap_or_default();
        VideoInfo { width: fields.width, height: fields.height, rotation: fields.rotation, frame_rate: fps, variable_frame_rate }
    });
    let audio = (kind == TrackKind::Audio).then(|| {
        let (sample_rate, channels) = entry.audio.as_ref().map_or((8000.0, 1), |a| (a.sample_rate, a.channels));
        AudioInfo { sample_rate: sample_rate.round().clamp(0.0, f64::from(u32::MAX)) as u32, channels: u16::try_from(channels).unwrap_or(u16::MAX) }
    });
    let keyframes_us = match kind {
        TrackKind::Audio => Vec::new(),
        TrackKind::Video if full => std::mem::take(&mut stats.keyframes_us),
        TrackKind::Video => cue_times(segment, entry, tb),
    };
    Ok(TrackInfo {
        id,
        kind,
        codec: codec.codec,
        description: codec.description,
        timescale: tb.timescale(),
        duration_us: if full { track_end(stats) } else { segment_duration },
        sample_count: full.then_some(stats.frames),
        video,
        audio,
        keyframes_us,
    })
}

/// Where a fully scanned track ends: the latest known end, or the last start plus the average frame interval.
fn track_end(stats: &TrackStats) -> Option<i64> {
    let (first, last) = (stats.first_us?, stats.last_start_us?);
    let average = if stats.frames > 1 { last.saturating_sub(first) / (stats.frames as i64 - 1) } else { 0 };
    Some(stats.end_us.unwrap_or(i64::MIN).max(last.saturating_add(average)))
}

fn cue_times(segment: &Segment, entry: &TrackEntry, tb: TimeBase) -> Vec<i64> {
    let delay = tb.ns_to_ticks(entry.codec_delay_ns);
    let mut times: Vec<i64> = segment
        .cues
        .iter()
        .flatten()
        .filter(|c| c.track == entry.number)
        .map(|c| tb.to_us(i64::try_from(c.time).unwrap_or(i64::MAX).saturating_sub(delay)))
        .collect();
    times.sort_unstable();
    times.dedup();
    times
}
