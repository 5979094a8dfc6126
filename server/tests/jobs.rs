//! The jobs API against a real server and real ffmpeg: submit, progress over SSE, download
//! with Range, cancel (ffmpeg killed), a failed job (unreadable source), auth, metrics, capacity.

mod support;

use std::time::{Duration, Instant};
use support::*;

/// A source of 640×360, 10 s: rendering it at 640×360 takes a couple of seconds.
fn medium() -> (std::path::PathBuf, String, u64) {
    fixture("medium.mp4", "640x360", 10.0)
}

#[test]
fn submit_stream_and_download() {
    let dir = TempDir::new("lifecycle");
    let (file, sha, bytes) = medium();
    install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);

    let started = Instant::now();
    let r = server.post("/jobs", &project(&sha, bytes, (640, 360), 1.0, 7.0));
    assert!(started.elapsed() < Duration::from_secs(2), "POST /jobs answers at once");
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(r.header("location"), Some(format!("/jobs/{id}").as_str()));
    assert_eq!(r.json()["status"], "queued");

    let events = read_events(&server, &format!("/jobs/{id}/events"));
    let last = events.last().expect("some events");
    assert_eq!(last.name, "done", "{events:?}");
    assert_eq!(last.data["status"], "succeeded");
    let fractions: Vec<f64> =
        events.iter().filter(|e| e.name == "progress").filter_map(|e| e.data["fraction"].as_f64()).collect();
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "fractions never go back: {fractions:?}");
    assert!(fractions.iter().any(|f| *f > 0.0 && *f < 1.0), "intermediate progress: {events:?}");
    let encode = events.iter().find(|e| e.data["stage"] == "render").expect("a render progress event");
    assert!(encode.data["fps"].is_number() && encode.data.get("etaSeconds").is_some(), "{:?}", encode.data);

    let job = server.get(&format!("/jobs/{id}")).json();
    assert_eq!(job["status"], "succeeded");
    assert_eq!(job["attempts"], 1);
    assert!(job["createdAt"].as_str().unwrap().ends_with('Z') && job["finishedAt"].is_string());
    assert_eq!(job["output"]["mimeType"], "video/mp4");
    let stats = &job["stats"];
    assert_eq!(stats["encoder"], "libx264", "{job}");
    assert_eq!(stats["frames"], 180);
    assert!(stats["seconds"].as_f64().is_some_and(|s| s > 0.0) && stats["fastPath"].is_string(), "{stats}");
    let t = &stats["treatments"];
    assert_eq!(t["copy"].as_u64().unwrap() + t["smartCut"].as_u64().unwrap() + t["encode"].as_u64().unwrap(), 1);
    assert!(t["reasons"].is_object() && stats["copyFallback"].is_null(), "{stats}");
    let size = job["output"]["bytes"].as_u64().unwrap();

    let full = server.get(job["output"]["url"].as_str().unwrap());
    assert_eq!(full.status, 200);
    assert_eq!(full.header("content-type"), Some("video/mp4"));
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    assert_eq!(full.body.len() as u64, size);
    let out = dir.path.join("out.mp4");
    std::fs::write(&out, &full.body).unwrap();
    let (duration, codecs) = ffprobe(&out).expect("ffprobe reads the output");
    assert!((duration - 6.0).abs() < 0.2, "6 s trimmed: {duration}");
    assert_eq!(codecs, ["h264", "aac"]);

    let part = server.call("GET", &format!("/jobs/{id}/output"), &[("Range", "bytes=100-1099")], b"");
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some(format!("bytes 100-1099/{size}").as_str()));
    assert_eq!(part.body, full.body[100..1100]);
    let past = server.call("GET", &format!("/jobs/{id}/output"), &[("Range", &format!("bytes={size}-"))], b"");
    assert_eq!(past.status, 416);

    // Only the renamed, complete file is visible; the scratch folder is gone.
    let outputs: Vec<_> =
        std::fs::read_dir(dir.data().join("outputs")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(outputs, [std::ffi::OsString::from(format!("{id}.mp4"))]);
    assert_eq!(std::fs::read_dir(dir.data().join("tmp")).unwrap().count(), 0);

    // A late subscriber gets the final state at once.
    let late = read_events(&server, &format!("/jobs/{id}/events"));
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].name, "done");

    check_metrics(&server);
    let cap = server.get("/capacity").json();
    assert_eq!(cap["workers"], 1);
    assert_eq!(cap["queueDepth"], 0);
    assert!(cap["throughputMpps"].as_f64().unwrap() > 0.0, "{cap}");
    assert!(cap["maxQueued"].is_u64() && cap["estimatedWaitSeconds"].is_number() && cap["running"].is_u64());
    assert!(cap["measured"].is_boolean(), "{cap}");

    // DELETE of a finished job removes it and its output.
    assert_eq!(server.delete(&format!("/jobs/{id}")).status, 204);
    assert_eq!(server.get(&format!("/jobs/{id}")).status, 404);
    assert_eq!(std::fs::read_dir(dir.data().join("outputs")).unwrap().count(), 0);
}

/// `/metrics` is Prometheus text: every sample line is `name{labels} number`, with the job series present.
fn check_metrics(server: &Server) {
    let r = server.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.text();
    let mut samples = std::collections::HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (name, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("sample line: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("numeric value: {line}"));
        samples.insert(name.to_string(), value);
    }
    assert_eq!(samples["frameloom_jobs_completed_total"], 1.0, "{text}");
    assert_eq!(samples["frameloom_jobs_failed_total"], 0.0);
    assert_eq!(samples["frameloom_jobs_queued"], 0.0);
    assert_eq!(samples["frameloom_jobs_running"], 0.0);
    assert_eq!(samples["frameloom_render_seconds_count"], 1.0);
    assert_eq!(samples["frameloom_render_seconds_bucket{le=\"+Inf\"}"], 1.0);
    assert!(samples["frameloom_render_seconds_sum"] > 0.0);
}

#[test]
fn delete_mid_render_kills_ffmpeg() {
    let dir = TempDir::new("cancel");
    let (file, sha, bytes) = medium();
    install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    // Upscaled to 1280×720: a render of many seconds.
    let id = submit(&server, &project(&sha, bytes, (1280, 720), 0.0, 10.0));
    let start = Instant::now();
    let ffmpeg_pid = loop {
        let job = server.get(&format!("/jobs/{id}")).json();
        let children = ffmpeg_children(server.pid());
        if job["status"] == "running"
            && job["progress"]["fraction"].as_f64().unwrap_or(0.0) > 0.0
            && !children.is_empty()
        {
            break children[0];
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the render starts: {job}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let r = server.delete(&format!("/jobs/{id}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], "cancelled");
    // The answer comes once the render has stopped: ffmpeg is gone already.
    assert!(!alive(ffmpeg_pid), "ffmpeg {ffmpeg_pid} was killed");
    assert!(ffmpeg_children(server.pid()).is_empty());
    assert_eq!(server.get(&format!("/jobs/{id}/output")).status, 404);
    assert_eq!(std::fs::read_dir(dir.data().join("outputs")).unwrap().count(), 0, "no output appears");
    assert_eq!(std::fs::read_dir(dir.data().join("tmp")).unwrap().count(), 0, "no scratch left");
    let events = read_events(&server, &format!("/jobs/{id}/events"));
    assert_eq!(events.last().map(|e| e.name.as_str()), Some("cancelled"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.get(&format!("/jobs/{id}")).json()["status"], "cancelled", "stays cancelled");

    // A queued job is cancelled without ever running.
    let busy = submit(&server, &project(&sha, bytes, (1280, 720), 0.0, 10.0));
    let waiting = submit(&server, &project(&sha, bytes, (640, 360), 0.0, 1.0));
    let r = server.delete(&format!("/jobs/{waiting}"));
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(r.json()["attempts"], 0);
    assert_eq!(server.delete(&format!("/jobs/{busy}")).json()["status"], "cancelled");
}

#[test]
fn garbage_source_fails_with_a_probe_error() {
    let dir = TempDir::new("garbage");
    let bogus = dir.path.join("bogus.mp4");
    std::fs::write(&bogus, b"this is not a video file at all".repeat(100)).unwrap();
    let (sha, bytes) = install_source(&dir.data(), &bogus);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    let id = submit(&server, &project(&sha, bytes, (320, 240), 0.0, 1.0));
    let job = wait_finished(&server, &id, Duration::from_secs(30));
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "probe_failed", "{job}");
    assert_eq!(job["attempts"], 1, "a source that cannot be read is not retried");
    assert_eq!(server.get(&format!("/jobs/{id}/output")).status, 404);
    let events = read_events(&server, &format!("/jobs/{id}/events"));
    assert_eq!(events.last().map(|e| e.name.as_str()), Some("failed"));
    let metrics = server.get("/metrics").text();
    assert!(metrics.contains("\nframeloom_jobs_failed_total 1\n"), "{metrics}");
}

#[test]
fn rejects_bad_requests() {
    let dir = TempDir::new("reject");
    let server = Server::start_in(&dir.data(), &[]);
    let sha = "ab".repeat(32);
    let body = project(&sha, 1000, (320, 240), 0.0, 1.0);

    let plain = |method: &str, path: &str, auth: Option<&str>| {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        request(&server.addr, method, path, &headers, body.as_bytes())
    };
    let job = format!("/jobs/{}", "0".repeat(32));
    let (events, output) = (format!("{job}/events"), format!("{job}/output"));
    let guarded = [
        ("POST", "/jobs"),
        ("GET", job.as_str()),
        ("DELETE", job.as_str()),
        ("GET", events.as_str()),
        ("GET", output.as_str()),
        ("GET", "/metrics"),
        ("GET", "/capacity"),
    ];
    for (method, path) in guarded {
        let r = plain(method, path, None);
        assert_eq!(
            (r.status, r.code()),
            (401, "missing_api_key".into()),
            "{method} {path} without a key: {}",
            r.text()
        );
        assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")), "{method} {path}");
        let r = plain(method, path, Some("Bearer wrong-key"));
        assert_eq!((r.status, r.code()), (401, "wrong_api_key".into()), "{method} {path} with a wrong key");
    }
    assert_eq!(plain("GET", "/healthz", None).status, 200, "health needs no key");
    assert_eq!(plain("OPTIONS", "/jobs", None).status / 100, 2, "OPTIONS needs no key");

    let r = server.post("/jobs", &body);
    assert_eq!(r.status, 409, "{}", r.text());
    let missing = &r.json()["error"]["missing"];
    assert_eq!(missing[0]["id"], "clip");
    assert_eq!(missing[0]["sha256"], sha.as_str());

    let r = server.post("/jobs", r#"{"version":1,"output":{"width":3,"height":240,"fps":30},"scenes":[]}"#);
    assert_eq!(r.status, 422, "{}", r.text());
    let errors = r.json()["errors"].as_array().unwrap().clone();
    assert!(errors.iter().any(|e| e["path"] == "output.width" && e["code"].is_string()), "{errors:?}");

    let huge = format!("{{\"version\":1,\"pad\":\"{}\"}}", "x".repeat(9 << 20));
    assert_eq!(server.post("/jobs", &huge).status, 413);

    assert_eq!(server.get(&format!("/jobs/{}", "0".repeat(32))).status, 404);
    assert_eq!(server.get("/jobs/..%2F..%2Fetc%2Fpasswd/output").status, 404);
    assert_eq!(server.delete(&format!("/jobs/{}", "0".repeat(32))).status, 404);
}

#[test]
fn janitor_removes_expired_outputs_and_stale_scratch() {
    let dir = TempDir::new("janitor");
    let file = make_source(&dir.path, "tiny.mp4", "64x64", 0.5);
    let (sha, bytes) = install_source(&dir.data(), &file);
    let stale = dir.data().join("tmp").join("0123456789abcdef0123456789abcdef");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("out.tmp.mp4"), b"partial").unwrap();
    std::fs::write(dir.data().join("tmp/not-a-job.txt"), b"someone else's").unwrap();
    let server =
        Server::start_in(&dir.data(), &["--output-ttl", "1", "--janitor-interval", "1", "--source-ttl", "3600"]);
    let id = submit(&server, &project(&sha, bytes, (64, 64), 0.0, 0.5));
    assert_eq!(wait_finished(&server, &id, Duration::from_secs(30))["status"], "succeeded");
    let start = Instant::now();
    while server.get(&format!("/jobs/{id}")).status != 404 {
        assert!(start.elapsed() < Duration::from_secs(10), "the finished job expires");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(std::fs::read_dir(dir.data().join("outputs")).unwrap().count(), 0, "its output is removed");
    assert!(!stale.exists(), "stale scratch is removed");
    assert!(dir.data().join("tmp/not-a-job.txt").exists(), "only job folders are touched");
    assert!(dir.data().join("sources").join(&sha).exists(), "sources within their TTL stay");
}

#[test]
fn a_tus_upload_is_a_source_jobs_can_render() {
    let dir = TempDir::new("upload-render");
    let file = make_source(&dir.path, "clip.mp4", "64x64", 0.5);
    let media = std::fs::read(&file).unwrap();
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    let path = server.create(media.len(), &[]);
    let done = server.patch(&path, 0, &media, &[]);
    assert_eq!(done.status, 204, "{}", done.text());
    let sha = done.header("upload-sha256").expect("Upload-Sha256").to_owned();
    assert_eq!(sha, sha256_file(&file));
    assert_eq!(server.tus("HEAD", &format!("/sources/{sha}"), &[], b"").status, 200);

    let id = submit(&server, &project(&sha, media.len() as u64, (64, 64), 0.0, 0.5));
    let job = wait_finished(&server, &id, Duration::from_secs(30));
    assert_eq!(job["status"], "succeeded", "{job}");
    let out = dir.path.join("out.mp4");
    std::fs::write(&out, server.get(&format!("/jobs/{id}/output")).body).unwrap();
    assert!(ffprobe(&out).is_some_and(|(d, _)| d > 0.3), "the output is media");
}
