//! Turns a parsed track into the format-independent [`TrackInfo`]: duration,
//! keyframe times, frame rate and variable-frame-rate detection.

use super::trak::Track;
use crate::container::{AudioInfo, TrackInfo, TrackKind, VideoInfo};

/// Describes `track` (durations and times after its edit list).
pub(super) fn track_info(track: &Track) -> TrackInfo {
    let table = &track.table;
    let media_end =
        if table.len() > 0 { table.end_dts() } else { i64::try_from(track.media_duration).unwrap_or(i64::MAX) };
    let mut keyframes_us: Vec<i64> =
        table.iter().filter(|s| s.record.sync).map(|s| track.timeline.presentation_us(s.cts())).collect();
    keyframes_us.sort_unstable();
    let entry = &track.entry;
    let video = (track.kind == TrackKind::Video).then(|| {
        let (frame_rate, variable_frame_rate) = frame_rate(track);
        VideoInfo {
            width: entry.width,
            height: entry.height,
            rotation: track.rotation,
            frame_rate,
            variable_frame_rate,
        }
    });
    let audio = (track.kind == TrackKind::Audio)
        .then_some(AudioInfo { sample_rate: entry.sample_rate, channels: entry.channels });
    TrackInfo {
        id: track.id,
        kind: track.kind,
        codec: entry.setup.codec.clone(),
        description: entry.setup.description.clone(),
        timescale: track.timescale,
        duration_us: Some(track.timeline.duration_us(media_end)),
        sample_count: Some(table.len() as u64),
        video,
        audio,
        keyframes_us: if track.kind == TrackKind::Video { keyframes_us } else { Vec::new() },
    }
}

/// Average frame rate and whether frame durations vary.
///
/// The last sample is left out (muxers often give it an odd duration). Durations
/// are "constant" when they differ by at most one tick or 1 %, which absorbs the
/// rounding of rates like 30000/1001 in a millisecond timescale. Constant-rate
/// tracks report timescale / mean duration; variable ones frames / total time.
fn frame_rate(track: &Track) -> (Option<f64>, bool) {
    let records = track.table.records();
    let body = &records[..records.len().saturating_sub(1)];
    let (Some(min), Some(max)) = (body.iter().map(|r| r.duration).min(), body.iter().map(|r| r.duration).max()) else {
        return (None, false);
    };
    let total: u64 = body.iter().map(|r| u64::from(r.duration)).sum();
    let variable = max - min > 1.max(min / 100);
    let ts = f64::from(track.timescale);
    if total == 0 || ts == 0.0 {
        return (None, variable);
    }
    let rate = if variable {
        let all: u64 = records.iter().map(|r| u64::from(r.duration)).sum();
        records.len() as f64 * ts / all.max(1) as f64
    } else {
        body.len() as f64 * ts / total as f64
    };
    (Some(rate), variable)
}
