//! Running ffmpeg: argv only (never a shell), `-progress pipe:1` parsed as it runs, the last
//! stderr lines kept for the error, and a kill as soon as the job is cancelled.

use super::error::RenderError;
use super::progress::{Parser, Snapshot};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Lines of stderr kept for an error message.
const TAIL_LINES: usize = 20;
/// Longest stderr line kept, in bytes (ffmpeg can print very long lines for hostile input).
const MAX_LINE_BYTES: usize = 1000;
/// How often a running ffmpeg is checked for cancellation.
const POLL: Duration = Duration::from_millis(50);

/// The program run for renders (the `FRAMELOOM_FFMPEG` environment variable overrides `ffmpeg`).
pub fn ffmpeg_program() -> OsString {
    std::env::var_os("FRAMELOOM_FFMPEG").unwrap_or_else(|| "ffmpeg".into())
}

/// The program run for probes (the `FRAMELOOM_FFPROBE` environment variable overrides `ffprobe`).
pub fn ffprobe_program() -> OsString {
    std::env::var_os("FRAMELOOM_FFPROBE").unwrap_or_else(|| "ffprobe".into())
}

/// Runs ffmpeg with `args` (after our fixed leading options), calling `on_progress` for each
/// progress block; kills it and returns `Cancelled` as soon as `stop()` is true.
pub fn run(
    args: &[OsString],
    stop: &dyn Fn() -> bool,
    on_progress: &mut dyn FnMut(&Snapshot),
) -> Result<(), RenderError> {
    let program = ffmpeg_program();
    let mut child = Command::new(&program)
        .args(["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-progress", "pipe:1", "-y"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RenderError::Spawn { program: program.to_string_lossy().into_owned(), message: e.to_string() })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        kill(&mut child);
        return Err(RenderError::Io("ffmpeg's output pipes are missing".to_owned()));
    };
    let (tx, rx) = mpsc::channel();
    let progress_reader = std::thread::spawn(move || {
        let mut parser = Parser::default();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(snapshot) = parser.line(&line) {
                if tx.send(snapshot).is_err() {
                    break;
                }
            }
        }
    });
    let tail_reader = std::thread::spawn(move || tail(stderr));
    let status = loop {
        match rx.recv_timeout(POLL) {
            Ok(snapshot) => on_progress(&snapshot),
            Err(mpsc::RecvTimeoutError::Timeout) | Err(mpsc::RecvTimeoutError::Disconnected) => {}
        }
        if stop() {
            kill(&mut child);
            let _ = progress_reader.join();
            let _ = tail_reader.join();
            return Err(RenderError::Cancelled);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {
                // Disconnected means stdout closed: ffmpeg is exiting; avoid a busy loop.
                if progress_reader.is_finished() {
                    std::thread::sleep(POLL / 5);
                }
            }
            Err(e) => {
                kill(&mut child);
                return Err(RenderError::io("waiting for ffmpeg", &e));
            }
        }
    };
    let _ = progress_reader.join();
    for snapshot in rx.try_iter() {
        on_progress(&snapshot);
    }
    let stderr_tail = tail_reader.join().unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    if stderr_tail.contains("No space left on device") {
        return Err(RenderError::DiskFull(stderr_tail));
    }
    Err(RenderError::Ffmpeg { exit_code: status.code(), stderr_tail })
}

/// Runs ffprobe with `args` and returns what it printed on stdout.
pub fn probe(args: &[OsString]) -> Result<Vec<u8>, RenderError> {
    let program = ffprobe_program();
    let out =
        Command::new(&program).args(["-v", "error", "-of", "json"]).args(args).stdin(Stdio::null()).output().map_err(
            |e| RenderError::Spawn { program: program.to_string_lossy().into_owned(), message: e.to_string() },
        )?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(RenderError::Ffmpeg { exit_code: out.status.code(), stderr_tail: last_lines(&out.stderr) })
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads `stderr` to its end, keeping the last lines.
fn tail(stderr: impl Read) -> String {
    let mut lines: VecDeque<String> = VecDeque::with_capacity(TAIL_LINES);
    let mut reader = BufReader::new(stderr);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        // Bounded per line: a line longer than the cap is cut, the rest is still consumed.
        match reader.by_ref().take(MAX_LINE_BYTES as u64).read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
                if !line.is_empty() {
                    if lines.len() == TAIL_LINES {
                        lines.pop_front();
                    }
                    lines.push_back(line);
                }
            }
        }
    }
    Vec::from(lines).join("\n")
}

/// The last lines of captured stderr bytes.
fn last_lines(bytes: &[u8]) -> String {
    tail(bytes)
}
