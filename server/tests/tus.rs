//! tus 1.0 on the real server: creation, PATCH, HEAD, DELETE, offsets, checksums, limits,
//! content-addressed sources and dedupe, expiration, locking, cut connections.

mod support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::io::Write;
use std::time::{Duration, Instant};
use support::{Server, bytes, read_reply, sha256_hex};

fn checksum(data: &[u8]) -> String {
    let digest = hex_to_bytes(&sha256_hex(data));
    format!("sha256 {}", STANDARD.encode(digest))
}

fn hex_to_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

fn head_offset(server: &Server, path: &str) -> u64 {
    let reply = server.tus("HEAD", path, &[], b"");
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.header("upload-offset").unwrap().parse().unwrap()
}

#[test]
fn upload_in_two_patches_becomes_a_source() {
    let server = Server::start("tus-basic", &[]);
    let data = bytes(300_000, 1);
    let sha = sha256_hex(&data);
    let metadata = format!("filename {},filetype {}", STANDARD.encode("clip.mp4"), STANDARD.encode("video/mp4"));
    let path = server.create(data.len(), &[("Upload-Metadata", &metadata)]);
    assert!(path.starts_with("/files/") && path.len() == "/files/".len() + 32, "{path}");

    let head = server.tus("HEAD", &path, &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("upload-offset"), Some("0"));
    assert_eq!(head.header("upload-length"), Some("300000"));
    assert_eq!(head.header("upload-metadata"), Some(metadata.as_str()));
    assert_eq!(head.header("cache-control"), Some("no-store"));
    assert_eq!(head.header("tus-resumable"), Some("1.0.0"));
    assert!(head.header("upload-sha256").is_none());
    // Each PATCH goes out on a fresh connection (a browser re-sends a request whose kept-alive
    // connection is reset, body and all): tus responses and the preflight close theirs, even
    // for a client that asks to keep it.
    for head in [
        format!("HEAD {path} HTTP/1.1\r\nAuthorization: Bearer {}\r\nTus-Resumable: 1.0.0\r\n", support::KEY),
        format!("OPTIONS {path} HTTP/1.1\r\nOrigin: http://elsewhere.test\r\nAccess-Control-Request-Method: PATCH\r\n"),
    ] {
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        write!(stream, "{head}Host: {}\r\nConnection: keep-alive\r\n\r\n", server.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(read_reply(&mut stream).header("connection"), Some("close"), "{head}");
    }

    let first = server.patch(&path, 0, &data[..100_000], &[]);
    assert_eq!(first.status, 204, "{}", first.text());
    assert_eq!(first.header("upload-offset"), Some("100000"));
    assert!(first.header("upload-expires").unwrap().ends_with(" GMT"));
    assert_eq!(head_offset(&server, &path), 100_000);

    let last = server.patch(&path, 100_000, &data[100_000..], &[]);
    assert_eq!(last.status, 204, "{}", last.text());
    assert_eq!(last.header("upload-offset"), Some("300000"));
    assert_eq!(last.header("upload-sha256"), Some(sha.as_str()));
    assert_eq!(std::fs::read(server.data.join("sources").join(&sha)).unwrap(), data);

    let head = server.tus("HEAD", &path, &[], b"");
    assert_eq!(head.header("upload-offset"), Some("300000"));
    assert_eq!(head.header("upload-sha256"), Some(sha.as_str()));
    let source = server.tus("HEAD", &format!("/sources/{sha}"), &[], b"");
    assert_eq!(source.status, 200);
    assert_eq!(source.header("content-length"), Some("300000"));
    // The bytes live once, under sources/; the upload keeps only its record.
    let id = &path["/files/".len()..];
    assert_eq!(server.files(), vec![format!("sources/{sha}"), format!("uploads/{id}.info")]);
}

#[test]
fn creation_with_upload_and_empty_uploads() {
    let server = Server::start("tus-create-with", &[]);
    let data = bytes(50_000, 2);
    let sha = sha256_hex(&data);
    let reply = server.tus(
        "POST",
        "/files/",
        &[("Upload-Length", "50000"), ("Content-Type", "application/offset+octet-stream")],
        &data,
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.header("upload-offset"), Some("50000"));
    assert_eq!(reply.header("upload-sha256"), Some(sha.as_str()));
    assert!(reply.header("location").unwrap().starts_with("/files/"));

    // Part of the data in the POST, the rest by PATCH.
    let reply = server.tus(
        "POST",
        "/files/",
        &[("Upload-Length", "50000"), ("Content-Type", "application/offset+octet-stream")],
        &data[..20_000],
    );
    assert_eq!(reply.header("upload-offset"), Some("20000"));
    let path = reply.header("location").unwrap();
    assert_eq!(server.patch(path, 20_000, &data[20_000..], &[]).header("upload-sha256"), Some(sha.as_str()));

    let empty = server.tus("POST", "/files/", &[("Upload-Length", "0")], b"");
    assert_eq!(empty.status, 201);
    assert_eq!(empty.header("upload-offset"), Some("0"));
    let empty_sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(empty.header("upload-sha256"), Some(empty_sha));
    assert_eq!(std::fs::metadata(server.data.join("sources").join(empty_sha)).unwrap().len(), 0);

    // A body without the tus content type is refused.
    let wrong = server.tus("POST", "/files/", &[("Upload-Length", "3"), ("Content-Type", "text/plain")], b"abc");
    assert_eq!(wrong.status, 415);
}

#[test]
fn protocol_errors() {
    let server = Server::start("tus-errors", &[]);
    let path = server.create(10, &[]);
    let no_version =
        support::request(&server.addr, "HEAD", &path, &[("Authorization", &format!("Bearer {}", support::KEY))], b"");
    assert_eq!(no_version.status, 412);
    assert_eq!(no_version.header("tus-version"), Some("1.0.0"));

    let mismatch = server.patch(&path, 5, b"abcde", &[]);
    assert_eq!(mismatch.status, 409);
    assert_eq!(mismatch.code(), "offset_mismatch");
    assert!(mismatch.text().contains("HEAD"), "{}", mismatch.text());

    let plain =
        server.tus("PATCH", &path, &[("Upload-Offset", "0"), ("Content-Type", "application/octet-stream")], b"abc");
    assert_eq!(plain.status, 415);
    let no_offset = server.tus("PATCH", &path, &[("Content-Type", "application/offset+octet-stream")], b"abc");
    assert_eq!(no_offset.status, 400);
    let bad_offset = server.tus(
        "PATCH",
        &path,
        &[("Upload-Offset", "-1"), ("Content-Type", "application/offset+octet-stream")],
        b"",
    );
    assert_eq!(bad_offset.status, 400);
    assert_eq!(server.tus("POST", "/files/", &[], b"").status, 400);
    assert_eq!(server.tus("POST", "/files/", &[("Upload-Length", "ten")], b"").status, 400);
    let deferred = server.tus("POST", "/files/", &[("Upload-Defer-Length", "1")], b"");
    assert_eq!(deferred.status, 400);
    assert!(deferred.text().contains("Upload-Length"));
    let bad_metadata =
        server.tus("POST", "/files/", &[("Upload-Length", "1"), ("Upload-Metadata", "filename ***")], b"");
    assert_eq!(bad_metadata.status, 400);
    assert_eq!(head_offset(&server, &path), 0);
}

#[test]
fn checksums_per_patch() {
    let server = Server::start("tus-checksum", &[]);
    let data = bytes(64_000, 3);
    let path = server.create(data.len(), &[]);
    let ok = server.patch(&path, 0, &data[..32_000], &[("Upload-Checksum", &checksum(&data[..32_000]))]);
    assert_eq!(ok.status, 204, "{}", ok.text());

    let wrong = server.patch(&path, 32_000, &data[32_000..], &[("Upload-Checksum", &checksum(b"other data"))]);
    assert_eq!(wrong.status, 460, "{}", wrong.text());
    assert_eq!(wrong.code(), "checksum_mismatch");
    assert_eq!(head_offset(&server, &path), 32_000, "the mismatching data was discarded");

    let md5 = server.patch(&path, 32_000, &data[32_000..], &[("Upload-Checksum", "md5 XrY7u+Ae7tCTyyK7j1rNww==")]);
    assert_eq!(md5.status, 400);
    assert_eq!(md5.code(), "checksum_algorithm");

    let rest = server.patch(&path, 32_000, &data[32_000..], &[("Upload-Checksum", &checksum(&data[32_000..]))]);
    assert_eq!(rest.status, 204, "{}", rest.text());
    let sha = sha256_hex(&data);
    assert_eq!(rest.header("upload-sha256"), Some(sha.as_str()));
    assert_eq!(std::fs::read(server.data.join("sources").join(&sha)).unwrap(), data);
}

#[test]
fn declared_sha256_must_match() {
    let server = Server::start("tus-declared", &[]);
    let data = bytes(10_000, 4);
    let sha = sha256_hex(&data);
    let good =
        server.create(data.len(), &[("Upload-Metadata", &format!("sha256 {}", STANDARD.encode(sha.to_uppercase())))]);
    assert_eq!(server.patch(&good, 0, &data, &[]).header("upload-sha256"), Some(sha.as_str()));

    let other = sha256_hex(b"something else");
    let bad = server.create(data.len(), &[("Upload-Metadata", &format!("sha256 {}", STANDARD.encode(&other)))]);
    let reply = server.patch(&bad, 0, &data, &[]);
    assert_eq!(reply.status, 460);
    assert_eq!(reply.code(), "sha256_mismatch");
    assert!(reply.text().contains(&sha) && reply.text().contains(&other), "{}", reply.text());
    assert_eq!(server.tus("HEAD", &bad, &[], b"").status, 404, "the upload was discarded");
    assert!(!server.data.join("sources").join(&other).exists());
}

#[test]
fn size_limits() {
    let server = Server::start("tus-limits", &["--max-upload-bytes", "1000"]);
    let discovery = support::request(&server.addr, "OPTIONS", "/files/", &[], b"");
    assert_eq!(discovery.header("tus-max-size"), Some("1000"));
    let too_big = server.tus("POST", "/files/", &[("Upload-Length", "1001")], b"");
    assert_eq!(too_big.status, 413);
    assert!(too_big.text().contains("--max-upload-bytes"), "{}", too_big.text());

    let path = server.create(1000, &[]);
    assert_eq!(server.patch(&path, 0, &bytes(600, 5), &[]).status, 204);
    let beyond = server.patch(&path, 600, &bytes(401, 6), &[]);
    assert_eq!(beyond.status, 413);
    assert_eq!(head_offset(&server, &path), 600, "nothing of the oversized PATCH was kept");

    // The same with a body whose length is not declared up front (chunked).
    let mut stream =
        server.open_patch(&path, 600, 0, &[("Transfer-Encoding", "chunked"), ("Content-Length", "ignored")]);
    let _ = stream.write_all(b"1f4\r\n");
    let _ = stream.write_all(&bytes(500, 7));
    let _ = stream.write_all(b"\r\n0\r\n\r\n");
    let reply = read_reply(&mut stream);
    assert!(reply.status == 413 || reply.status == 400, "{reply:?}");
    assert_eq!(head_offset(&server, &path), 600);
}

#[test]
fn delete_terminates_an_upload() {
    let server = Server::start("tus-delete", &[]);
    let path = server.create(100, &[]);
    assert_eq!(server.patch(&path, 0, &bytes(40, 8), &[]).status, 204);
    assert_eq!(server.tus("DELETE", &path, &[], b"").status, 204);
    assert_eq!(server.tus("HEAD", &path, &[], b"").status, 404);
    assert_eq!(server.patch(&path, 40, b"x", &[]).status, 404);
    assert_eq!(server.tus("DELETE", &path, &[], b"").status, 404);
    assert_eq!(server.files(), Vec::<String>::new());

    // Deleting a finished upload keeps its source.
    let data = bytes(100, 9);
    let path = server.create(100, &[]);
    server.patch(&path, 0, &data, &[]);
    assert_eq!(server.tus("DELETE", &path, &[], b"").status, 204);
    assert_eq!(server.files(), vec![format!("sources/{}", sha256_hex(&data))]);
}

#[test]
fn same_content_is_stored_once() {
    let server = Server::start("tus-dedupe", &[]);
    let data = bytes(20_000, 10);
    let sha = sha256_hex(&data);
    let source = format!("/sources/{sha}");
    let missing = server.tus("HEAD", &source, &[], b"");
    assert_eq!(missing.status, 404);
    for _ in 0..2 {
        let path = server.create(data.len(), &[]);
        assert_eq!(server.patch(&path, 0, &data, &[]).header("upload-sha256"), Some(sha.as_str()));
    }
    assert_eq!(server.files().iter().filter(|f| f.starts_with("sources/")).count(), 1);
    assert_eq!(server.tus("HEAD", &source, &[], b"").status, 200);
    assert_eq!(server.tus("HEAD", &source.to_uppercase().replace("/SOURCES/", "/sources/"), &[], b"").status, 400);
    assert_eq!(server.tus("HEAD", "/sources/abc", &[], b"").status, 400);
}

#[test]
fn uploads_expire() {
    // 2 s, so the HEAD below comes before the expiry even while parallel tests start their
    // servers (each measures its encoder for about 2 s of CPU at start-up).
    let server = Server::start("tus-expire", &["--upload-ttl", "2s"]);
    let path = server.create(100, &[]);
    let head = server.tus("HEAD", &path, &[], b"");
    let expires = httpdate::parse_http_date(head.header("upload-expires").unwrap()).unwrap();
    let ahead = expires.duration_since(std::time::SystemTime::now()).unwrap_or_default();
    assert!(ahead <= Duration::from_secs(3), "{ahead:?}");
    std::thread::sleep(Duration::from_millis(3500));
    let gone = server.tus("HEAD", &path, &[], b"");
    assert!(gone.status == 404 || gone.status == 410, "{gone:?}");
    assert_eq!(server.patch(&path, 0, b"x", &[]).status / 100, 4);
    assert!(server.files().iter().all(|f| !f.starts_with("uploads/")), "{:?}", server.files());
}

#[test]
fn cut_connections_keep_what_arrived_and_a_new_request_takes_the_upload_from_a_writer() {
    let server = Server::start("tus-lock", &[]);
    // More than the server's 1 MiB write buffer, so its offset moves while the body is open.
    let data = bytes(3_000_000, 11);
    let sent = 1_500_000;
    let path = server.create(data.len(), &[]);
    let stored = server.data.join("uploads").join(path.trim_start_matches("/files/"));

    // The client goes away mid-body: what arrived is kept, and the upload resumes after it.
    let mut first = server.open_patch(&path, 0, data.len(), &[]);
    first.write_all(&data[..sent]).unwrap();
    drop(first);
    wait_for(|| std::fs::metadata(&stored).map(|m| m.len()).unwrap_or(0) == sent as u64);
    assert_eq!(head_offset(&server, &path), sent as u64);

    // A writer whose client is silent (a dropped network) holds the upload until a new request
    // comes: HEAD asks it to stop, and answers with the offset it stopped at, which is final.
    let mut second = server.open_patch(&path, sent, data.len() - sent, &[]);
    second.write_all(&data[sent..sent + 500_000]).unwrap();
    second.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let settled = head_offset(&server, &path);
    assert!(start.elapsed() < Duration::from_secs(2), "HEAD waited {:?}", start.elapsed());
    assert!(settled > sent as u64 && settled <= (sent + 500_000) as u64, "{settled}");
    second.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let stopped = read_reply(&mut second);
    assert_eq!(stopped.status, 204, "{stopped:?}");
    assert_eq!(stopped.header("upload-offset"), Some(settled.to_string().as_str()));
    assert_eq!(head_offset(&server, &path), settled);

    let at = settled as usize;
    let rest = server.patch(&path, at, &data[at..], &[]);
    assert_eq!(rest.status, 204, "{}", rest.text());
    let sha = sha256_hex(&data);
    assert_eq!(rest.header("upload-sha256"), Some(sha.as_str()));
    assert_eq!(std::fs::read(server.data.join("sources").join(&sha)).unwrap(), data);
}

fn wait_for(mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_upload_resumes_across_a_server_restart() {
    let dir = support::TempDir::new("tus-restart");
    let data_dir = dir.path.join("data");
    let data = bytes(2_500_000, 12);
    let path = {
        let server = Server::start_on(&data_dir, &["--api-key", support::KEY], &[]);
        let path = server.create(data.len(), &[]);
        assert_eq!(server.patch(&path, 0, &data[..1_200_000], &[]).status, 204);
        path
    };
    // A new process has no running hash: it re-reads the bytes on disk.
    let server = Server::start_on(&data_dir, &["--api-key", support::KEY], &[]);
    assert_eq!(head_offset(&server, &path), 1_200_000);
    let rest = server.patch(&path, 1_200_000, &data[1_200_000..], &[]);
    assert_eq!(rest.status, 204, "{}", rest.text());
    assert_eq!(rest.header("upload-sha256"), Some(sha256_hex(&data).as_str()));
}
