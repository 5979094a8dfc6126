//! `frameloom-server probe FILE` on hostile files: exit code 1, a JSON error with
//! a stable `code` on stdout, no panic on stderr, and no more than 1 GB of address
//! space (enforced with `prlimit` when it is installed) within a time bound.

#[path = "../../tests/hostile_bytes/mod.rs"]
mod hostile_bytes;

use hostile_bytes::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_frameloom-server");
/// Address-space cap for the probe process: far above what probing a 1 KB file needs, far below a declared 4 GB.
const ADDRESS_SPACE: &str = "--as=1073741824";
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// A scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("frameloom-cli-hostile-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Self(dir)
    }

    /// Writes `bytes` to `name` inside the folder and returns its path.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write hostile file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `frameloom-server probe path` under the address-space cap, killing it after [`TIME_LIMIT`].
fn probe_cli(path: &Path) -> Output {
    let prlimit = Path::new("/usr/bin/prlimit");
    let mut cmd = if prlimit.exists() {
        let mut c = Command::new(prlimit);
        c.arg(ADDRESS_SPACE).arg(BIN);
        c
    } else {
        Command::new(BIN)
    };
    let mut child =
        cmd.arg("probe").arg(path).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run frameloom-server");
    let start = Instant::now();
    while child.try_wait().expect("wait for frameloom-server").is_none() {
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("probe {} did not finish within {TIME_LIMIT:?}", path.display());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("collect output")
}

/// Asserts a clean failure and returns the error `code` and `message` from stdout.
fn clean_failure(path: &Path) -> (String, String) {
    let out = probe_cli(path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let label = path.file_name().unwrap().to_string_lossy();
    assert_eq!(out.status.code(), Some(1), "{label}: exit status {:?}, stderr: {stderr}", out.status);
    assert!(!stderr.contains("panicked") && !stderr.contains("memory allocation"), "{label}: stderr: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{label}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    let code = json["error"]["code"].as_str().unwrap_or_else(|| panic!("{label}: no error.code in {json}"));
    let message = json["error"]["message"].as_str().unwrap_or_else(|| panic!("{label}: no error.message in {json}"));
    assert!(!message.is_empty(), "{label}: empty message");
    (code.to_string(), message.to_string())
}

/// A real one-frame PNG made by ffmpeg.
fn png(dir: &Path) -> Vec<u8> {
    let path = dir.join("frame.png");
    let status = Command::new("ffmpeg")
        .arg("-nostdin")
        .args(["-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1"])
        .arg(&path)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg made a PNG");
    std::fs::read(path).expect("read PNG")
}

#[test]
fn probe_cli_gives_the_pinned_error_codes() {
    let dir = Scratch::new("pinned");
    let mut rng = XorShift::new(1234);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("empty.mp4", Vec::new(), "empty_file"),
        ("random.mp4", rng.bytes(4096), "unknown_format"),
        ("image.mp4", png(&dir.0), "unknown_format"),
        ("no_moov.mp4", mdat_without_moov(1000), "missing_index"),
    ];
    for (name, bytes, want) in cases {
        let (code, message) = clean_failure(&dir.file(name, &bytes));
        assert_eq!(code, want, "{name}: {message}");
        if name == "image.mp4" {
            assert!(message.contains("PNG"), "the message names the PNG: {message}");
        }
    }
}

#[test]
fn probe_cli_rejects_absurd_declared_sizes_cleanly() {
    let dir = Scratch::new("sizes");
    let cases: [(&str, Vec<u8>); 3] = [
        ("moov_4gb.mp4", box_claiming_4gb(b"moov")),
        ("mdat_2_62.mp4", box_with_largesize(b"mdat", 1 << 62)),
        ("cluster_2_56.webm", webm_cluster_claiming_2_56()),
    ];
    for (name, bytes) in cases {
        clean_failure(&dir.file(name, &bytes));
    }
}

#[test]
fn probe_cli_reports_a_missing_file_as_io() {
    let dir = Scratch::new("missing");
    let (code, message) = clean_failure(&dir.0.join("does-not-exist.mp4"));
    assert_eq!(code, "io", "{message}");
}
