//! Shared by the upload tests: the real server on loopback, a raw HTTP/1.1 client, temp dirs.
#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The key the tests start servers with.
pub const KEY: &str = "test-key-0123456789abcdef";

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
    /// Starts a server with `--api-key KEY` plus `extra` flags.
    pub fn start(tag: &str, extra: &[&str]) -> Self {
        let mut args = vec!["--api-key", KEY];
        args.extend_from_slice(extra);
        Self::start_raw(TempDir::new(tag), &args, &[])
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
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(args)
            .env_remove("FRAMELOOM_API_KEYS")
            .envs(env.iter().copied());
        Self::spawn(command, data)
    }

    /// Runs `command` (which starts a server on `data`) and waits for its URL line.
    pub fn spawn(mut command: Command, data: &Path) -> Self {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("server starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("reads the URL line");
        assert!(line.starts_with("frameloom-server listening on http://127.0.0.1:"), "prints its URL: {line:?}");
        let addr =
            line.trim().trim_start_matches("frameloom-server listening on http://").trim_end_matches('/').to_owned();
        Server { child, addr, stdout, data: data.to_owned(), _dir: None }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one request with `Tus-Resumable: 1.0.0` and the test key.
    pub fn tus(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let auth = format!("Bearer {KEY}");
        let mut all = vec![("Tus-Resumable", "1.0.0"), ("Authorization", auth.as_str())];
        all.extend_from_slice(headers);
        request(&self.addr, method, path, &all, body)
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

    /// Every file under the data dir, relative to it, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.data, &self.data, &mut out);
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
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
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
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply { status, headers, body: raw[split + 4..].to_vec() }
}

/// One request on a new connection.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
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
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
