//! Demuxer seeks against real ffmpeg-made files: after `seek(track, t)` the packets are the
//! tail of a full demux, starting at the last keyframe of that track shown at or before `t`.

mod common;

use frameloom::container::{ContainerError, Demuxer, FileSource, Packet, TrackKind, open_demuxer};

fn open(name: &str) -> Box<dyn Demuxer> {
    open_demuxer(Box::new(FileSource::open(&common::fixture(name)).expect("open"))).expect("demuxer")
}

fn drain(demuxer: &mut dyn Demuxer) -> Vec<Packet> {
    std::iter::from_fn(|| demuxer.next_packet().expect("demux")).collect()
}

fn video_track(demuxer: &dyn Demuxer) -> u32 {
    demuxer.tracks().iter().find(|t| t.kind == TrackKind::Video).expect("a video track").id
}

/// Where a seek of `track` to `t_us` must land in `all`: the last keyframe shown at or before
/// `t_us`, or the start when there is none.
fn expected_start(all: &[Packet], track: u32, t_us: i64) -> usize {
    all.iter().rposition(|p| p.track_id == track && p.keyframe && p.pts_us <= t_us).unwrap_or(0)
}

fn check_seeks(name: &str) {
    let mut full = open(name);
    let track = video_track(full.as_ref());
    let all = drain(full.as_mut());
    let keyframes = all.iter().filter(|p| p.track_id == track && p.keyframe).count();
    assert!(keyframes >= 2, "{name}: the fixture has {keyframes} keyframes, too few to test seeking");
    let last_pts = all.iter().map(|p| p.pts_us).max().expect("packets");
    let times = [-1_000_000, 0, 400_000, 1_000_000, 1_500_000, 2_200_000, last_pts, last_pts + 5_000_000];
    // One demuxer for every seek: seeks go backwards and forwards from wherever reading stands.
    let mut demuxer = open(name);
    for (i, &t) in times.iter().enumerate() {
        for _ in 0..i * 7 {
            demuxer.next_packet().expect("demux");
        }
        demuxer.seek(track, t).expect("seek");
        let tail = drain(demuxer.as_mut());
        let start = expected_start(&all, track, t);
        assert_eq!(tail.len(), all.len() - start, "{name}: seek to {t} µs gives {} packets", tail.len());
        assert!(tail == all[start..], "{name}: seek to {t} µs: the packets differ from the tail of a full demux");
        if start > 0 {
            assert!(tail[0].keyframe && tail[0].track_id == track, "{name}: seek to {t} µs starts on a non-keyframe");
        }
    }
}

#[test]
fn mp4_seeks_through_the_sample_tables() {
    check_seeks("h264_aac.mp4");
    check_seeks("h264_aac.mov");
}

#[test]
fn fragmented_and_edit_listed_mp4_seek() {
    check_seeks("fragmented.mp4");
    check_seeks("editlist.mp4");
}

#[test]
fn webm_seeks_through_cues() {
    check_seeks("vp9_opus.webm");
    check_seeks("h264_aac.mkv");
}

#[test]
fn webm_without_cues_seeks_by_scanning_clusters() {
    check_seeks("live.webm");
}

#[test]
fn seeking_an_unknown_track_fails() {
    for name in ["h264_aac.mp4", "vp9_opus.webm"] {
        let mut demuxer = open(name);
        assert!(matches!(demuxer.seek(99, 0), Err(ContainerError::UnknownTrack(99))), "{name}");
    }
}
