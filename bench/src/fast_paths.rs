//! The fast paths of issue #8 through `frameloom-server render`, each against the renderer's
//! own full re-encode of the same timeline in the same run: a splice of three 1080p clips
//! (60 s) copied, the same splice with its middle clip edited (mixed: copy + encode), a smart
//! cut, and how close two-pass target sizes land.
//!
//! The re-encode reference is the same project with an opacity of 0.999 on every clip: the
//! plan then encodes every segment (reason `opacity`), which is the path any edit takes.

use crate::jobs::server_binary;
use crate::measure::median;
use crate::{fixtures, table::Table};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The 20 s 1080p H.264 clip every row uses.
const CLIP: &str = "h264_aac_1080p30_20s.mp4";

/// Runs the group and returns its table.
pub fn run() -> Result<Table, String> {
    let clip = fixtures::path(CLIP)?;
    let dir = fixtures::dir()?.join("fast-paths");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::copy(&clip, dir.join(CLIP)).map_err(|e| e.to_string())?;
    let hd = json!({ "width": 1920, "height": 1080, "fps": 30 });
    // `edited[i]`: clip i gets opacity 0.999, so the plan encodes it.
    let splice = |edited: [bool; 3]| -> Value {
        let layer = |edit: bool| {
            let mut l = json!({ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 20 });
            if edit {
                l["opacity"] = json!(0.999);
            }
            json!({ "layers": [l] })
        };
        Value::Array(edited.map(layer).to_vec())
    };
    let cut = |edit: bool| -> Value {
        let mut l = json!({ "type": "video", "source": "clip", "trimStart": 0.5, "trimEnd": 19.5 });
        if edit {
            l["opacity"] = json!(0.999);
        }
        json!([{ "layers": [l] }])
    };
    let splice_reference = timed(&dir, &hd, &splice([true; 3]))?;
    let cut_reference = timed(&dir, &hd, &cut(true))?;
    let cases = [
        ("splice of 3 × 20 s 1080p", splice([false; 3]), &splice_reference),
        ("same, middle clip edited", splice([false, true, false]), &splice_reference),
        ("smart cut 0.5–19.5 s of 1080p", cut(false), &cut_reference),
    ];
    let mut rows = Vec::new();
    for (name, fast, (slow_time, slow_stats)) in cases {
        let (fast_time, fast_stats) = timed(&dir, &hd, &fast)?;
        rows.push(vec![
            name.to_owned(),
            format!(
                "{}, audio {}",
                fast_stats["fast_path"].as_str().unwrap_or("?"),
                fast_stats["treatments"]["audio"].as_str().unwrap_or("?")
            ),
            format!("{:.2}", fast_time.as_secs_f64()),
            slow_stats["fast_path"].as_str().unwrap_or("?").to_owned(),
            format!("{:.2}", slow_time.as_secs_f64()),
            format!("{:.1}×", slow_time.as_secs_f64() / fast_time.as_secs_f64().max(1e-9)),
        ]);
    }
    let mut notes = vec![
        "fast: the plan copies (stream-copy), smart-cuts, or copies the clean clips and encodes the edited one (mixed); re-encode: the same timeline at opacity 0.999, so every frame is encoded (libx264 medium) and the sound mixed and encoded. The splice's sound is copied too (AAC sources into AAC: `audio copy`). Target: splice ≥ 20× faster.".to_owned(),
    ];
    notes.extend(target_sizes(&dir)?);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Table {
        title: "fast paths: copy / smart cut vs full re-encode (frameloom-server render, same run)".into(),
        headers: vec!["timeline", "fast path", "fast s", "reference", "re-encode s", "speed-up"],
        rows,
        notes,
    })
}

/// The target-size accuracy table, as note lines (target, actual, error %).
fn target_sizes(dir: &Path) -> Result<Vec<String>, String> {
    let mut lines = vec![
        "target-size accuracy (two-pass, 640×360 from the 1080p clip):".to_owned(),
        "| duration s | target bytes | actual bytes | error % | at or under, ≥ 90 % |".to_owned(),
    ];
    let small = json!({ "width": 640, "height": 360, "fps": 30 });
    for (seconds, target) in [(10.0, 500_000u64), (20.0, 1_000_000), (20.0, 3_000_000)] {
        let mut output = small.clone();
        output["targetSizeBytes"] = json!(target);
        let scenes = json!([{ "layers": [{ "type": "video", "source": "clip", "trimEnd": seconds }] }]);
        let (_, stats) = timed(dir, &output, &scenes)?;
        let bytes = stats["bytes"].as_u64().unwrap_or(0);
        let error = (bytes as f64 - target as f64) / target as f64 * 100.0;
        let ok = bytes <= target && bytes * 10 >= target * 9;
        lines.push(format!("| {seconds} | {target} | {bytes} | {error:+.2} | {} |", if ok { "yes" } else { "NO" }));
    }
    Ok(lines)
}

/// Renders `scenes` with `output` once (median of 1) and returns the time and the stats.
fn timed(dir: &Path, output: &Value, scenes: &Value) -> Result<(Duration, Value), String> {
    let server = server_binary()?;
    let project = json!({
        "version": 1,
        "output": output,
        "sources": { "clip": { "kind": "video", "name": CLIP, "size": 1 } },
        "scenes": scenes
    });
    let file = dir.join("project.json");
    std::fs::write(&file, project.to_string()).map_err(|e| e.to_string())?;
    median(1, || {
        let out = Command::new(&server)
            .arg("render")
            .arg(&file)
            .arg("--sources")
            .arg(dir)
            .arg("-o")
            .arg(dir.join("out.mp4"))
            .arg("--work-dir")
            .arg(dir.join("work"))
            .output()
            .map_err(|e| format!("frameloom-server: {e}"))?;
        if !out.status.success() {
            return Err(format!("render failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        serde_json::from_slice::<Value>(&out.stdout).map_err(|e| e.to_string())
    })
}
