//! The render server under a burst: 50 small jobs posted at once by 10 clients to
//! `frameloom-server serve` (its default workers, a short queue), against the same 50 ffmpeg
//! commands run directly, as many at a time as the server has workers, in the same run.

use crate::measure::median;
use crate::{fixtures, table::Table};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Jobs in the burst.
const JOBS: usize = 50;
/// Concurrent clients posting them.
const CLIENTS: usize = 10;
/// The server's queue bound in this run (small, so some clients get 429 and retry).
const MAX_QUEUED: &str = "16";
/// The input every job trims.
const INPUT: &str = "h264_aac_64x64_0.5s.mp4";
/// The API key of the benchmark server.
const KEY: &str = "bench-key";

/// Runs the burst and its reference, and returns the table.
pub fn run() -> Result<Table, String> {
    let input = fixtures::path(INPUT)?;
    let data = fixtures::dir()?.join("jobs-data");
    let _ = std::fs::remove_dir_all(&data);
    let sha = install(&input, &data)?;
    let server = Server::start(&data)?;
    let workers = capacity_workers(&server)?;
    let burst = burst(&server, &project(&sha, std::fs::metadata(&input).map_err(|e| e.to_string())?.len()))?;
    let peak_rss = server.peak_rss_mb();
    drop(server);
    let (direct, ()) = median(1, || direct_ffmpeg(&input, &data, workers))?;
    let _ = std::fs::remove_dir_all(&data);
    let (served, reference) = (JOBS as f64 / burst.wall.as_secs_f64(), JOBS as f64 / direct.as_secs_f64());
    let mut latencies = burst.latencies;
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    Ok(Table {
        title: "render server: burst of 50 small jobs (server vs the same ffmpeg commands run directly, same run)".into(),
        headers: vec!["input", "jobs", "workers", "server jobs/s", "direct ffmpeg jobs/s", "server/direct", "p50 latency ms", "p99 latency ms", "429s", "5xx", "server peak RSS MB"],
        rows: vec![vec![
            INPUT.into(),
            JOBS.to_string(),
            workers.to_string(),
            format!("{served:.1}"),
            format!("{reference:.1}"),
            format!("{:.2}", served / reference),
            format!("{:.0}", pct(0.5)),
            format!("{:.0}", pct(0.99)),
            burst.too_many.to_string(),
            burst.server_errors.to_string(),
            peak_rss.map_or("n/a".into(), |m| m.to_string()),
        ]],
        notes: vec![
            format!("{CLIENTS} clients post {JOBS} jobs at once (queue bound {MAX_QUEUED}; a 429 is retried after its Retry-After); each job trims the 0.5 s 64x64 input to MP4."),
            "server jobs/s: jobs / (first POST → last job succeeded). direct: the same ffmpeg command per job, `workers` at a time.".into(),
            "latency: first POST of a job → its GET shows `succeeded` (includes 429 waits and queueing). server/direct < 1 is the queue's overhead.".into(),
            "peak RSS: the server process's VmHWM (ffmpeg children not included).".into(),
        ],
    })
}

/// Copies the input into the data dir as an upload would; returns its SHA-256.
pub(crate) fn install(input: &Path, data: &Path) -> Result<String, String> {
    let out = Command::new("sha256sum").arg(input).output().map_err(|e| format!("sha256sum: {e}"))?;
    let sha = String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_string();
    let sources = data.join("sources");
    std::fs::create_dir_all(&sources).map_err(|e| e.to_string())?;
    std::fs::copy(input, sources.join(&sha)).map_err(|e| e.to_string())?;
    Ok(sha)
}

fn project(sha: &str, bytes: u64) -> String {
    serde_json::json!({
        "version": 1,
        "output": { "width": 64, "height": 64, "fps": 30, "format": "mp4", "videoCodec": "h264", "audioCodec": "aac" },
        "sources": { "clip": { "kind": "video", "name": "clip.mp4", "size": bytes, "sha256": sha } },
        "scenes": [ { "layers": [ { "type": "video", "source": "clip", "start": 0, "trimStart": 0, "trimEnd": 0.5 } ] } ]
    })
    .to_string()
}

/// The server binary next to this one (same profile), built (or rebuilt when stale) once per run.
pub fn server_binary() -> Result<PathBuf, String> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let bin = exe.with_file_name("frameloom-server");
        let release = exe.components().any(|c| c.as_os_str() == "release");
        let mut cargo = Command::new("cargo");
        cargo.args(["build", "--quiet", "-p", "frameloom-server"]);
        if release {
            cargo.arg("--release");
        }
        let ok = cargo.status().map_err(|e| format!("cargo: {e}"))?.success();
        if !ok || !bin.exists() {
            return Err(format!("cannot build {}", bin.display()));
        }
        Ok(bin)
    })
    .clone()
}

/// A running server, killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Server {
    pub(crate) fn start(data: &Path) -> Result<Server, String> {
        let mut child = Command::new(server_binary()?)
            .args(["serve", "--listen", "127.0.0.1:0", "--api-key", KEY, "--max-queued", MAX_QUEUED, "--data-dir"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no server stdout")?;
        BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let addr = line.trim().rsplit("http://").next().unwrap_or_default().trim_end_matches('/').to_string();
        Ok(Server { child, base: format!("http://{addr}") })
    }

    fn peak_rss_mb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: u64 =
            status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb / 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// (status, Retry-After, body) of a request with the key.
pub(crate) fn call(method: &str, url: &str, body: &str) -> Result<(u16, Option<u64>, String), String> {
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Authorization", format!("Bearer {KEY}"))
        .body(body.to_string())
        .map_err(|e| e.to_string())?;
    let mut resp = agent().run(req).map_err(|e| format!("{method} {url}: {e}"))?;
    let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let text = resp.body_mut().read_to_string().map_err(|e| e.to_string())?;
    Ok((resp.status().as_u16(), retry, text))
}

pub(crate) fn capacity_workers(server: &Server) -> Result<usize, String> {
    let (_, _, text) = call("GET", &format!("{}/capacity", server.base), "")?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    v["workers"].as_u64().map(|w| w as usize).ok_or_else(|| format!("no workers in /capacity: {text}"))
}

/// What the burst measured.
struct Burst {
    wall: Duration,
    latencies: Vec<Duration>,
    too_many: usize,
    server_errors: usize,
}

fn burst(server: &Server, body: &str) -> Result<Burst, String> {
    let start = Instant::now();
    let counts = Mutex::new((0usize, 0usize));
    let submitted: Vec<(String, Instant)> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                s.spawn(|| -> Result<Vec<(String, Instant)>, String> {
                    let mut ids = Vec::new();
                    while ids.len() < JOBS / CLIENTS {
                        let first = Instant::now();
                        loop {
                            let (status, retry, text) = call("POST", &format!("{}/jobs", server.base), body)?;
                            let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
                            match status {
                                202 => {
                                    let v: serde_json::Value =
                                        serde_json::from_str(&text).map_err(|e| e.to_string())?;
                                    ids.push((v["id"].as_str().unwrap_or_default().to_string(), first));
                                    break;
                                }
                                429 => c.0 += 1,
                                s if s >= 500 => c.1 += 1,
                                s => return Err(format!("POST /jobs answered {s}: {text}")),
                            }
                            drop(c);
                            std::thread::sleep(Duration::from_secs(retry.unwrap_or(1)));
                        }
                    }
                    Ok(ids)
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|c| c.join().unwrap_or_else(|_| Err("a client panicked".into())))
            .collect::<Result<Vec<_>, _>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    let mut latencies = Vec::new();
    let mut pending = submitted;
    while !pending.is_empty() {
        let mut still = Vec::new();
        for (id, first) in pending {
            let (status, _, text) = call("GET", &format!("{}/jobs/{id}", server.base), "")?;
            if status >= 500 {
                counts.lock().unwrap_or_else(|p| p.into_inner()).1 += 1;
            }
            match serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["status"].as_str().map(String::from))
                .as_deref()
            {
                Some("succeeded") => latencies.push(first.elapsed()),
                Some("failed" | "cancelled") => return Err(format!("job {id} did not succeed: {text}")),
                _ => still.push((id, first)),
            }
        }
        pending = still;
        if start.elapsed() > Duration::from_secs(300) {
            return Err("the burst did not finish in 5 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let (too_many, server_errors) = counts.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(Burst { wall: start.elapsed(), latencies, too_many, server_errors })
}

/// The same 50 trims as plain ffmpeg runs, `workers` at a time.
fn direct_ffmpeg(input: &Path, data: &Path, workers: usize) -> Result<(), String> {
    let threads = (std::thread::available_parallelism().map_or(1, |n| n.get()) / workers).max(1).to_string();
    let out_dir = data.join("direct");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        let runners: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| -> Result<(), String> {
                    loop {
                        let n = {
                            let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
                            *next += 1;
                            *next
                        };
                        if n > JOBS {
                            return Ok(());
                        }
                        let status = Command::new("ffmpeg").arg("-nostdin")
                            .args(["-nostdin", "-v", "error", "-y", "-ss", "0", "-to", "0.5", "-i"])
                            .arg(input)
                            .args(["-vf", "scale=64:64,fps=30", "-threads", &threads, "-c:v", "libx264", "-c:a", "aac"])
                            .arg(out_dir.join(format!("{n}.mp4")))
                            .status()
                            .map_err(|e| format!("ffmpeg: {e}"))?;
                        if !status.success() {
                            return Err(format!("ffmpeg failed on job {n}"));
                        }
                    }
                })
            })
            .collect();
        runners.into_iter().try_for_each(|r| r.join().unwrap_or_else(|_| Err("a runner panicked".into())))
    })
}
