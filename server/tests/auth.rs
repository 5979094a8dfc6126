//! API keys on the real server: uploads and sources need `Authorization: Bearer KEY`;
//! health, static files and OPTIONS stay open; a dev key is made, kept and printed.

mod support;

use std::os::unix::fs::PermissionsExt;
use support::{KEY, Server, TempDir, request};

fn post(server: &Server, auth: Option<&str>) -> support::Reply {
    let mut headers = vec![("Tus-Resumable", "1.0.0"), ("Upload-Length", "5")];
    if let Some(auth) = auth {
        headers.push(("Authorization", auth));
    }
    request(&server.addr, "POST", "/files/", &headers, b"")
}

#[test]
fn uploads_need_the_right_key() {
    let server = Server::start("auth-key", &[]);
    let missing = post(&server, None);
    assert_eq!(missing.status, 401);
    assert_eq!(missing.code(), "missing_api_key");
    assert!(missing.text().contains("Authorization: Bearer KEY"), "{}", missing.text());
    assert!(missing.header("www-authenticate").unwrap().starts_with("Bearer"));

    let wrong = post(&server, Some("Bearer not-the-key"));
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.code(), "wrong_api_key");
    assert!(wrong.text().contains("--api-key"), "{}", wrong.text());

    let basic = post(&server, Some("Basic dXNlcjpwYXNz"));
    assert_eq!((basic.status, basic.code().as_str()), (401, "not_bearer"));

    assert_eq!(post(&server, Some(&format!("Bearer {KEY}"))).status, 201);
    assert_eq!(post(&server, Some(&format!("bearer {KEY}"))).status, 201);
    // Nothing was created by the refused requests.
    assert_eq!(server.files().iter().filter(|f| f.ends_with(".info")).count(), 2);

    let sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(request(&server.addr, "HEAD", &format!("/sources/{sha}"), &[], b"").status, 401);
}

#[test]
fn health_and_options_stay_open() {
    let server = Server::start("auth-open", &["--cors-origin", "http://app.example"]);
    assert_eq!(request(&server.addr, "GET", "/healthz", &[], b"").status, 200);
    let discovery = request(&server.addr, "OPTIONS", "/files/", &[], b"");
    assert!(discovery.status == 200 || discovery.status == 204, "{discovery:?}");
    assert_eq!(discovery.header("tus-version"), Some("1.0.0"));
    assert_eq!(discovery.header("tus-checksum-algorithm"), Some("sha256"));
    let preflight = request(
        &server.addr,
        "OPTIONS",
        "/files/",
        &[
            ("Origin", "http://app.example"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization, tus-resumable, upload-length"),
        ],
        b"",
    );
    assert_eq!(preflight.header("access-control-allow-origin"), Some("http://app.example"));
    // Browsers do not let `*` cover Authorization: it must be named.
    assert!(preflight.header("access-control-allow-headers").unwrap().contains("authorization"), "{preflight:?}");
}

#[test]
fn several_keys_from_flags_or_environment() {
    let server = Server::start_raw(
        TempDir::new("auth-flags"),
        &["--api-key", "first-key-aaaaaaaa", "--api-key", "second-key-bbbbbbb"],
        &[],
    );
    assert_eq!(post(&server, Some("Bearer first-key-aaaaaaaa")).status, 201);
    assert_eq!(post(&server, Some("Bearer second-key-bbbbbbb")).status, 201);
    assert_eq!(post(&server, Some("Bearer first-key-aaaaaaab")).status, 401);

    let server = Server::start_raw(
        TempDir::new("auth-env"),
        &[],
        &[("FRAMELOOM_API_KEYS", "env-key-one-1111111,env-key-two-2222222")],
    );
    assert_eq!(post(&server, Some("Bearer env-key-one-1111111")).status, 201);
    assert_eq!(post(&server, Some("Bearer env-key-two-2222222")).status, 201);
    assert_eq!(post(&server, Some("Bearer env-key-one-1111111,env-key-two-2222222")).status, 401);
    assert!(!server.data.join("dev-api-key").exists(), "no dev key when keys are given");
}

#[test]
fn dev_key_is_made_printed_kept_and_reused() {
    let dir = TempDir::new("auth-dev");
    let data = dir.path.join("data");
    let key = {
        let mut server = Server::start_on(&data, &[], &[]);
        let key = server.read_dev_key();
        assert_eq!(key.len(), 64, "{key}");
        let file = data.join("dev-api-key");
        assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), key);
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(post(&server, Some(&format!("Bearer {key}"))).status, 201);
        assert_eq!(post(&server, None).status, 401);
        key
    };
    // A restart on the same data dir keeps the key.
    let mut server = Server::start_on(&data, &[], &[]);
    assert_eq!(server.read_dev_key(), key);
    assert_eq!(post(&server, Some(&format!("Bearer {key}"))).status, 201);
}

#[test]
fn unusable_keys_stop_the_start() {
    let dir = TempDir::new("auth-bad");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frameloom-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path.join("data"))
        .args(["--api-key", "has space"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("API key #1"), "{}", String::from_utf8_lossy(&out.stderr));
}
