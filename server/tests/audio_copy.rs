//! The server's audio copy end to end with real ffmpeg: a keyframe-aligned splice of two
//! H.264/AAC clips (different tones) copies the audio packets byte for byte, the second clip's
//! sound starts within half a packet of its video, the output lasts the sum of the clips within
//! a frame and decodes without an error; an edited volume makes it mix and encode instead.

mod support;

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::media::{Dir, packets, project, seconds, video_source as source};

/// An H.264/AAC clip, 320×240 30 fps, 4 s, a keyframe every second, a `hz` tone.
fn clip(dir: &Dir, name: &str, hz: u32) -> PathBuf {
    let tone = format!("sine=frequency={hz}:sample_rate=48000:duration=4");
    let args = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=4", "-f", "lavfi", "-i", &tone];
    let codecs = ["-c:v", "libx264", "-preset", "veryfast", "-x264-params", "keyint=30:min-keyint=30:scenecut=0"];
    dir.make(name, &[&args[..], &codecs, &["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]].concat())
}

/// The audio packets of `file`: (MD5 of the data, pts in seconds, duration in seconds).
fn audio_packets(file: &Path) -> Vec<(String, f64, f64)> {
    packets(file, "a:0")
        .iter()
        .map(|p| (p["data_hash"].as_str().unwrap_or("").to_owned(), seconds(p, "pts_time"), seconds(p, "duration_time")))
        .collect()
}

/// The file's duration (container) in seconds.
fn duration(file: &Path) -> f64 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(file)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// What ffmpeg reports decoding every stream of `file` (empty: clean).
fn decode_errors(file: &Path) -> String {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(file)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_splice_copies_its_audio_packets_in_sync_with_each_clip() {
    let dir = Dir::new("audio-copy");
    let (a, b) = (clip(&dir, "a.mp4", 440), clip(&dir, "b.mp4", 880));
    let scenes = |volume: f64| {
        json!([
            { "layers": [{ "type": "video", "source": "a", "trimEnd": 2 }] },
            { "layers": [{ "type": "video", "source": "b", "trimStart": 1, "trimEnd": 3, "volume": volume }] }
        ])
    };
    let out_320 = json!({ "width": 320, "height": 240, "fps": 30 });
    let sources = json!({ "a": source("a.mp4"), "b": source("b.mp4") });
    let stats = dir.render_ok(&project(out_320.clone(), sources.clone(), scenes(1.0)), "out.mp4");
    assert_eq!(stats["fast_path"], "stream-copy", "{stats}");
    assert_eq!(stats["treatments"]["audio"], "copy", "{stats}");
    let out_file = dir.path("out.mp4");
    let (out, a, b) = (audio_packets(&out_file), audio_packets(&a), audio_packets(&b));
    let d = a[1].2;
    // Clip a from its first (priming) packet, kept before zero under the edit list.
    assert!(a[0].1 < 0.0 && (out[0].1 - a[0].1).abs() < 1e-3, "out starts at {} s, a at {} s", out[0].1, a[0].1);
    let join = out.iter().position(|p| p.1 + d / 2.0 >= 2.0).expect("a packet after the join");
    let hashes = |list: &[(String, f64, f64)]| list.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(hashes(&out[..join]), hashes(&a[..join]), "clip a's packets, unchanged");
    // Clip b from the packet whose middle is at or after 1 s of its source, byte for byte.
    let b_from = b.iter().position(|p| p.1 + d / 2.0 >= 1.0).unwrap();
    let rest = &out[join..];
    assert_eq!(hashes(rest), hashes(&b[b_from..b_from + rest.len()]), "clip b's packets, unchanged");
    // A/V sync at the join: b's source packet at `b[b_from].1` (1 s ≈ its video's 1 s) plays at
    // output 2 s, within half a packet.
    let shift = out[join].1 - (b[b_from].1 + 1.0);
    assert!(shift.abs() <= d / 2.0 + 1e-6, "b's sound is {shift} s off its video");
    assert!((out[join].1 - 2.0).abs() <= d / 2.0 + 1e-6, "the join is at {} s", out[join].1);
    for w in out.windows(2) {
        assert!((w[1].1 - w[0].1 - d).abs() < 1e-4, "gapless: {} → {}", w[0].1, w[1].1);
    }
    let end = out.last().map(|p| p.1 + p.2).unwrap();
    // Half a packet, give or take the microsecond rounding of packet times.
    assert!((end - 4.0).abs() <= d / 2.0 + 5e-4, "the sound ends at {end} s");
    assert!((duration(&out_file) - 4.0).abs() <= 1.0 / 30.0, "{} s", duration(&out_file));
    assert_eq!(decode_errors(&out_file), "");

    // An edited volume needs the mixer: the sound is encoded, the video still copied.
    let stats = dir.render_ok(&project(out_320, sources, scenes(0.5)), "mixed.mp4");
    assert_eq!(
        (stats["fast_path"].as_str(), stats["treatments"]["audio"].as_str()),
        (Some("stream-copy"), Some("encode"))
    );
    assert_eq!(stats["treatments"]["audioReason"], "edited");
}
