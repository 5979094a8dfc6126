//! Walks the Clusters reading only element and block headers (payloads are skipped)
//! to learn what the Segment head does not say: duration of live files, keyframes
//! without Cues, frame timing, sample counts, and the first bytes of each video
//! track's first keyframe (VP9 profile and bit depth).

use super::blocks::Lacing;
use super::cluster::{BlockRef, ClusterWalker};
use super::cues::MAX_CUE_POINTS;
use super::reader::Reader;
use super::segment::Segment;
use super::timebase::TimeBase;
use super::tracks::TrackEntry;
use crate::container::{ContainerError, TrackKind};

/// Video timestamps kept per track for frame-rate analysis.
const MAX_TIMES: usize = 100_000;
/// Video frames per track a prefix scan collects.
const PREFIX_FRAMES: usize = 120;
/// Blocks a prefix scan reads at most.
const PREFIX_BLOCKS: u64 = 4_000;
/// Leading bytes kept of the first keyframe.
const KEYFRAME_HEAD: usize = 32;

/// How far to scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// Every block: needed when the file has no Duration or no Cues.
    Full,
    /// The first frames of each video track only (frame rate and codec details).
    Prefix,
}

/// What the scan saw of one track (times in microseconds, codec delay applied).
#[derive(Debug, Clone, Default)]
pub struct TrackStats {
    /// Frames seen (laced frames counted one by one).
    pub frames: u64,
    /// Earliest start.
    pub first_us: Option<i64>,
    /// Latest start.
    pub last_start_us: Option<i64>,
    /// Latest known end (start + duration) among frames whose duration is known.
    pub end_us: Option<i64>,
    /// Keyframe times in file order (as many as Cues may hold).
    pub keyframes_us: Vec<i64>,
    /// Frame start times (video tracks, up to a cap).
    pub times_us: Vec<i64>,
    /// The first bytes of the first keyframe (video tracks).
    pub first_keyframe: Option<Vec<u8>>,
}

/// The result of a scan, one [`TrackStats`] per entry of `Segment::tracks`.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Per-track findings.
    pub tracks: Vec<TrackStats>,
    /// True when every block up to the end of the Segment was read.
    pub complete: bool,
    /// True when an unknown-size Cluster was met.
    pub unknown_size_cluster: bool,
}

/// Scans the Clusters of `segment`; a file cut short ends the scan early instead of failing it.
pub fn scan(reader: &mut Reader, segment: &Segment, extent: Extent) -> Result<Scan, ContainerError> {
    let mut stats = vec![TrackStats::default(); segment.tracks.len()];
    let mut result = Scan { tracks: Vec::new(), complete: false, unknown_size_cluster: false };
    let Some(first) = segment.first_cluster else {
        result.tracks = stats;
        result.complete = true;
        return Ok(result);
    };
    let tb = TimeBase::new(segment.timestamp_scale);
    let mut walker = ClusterWalker::new(first, segment.end);
    let mut blocks = 0u64;
    loop {
        if extent == Extent::Prefix && (blocks >= PREFIX_BLOCKS || prefix_done(&segment.tracks, &stats)) {
            break;
        }
        let block = match walker.next_block(reader) {
            Ok(Some(block)) => block,
            Ok(None) => {
                result.complete = true;
                break;
            }
            Err(ContainerError::Truncated { .. }) => break,
            Err(e) => return Err(e),
        };
        blocks += 1;
        let Some(index) = segment.tracks.iter().position(|t| t.number == block.header.track) else { continue };
        record(reader, &segment.tracks[index], &mut stats[index], &block, tb)?;
    }
    result.unknown_size_cluster = walker.unknown_size_seen();
    result.tracks = stats;
    Ok(result)
}

fn prefix_done(tracks: &[TrackEntry], stats: &[TrackStats]) -> bool {
    tracks.iter().zip(stats).all(|(t, s)| t.kind != Some(TrackKind::Video) || s.times_us.len() >= PREFIX_FRAMES)
}

fn record(reader: &mut Reader, entry: &TrackEntry, stats: &mut TrackStats, block: &BlockRef, tb: TimeBase) -> Result<(), ContainerError> {
    let delay = tb.ns_to_ticks(entry.codec_delay_ns);
    let start = tb.to_us(block.time.saturating_sub(delay));
    let frames = block.header.frames as i64;
    let frame_us = entry.default_duration_ns.map(|ns| (ns / 1000) as i64);
    let block_us = block.duration.map(|d| tb.to_us(i64::try_from(d).unwrap_or(i64::MAX))).or(frame_us.map(|f| f.saturating_mul(frames)));
    stats.frames += frames as u64;
    stats.first_us = Some(stats.first_us.map_or(start, |f| f.min(start)));
    let last_start = start.saturating_add(frame_us.unwrap_or(0).saturating_mul(frames - 1));
    stats.last_start_us = Some(stats.last_start_us.map_or(last_start, |l| l.max(last_start)));
    if let Some(d) = block_us {
        let end = start.saturating_add(d);
        stats.end_us = Some(stats.end_us.map_or(end, |e| e.max(end)));
    }
    if entry.kind != Some(TrackKind::Video) {
        return Ok(());
    }
    if block.keyframe && stats.keyframes_us.len() < MAX_CUE_POINTS {
        stats.keyframes_us.push(start);
        if stats.first_keyframe.is_none() && block.header.lacing == Lacing::None {
            let payload = block.data + block.header.len as u64;
            let mut head = entry.stripped_header.clone().unwrap_or_default();
            let available = block.size.saturating_sub(block.header.len as u64);
            head.extend_from_slice(reader.peek(payload, KEYFRAME_HEAD.min(available as usize))?);
            stats.first_keyframe = Some(head);
        }
    }
    if stats.times_us.len() < MAX_TIMES {
        stats.times_us.push(start);
    }
    Ok(())
}
