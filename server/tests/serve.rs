//! `frameloom-server serve` on loopback: static site, health check, CORS.

mod support;

use std::process::Command;
use support::{Server, TempDir, request};

fn start(tag: &str, extra: &[&str]) -> Server {
    let dir = TempDir::new(tag);
    std::fs::create_dir_all(dir.path.join("www")).unwrap();
    std::fs::write(dir.path.join("www/index.html"), "<!doctype html><title>frameloom</title>").unwrap();
    let www = dir.path.join("www");
    let mut args = vec!["--www", www.to_str().unwrap()];
    args.extend_from_slice(extra);
    Server::start_raw(dir, &args, &[])
}

#[test]
fn serves_health_and_site() {
    let server = start("serve", &[]);
    let health = request(&server.addr, "GET", "/healthz", &[], b"");
    assert_eq!(health.status, 200, "{health:?}");
    let page = request(&server.addr, "GET", "/", &[], b"");
    assert!(page.text().contains("<title>frameloom</title>"), "{page:?}");
    assert_eq!(request(&server.addr, "GET", "/missing.js", &[], b"").status, 404);
}

#[test]
fn cors_allows_only_listed_origins() {
    let server = start("serve-cors", &["--cors-origin", "http://app.example"]);
    let ok = request(&server.addr, "GET", "/healthz", &[("Origin", "http://app.example")], b"");
    assert_eq!(ok.header("access-control-allow-origin"), Some("http://app.example"), "{ok:?}");
    let other = request(&server.addr, "GET", "/healthz", &[("Origin", "http://evil.example")], b"");
    assert_eq!(other.header("access-control-allow-origin"), None, "{other:?}");
}

#[test]
fn refuses_a_www_without_index() {
    let dir = TempDir::new("nowww");
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
