//! Shared by the server tests: the real server on loopback (URL and dev-key lines read from
//! its stdout), a raw HTTP/1.1 client, temp dirs, ffmpeg-made sources and projects for jobs.
#![allow(dead_code)] // each test binary uses its own subset

pub mod media;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The key the tests start servers with.
pub const KEY: &str = "test-key-0123456789abcdef";

/// How long a test client waits for the server to send anything.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// A running `frameloom-server serve`, killed on drop.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The lines it printed on stdout after the URL line (read so far).
    pub stdout: BufReader<ChildStdout>,
    /// Its data dir.
    pub data: PathBuf,
    /// The temp dir holding the data dir, when the server owns it (removed after the server stops).
    _dir: Option<TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts a server on a fresh data dir with `--api-key KEY` plus `extra` flags.
    pub fn start(tag: &str, extra: &[&str]) -> Self {
        let mut args = vec!["--api-key", KEY];
        args.extend_from_slice(extra);
        Self::start_raw(TempDir::new(tag), &args, &[])
    }

    /// Starts a server on `data` (which it does not remove) with `--api-key KEY` plus `extra`
    /// flags, once its start-up encode is done ([`Server::measured`]), so the only ffmpeg
    /// children from then on are renders.
    pub fn start_in(data: &Path, extra: &[&str]) -> Self {
        let mut args = vec!["--api-key", KEY];
        args.extend_from_slice(extra);
        let server = Self::start_on(data, &args, &[]);
        server.measured();
        server
    }

    /// Starts a server on a data dir in `dir` with exactly `args` after `serve --listen --data-dir`, and `env`.
    pub fn start_raw(dir: TempDir, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut server = Self::start_on(&dir.path.join("data"), args, env);
        server._dir = Some(dir);
        server
    }

    /// Starts a server on `data` (which it does not remove) with `args` and `env`.
    pub fn start_on(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_frameloom-server"));
        command.env_remove("FRAMELOOM_API_KEYS").envs(env.iter().copied());
        Self::start_with(command, data, args)
    }

    /// Starts the server through `command` (the binary, or a wrapper that execs it) with
    /// `serve --listen 127.0.0.1:0 --data-dir DATA` and `args`.
    pub fn start_with(mut command: Command, data: &Path, args: &[&str]) -> Self {
        command.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(data).args(args);
        Self::spawn(command, data)
    }

    /// Runs `command` (which starts a server on `data`) and waits for its URL line; its stderr
    /// goes to `DATA.log` beside the data dir.
    pub fn spawn(mut command: Command, data: &Path) -> Self {
        let log = data.with_extension("log");
        std::fs::create_dir_all(log.parent().expect("the data dir has a parent")).unwrap();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let mut child = command.stdout(Stdio::piped()).stderr(log).spawn().expect("server starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("reads the URL line");
        assert!(line.starts_with("frameloom-server listening on http://127.0.0.1:"), "prints its URL: {line:?}");
        let addr =
            line.trim().trim_start_matches("frameloom-server listening on http://").trim_end_matches('/').to_owned();
        Server { child, addr, stdout, data: data.to_owned(), _dir: None }
    }

    /// Reads the dev-key line printed after the URL line (servers started without a key).
    pub fn read_dev_key(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim().strip_prefix("frameloom-server: dev API key: ").unwrap_or_else(|| panic!("{line:?}")).to_owned()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The full URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends one request with `Tus-Resumable: 1.0.0` and the test key.
    pub fn tus(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut all = vec![("Tus-Resumable", "1.0.0")];
        all.extend_from_slice(headers);
        self.call(method, path, &all, body)
    }

    /// Sends one request with the test key.
    pub fn call(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let auth = format!("Bearer {KEY}");
        let mut all = vec![("Authorization", auth.as_str())];
        all.extend_from_slice(headers);
        request(&self.addr, method, path, &all, body)
    }

    /// `GET path` with the test key.
    pub fn get(&self, path: &str) -> Reply {
        self.call("GET", path, &[], b"")
    }

    /// Waits until the start-up encode is done (`/capacity`, which waits at most 2 s for it,
    /// says `measured`).
    pub fn measured(&self) {
        let start = std::time::Instant::now();
        while self.get("/capacity").json()["measured"] != true {
            assert!(start.elapsed() < std::time::Duration::from_secs(60), "the start-up encode ends");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// `POST path` of a JSON body with the test key.
    pub fn post(&self, path: &str, json: &str) -> Reply {
        self.call("POST", path, &[("Content-Type", "application/json")], json.as_bytes())
    }

    /// `DELETE path` with the test key.
    pub fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path, &[], b"")
    }

    /// Creates an upload of `length` bytes; returns its path (`/files/<id>`).
    pub fn create(&self, length: usize, extra: &[(&str, &str)]) -> String {
        let length = length.to_string();
        let mut headers = vec![("Upload-Length", length.as_str())];
        headers.extend_from_slice(extra);
        let reply = self.tus("POST", "/files/", &headers, b"");
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply.header("location").expect("Location").to_owned()
    }

    /// PATCHes `data` at `offset`.
    pub fn patch(&self, path: &str, offset: usize, data: &[u8], extra: &[(&str, &str)]) -> Reply {
        let offset = offset.to_string();
        let mut headers = vec![("Upload-Offset", offset.as_str()), ("Content-Type", "application/offset+octet-stream")];
        headers.extend_from_slice(extra);
        self.tus("PATCH", path, &headers, data)
    }

    /// Opens a connection and sends the head of a tus `PATCH` at `offset` (with the test key)
    /// declaring `body_len` bytes plus `extra` headers; the caller writes the body.
    pub fn open_patch(&self, path: &str, offset: usize, body_len: usize, extra: &[(&str, &str)]) -> TcpStream {
        let (auth, offset) = (format!("Bearer {KEY}"), offset.to_string());
        let mut headers = vec![
            ("Tus-Resumable", "1.0.0"),
            ("Authorization", auth.as_str()),
            ("Upload-Offset", offset.as_str()),
            ("Content-Type", "application/offset+octet-stream"),
        ];
        headers.extend_from_slice(extra);
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        send_head(&mut stream, &self.addr, "PATCH", path, &headers, body_len);
        stream
    }

    /// Every file under the data dir, relative to it, sorted; the job queue's database
    /// (`jobs.sqlite3` and its journal files), present in every data dir, is left out.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.data, &self.data, &mut out);
        out.retain(|f| !f.starts_with("jobs.sqlite3"));
        out.sort();
        out
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body bytes (de-chunked).
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value (`name` in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.text()))
    }

    /// The `error.code` of a JSON error body.
    pub fn code(&self) -> String {
        let json: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        json["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Writes the request head (adding `Content-Length: body.len()` unless given) and `body`.
pub fn send_head(
    stream: &mut TcpStream,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body_len: usize,
) {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        && (body_len > 0 || method == "PATCH" || method == "POST")
    {
        head.push_str(&format!("Content-Length: {body_len}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
}

/// Reads a whole response (the server closes the connection after it; a reset after the
/// response, as when the server answers before reading the whole body, is fine).
pub fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no response head in {raw:?}"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = &raw[split + 4..];
    let body = if chunked { dechunk(body) } else { body.to_vec() };
    Reply { status, headers, body }
}

/// The payload of a `Transfer-Encoding: chunked` body (up to where it ends or was cut).
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&raw[..eol]);
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16).expect("chunk size");
        let data = &raw[eol + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        raw = data.get(size + 2..).unwrap_or_default();
    }
    out
}

/// One request on a new connection.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    send_head(&mut stream, addr, method, path, headers, body.len());
    // The server may answer (and close) before taking the whole body, e.g. with 413 or 507.
    let _ = stream.write_all(body);
    read_reply(&mut stream)
}

/// `len` bytes of a fixed pseudo-random pattern (different per `seed`).
pub fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// SHA-256 of `data` as lowercase hex, by `sha256sum` (an independent implementation).
pub fn sha256_hex(data: &[u8]) -> String {
    let mut child =
        Command::new("sha256sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("sha256sum runs");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

/// SHA-256 of a file as lowercase hex, by `sha256sum`.
pub fn sha256_file(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string()
}

/// A temporary folder removed on drop.
pub struct TempDir {
    /// Its path.
    pub path: PathBuf,
}

impl TempDir {
    /// A fresh, empty folder unique to this test.
    pub fn new(tag: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "frameloom-test-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self { path }
    }

    /// The data dir to start a server on (`data/` inside it).
    pub fn data(&self) -> PathBuf {
        self.path.join("data")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Runs ffmpeg with `args` (quiet, overwrite), panicking on failure.
pub fn ffmpeg(args: &[&str]) {
    let out =
        Command::new("ffmpeg").arg("-nostdin").args(["-v", "error", "-y"]).args(args).output().expect("ffmpeg runs");
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

/// Copies `file` into `data/sources/<sha256>` as an upload would; returns (sha256, size).
pub fn install_source(data: &Path, file: &Path) -> (String, u64) {
    let sha = sha256_file(file);
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
        let job = server.get(&format!("/jobs/{id}")).json();
        if matches!(job["status"].as_str(), Some("succeeded" | "failed" | "cancelled")) {
            return job;
        }
        assert!(start.elapsed() < limit, "job {id} still {} after {limit:?}: {job}", job["status"]);
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Submits a project and returns the job id (asserting 202).
pub fn submit(server: &Server, project: &str) -> String {
    let r = server.post("/jobs", project);
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

/// Reads `GET path` (with the test key) as server-sent events until the stream ends; returns them all.
pub fn read_events(server: &Server, path: &str) -> Vec<SseEvent> {
    let reply = server.get(path);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let content_type = reply.header("content-type").unwrap_or("");
    assert!(content_type.starts_with("text/event-stream"), "{content_type}");
    let (mut events, mut name, mut data) = (Vec::new(), String::new(), String::new());
    // A blank line ends each event; the extra one ends the last event even if the stream was cut.
    for line in reply.text().lines().chain([""]) {
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
    let sha = sha256_file(&path);
    let bytes = std::fs::metadata(&path).unwrap().len();
    (path, sha, bytes)
}
