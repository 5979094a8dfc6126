//! The server's fast paths end to end with real ffmpeg: a keyframe-aligned splice of
//! same-codec H.264 sources copies packets byte for byte, a mid-GOP smart cut is frame-accurate,
//! a mixed timeline copies its clean clips (packets unchanged, same colours after the encoded
//! part) and encodes the rest, and a target size lands at or under the target and above 90 %
//! of it (two passes), and edit-listed and fragmented sources are cut on the keyframes ffmpeg
//! reads. Helpers (`Dir`, PSNR) are shared with `render.rs` in `support/media.rs`.

mod support;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::media::{Dir, packets, pixel, project, psnr, seconds, video_source as source};

/// An H.264/AAC clip of `pattern` (a lavfi video source) at `size`, 30 fps, 4 s, with a
/// keyframe exactly every second.
fn clip(dir: &Dir, name: &str, pattern: &str, size: &str) -> PathBuf {
    let video = format!("{pattern}=size={size}:rate=30:duration=4");
    let args = ["-f", "lavfi", "-i", &video, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4"];
    let codecs = ["-c:v", "libx264", "-preset", "veryfast", "-x264-params", "keyint=30:min-keyint=30:scenecut=0"];
    dir.make(name, &[&args[..], &codecs, &["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]].concat())
}

/// Renders a project of `scenes` over `sources` at `output` to `out`; returns the stats.
fn render(dir: &Dir, output: Value, sources: Value, scenes: Value, out: &str) -> Value {
    dir.render_ok(&project(output, sources, scenes), out)
}

/// The video packets of `file` in decode order: (MD5 of the data, keyframe, pts in seconds).
fn video_packets(file: &Path) -> Vec<(String, bool, f64)> {
    packets(file, "v:0")
        .iter()
        .map(|p| {
            (
                p["data_hash"].as_str().unwrap_or("").to_owned(),
                p["flags"].as_str().unwrap_or("").starts_with('K'),
                seconds(p, "pts_time"),
            )
        })
        .collect()
}

/// Asserts output frame `n` is source frame `m`: closer to it than to its neighbours, and close.
#[track_caller]
fn same_frame(out: &Path, n: u64, src: &Path, m: u64) {
    let at = psnr(out, n, src, m);
    let (before, after) = (psnr(out, n, src, m.saturating_sub(1)), psnr(out, n, src, m + 1));
    assert!(at > 30.0 && at > before && at > after, "output frame {n} vs source {m}: {before} / {at} / {after} dB");
}

const OUT_320: fn() -> Value = || json!({ "width": 320, "height": 240, "fps": 30 });

#[test]
fn a_keyframe_aligned_splice_copies_packets_byte_for_byte() {
    let dir = Dir::new("copy");
    let a = clip(&dir, "a.mp4", "testsrc2", "320x240");
    let b = clip(&dir, "b.mp4", "testsrc", "320x240");
    let sources = json!({ "a": source("a.mp4"), "b": source("b.mp4") });
    let scenes = json!([
        { "layers": [{ "type": "video", "source": "a", "trimEnd": 2 }] },
        { "layers": [{ "type": "video", "source": "b", "trimStart": 1, "trimEnd": 3 }] }
    ]);
    let stats = render(&dir, OUT_320(), sources.clone(), scenes.clone(), "out.mp4");
    assert_eq!(stats["fast_path"], "stream-copy", "{stats}");
    assert_eq!(stats["treatments"]["copy"], 2);
    assert_eq!(stats["copy_fallback"], Value::Null);
    let out = video_packets(&dir.path("out.mp4"));
    let (a, b) = (video_packets(&a), video_packets(&b));
    let b_from = b.iter().position(|p| p.1 && (p.2 - 1.0).abs() < 1e-3).expect("keyframe at 1 s");
    assert_eq!(out.len(), 120);
    let hashes = |list: &[(String, bool, f64)]| list.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(hashes(&out[..60]), hashes(&a[..60]));
    assert_eq!(hashes(&out[60..]), hashes(&b[b_from..b_from + 60]));
    // `forceTranscode`: the same splice is encoded, frame by frame.
    let mut output = OUT_320();
    output["forceTranscode"] = json!(true);
    let stats = render(&dir, output, sources, scenes, "forced.mp4");
    assert_eq!((&stats["treatments"]["encode"], &stats["treatments"]["reasons"]["forced"]), (&json!(2), &json!(2)), "{stats}");
    assert_ne!(stats["fast_path"], "stream-copy", "{stats}");
    let forced = video_packets(&dir.path("forced.mp4"));
    assert_eq!(forced.len(), 120);
    assert!(hashes(&forced[..60]) != hashes(&a[..60]), "the packets were encoded anew");
}

#[test]
fn a_mid_gop_smart_cut_is_frame_accurate() {
    let dir = Dir::new("smart");
    let src = clip(&dir, "clip.mp4", "testsrc2", "320x240");
    let stats = render(
        &dir,
        OUT_320(),
        json!({ "clip": source("clip.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "clip", "trimStart": 0.5, "trimEnd": 2.5 }] },
            { "layers": [{ "type": "video", "source": "clip", "trimStart": 1.3, "trimEnd": 3 }] }
        ]),
        "out.mp4",
    );
    assert_eq!(stats["fast_path"], "smart-cut", "{stats}");
    assert_eq!(stats["treatments"]["smartCut"], 2);
    let out = dir.path("out.mp4");
    // Segment 1 shows source frames 15..75, segment 2 source frames 39..90.
    for (n, m) in [(0, 15), (14, 29), (15, 30), (59, 74), (60, 39), (80, 59), (110, 89)] {
        same_frame(&out, n, &src, m);
    }
    assert_eq!(video_packets(&out).len(), 111);
}

#[test]
fn a_target_size_lands_at_or_under_it_and_above_90_percent() {
    let dir = Dir::new("target");
    clip(&dir, "clip.mp4", "testsrc2", "640x360");
    for target in [150_000u64, 400_000] {
        let output = json!({ "width": 640, "height": 360, "fps": 30, "targetSizeBytes": target });
        let stats = render(
            &dir,
            output,
            json!({ "clip": source("clip.mp4") }),
            json!([{ "layers": [{ "type": "video", "source": "clip", "trimEnd": 4 }] }]),
            "out.mp4",
        );
        let bytes = std::fs::metadata(dir.path("out.mp4")).unwrap().len();
        assert!(bytes <= target && bytes * 10 >= target * 9, "{bytes} bytes for a target of {target}");
        assert_eq!(stats["treatments"]["reasons"]["target-size"], 1);
    }
}

/// The video packets' bytes of `file` in decode order (ffprobe's hex dump).
fn packet_bytes(file: &Path) -> Vec<Vec<u8>> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", "-select_streams", "v:0", "-show_data", "-show_packets"])
        .arg(file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hex_line = |line: &str| -> Vec<u8> {
        let Some((_, rest)) = line.split_once(": ") else { return Vec::new() };
        let hex: String = rest.chars().take(39).filter(|c| !c.is_whitespace()).collect();
        (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect()
    };
    let packets = v["packets"].as_array().unwrap();
    packets.iter().map(|p| p["data"].as_str().unwrap_or("").lines().flat_map(hex_line).collect()).collect()
}

/// Asserts the copied packets are the source's byte for byte, except that a keyframe may carry
/// SPS/PPS NAL units (4-byte length-prefixed) inserted among its unchanged NAL units.
#[track_caller]
fn copied(out: &[Vec<u8>], src: &[Vec<u8>]) {
    assert_eq!(out.len(), src.len());
    for (i, (o, s)) in out.iter().zip(src).enumerate() {
        assert!(o == s || (i % 30 == 0 && without_parameter_sets(o) == *s), "copied packet {i} differs");
    }
}

/// `packet` without its SPS (7) and PPS (8) NAL units.
fn without_parameter_sets(packet: &[u8]) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut rest = packet;
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let n = (u32::from_be_bytes(*len) as usize).min(tail.len());
        if !matches!(tail.first().map(|b| b & 0x1f), Some(7 | 8)) {
            kept.extend_from_slice(&rest[..4 + n]);
        }
        rest = &tail[n..];
    }
    kept
}

#[test]
fn a_mixed_timeline_copies_the_clean_clips_and_encodes_the_scaled_one() {
    let dir = Dir::new("mixed");
    let a = clip(&dir, "a.mp4", "testsrc2", "320x240");
    let b = clip(&dir, "b.mp4", "testsrc2", "640x480");
    let stats = render(
        &dir,
        OUT_320(),
        json!({ "a": source("a.mp4"), "b": source("b.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "a", "trimEnd": 2 }] },
            { "layers": [{ "type": "video", "source": "b", "trimStart": 1, "trimEnd": 2 }] },
            { "layers": [{ "type": "video", "source": "a", "trimStart": 2, "trimEnd": 4 }] }
        ]),
        "out.mp4",
    );
    assert_eq!(stats["fast_path"], "mixed", "{stats}");
    assert_eq!(stats["treatments"]["copy"], 2);
    assert_eq!(stats["treatments"]["reasons"]["scaled"], 1);
    assert_eq!(stats["copy_fallback"], Value::Null);
    let out = dir.path("out.mp4");
    let (got, src) = (packet_bytes(&out), packet_bytes(&a));
    assert_eq!(got.len(), 150, "frame count");
    copied(&got[..60], &src[..60]);
    copied(&got[90..], &src[60..]);
    let decode = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-v", "error", "-i"])
        .arg(&out)
        .args(["-map", "0:v:0", "-f", "null", "-"])
        .output()
        .unwrap();
    assert!(decode.status.success() && decode.stderr.is_empty(), "{}", String::from_utf8_lossy(&decode.stderr));
    // The encoded second shows b's frames 30..60 scaled down.
    let scaled = dir.path("b_small.mp4");
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-i"])
        .arg(&b)
        .args(["-vf", "scale=320:240", "-c:v", "libx264", "-qp", "0"])
        .arg(&scaled)
        .status()
        .unwrap();
    assert!(status.success());
    for (n, m) in [(60, 30), (75, 45), (89, 59)] {
        same_frame(&out, n, &scaled, m);
    }
    for (n, m) in [(59, 59), (90, 60)] {
        same_frame(&out, n, &a, m);
    }
}

#[test]
fn a_fade_out_encodes_only_its_own_second() {
    let dir = Dir::new("fade");
    let a = clip(&dir, "a.mp4", "testsrc2", "320x240");
    let scenes = json!([{ "layers": [{ "type": "video", "source": "a", "trimEnd": 4, "fadeOut": 1 }] }]);
    let stats = render(&dir, OUT_320(), json!({ "a": source("a.mp4") }), scenes, "out.mp4");
    assert_eq!(stats["fast_path"], "mixed", "{stats}");
    assert_eq!(
        (stats["treatments"]["copy"].as_u64(), stats["treatments"]["reasons"]["opacity"].as_u64()),
        (Some(1), Some(1))
    );
    let out = dir.path("out.mp4");
    let (got, src) = (packet_bytes(&out), packet_bytes(&a));
    assert_eq!(got.len(), 120, "frame count");
    copied(&got[..90], &src[..90]);
    same_frame(&out, 89, &a, 89);
    let dark = |n| pixel(&out, n, 300, 20).iter().map(|&c| u32::from(c)).sum::<u32>();
    let before = pixel(&a, 90, 300, 20).iter().map(|&c| u32::from(c)).sum::<u32>();
    assert!(before > 400, "a bright pixel: {before}");
    assert!(dark(90) * 10 >= before * 8 && dark(119) * 10 <= before, "fading: {before} → {} → {}", dark(90), dark(119));
}

#[test]
fn edit_listed_and_fragmented_sources_are_cut_on_ffmpeg_keyframes() {
    let dir = Dir::new("edited");
    let clip = clip(&dir, "clip.mp4", "testsrc2", "320x240");
    let path = |name: &str| dir.path(name).to_str().unwrap().to_owned();
    // An edit list starting 0.3 s after a keyframe (hidden before zero; keyframes at 0.7, 1.7 s),
    // and a fragmented copy whose B-frame delay is not edited away (keyframes at 1/15 s + n).
    dir.make("edited.mp4", &["-ss", "1.3", "-i", &path("clip.mp4"), "-c", "copy"]);
    let fragmented = ["-i", &path("clip.mp4"), "-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof"];
    dir.make("fragmented.mp4", &fragmented);
    let stats = render(
        &dir,
        OUT_320(),
        json!({ "e": source("edited.mp4"), "f": source("fragmented.mp4") }),
        json!([
            { "layers": [{ "type": "video", "source": "e", "trimStart": 0.2, "trimEnd": 2.5 }] },
            { "layers": [{ "type": "video", "source": "f", "trimStart": 1, "trimEnd": 2.5 }] }
        ]),
        "out.mp4",
    );
    assert_eq!(stats["fast_path"], "smart-cut", "{stats}");
    assert_eq!(stats["treatments"]["smartCut"], 2);
    let out = dir.path("out.mp4");
    // Edited time t is clip time t + 1.3 s; fragmented time t shows clip frame 30 t − 2.
    // Each segment: first head frame, last head frame, first copied frame, tail, last frame.
    for (n, m) in [(0, 45), (14, 59), (15, 60), (45, 90), (68, 113), (69, 28), (70, 29), (71, 30), (113, 72)] {
        same_frame(&out, n, &clip, m);
    }
    let (got, src) = (packet_bytes(&out), packet_bytes(&clip));
    assert_eq!(got.len(), 114, "frame count");
    copied(&got[15..45], &src[60..90]);
    copied(&got[71..101], &src[30..60]);
}

#[test]
fn a_webm_smart_cut_shows_the_frame_at_or_before_each_output_time() {
    let dir = Dir::new("webm");
    let video = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=4"];
    let audio = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4"];
    let codecs = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-g", "30", "-c:a", "libopus"];
    let src = dir.make("clip.webm", &[&video[..], &audio, &codecs, &["-shortest"]].concat());
    let output =
        json!({ "width": 320, "height": 240, "fps": 30, "format": "webm", "videoCodec": "vp9", "audioCodec": "opus" });
    let scenes = json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0.5, "trimEnd": 2.5 }] }]);
    let stats = render(&dir, output, json!({ "clip": source("clip.webm") }), scenes, "out.webm");
    assert_eq!(stats["fast_path"], "smart-cut", "{stats}");
    // The Opus delay puts video frame k at k/30 s + 7 ms: output frame n (0.5 s + n/30 in the
    // source) shows frame 14 + n, the re-encoded head frames 14–29, the copied keyframe 30.
    let out = dir.path("out.webm");
    for (n, m) in [(0, 14), (15, 29), (16, 30), (45, 59), (46, 60), (59, 73)] {
        same_frame(&out, n, &src, m);
    }
    assert_eq!(video_packets(&out).len(), 60);
}
