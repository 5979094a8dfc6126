//! A 1 GiB upload streams to disk: the server's peak memory (VmHWM) stays flat.

mod support;

use std::io::Write;
use std::time::Instant;
use support::{Server, read_reply};

const SIZE: usize = 1 << 30;
const CHUNK: usize = 1 << 20;
/// Peak resident memory allowed for the whole server process.
const MAX_PEAK_KB: u64 = 100 * 1024;

fn peak_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn one_gib_upload_keeps_memory_flat() {
    let server = Server::start("memory", &[]);
    let path = server.create(SIZE, &[]);
    let started = Instant::now();
    let mut stream = server.open_patch(&path, 0, SIZE, &[]);
    // A generated stream: one reused chunk, varied per round so the file is not all alike.
    let mut chunk = support::bytes(CHUNK, 1);
    for round in 0..SIZE / CHUNK {
        chunk[..8].copy_from_slice(&(round as u64).to_le_bytes());
        stream.write_all(&chunk).unwrap();
    }
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 204, "{}", reply.text());
    let sha = reply.header("upload-sha256").unwrap().to_owned();
    assert_eq!(std::fs::metadata(server.data.join("sources").join(&sha)).unwrap().len(), SIZE as u64);
    let peak = peak_kb(server.pid());
    eprintln!("1 GiB upload in {:.1} s, server peak RSS {} MiB", started.elapsed().as_secs_f64(), peak / 1024);
    assert!(peak < MAX_PEAK_KB, "server peak RSS {peak} kB for a 1 GiB upload");
}
