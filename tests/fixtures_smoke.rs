//! Generates every fixture once so later tests can rely on them.

mod common;

#[test]
fn every_fixture_is_made_and_readable_by_ffprobe() {
    for name in ["h264_aac.mp4", "h264_aac.mov", "vp9_opus.webm", "vp8_opus.webm", "av1.mp4", "vp9.mp4", "hevc.mp4", "fragmented.mp4", "editlist.mp4", "rotated.mp4", "vfr.mp4", "live.webm"] {
        let path = common::fixture(name);
        let streams = common::ffprobe_streams(&path);
        assert!(!streams.is_empty(), "{name} has streams");
    }
}
