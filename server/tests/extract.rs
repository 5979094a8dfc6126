//! Range-only copies (`frameloom::container::extract`) of real ffmpeg files: a 10-second cut
//! of a 60-second source keeps under 40 % of the bytes, ffprobe reads the compact file at the
//! source's times, its packets are the source's bytes, and `frameloom-server render` draws the
//! same frames from it as from the original.

use frameloom::container::extract::{Extracted, extract};
use frameloom::container::{FileSink, FileSource, Packet, open_demuxer, probe};
use frameloom::plan::{self, SourceNeeds};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A test's own folder, removed when the test passes.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("frameloom-extract-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn sub(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program).args(args).output().expect("ffmpeg/ffprobe runs");
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A 60-second 320×240 source with 2-second GOPs and audio, in `codec` ("h264" or "vp9").
fn source(dir: &Path, codec: &str) -> PathBuf {
    let (name, args): (&str, &[&str]) = match codec {
        "h264" => ("source.mp4", &["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]),
        // B-frames: the first kept keyframe is presented two frames after it is decoded.
        "h264-bframes" => (
            "source.mp4",
            &["-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac"],
        ),
        _ => (
            "source.webm",
            &["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k", "-c:a", "libopus"],
        ),
    };
    let path = dir.join(name);
    let mut all = vec!["-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i"];
    all.extend([
        "testsrc2=size=320x240:rate=30:duration=60",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000:duration=60",
    ]);
    all.extend(["-g", "60"]);
    all.extend(args);
    all.extend(["-shortest", path.to_str().unwrap()]);
    run("ffmpeg", &all);
    path
}

/// A project playing source seconds `from`–`to` of `file` (its sound too), at 320×240.
fn project(file: &Path, from: f64, to: f64) -> Value {
    let name = file.file_name().unwrap().to_str().unwrap();
    json!({
        "version": 1,
        "output": { "width": 320, "height": 240, "fps": 30, "format": "mp4", "videoCodec": "h264", "audioCodec": "aac" },
        "sources": { "clip": { "kind": "video", "name": name, "size": 1 } },
        "scenes": [ { "layers": [ { "type": "video", "source": "clip", "trimStart": from, "trimEnd": to } ] } ]
    })
}

/// What the plan of `project` needs from its one source.
fn needs(project: &Value, file: &Path) -> SourceNeeds {
    let project = frameloom::project::validate(&project.to_string()).expect("valid project");
    let info = probe(&mut FileSource::open(file).unwrap()).unwrap();
    let plan = plan::build(&project, &BTreeMap::from([("clip".to_owned(), info)])).expect("plan");
    plan.sources["clip"].clone()
}

fn cut(file: &Path, needs: &SourceNeeds, out: &Path) -> Extracted {
    let (mut sink, report) =
        extract(Box::new(FileSource::open(file).unwrap()), needs, FileSink::create(out).unwrap()).expect("extract");
    sink.flush().unwrap();
    assert_eq!(report.output_bytes, std::fs::metadata(out).unwrap().len(), "the report counts the file's bytes");
    report
}

fn packets(file: &Path) -> Vec<Packet> {
    let mut demuxer = open_demuxer(Box::new(FileSource::open(file).unwrap())).unwrap();
    std::iter::from_fn(|| demuxer.next_packet().unwrap()).collect()
}

/// Per stream: the MD5 of each packet's bytes, in order (ffmpeg's framemd5 muxer).
fn packet_hashes(file: &Path) -> BTreeMap<u32, Vec<String>> {
    let out = run(
        "ffmpeg",
        &["-nostdin", "-v", "error", "-i", file.to_str().unwrap(), "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
    );
    let mut by_stream: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out).lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        by_stream.entry(cols[0].parse().unwrap()).or_default().push(cols[5].to_owned());
    }
    by_stream
}

fn ffprobe_streams(file: &Path) -> Vec<Value> {
    let out = run("ffprobe", &["-v", "error", "-of", "json", "-show_streams", file.to_str().unwrap()]);
    serde_json::from_slice::<Value>(&out).unwrap()["streams"].as_array().unwrap().clone()
}

/// Checks the compact `out` of `src` for source seconds 20–30, whose video decoding starts at
/// `video_start_us` (the keyframe at or before 20 s).
fn check_cut(src: &Path, out: &Path, report: &Extracted, video_start_us: i64) {
    assert!(
        report.output_bytes * 100 < report.source_bytes * 40,
        "kept {} of {} bytes",
        report.output_bytes,
        report.source_bytes
    );
    assert!(report.worth_it());

    // ffmpeg reads the compact file at the source's times.
    for stream in ffprobe_streams(out) {
        let start: f64 = stream["start_time"].as_str().unwrap().parse().unwrap();
        match stream["codec_type"].as_str() {
            Some("video") => assert!((start - video_start_us as f64 / 1e6).abs() < 0.001, "video starts at {start}"),
            _ => {
                let video_start = video_start_us as f64 / 1e6;
                assert!((video_start - 0.3..20.0).contains(&start), "audio starts at {start}, shortly before the cut");
            }
        }
    }

    // Every stream's packets are one unbroken run of the source's packets, byte for byte.
    let (whole, part) = (packet_hashes(src), packet_hashes(out));
    assert_eq!(whole.len(), part.len());
    for (stream, hashes) in &part {
        let all = &whole[stream];
        let at = all.iter().position(|h| h == &hashes[0]).expect("first packet is in the source");
        assert_eq!(&all[at..at + hashes.len()], hashes.as_slice(), "stream {stream}");
    }

    // Our demuxer reads each kept packet at its source time (within the edit list's 0.5 ms).
    let by_data: BTreeMap<(u32, Vec<u8>), Packet> =
        packets(src).into_iter().map(|p| ((p.track_id, p.data.clone()), p)).collect();
    let kept = packets(out);
    assert_eq!(kept.len() as u64, report.packets_kept);
    for p in &kept {
        let original = &by_data[&(p.track_id, p.data.clone())];
        assert!((p.pts_us - original.pts_us).abs() <= 500, "pts {} vs {}", p.pts_us, original.pts_us);
        assert_eq!(p.keyframe, original.keyframe);
    }
}

#[test]
fn mp4_cut_keeps_whole_gops_at_source_times_and_renders_the_same_frames() {
    let dir = Dir::new("mp4");
    let src = source(&dir.0, "h264");
    let cut_project = project(&src, 20.0, 30.0);
    let out = dir.path("compact.mp4");
    let needs = needs(&cut_project, &src);
    let report = cut(&src, &needs, &out);
    check_cut(&src, &out, &report, needs.video[0].decode_from_us);

    // The server renders a cut inside the kept GOPs identically from either file.
    let (whole_dir, part_dir) = (dir.sub("whole"), dir.sub("part"));
    std::fs::copy(&src, whole_dir.join("source.mp4")).unwrap();
    std::fs::copy(&out, part_dir.join("source.mp4")).unwrap();
    let render_project = project(&src, 21.3, 28.7);
    std::fs::write(dir.path("project.json"), render_project.to_string()).unwrap();
    let render = |sources: &Path, name: &str| {
        let output = dir.path(name);
        let status = Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
            .args(["render", dir.path("project.json").to_str().unwrap(), "--sources", sources.to_str().unwrap()])
            .args(["-o", output.to_str().unwrap(), "--threads", "2", "--work-dir", dir.path("work").to_str().unwrap()])
            .output()
            .expect("frameloom-server runs");
        assert!(status.status.success(), "render: {}", String::from_utf8_lossy(&status.stderr));
        // Both take the smart cut: the compact file's edit list does not push it off the fast path.
        let stats: Value = serde_json::from_slice(&status.stdout).expect("stats JSON");
        assert_eq!((&stats["fast_path"], &stats["copy_fallback"]), (&json!("smart-cut"), &Value::Null), "{stats}");
        output
    };
    let (whole, part) = (render(&whole_dir, "whole.mp4"), render(&part_dir, "part.mp4"));
    let (a, b) = (ffprobe_streams(&whole), ffprobe_streams(&part));
    let frames = |s: &[Value]| s[0]["nb_frames"].as_str().unwrap().to_owned();
    assert_eq!(frames(&a), "222", "7.4 s at 30 fps");
    assert_eq!(frames(&a), frames(&b));
    assert_eq!(a[1]["nb_frames"], b[1]["nb_frames"], "as much sound");
    // The GOPs at 22–28 s are copied from either file: the same packets.
    let (copied_a, copied_b) = (&packet_hashes(&whole)[&0][21..201], &packet_hashes(&part)[&0][21..201]);
    assert_eq!(copied_a, copied_b);
    // The head and tail are re-encoded, and x264 with frame threads is not bit-exact from run
    // to run: the same picture encodes to 32 dB or more here, a neighbouring frame of this
    // moving pattern to 22 dB or less. The pictures are compared as RGB, each converted by its
    // own colour tags.
    let psnr = dir.path("psnr.log");
    let graph = format!("[0:v]format=gbrp[a];[1:v]format=gbrp[b];[a][b]psnr=stats_file={}", psnr.to_str().unwrap());
    run(
        "ffmpeg",
        &[
            "-nostdin",
            "-v",
            "error",
            "-i",
            whole.to_str().unwrap(),
            "-i",
            part.to_str().unwrap(),
            "-lavfi",
            &graph,
            "-f",
            "null",
            "-",
        ],
    );
    let log = std::fs::read_to_string(&psnr).unwrap();
    let worst = log
        .lines()
        .filter_map(|l| l.split_whitespace().find_map(|w| w.strip_prefix("psnr_avg:")))
        .map(|v| v.parse::<f64>().unwrap_or(f64::INFINITY))
        .fold(f64::INFINITY, f64::min);
    assert_eq!(log.lines().count(), 222);
    assert!(worst > 30.0, "a frame differs: {worst} dB");
}

#[test]
fn mp4_cut_with_b_frames_keeps_source_times_and_the_servers_stream_copy() {
    let dir = Dir::new("mp4-bframes");
    let src = source(&dir.0, "h264-bframes");
    let cut_project = project(&src, 20.0, 30.0);
    let out = dir.path("compact.mp4");
    let needs = needs(&cut_project, &src);
    let report = cut(&src, &needs, &out);
    check_cut(&src, &out, &report, needs.video[0].decode_from_us);

    // Cut on keyframes at the source's size: the server copies the GOPs out of the compact file.
    let part_dir = dir.sub("part");
    std::fs::copy(&out, part_dir.join("source.mp4")).unwrap();
    std::fs::write(dir.path("project.json"), cut_project.to_string()).unwrap();
    let output = dir.path("part.mp4");
    let render = Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
        .args(["render", dir.path("project.json").to_str().unwrap(), "--sources", part_dir.to_str().unwrap()])
        .args(["-o", output.to_str().unwrap(), "--threads", "2", "--work-dir", dir.path("work").to_str().unwrap()])
        .output()
        .expect("frameloom-server runs");
    assert!(render.status.success(), "render: {}", String::from_utf8_lossy(&render.stderr));
    let stats: Value = serde_json::from_slice(&render.stdout).unwrap();
    assert_eq!((stats["fast_path"].as_str(), &stats["copy_fallback"]), (Some("stream-copy"), &Value::Null), "{stats}");
    assert_eq!(ffprobe_streams(&output)[0]["nb_frames"], "300");
}

#[test]
fn webm_cut_keeps_whole_gops_at_source_times() {
    let dir = Dir::new("webm");
    let src = source(&dir.0, "vp9");
    let out = dir.path("compact.webm");
    let needs = needs(&project(&src, 20.0, 30.0), &src);
    let report = cut(&src, &needs, &out);
    assert_eq!(needs.video[0].decode_from_us, 18_007_000, "ffmpeg's WebM keyframes are 7 ms late (Opus delay)");
    check_cut(&src, &out, &report, needs.video[0].decode_from_us);
    assert_eq!(probe(&mut FileSource::open(&out).unwrap()).unwrap().tracks.len(), 2);
}

#[test]
fn two_cuts_keep_both_and_refuse_whole_files() {
    let dir = Dir::new("two");
    let src = source(&dir.0, "h264");
    let mut both = needs(&project(&src, 4.0, 6.0), &src);
    let later = needs(&project(&src, 50.5, 52.0), &src);
    both.video.extend(later.video);
    both.audio.extend(later.audio);
    let out = dir.path("two.mp4");
    let report = cut(&src, &both, &out);
    assert!(report.saving() > 0.8, "saved {}", report.saving());
    let keys = probe(&mut FileSource::open(&out).unwrap()).unwrap().tracks[0].keyframes_us.clone();
    let seconds: Vec<i64> = keys.iter().map(|k| (k + 500) / 1_000_000).collect();
    assert_eq!(seconds, vec![4, 50], "the GOPs at 4 s and 50 s (ranges end before the next keyframe)");
    let whole = SourceNeeds { whole_file: true, ..SourceNeeds::default() };
    let refused = extract(Box::new(FileSource::open(&src).unwrap()), &whole, frameloom::container::VecSink::default());
    assert_eq!(refused.err().map(|e| e.code()), Some("invalid_input"));
}
