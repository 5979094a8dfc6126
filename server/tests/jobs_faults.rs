//! Fault and hostile-input tests of jobs against the real server and real ffmpeg: ffmpeg killed
//! mid-render (retried, then completes), ffmpeg stopped with an error exit (fails at once with
//! its last stderr lines), truncated media, 10 MB of text, traversal-looking ids, wrong keys.

mod support;

use std::time::{Duration, Instant};
use support::*;

/// Starts a long job (upscaled to 1280×720) and waits until ffmpeg is rendering it; returns
/// (job id, ffmpeg pid).
fn running_job(server: &Server, sha: &str, bytes: u64) -> (String, u32) {
    let id = submit(server, &project(sha, bytes, (1280, 720), 0.0, 6.0));
    let start = Instant::now();
    loop {
        let job = server.get(&format!("/jobs/{id}")).json();
        let children = ffmpeg_children(server.pid());
        if job["status"] == "running" && job["progress"]["fraction"].as_f64().unwrap_or(0.0) > 0.02 {
            if let Some(&pid) = children.first() {
                return (id, pid);
            }
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the render starts: {job}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success();
    assert!(ok, "kill {sig} {pid}");
}

#[test]
fn ffmpeg_killed_is_retried_and_an_error_exit_fails_with_its_stderr() {
    let dir = TempDir::new("faults");
    let (file, sha, bytes) = fixture("medium.mp4", "640x360", 6.0);
    install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);

    // Killed by a signal (as by the OOM killer): transient, so the job runs again and succeeds.
    let (id, pid) = running_job(&server, &sha, bytes);
    signal(pid, "-KILL");
    let job = wait_finished(&server, &id, Duration::from_secs(180));
    assert_eq!((job["status"].as_str(), job["attempts"].as_u64()), (Some("succeeded"), Some(2)), "{job}");
    let out = dir.data().join("out.mp4");
    std::fs::write(&out, server.get(&format!("/jobs/{id}/output")).body).unwrap();
    let (duration, codecs) = ffprobe(&out).expect("a whole file");
    assert!((duration - 6.0).abs() < 0.1 && codecs == ["h264", "aac"], "{duration} {codecs:?}");
    assert!(server.get("/metrics").text().contains("\nframeloom_jobs_retried_total 1\n"));

    // Asked to stop (SIGTERM): ffmpeg exits with an error code, which is not retried; the job
    // fails with the exit code, ffmpeg's last stderr lines (none: it stopped quietly) and a hint.
    let (id, pid) = running_job(&server, &sha, bytes);
    signal(pid, "-TERM");
    let job = wait_finished(&server, &id, Duration::from_secs(60));
    assert_eq!((job["status"].as_str(), job["attempts"].as_u64()), (Some("failed"), Some(1)), "{job}");
    assert_eq!(job["error"]["code"], "ffmpeg_failed", "{job}");
    assert!(job["error"]["stderrTail"].is_string(), "{job}");
    let message = job["error"]["message"].as_str().unwrap();
    assert!(message.contains("exit code 255") && message.contains("SIGTERM"), "{job}");
    assert_eq!(server.get(&format!("/jobs/{id}/output")).status, 404);
    assert!(ffmpeg_children(server.pid()).is_empty());
    assert_eq!(std::fs::read_dir(dir.data().join("tmp")).unwrap().count(), 0, "no scratch left");
}

#[test]
fn truncated_media_fails_cleanly_and_the_server_goes_on() {
    let dir = TempDir::new("truncated");
    let (file, _, _) = fixture("small.mp4", "320x240", 3.0);
    let whole = std::fs::read(&file).unwrap();
    let cut = dir.path.join("cut.mp4");
    std::fs::write(&cut, &whole[..whole.len() / 3]).unwrap();
    let (sha, bytes) = install_source(&dir.data(), &cut);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    let id = submit(&server, &project(&sha, bytes, (320, 240), 0.0, 3.0));
    let job = wait_finished(&server, &id, Duration::from_secs(60));
    assert_eq!(job["status"], "failed", "{job}");
    let code = job["error"]["code"].as_str().unwrap();
    assert!(["probe_failed", "plan_failed", "ffmpeg_failed"].contains(&code), "{job}");
    assert_eq!(job["attempts"], 1, "not retried: {job}");
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn hostile_requests_are_refused_with_typed_errors() {
    let dir = TempDir::new("hostile-jobs");
    let (file, sha, bytes) = fixture("small.mp4", "320x240", 3.0);
    install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);

    // Traversal-looking ids touch nothing.
    for id in ["..%2F..%2Fjobs.sqlite3", "..", "%2e%2e", "0123456789abcdef0123456789abcdeg", "a/../../b"] {
        for path in [format!("/jobs/{id}"), format!("/jobs/{id}/output"), format!("/jobs/{id}/events")] {
            let r = server.get(&path);
            assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        }
        assert!(matches!(server.delete(&format!("/jobs/{id}")).status, 404 | 400 | 405));
    }
    assert!(dir.data().join("jobs.sqlite3").is_file());

    // 10 MB of text: over the project size limit (8 MiB), refused before parsing.
    let huge = "x".repeat(10 << 20);
    let mut body: serde_json::Value = serde_json::from_str(&project(&sha, bytes, (320, 240), 0.0, 1.0)).unwrap();
    body["scenes"][0]["layers"].as_array_mut().unwrap().push(serde_json::json!({ "type": "text", "text": huge }));
    let r = server.post("/jobs", &body.to_string());
    assert_eq!(r.status, 413, "{}", r.text());
    // 1 MB of text in one layer fits the body limit but not the text limit: a typed 422.
    let big = "y".repeat(1 << 20);
    body["scenes"][0]["layers"][1]["text"] = serde_json::json!(big);
    let r = server.post("/jobs", &body.to_string());
    assert_eq!(r.status, 422, "{}", r.text());
    let errors = r.json()["errors"].as_array().cloned().unwrap();
    assert!(errors.iter().any(|e| e["path"] == "scenes[0].layers[1].text"), "{errors:?}");

    // A wrong key is refused before anything else.
    let reply = request(
        &server.addr,
        "POST",
        "/jobs",
        &[("Authorization", "Bearer not-the-key"), ("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 401);
    assert_eq!(reply.code(), "wrong_api_key");
    assert_eq!(server.get("/capacity").json()["queueDepth"], 0, "nothing was queued");
}
