//! `frameloom-server serve` on loopback: static site, health check, CORS.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> (Server, tempdir::Dir) {
    let dir = tempdir::Dir::new("serve");
    std::fs::create_dir_all(dir.path.join("www")).unwrap();
    std::fs::write(dir.path.join("www/index.html"), "<!doctype html><title>frameloom</title>").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path.join("data"))
        .arg("--www")
        .arg(dir.path.join("www"))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.trim().rsplit("http://").next().unwrap().trim_end_matches('/').to_string();
    assert!(line.contains("http://127.0.0.1:"), "prints its URL: {line}");
    (Server { child, addr }, dir)
}

fn get(addr: &str, path: &str, headers: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serves_health_and_site() {
    let (server, _dir) = start(&[]);
    let health = get(&server.addr, "/healthz", "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let page = get(&server.addr, "/", "");
    assert!(page.contains("<title>frameloom</title>"), "{page}");
    assert!(get(&server.addr, "/missing.js", "").starts_with("HTTP/1.1 404"));
}

#[test]
fn cors_allows_only_listed_origins() {
    let (server, _dir) = start(&["--cors-origin", "http://app.example"]);
    let ok = get(&server.addr, "/healthz", "Origin: http://app.example\r\n").to_ascii_lowercase();
    assert!(ok.contains("access-control-allow-origin: http://app.example"), "{ok}");
    let other = get(&server.addr, "/healthz", "Origin: http://evil.example\r\n").to_ascii_lowercase();
    assert!(!other.contains("access-control-allow-origin"), "{other}");
}

#[test]
fn refuses_a_www_without_index() {
    let dir = tempdir::Dir::new("nowww");
    let out = Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path.join("data"))
        .arg("--www")
        .arg(&dir.path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("make run"));
}

mod tempdir {
    use std::path::PathBuf;

    /// A temporary folder removed on drop.
    pub struct Dir {
        pub path: PathBuf,
    }

    impl Dir {
        pub fn new(tag: &str) -> Self {
            let path = std::env::temp_dir().join(format!("frameloom-test-{tag}-{}-{:?}", std::process::id(), std::thread::current().id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Self { path }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
