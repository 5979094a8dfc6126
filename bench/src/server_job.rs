//! One render job through `frameloom-server serve` (POST → succeeded, over loopback HTTP)
//! against the bare ffmpeg command line a person would write for the same job, in the same run:
//! the same input, trim, output size and frame rate, and the same encoder settings as the
//! server's plan (libx264 `medium`/High, the plan's bitrate, maxrate, bufsize and keyframe
//! spacing, BT.709 4:2:0, AAC at the plan's bitrate, faststart) with the same thread budget.

use crate::jobs::{Server, call, capacity_workers, install};
use crate::measure::median;
use crate::{fixtures, table::Table};
use frameloom::container::{self, FileSource};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The input: 10 s of 1280×720 H.264 + AAC, rendered whole at its own size.
const INPUT: &str = "h264_aac_720p30_10s.mp4";
/// Runs of each side (the median is shown).
const RUNS: usize = 3;

/// Runs the comparison and returns the table.
pub fn run() -> Result<Table, String> {
    let input = fixtures::path(INPUT)?;
    let data = fixtures::dir()?.join("server-job-data");
    let _ = std::fs::remove_dir_all(&data);
    let sha = install(&input, &data)?;
    let bytes = std::fs::metadata(&input).map_err(|e| e.to_string())?.len();
    let body = serde_json::json!({
        "version": 1,
        "output": { "width": 1280, "height": 720, "fps": 30, "format": "mp4", "videoCodec": "h264", "audioCodec": "aac" },
        "sources": { "clip": { "kind": "video", "name": "clip.mp4", "size": bytes, "sha256": sha } },
        "scenes": [ { "layers": [ { "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 10 } ] } ]
    })
    .to_string();
    let encoder = encoder_args(&body, &input)?;
    let server = Server::start(&data)?;
    let workers = capacity_workers(&server)?;
    let threads = (std::thread::available_parallelism().map_or(1, |n| n.get()) / workers).max(1);
    let (served, ()) = median(RUNS, || job(&server, &body))?;
    drop(server);
    let out = data.join("bare.mp4");
    let (bare, ()) = median(RUNS, || bare_ffmpeg(&input, &encoder, threads, &out))?;
    let _ = std::fs::remove_dir_all(&data);
    let ratio = served.as_secs_f64() / bare.as_secs_f64();
    Ok(Table {
        title: "render server: one job vs the bare ffmpeg command line for the same job (same run)".into(),
        headers: vec!["input", "output", "threads", "server s", "bare ffmpeg s", "server/bare", "target"],
        rows: vec![vec![
            INPUT.into(),
            "1280x720 mp4 h264+aac, 300 frames".into(),
            threads.to_string(),
            format!("{:.2}", served.as_secs_f64()),
            format!("{:.2}", bare.as_secs_f64()),
            format!("{ratio:.3}"),
            "≤ 1.05".into(),
        ]],
        notes: vec![
            format!("median of {RUNS} runs each. server: POST /jobs → GET shows succeeded (probe, plan, scene pass with the compositing graph, audio pass, concat join, rename)."),
            "bare: `ffmpeg -ss 0 -t 10 -i INPUT -r 30 <the plan's libx264 and aac settings> -movflags +faststart OUT`, `-threads` = the server's per-job budget.".into(),
            "the server splits that budget between its scene pass and its audio pass, run in parallel; below 1 means the split beats one ffmpeg doing both.".into(),
        ],
    })
}

/// The encoder arguments the server's plan chooses for `project` (bitrates, keyframe spacing).
fn encoder_args(project: &str, input: &Path) -> Result<Vec<String>, String> {
    let project = frameloom::project::validate(project).map_err(|e| format!("{e:?}"))?;
    let probe = FileSource::open(input).and_then(|mut s| container::probe(&mut s)).map_err(|e| e.to_string())?;
    let probes = [("clip".to_string(), probe)].into_iter().collect();
    let plan = frameloom::plan::build(&project, &probes).map_err(|e| format!("{e:?}"))?;
    let (v, a) = (&plan.encoding.video, plan.encoding.audio.as_ref().ok_or("no audio")?);
    let (b, g) = (v.bitrate_bps, v.keyframe_interval_frames);
    Ok([
        "-c:v", "libx264", "-preset", "medium", "-profile:v", "high",
        "-crf", &v.crf.ok_or("no crf")?.to_string(), "-maxrate", &(b * 3 / 2).to_string(), "-bufsize", &(b * 2).to_string(),
        "-g", &g.to_string(), "-keyint_min", &g.to_string(), "-pix_fmt", "yuv420p",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-r", "30",
        "-c:a", "aac", "-b:a", &a.bitrate_bps.to_string(), "-ar", "48000", "-ac", "2",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect())
}

/// Posts the job and waits until it succeeded.
fn job(server: &Server, body: &str) -> Result<(), String> {
    let (status, _, text) = call("POST", &format!("{}/jobs", server.base), body)?;
    if status != 202 {
        return Err(format!("POST /jobs answered {status}: {text}"));
    }
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let start = Instant::now();
    loop {
        let (_, _, text) = call("GET", &format!("{}/jobs/{id}", server.base), "")?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        match v["status"].as_str() {
            Some("succeeded") => return Ok(()),
            Some("failed" | "cancelled") => return Err(format!("the job did not succeed: {text}")),
            _ if start.elapsed() > Duration::from_secs(600) => return Err("the job took over 10 minutes".into()),
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// The same job as one ffmpeg command.
fn bare_ffmpeg(input: &Path, encoder: &[String], threads: usize, out: &Path) -> Result<(), String> {
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-threads", &threads.to_string(), "-ss", "0", "-t", "10", "-i"])
        .arg(input)
        .args(encoder)
        .args(["-threads", &threads.to_string(), "-movflags", "+faststart"])
        .arg(out)
        .status()
        .map_err(|e| format!("ffmpeg: {e}"))?;
    if status.success() { Ok(()) } else { Err("the bare ffmpeg command failed".into()) }
}

