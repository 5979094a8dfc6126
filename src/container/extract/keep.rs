//! Which packets a range-only copy keeps: whole GOPs of video, audio around the played times.

use super::windows::Windows;
use crate::container::{Packet, TrackInfo, TrackKind};
use crate::plan::{AUDIO_PREROLL_US, SourceNeeds};

/// One track's rule and, for video, whether the current GOP is kept.
struct TrackRule {
    id: u32,
    video: bool,
    keyframes_us: Vec<i64>,
    keeping_gop: bool,
}

/// Decides packet by packet (in each track's decode order) what the compact file holds.
pub(super) struct Selection {
    video: Windows,
    all: Windows,
    tracks: Vec<TrackRule>,
}

impl Selection {
    /// The rule for `tracks` of a source that must provide `needs`.
    ///
    /// Video keeps every GOP (keyframe to next keyframe) that overlaps a played video range
    /// from its decode start. Audio keeps every packet that overlaps a played range (audio or
    /// video), widened by [`AUDIO_PREROLL_US`] on both sides beyond the decoder pre-roll the
    /// plan already asks for.
    pub fn new(tracks: &[TrackInfo], needs: &SourceNeeds) -> Self {
        let video = Windows::new(needs.video.iter().map(|r| (r.decode_from_us, r.to_us)));
        let widened = needs.audio.iter().map(|r| (r.decode_from_us - AUDIO_PREROLL_US, r.to_us + AUDIO_PREROLL_US));
        let all = Windows::new(video.spans().iter().copied().chain(widened));
        let tracks = tracks
            .iter()
            .map(|t| TrackRule {
                id: t.id,
                video: t.kind == TrackKind::Video,
                keyframes_us: t.keyframes_us.clone(),
                keeping_gop: false,
            })
            .collect();
        Self { video, all, tracks }
    }

    /// The source time spans the copy covers (for sizing), merged and sorted.
    pub fn covered(&self) -> &[(i64, i64)] {
        self.all.spans()
    }

    /// True when `packet` goes into the compact file.
    pub fn keep(&mut self, packet: &Packet) -> bool {
        let Some(track) = self.tracks.iter_mut().find(|t| t.id == packet.track_id) else { return false };
        if !track.video {
            return self.all.overlaps(packet.pts_us, packet.pts_us + packet.duration_us.max(1));
        }
        if packet.keyframe {
            // The GOP runs to the next indexed keyframe; without one (no index, or the last
            // GOP) it runs to the end, so a missing index keeps more, never less.
            let next = track.keyframes_us.partition_point(|&k| k <= packet.pts_us);
            let end = track.keyframes_us.get(next).copied().unwrap_or(i64::MAX);
            track.keeping_gop = self.video.overlaps(packet.pts_us, end);
        }
        track.keeping_gop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::TrackRange;

    fn track(id: u32, kind: TrackKind, keyframes_us: Vec<i64>) -> TrackInfo {
        TrackInfo {
            id,
            kind,
            codec: String::new(),
            description: None,
            timescale: 1000,
            duration_us: None,
            sample_count: None,
            video: None,
            audio: None,
            keyframes_us,
        }
    }

    fn packet(track_id: u32, pts_us: i64, keyframe: bool) -> Packet {
        Packet { track_id, pts_us, dts_us: pts_us, duration_us: 100_000, keyframe, data: Vec::new() }
    }

    #[test]
    fn keeps_whole_gops_and_nearby_audio() {
        let keys = vec![0, 2_000_000, 4_000_000, 6_000_000];
        let tracks = [track(1, TrackKind::Video, keys), track(2, TrackKind::Audio, Vec::new())];
        let range = |track_id, from_us, to_us, decode_from_us| TrackRange { track_id, from_us, to_us, decode_from_us };
        let needs = SourceNeeds {
            whole_file: false,
            video: vec![range(1, 2_500_000, 4_500_000, 2_000_000)],
            audio: vec![range(2, 2_500_000, 4_500_000, 2_420_000)],
        };
        let mut s = Selection::new(&tracks, &needs);
        let kept: Vec<i64> =
            (0..60).map(|i| packet(1, i * 100_000, i % 20 == 0)).filter(|p| s.keep(p)).map(|p| p.pts_us).collect();
        assert_eq!(kept.first(), Some(&2_000_000));
        assert_eq!(kept.last(), Some(&5_900_000), "the GOP holding the range's end is kept whole");
        assert!(!s.keep(&packet(2, 1_800_000, true)), "audio before the video GOP starts");
        assert!(s.keep(&packet(2, 1_950_000, true)));
        assert!(s.keep(&packet(2, 4_550_000, true)));
        assert!(!s.keep(&packet(2, 4_700_000, true)));
        assert!(!s.keep(&packet(9, 3_000_000, true)), "unknown tracks are dropped");
    }

    #[test]
    fn without_a_keyframe_index_keeps_from_the_gop_on() {
        let tracks = [track(1, TrackKind::Video, Vec::new())];
        let needs = SourceNeeds {
            whole_file: false,
            video: vec![TrackRange { track_id: 1, from_us: 3_000_000, to_us: 4_000_000, decode_from_us: 2_000_000 }],
            audio: Vec::new(),
        };
        let mut s = Selection::new(&tracks, &needs);
        assert!(s.keep(&packet(1, 0, true)), "an unbounded GOP overlaps every later range");
    }
}
