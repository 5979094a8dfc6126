//! Hostile ids, names and headers: never a path outside the data dir, never a crash.

mod support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use support::{Server, bytes};

const IDS: [&str; 10] = [
    "../../etc/passwd",
    "..%2F..%2Fvictim",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fvictim",
    "..",
    "abc%00def",
    "0123456789abcdef0123456789abcde%00",
    "0123456789ABCDEF0123456789ABCDEF",
    "0123456789abcdef0123456789abcdef.info",
    "%2Fetc%2Fpasswd",
];

#[test]
fn traversal_looking_ids_touch_nothing() {
    let server = Server::start("hostile-ids", &[]);
    // A file beside the data dir that a traversal would reach.
    let victim = server.data.parent().unwrap().join("victim");
    std::fs::write(&victim, b"keep me").unwrap();
    let info = server.data.parent().unwrap().join("victim.info");
    std::fs::write(&info, b"{}").unwrap();
    let before = server.files();
    for id in IDS {
        let path = format!("/files/{id}");
        for (method, body) in [("HEAD", &b""[..]), ("DELETE", b""), ("PATCH", b"data")] {
            let reply = if method == "PATCH" {
                server.patch(&path, 0, body, &[])
            } else {
                server.tus(method, &path, &[], body)
            };
            assert!(matches!(reply.status, 400 | 404 | 405), "{method} {path}: {reply:?}");
        }
        let source = server.tus("HEAD", &format!("/sources/{id}"), &[], b"");
        assert!(matches!(source.status, 400 | 404), "HEAD /sources/{id}: {source:?}");
    }
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(std::fs::read(&info).unwrap(), b"{}");
    assert_eq!(server.files(), before);
    assert_eq!(support::request(&server.addr, "GET", "/healthz", &[], b"").status, 200);
}

#[test]
fn hostile_names_and_headers_are_refused_or_kept_as_text() {
    let server = Server::start("hostile-headers", &[]);
    // A filename is metadata text, never a path.
    let metadata = format!("filename {}", STANDARD.encode("../../victim\0.mp4"));
    let path = server.create(4, &[("Upload-Metadata", &metadata)]);
    assert_eq!(server.patch(&path, 0, b"abcd", &[]).status, 204);
    assert!(!server.data.parent().unwrap().join("victim").exists());
    assert!(
        server.files().iter().all(|f| f.starts_with("sources/") || f.starts_with("uploads/")),
        "{:?}",
        server.files()
    );

    let huge = "x".repeat(5000);
    for (name, value) in [
        ("Upload-Length", "-1"),
        ("Upload-Length", "18446744073709551616"),
        ("Upload-Length", "1 2"),
        ("Upload-Metadata", huge.as_str()),
        ("Upload-Metadata", "sha256 bm90IGEgaGFzaA=="),
        ("Upload-Metadata", "a b,a c"),
    ] {
        let mut headers = vec![(name, value)];
        if name != "Upload-Length" {
            headers.push(("Upload-Length", "1"));
        }
        let reply = server.tus("POST", "/files/", &headers, b"");
        assert!(reply.status == 400 || reply.status == 413, "{name}: {value:.40}: {reply:?}");
    }
    let path = server.create(10, &[]);
    for checksum in ["sha256", "sha256 !!!", "sha256 aGVsbG8=", "crc32 AAAA"] {
        let reply = server.patch(&path, 0, &bytes(10, 1), &[("Upload-Checksum", checksum)]);
        assert_eq!(reply.status, 400, "{checksum}: {reply:?}");
    }
    assert_eq!(server.patch(&path, 0, b"", &[]).status, 204);
    let reply = server.tus(
        "PATCH",
        &path,
        &[("Upload-Offset", "99999999999999999999"), ("Content-Type", "application/offset+octet-stream")],
        b"x",
    );
    assert_eq!(reply.status, 400);
    let overflow = server.tus(
        "PATCH",
        &path,
        &[
            ("Upload-Offset", "0"),
            ("Content-Type", "application/offset+octet-stream"),
            ("Content-Length", "18446744073709551615"),
        ],
        b"",
    );
    assert_eq!(overflow.status / 100, 4, "{overflow:?}");
    assert_eq!(server.tus("HEAD", &path, &[], b"").header("upload-offset"), Some("0"));
}
