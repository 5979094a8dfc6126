//! A full disk fails the job with a clear message while the server keeps serving.
//!
//! The server runs in a private mount namespace (`unshare -m`) whose `--tmp-dir` is a 64 KiB
//! tmpfs, so the render's writes hit a real ENOSPC. Where `unshare`/`mount` are not allowed,
//! the test says so and passes without checking.

mod support;

use std::process::Command;
use std::time::Duration;
use support::*;

#[test]
fn full_disk_fails_the_job_and_the_server_keeps_serving() {
    let dir = TempDir::new("diskfull");
    let small = dir.path.join("small");
    std::fs::create_dir_all(&small).unwrap();
    let probe = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$0\""])
        .arg(&small)
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot mount a tmpfs in a private mount namespace here");
        return;
    }
    let file = make_source(&dir.path, "src.mp4", "320x240", 4.0);
    let (sha, bytes) = install_source(&dir.data(), &file);
    let mut wrapper = Command::new("unshare");
    wrapper
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$0\" && exec \"$@\""])
        .arg(&small)
        .arg(env!("CARGO_BIN_EXE_frameloom-server"));
    let tmp = small.to_str().unwrap().to_string();
    let server = Server::start_with(wrapper, &dir.data(), &["--api-key", KEY, "--workers", "1", "--tmp-dir", &tmp]);

    let id = submit(&server, &project(&sha, bytes, (320, 240), 0.0, 4.0));
    let job = wait_finished(&server, &id, Duration::from_secs(60));
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "disk_full", "{job}");
    assert!(job["error"]["message"].as_str().unwrap().contains("disk is full"), "{job}");
    assert_eq!(job["attempts"], 1, "a full disk is not retried");

    assert_eq!(server.get("/healthz").status, 200);
    // The failed job's scratch was freed, so a small job still fits and succeeds.
    let tiny = project(&sha, bytes, (64, 48), 0.0, 0.2);
    let id = submit(&server, &tiny);
    let job = wait_finished(&server, &id, Duration::from_secs(60));
    assert_eq!(job["status"], "succeeded", "{job}");
}
