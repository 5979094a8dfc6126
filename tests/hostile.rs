//! Hostile inputs through the public contracts — `container::probe`,
//! `container::open_demuxer` drained to the end, and `project::validate` — must
//! give `Ok` or a typed error: never a panic, a hang or a huge allocation.
//! (The CLI side is in `server/tests/cli_hostile.rs`.)

mod common;
mod hostile_bytes;

use frameloom::container::{ContainerError, SliceSource, open_demuxer, probe};
use hostile_bytes::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Once, mpsc};
use std::time::{Duration, Instant};

/// Every fixture `tests/common` can make, in both container families.
const ISO_FIXTURES: [&str; 9] =
    ["h264_aac.mp4", "h264_aac.mov", "av1.mp4", "vp9.mp4", "hevc.mp4", "fragmented.mp4", "editlist.mp4", "rotated.mp4", "vfr.mp4"];
const MATROSKA_FIXTURES: [&str; 3] = ["vp9_opus.webm", "vp8_opus.webm", "live.webm"];

/// Upper bound for one input in a debug build on a busy machine; a parser that checks sizes answers in milliseconds.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Upper bound for a single tiny hand-made input with absurd declared sizes.
const QUICK: Duration = Duration::from_secs(2);
/// More packets than any fixture holds: a demuxer yielding more is looping.
const MAX_PACKETS: usize = 100_000;
/// Name of the worker threads whose panics are reported by the tests, not printed by the hook.
const WORKER: &str = "hostile-input";

/// What one input gave through both container entry points.
#[derive(Debug)]
struct Outcome {
    probe: Result<(), ContainerError>,
    demux: Result<usize, ContainerError>,
    took: Duration,
}

impl Outcome {
    /// Asserts both entry points failed with error `code`, and returns the probe error.
    fn rejected_with(&self, label: &str, code: &str) -> &ContainerError {
        let (Err(p), Err(d)) = (&self.probe, &self.demux) else { panic!("{label}: expected `{code}` from probe and demux, got {self:?}") };
        assert_eq!((p.code(), d.code()), (code, code), "{label}: {p} / {d}");
        p
    }

    /// Asserts both entry points failed (any typed error) within [`QUICK`].
    fn rejected_quickly(&self, label: &str) {
        assert!(self.probe.is_err() && self.demux.is_err(), "{label}: expected errors, got {self:?}");
        assert!(self.took < QUICK, "{label}: took {:?}", self.took);
    }
}

/// Opens a demuxer and reads every packet.
fn drain(bytes: &[u8]) -> Result<usize, ContainerError> {
    let mut demuxer = open_demuxer(Box::new(SliceSource::new(bytes)))?;
    let mut count = 0;
    while demuxer.next_packet()?.is_some() {
        count += 1;
        assert!(count <= MAX_PACKETS, "the demuxer yielded more than {MAX_PACKETS} packets (a loop?)");
    }
    Ok(count)
}

thread_local! {
    /// Where the last panic on this worker thread happened (file:line:column).
    static PANIC_AT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Keeps the panic hook quiet on worker threads, noting where they panicked: the tests report it with the input's label.
fn quiet_workers() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(WORKER) {
                let at = info.location().map(|l| l.to_string()).unwrap_or_default();
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                default(info);
            }
        }));
    });
}

/// Runs `f` on a worker thread; `Err` describes a panic (message and location) or a timeout.
fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    quiet_workers();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(WORKER.into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
                let message = payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()));
                format!("{} at {}", message.unwrap_or_default(), PANIC_AT.with(|p| p.borrow().clone()))
            });
            let _ = tx.send(result);
        })
        .expect("spawn worker");
    match rx.recv_timeout(TIME_LIMIT) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(message)) => Err(format!("panicked: {message}")),
        Err(_) => Err(format!("no answer within {TIME_LIMIT:?} (a hang?)")),
    }
}

/// Probes and drains `bytes`; `Err` describes a panic or a timeout.
fn try_outcome(bytes: Vec<u8>) -> Result<Outcome, String> {
    bounded(move || {
        let start = Instant::now();
        let probe = probe(&mut SliceSource::new(&bytes)).map(|_| ());
        let demux = drain(&bytes);
        Outcome { probe, demux, took: start.elapsed() }
    })
}

/// Like [`try_outcome`], failing the test with `label` on a panic or timeout.
fn outcome(label: &str, bytes: Vec<u8>) -> Outcome {
    try_outcome(bytes).unwrap_or_else(|e| panic!("{label}: {e}"))
}

/// Feeds every labelled input and fails listing each one that panicked or hung.
fn sweep(inputs: impl IntoIterator<Item = (String, Vec<u8>)>) -> usize {
    let mut failures = Vec::new();
    let mut count = 0;
    for (label, bytes) in inputs {
        count += 1;
        if let Err(e) = try_outcome(bytes) {
            failures.push(format!("{label}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{} of {count} inputs failed:\n{}", failures.len(), failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n"));
    count
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(common::fixture(name)).expect("read fixture")
}

/// Cut points: every 7th byte of the first and last 4 KB, and every 5 %.
fn cut_points(len: usize) -> Vec<usize> {
    let edge = len.min(4096);
    let mut cuts: Vec<usize> = (0..edge).step_by(7).chain((len - edge..len).step_by(7)).chain((1..20).map(|p| len * p / 20)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

fn truncation_sweep(names: &[&str]) {
    for name in names {
        let bytes = read(name);
        let inputs = cut_points(bytes.len()).into_iter().map(|cut| (format!("{name} cut at {cut}"), bytes[..cut].to_vec()));
        sweep(inputs);
    }
}

#[test]
fn empty_file_is_empty_file() {
    let err = outcome("empty", Vec::new()).rejected_with("empty", "empty_file").clone();
    assert_eq!(err, ContainerError::Empty);
}

#[test]
fn truncated_mp4_and_mov_fixtures_never_panic() {
    truncation_sweep(&ISO_FIXTURES);
}

#[test]
fn truncated_webm_fixtures_never_panic() {
    truncation_sweep(&MATROSKA_FIXTURES);
}

#[test]
fn corrupted_copies_of_every_fixture_never_panic() {
    let mut rng = XorShift::new(0xF4A3_11CE);
    for name in ISO_FIXTURES.iter().chain(&MATROSKA_FIXTURES) {
        let bytes = read(name);
        let mut inputs = Vec::new();
        for copy in 0..40 {
            let mut bad = bytes.clone();
            // Half the copies hit the first/last 4 KB, where headers and indexes live.
            let region = if copy % 2 == 0 { bytes.len().min(4096) } else { bytes.len() };
            for _ in 0..1 + rng.below(8) {
                let at = if copy % 4 == 0 { bytes.len() - 1 - rng.below(region) } else { rng.below(region) };
                if rng.below(2) == 0 {
                    bad[at] ^= 1 << rng.below(8);
                } else {
                    let value = rng.nasty_u32();
                    patch_u32(&mut bad, at, value);
                }
            }
            inputs.push((format!("{name} corrupted copy {copy}"), bad));
        }
        sweep(inputs);
    }
}

#[test]
fn random_bytes_are_unknown_format() {
    let mut rng = XorShift::new(42);
    for i in 0..300 {
        let len = 1 + rng.below(4096);
        let bytes = rng.bytes(len);
        outcome(&format!("random buffer {i}"), bytes).rejected_with(&format!("random buffer {i} ({len} bytes)"), "unknown_format");
    }
}

#[test]
fn random_bytes_behind_real_magic_never_panic() {
    let mut rng = XorShift::new(7);
    let heads = [("ftyp", ftyp()), ("EBML header", ebml_header("webm")), ("EBML magic", vec![0x1A, 0x45, 0xDF, 0xA3])];
    let mut inputs = Vec::new();
    for (what, head) in &heads {
        for i in 0..200 {
            let mut bytes = head.clone();
            let len = rng.below(2048);
            bytes.extend(rng.bytes(len));
            inputs.push((format!("{what} + random {i}"), bytes));
        }
    }
    assert_eq!(sweep(inputs), 600);
}

#[test]
fn png_renamed_mp4_is_unknown_format_naming_png() {
    let png = read("image.png");
    assert!(png.starts_with(b"\x89PNG"), "ffmpeg wrote a PNG");
    let err = outcome("PNG", png).rejected_with("PNG", "unknown_format").to_string();
    assert!(err.contains("PNG"), "the message names what the file is: {err}");
}

#[test]
fn mdat_without_moov_is_missing_index() {
    let real = read("h264_aac.mp4");
    let stripped = without_top_level(&real, &[b"moov", b"free"]);
    let kinds: Vec<[u8; 4]> = top_level_boxes(&stripped).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, [*b"ftyp", *b"mdat"], "the fixture is ftyp + mdat + moov");
    outcome("h264_aac.mp4 without moov", stripped).rejected_with("h264_aac.mp4 without moov", "missing_index");
    outcome("hand-made ftyp + mdat", mdat_without_moov(1000)).rejected_with("hand-made ftyp + mdat", "missing_index");
}

#[test]
fn moov_less_fragmented_file_is_rejected_quickly() {
    let stripped = without_top_level(&read("fragmented.mp4"), &[b"moov"]);
    assert!(top_level_boxes(&stripped).iter().any(|(k, _)| k == b"moof"), "fragments remain");
    outcome("fragmented.mp4 without moov", stripped).rejected_quickly("fragmented.mp4 without moov");
}

#[test]
fn absurd_declared_sizes_fail_fast() {
    for kind in [b"moov", b"mdat", b"free", b"moof"] {
        let label = format!("1 KB file with a 4 GB '{}'", String::from_utf8_lossy(kind));
        outcome(&label, box_claiming_4gb(kind)).rejected_quickly(&label);
    }
    for (kind, size) in [(b"moov", 1u64 << 40), (b"mdat", 1 << 62), (b"mdat", u64::MAX)] {
        let label = format!("1 KB file with a 64-bit '{}' of {size} bytes", String::from_utf8_lossy(kind));
        outcome(&label, box_with_largesize(kind, size)).rejected_quickly(&label);
    }
    outcome("WebM cluster of 2^56 bytes", webm_cluster_claiming_2_56()).rejected_quickly("WebM cluster of 2^56 bytes");
    for name in MATROSKA_FIXTURES {
        let bytes = with_huge_first_cluster(&read(name)).expect("the fixture has a cluster");
        let got = outcome(name, bytes);
        assert!(got.took < QUICK, "{name} with a 2^56-byte cluster took {:?}", got.took);
    }
    assert!(peak_rss_mb() < 2048, "peak RSS {} MB: something allocated what a file declared", peak_rss_mb());
}

#[test]
fn index_counts_claiming_billions_fail_fast() {
    // Full boxes whose entry count sits right after version/flags (stsz: after sample_size).
    let tables: [(&[u8; 4], usize); 9] =
        [(b"stts", 4), (b"ctts", 4), (b"stsc", 4), (b"stss", 4), (b"stco", 4), (b"elst", 4), (b"stsz", 8), (b"trun", 4), (b"stsd", 4)];
    for name in ["h264_aac.mp4", "editlist.mp4", "fragmented.mp4"] {
        let bytes = read(name);
        for (kind, count_at) in tables {
            for value in [u32::MAX, 0x4000_0000, 0] {
                let mut bad = bytes.clone();
                for payload in box_payloads(&bytes, kind) {
                    patch_u32(&mut bad, payload + count_at, value);
                }
                let label = format!("{name} with every '{}' count = {value}", String::from_utf8_lossy(kind));
                let got = outcome(&label, bad);
                assert!(got.took < QUICK, "{label}: took {:?}", got.took);
            }
        }
    }
}

#[test]
fn hostile_project_json_gives_validation_errors() {
    let deep = |n: usize| format!("{{\"version\":1,\"scenes\":{}{}}}", "[".repeat(n), "]".repeat(n));
    let huge_string = format!("{{\"version\":1,\"title\":\"{}\"}}", "a".repeat(10 << 20));
    let cases: [(&str, String); 9] = [
        ("empty", String::new()),
        ("not an object", "[]".into()),
        ("deep nesting 100 000", deep(100_000)),
        ("unclosed nesting", "[".repeat(1 << 20)),
        ("1e999", "{\"version\":1e999,\"scenes\":[]}".into()),
        ("-1e999 width", "{\"version\":1,\"output\":{\"width\":-1e999,\"height\":1e999,\"fps\":1e999},\"scenes\":[]}".into()),
        ("lone surrogate", "{\"version\":1,\"name\":\"\\ud800\"}".into()),
        ("NUL and invalid escapes", "{\"version\":1,\"name\":\"\0\\x\"}".into()),
        ("10 MB string", huge_string),
    ];
    for (label, json) in cases {
        let result = bounded(move || frameloom::project::validate(&json).map(|_| ())).unwrap_or_else(|e| panic!("{label}: {e}"));
        let Err(errors) = result else { panic!("{label}: validate accepted it") };
        assert!(!errors.is_empty(), "{label}: Err carries at least one ValidationError");
    }
}

/// The process's peak resident set (VmHWM) in MB.
fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()).unwrap_or(0) / 1024
}
