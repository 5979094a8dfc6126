//! Encoder choices: codec strings with levels, bitrates, keyframe spacing and audio settings.

use super::*;
use frameloom::plan::Encoding;
use frameloom::project::AudioCodec;

fn encoding(output: Value, seconds: f64) -> Encoding {
    plan_ok(&project_with(output, json!({}), json!([{ "duration": seconds }])), &BTreeMap::new()).encoding
}

#[test]
fn h264_levels_follow_the_level_table() {
    for (w, h, fps, level) in [
        (640, 480, 30.0, "1e"),
        (854, 480, 30.0, "1f"),
        (1280, 720, 30.0, "1f"),
        (1280, 720, 60.0, "20"),
        (1920, 1080, 30.0, "28"),
        (1920, 1080, 29.97, "28"),
        (1920, 1080, 60.0, "2a"),
        (3840, 2160, 30.0, "33"),
        (3840, 2160, 60.0, "34"),
        (8192, 4320, 30.0, "3c"),
    ] {
        let video = encoding(json!({ "width": w, "height": h, "fps": fps }), 10.0).video;
        let expected = ["6400", "4d00", "42e0", "4200"].map(|p| format!("avc1.{p}{level}"));
        assert_eq!(video.candidates, expected, "{w}×{h}@{fps}");
    }
}

#[test]
fn vp9_and_av1_levels() {
    for (w, h, fps, vp9, av1) in [
        (640, 480, 30.0, "30", "04"),
        (1280, 720, 30.0, "31", "05"),
        (1920, 1080, 30.0, "40", "08"),
        (1920, 1080, 60.0, "41", "09"),
        (3840, 2160, 30.0, "50", "12"),
        (3840, 2160, 60.0, "51", "13"),
    ] {
        let size = json!({ "width": w, "height": h, "fps": fps, "format": "webm" });
        let mut output = size.clone();
        output["videoCodec"] = json!("vp9");
        assert_eq!(encoding(output, 10.0).video.candidates, [format!("vp09.00.{vp9}.08")], "{w}×{h}@{fps}");
        let mut output = size;
        output["videoCodec"] = json!("av1");
        assert_eq!(encoding(output, 10.0).video.candidates, [format!("av01.0.{av1}M.08")], "{w}×{h}@{fps}");
    }
    let vp8 = encoding(json!({ "format": "webm", "videoCodec": "vp8" }), 1.0);
    assert_eq!(vp8.video.candidates, ["vp8"]);
}

#[test]
fn bitrates_follow_quality_and_codec() {
    let hd = |quality: &str, codec: &str, format: &str| {
        let output = json!({ "width": 1920, "height": 1080, "fps": 30, "format": format, "videoCodec": codec, "quality": quality });
        encoding(output, 10.0)
    };
    // 1920 × 1080 × 30 = 62 208 000 pixels per second.
    // H.264: 0.2 / 0.14 / 0.12 bits per pixel, and libx264's rate factors.
    assert_eq!(hd("high", "h264", "mp4").video.bitrate_bps, 12_441_600);
    assert_eq!(hd("medium", "h264", "mp4").video.bitrate_bps, 8_709_120);
    assert_eq!(hd("low", "h264", "mp4").video.bitrate_bps, 7_464_960);
    let crfs = ["high", "medium", "low"].map(|q| hd(q, "h264", "mp4").video.crf);
    assert_eq!(crfs, [Some(20), Some(22), Some(24)]);
    assert_eq!(hd("high", "vp9", "webm").video.crf, None);
    assert_eq!(hd("high", "vp9", "webm").video.bitrate_bps, 4_043_520);
    assert_eq!(hd("low", "av1", "mp4").video.bitrate_bps, 1_415_232);
    assert_eq!(hd("high", "vp8", "webm").video.bitrate_bps, 6_220_800);
    let audio = hd("high", "h264", "mp4").audio.expect("aac by default");
    assert_eq!((audio.codec, audio.codec_string.as_str(), audio.bitrate_bps), (AudioCodec::Aac, "mp4a.40.2", 192_000));
    assert_eq!((audio.sample_rate, audio.channels, audio.frame_samples), (48_000, 2, 1024));
    let opus = hd("low", "vp9", "webm").audio.expect("opus by default");
    assert_eq!((opus.codec_string.as_str(), opus.bitrate_bps, opus.frame_samples), ("opus", 64_000, 960));
    let silent = encoding(json!({ "audioCodec": "none" }), 1.0);
    assert_eq!(silent.audio, None);
}

#[test]
fn keyframes_every_two_seconds() {
    for (fps, frames) in [(30.0, 60), (29.97, 60), (23.976, 48), (12.5, 25), (1.0, 2), (120.0, 240)] {
        assert_eq!(encoding(json!({ "fps": fps }), 1.0).video.keyframe_interval_frames, frames, "{fps} fps");
    }
}

#[test]
fn a_target_size_sets_the_bitrate_and_may_raise_the_level() {
    let hd = json!({ "width": 1920, "height": 1080, "fps": 30, "targetSizeBytes": 10_000_000 });
    // 10 MB × 8 × 98 % over 10 s = 7.84 Mbit/s, minus 192 kbit/s of AAC.
    let video = encoding(hd, 10.0).video;
    assert_eq!(video.bitrate_bps, 7_648_000);
    assert_eq!(video.crf, None, "a size target is met by the bitrate, not a rate factor");
    let target = video.target.expect("a size target for the executors");
    assert_eq!((target.target_bytes, target.duration_us, target.audio_bps), (10_000_000, 10 * S, 192_000));
    // Video and audio at their planned rates fill exactly 98 % of the target.
    assert_eq!((video.bitrate_bps + target.audio_bps) * 10 / 8, 9_800_000);
    assert_eq!(video.candidates[0], "avc1.640028");
    // 30 Mbit/s is over level 4.0 (25 Mbit/s for High, 20 for Main): level 4.1.
    let big = json!({ "width": 1920, "height": 1080, "fps": 30, "targetSizeBytes": 38_510_205 });
    let video = encoding(big, 10.0).video;
    assert_eq!(video.bitrate_bps / 1000, 30_000);
    assert_eq!(video.candidates[..2], ["avc1.640029", "avc1.4d0029"]);
    // A huge target is held to 0.5 bits per pixel.
    let huge = json!({ "width": 1920, "height": 1080, "fps": 30, "targetSizeBytes": 16_000_000_000u64 });
    assert_eq!(encoding(huge, 1.0).video.bitrate_bps, 31_104_000);
    // GIF ignores it: no bitrate, no candidates, no audio.
    let gif = encoding(json!({ "format": "gif", "targetSizeBytes": 20_000 }), 10.0);
    assert_eq!((gif.video.candidates.len(), gif.video.bitrate_bps, gif.audio), (0, 0, None));
}
