//! The renderer API against real ffmpeg: typed errors, cancellation, extra outputs.
//! (End-to-end pictures and sound are checked through the CLI in `server/tests/render.rs`.)

use super::*;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// A scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("frameloom-render-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn make(path: &Path, lavfi: &str) {
    let status = Command::new("ffmpeg")
        .arg("-nostdin")
        .args([
            "-hide_banner",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            lavfi,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn request(dir: &Path, json: &str, output: &str) -> RenderRequest {
    let project = frameloom::project::validate(json).unwrap();
    let sources = [("clip".to_owned(), dir.join("clip.mp4"))].into_iter().collect();
    RenderRequest {
        project,
        sources,
        output: dir.join(output),
        threads: 2,
        work_dir: dir.join("work"),
        extra: Vec::new(),
    }
}

fn project(width: u32, height: u32, trim_end: f64, extra_layer: &str) -> String {
    format!(
        r#"{{"version":1,"output":{{"width":{width},"height":{height},"fps":30,"format":"mp4","audioCodec":"none"}},
        "sources":{{"clip":{{"kind":"video","name":"clip.mp4","size":1}}}},
        "scenes":[{{"layers":[{{"type":"video","source":"clip","trimEnd":{trim_end}}}{extra_layer}]}}]}}"#
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    v.sort();
    v
}

#[test]
fn cancel_kills_ffmpeg_promptly_and_leaves_nothing() {
    let dir = scratch("cancel");
    make(&dir.join("clip.mp4"), "testsrc2=size=1280x720:rate=30:duration=20");
    let req = request(&dir, &project(1280, 720, 20.0, ""), "out.mp4");
    let cancel = AtomicBool::new(false);
    let mut cancelled_at = None;
    let result = render(
        &req,
        &mut |p| {
            if p.stage == "render" && p.fraction > 0.03 && cancelled_at.is_none() {
                cancelled_at = Some(Instant::now());
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    );
    let waited = cancelled_at.expect("the render made progress").elapsed();
    assert!(matches!(result, Err(RenderError::Cancelled)), "{result:?}");
    assert!(waited < Duration::from_secs(2), "stopped {waited:?} after the cancel");
    assert_eq!(names(&dir), ["clip.mp4"], "no output, no partial file, no work folder");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ffmpeg_failure_carries_its_stderr_and_leaves_nothing() {
    let dir = scratch("fail");
    make(&dir.join("clip.mp4"), "testsrc2=size=320x240:rate=30:duration=1");
    let req = request(&dir, &project(320, 240, 1.0, ""), "missing/out.mp4");
    match render(&req, &mut |_| {}, &AtomicBool::new(false)) {
        Err(e @ RenderError::Ffmpeg { .. }) => {
            assert_eq!(e.code(), "ffmpeg_failed");
            let RenderError::Ffmpeg { exit_code, stderr_tail } = &e else { unreachable!() };
            assert!(exit_code.is_some_and(|c| c != 0));
            assert!(stderr_tail.contains("No such file or directory"), "{stderr_tail}");
        }
        other => panic!("expected an ffmpeg error, got {other:?}"),
    }
    assert_eq!(names(&dir), ["clip.mp4"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn text_layers_render_as_overlays() {
    let dir = scratch("text");
    make(&dir.join("clip.mp4"), "testsrc2=size=320x240:rate=30:duration=1");
    let text = r#",{"type":"text","text":"Hello, 'world'; [x]"}"#;
    let req = request(&dir, &project(320, 240, 1.0, text), "out.mp4");
    let stats = render(&req, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(stats.frames, 30);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn thumbnail_is_the_frame_at_its_time() {
    let dir = scratch("thumb");
    make(&dir.join("clip.mp4"), "testsrc2=size=320x240:rate=30:duration=2");
    let mut req = request(&dir, &project(320, 240, 2.0, ""), "out.mp4");
    req.extra = vec![
        ExtraOutput::Thumbnail { at_us: 1_000_000, path: dir.join("thumb.png") },
        ExtraOutput::Thumbnail { at_us: 99_000_000, path: dir.join("last.jpg") },
    ];
    let mut last = None;
    let stats = render(&req, &mut |p| last = Some(p), &AtomicBool::new(false)).unwrap();
    assert_eq!((stats.frames, stats.fast_path.as_str()), (60, "stream-copy"), "the untouched clip is copied");
    let last = last.unwrap();
    assert_eq!((last.stage, last.fraction), ("mux", 1.0));
    for (file, codec) in [("thumb.png", "png"), ("last.jpg", "mjpeg")] {
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0"])
            .arg(dir.join(file))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("{codec},320,240"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
