//! Shared helpers for the jobs tests: a real server on loopback, an HTTP client,
//! ffmpeg-made sources placed in the data dir, and projects that use them.
#![allow(dead_code)] // Each test file uses a different subset.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// API key every test server accepts.
pub const KEY: &str = "test-key-1";

/// A temporary folder removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!("frameloom-jobs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir { path }
    }

    pub fn data(&self) -> PathBuf {
        self.path.join("data")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A running `frameloom-server serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts the server on `data` with the test key and `extra` flags.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        Self::start_with(Command::new(env!("CARGO_BIN_EXE_frameloom-server")), data, extra)
    }

    /// Starts the server through `cmd` (the binary or a wrapper that execs it).
    pub fn start_with(mut cmd: Command, data: &Path, extra: &[&str]) -> Server {
        std::fs::create_dir_all(data).unwrap();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(data.with_extension("log")).unwrap();
        let mut child = cmd
            .args(["serve", "--listen", "127.0.0.1:0", "--api-key", KEY, "--data-dir"])
            .arg(data)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.trim().rsplit("http://").next().unwrap().trim_end_matches('/').to_string();
        assert!(line.contains("listening on http://127.0.0.1:"), "prints its URL: {line:?}");
        Server { child, base: format!("http://{addr}") }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response read in full.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("JSON body ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn reply(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut resp = resp.expect("HTTP request");
    let headers = resp.headers().iter().map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let body = resp.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
    Reply { status: resp.status().as_u16(), headers, body }
}

/// A request with the test key and extra headers.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Reply {
    let mut req =
        ureq::http::Request::builder().method(method).uri(url).header("Authorization", format!("Bearer {KEY}"));
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let req = req.body(body.unwrap_or("").to_string()).unwrap();
    reply(agent().run(req))
}

pub fn get(url: &str) -> Reply {
    request("GET", url, &[], None)
}

pub fn post(url: &str, body: &str) -> Reply {
    request("POST", url, &[("Content-Type", "application/json")], Some(body))
}

pub fn delete(url: &str) -> Reply {
    request("DELETE", url, &[], None)
}

/// Runs ffmpeg with `args` (quiet, overwrite), panicking on failure.
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg").args(["-v", "error", "-y"]).args(args).output().expect("ffmpeg runs");
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A test source: `size` WxH, `seconds` long, H.264 + AAC, made by ffmpeg in `dir`.
pub fn make_source(dir: &Path, name: &str, size: &str, seconds: f64) -> PathBuf {
    let path = dir.join(name);
    let video = format!("testsrc2=size={size}:rate=30:duration={seconds}");
    let audio = format!("sine=frequency=440:duration={seconds}");
    let p = path.to_str().unwrap();
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &video,
        "-f",
        "lavfi",
        "-i",
        &audio,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:a",
        "aac",
        "-shortest",
        p,
    ]);
    path
}

/// SHA-256 of a file as lowercase hex (by `sha256sum`).
pub fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string()
}

/// Copies `file` into `data/sources/<sha256>` as an upload would; returns (sha256, size).
pub fn install_source(data: &Path, file: &Path) -> (String, u64) {
    let sha = sha256(file);
    std::fs::create_dir_all(data.join("sources")).unwrap();
    std::fs::copy(file, data.join("sources").join(&sha)).unwrap();
    (sha, std::fs::metadata(file).unwrap().len())
}

/// A one-layer project: seconds `from`–`to` of the source, rendered at `size` ("WxH").
pub fn project(sha: &str, bytes: u64, size: (u32, u32), from: f64, to: f64) -> String {
    serde_json::json!({
        "version": 1,
        "output": { "width": size.0, "height": size.1, "fps": 30, "format": "mp4", "videoCodec": "h264", "audioCodec": "aac" },
        "sources": { "clip": { "kind": "video", "name": "clip.mp4", "size": bytes, "sha256": sha } },
        "scenes": [ { "layers": [ { "type": "video", "source": "clip", "start": 0, "trimStart": from, "trimEnd": to } ] } ]
    })
    .to_string()
}

/// Polls `GET /jobs/{id}` until the job is finished (or `limit` passes); returns the job.
pub fn wait_finished(server: &Server, id: &str, limit: Duration) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let job = get(&server.url(&format!("/jobs/{id}"))).json();
        if matches!(job["status"].as_str(), Some("succeeded" | "failed" | "cancelled")) {
            return job;
        }
        assert!(start.elapsed() < limit, "job {id} still {} after {limit:?}: {job}", job["status"]);
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Submits a project and returns the job id (asserting 202).
pub fn submit(server: &Server, project: &str) -> String {
    let r = post(&server.url("/jobs"), project);
    assert_eq!(r.status, 202, "POST /jobs: {}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

/// Pids of the `ffmpeg` processes whose parent is `pid`.
pub fn ffmpeg_children(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid ...
        let Some((head, tail)) = stat.rsplit_once(')') else { continue };
        let comm = head.split_once('(').map(|(_, c)| c).unwrap_or("");
        let ppid: u32 = tail.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        if comm == "ffmpeg" && ppid == pid {
            found.push(entry.file_name().to_string_lossy().parse().unwrap_or(0));
        }
    }
    found
}

/// True while process `pid` exists (and is not a zombie).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, t)| !t.trim_start().starts_with('Z')))
}

/// ffprobe's duration (seconds) and codec names of a file, or None if it is not valid media.
pub fn ffprobe(path: &Path) -> Option<(f64, Vec<String>)> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json"])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let duration = v["format"]["duration"].as_str()?.parse().ok()?;
    let codecs = v["streams"].as_array()?.iter().filter_map(|s| s["codec_name"].as_str().map(String::from)).collect();
    Some((duration, codecs))
}

/// One server-sent event.
#[derive(Debug)]
pub struct SseEvent {
    pub name: String,
    pub data: serde_json::Value,
}

/// Reads `GET url` as server-sent events until the stream ends; returns them all.
pub fn read_events(url: &str) -> Vec<SseEvent> {
    let resp = agent().get(url).header("Authorization", format!("Bearer {KEY}")).call().expect("SSE request");
    assert_eq!(resp.status().as_u16(), 200);
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(content_type.starts_with("text/event-stream"), "{content_type}");
    let reader = BufReader::new(resp.into_body().into_reader());
    let (mut events, mut name, mut data) = (Vec::new(), String::new(), String::new());
    for line in reader.lines() {
        let line = line.expect("SSE line");
        if let Some(v) = line.strip_prefix("event:") {
            name = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim());
        } else if line.is_empty() && !data.is_empty() {
            let value = serde_json::from_str(&data).unwrap_or_else(|e| panic!("SSE data is JSON ({e}): {data}"));
            events.push(SseEvent { name: std::mem::take(&mut name), data: value });
            data.clear();
        }
    }
    events
}

/// A shared fixture made once per test binary: (file, sha256, size).
pub fn fixture(name: &str, size: &str, seconds: f64) -> (PathBuf, String, u64) {
    let dir = std::env::temp_dir().join(format!("frameloom-jobs-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    // Made under a lock so parallel tests of one binary make each fixture once.
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    if !path.is_file() {
        make_source(&dir, name, size, seconds);
    }
    let sha = sha256(&path);
    let bytes = std::fs::metadata(&path).unwrap().len();
    (path, sha, bytes)
}
