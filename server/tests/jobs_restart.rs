//! Crash safety: `kill -9` of the server mid-render, then a restart on the same data dir,
//! requeues the job, stops the orphaned ffmpeg, and the job completes.

mod support;

use std::time::{Duration, Instant};
use support::*;

#[test]
fn kill_9_mid_job_then_restart_completes_it() {
    let dir = TempDir::new("restart");
    // Scaled, so the plan encodes every frame (a same-size trim would be stream-copied at once).
    let file = make_source(&dir.path, "src.mp4", "960x540", 10.0);
    let (sha, bytes) = install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    let id = submit(&server, &project(&sha, bytes, (640, 360), 0.0, 10.0));
    let start = Instant::now();
    let orphan = loop {
        let job = server.get(&format!("/jobs/{id}")).json();
        let children = ffmpeg_children(server.pid());
        if job["progress"]["fraction"].as_f64().unwrap_or(0.0) > 0.1 && !children.is_empty() {
            break children[0];
        }
        assert_ne!(job["status"], "succeeded", "the render was too quick to interrupt");
        assert!(start.elapsed() < Duration::from_secs(30), "the render starts: {job}");
        std::thread::sleep(Duration::from_millis(50));
    };
    server.kill9();

    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    // The restarted server answers once its start-up speed measurement is done, by when the
    // requeued run may have finished: its second attempt shows the requeue.
    let job = server.get(&format!("/jobs/{id}")).json();
    let rerun = job["status"] == "succeeded" && job["attempts"] == 2;
    assert!(rerun || matches!(job["status"].as_str(), Some("queued" | "running")), "requeued: {job}");
    assert!(!alive(orphan), "the orphaned ffmpeg {orphan} was stopped at startup");
    let job = wait_finished(&server, &id, Duration::from_secs(60));
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 2, "one interrupted run, one complete run");
    let out = dir.path.join("out.mp4");
    std::fs::write(&out, server.get(&format!("/jobs/{id}/output")).body).unwrap();
    let (duration, _) = ffprobe(&out).expect("a valid MP4");
    assert!((duration - 10.0).abs() < 0.2, "{duration}");
}
