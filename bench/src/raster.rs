//! Caption rasterization: 1,000 distinct cues at 1080p (the target: ≤ 1.5 s), the same
//! with PNG output, and repeated cues served by the cache; against ffmpeg's libass
//! (`subtitles` filter) drawing the same 1,000 cues on 1,000 transparent 1080p frames in the same run.

use crate::measure::{median, peak_rss_mb, reset_peak_rss};
use crate::{fixtures, table::Table};
use frameloom::plan::LayerBox;
use frameloom::project::{Align, Color, FontFamily, Outline, Shadow, TextStyle, VerticalAlign};
use frameloom::raster::TextRenderer;
use frameloom::raster::encode::png;
use frameloom::raster::subtitles::{Cue, CueRaster, CueSettings, to_srt};
use std::process::Command;
use std::time::Duration;

/// Repetitions of each row; the median is reported.
const RUNS: usize = 3;
/// Cues per row.
const CUES: usize = 1000;
/// The budget for 1,000 distinct cues.
const TARGET: Duration = Duration::from_millis(1500);
/// A 1080p frame minus the default 5 % bottom margin of a subtitles layer.
const LAYER: LayerBox = LayerBox { x: 0.0, y: 0.0, width: 1920.0, height: 1026.0, rotation: 0.0 };

/// Measures every row and returns the table.
pub fn run() -> Result<Table, String> {
    let distinct = cues(CUES);
    let repeated: Vec<Cue> =
        distinct.iter().enumerate().map(|(i, c)| Cue { text: distinct[i % 10].text.clone(), ..c.clone() }).collect();
    let libass = median(RUNS, || libass(&distinct))?.0;
    let mut rows = Vec::new();
    for (label, cues, encode) in [
        ("distinct → bitmaps", &distinct, false),
        ("distinct → PNG files", &distinct, true),
        ("10 texts repeated → bitmaps", &repeated, false),
    ] {
        reset_peak_rss();
        let (time, (hits, misses)) = median(RUNS, || rasterize(cues, encode))?;
        let per_cue = time.as_secs_f64() * 1e3 / CUES as f64;
        rows.push(vec![
            label.into(),
            CUES.to_string(),
            format!("{:.0}", time.as_secs_f64() * 1e3),
            format!("{per_cue:.2}"),
            format!("{hits}/{misses}"),
            format!("{:.2}x", TARGET.as_secs_f64() / time.as_secs_f64()),
            format!("{:.0}", libass.as_secs_f64() * 1e3),
            format!("{:.2}x", libass.as_secs_f64() / time.as_secs_f64()),
            peak_rss_mb().map_or("?".into(), |mb| mb.to_string()),
        ]);
    }
    Ok(Table {
        title: "caption rasterization at 1080p (frameloom vs ffmpeg libass, same run)".into(),
        headers: vec!["cues", "count", "frameloom ms", "ms/cue", "cache hits/misses", "vs 1.5 s target", "libass ms", "frameloom/libass", "peak RSS MB"],
        rows,
        notes: vec![
            format!("style: Noto Sans 54 px white, 3 px black outline, soft shadow; ~45 characters a cue, wrapping at 1920 px; medians of {RUNS} runs, a fresh renderer each run."),
            "vs target > 1 means under the issue's 1.5 s budget for 1,000 distinct cues. PNG row: each bitmap also encoded to PNG.".into(),
            "libass = `ffmpeg -f lavfi -i color=black@0:s=1920x1080:r=1:d=1000 -vf subtitles=cues.srt -f null -` (one cue a frame; includes ffmpeg start-up and blending).".into(),
        ],
    })
}

/// `n` distinct cues, one every 2 s.
fn cues(n: usize) -> Vec<Cue> {
    (0..n)
        .map(|i| {
            let start = i as i64 * 2_000_000;
            let text = format!("Caption {i}: the quick brown fox jumps over it");
            Cue { id: None, start_us: start, end_us: start + 1_500_000, text, settings: CueSettings::default() }
        })
        .collect()
}

/// The benchmark style.
fn style() -> TextStyle {
    TextStyle {
        family: FontFamily::SansSerif,
        font: None,
        size: 54.0,
        weight: 400,
        italic: false,
        color: Color::WHITE,
        outline: Some(Outline { width: 3.0, color: Color::BLACK }),
        shadow: Some(Shadow { x: 2.0, y: 2.0, blur: 4.0, color: Color::rgba(0, 0, 0, 0xb3) }),
        text_box: None,
        align: Align::Center,
        vertical_align: VerticalAlign::Bottom,
        max_width: 1920.0,
        line_height: 1.2,
    }
}

/// Rasterizes (and optionally PNG-encodes) `cues` with a fresh renderer; returns cache hits and misses.
fn rasterize(cues: &[Cue], encode: bool) -> Result<(u64, u64), String> {
    let mut renderer = TextRenderer::new();
    let style = style();
    let mut batch = CueRaster::new(&mut renderer, cues, &style, LAYER, 1.0);
    for placed in batch.by_ref() {
        let placed = placed.map_err(|e| e.to_string())?;
        if encode {
            let bitmap = placed.bitmap().ok_or("a cue drew nothing")?;
            png(bitmap).map_err(|e| e.to_string())?;
        }
    }
    let progress = batch.progress();
    if progress.done != cues.len() {
        return Err(format!("{} of {} cues done", progress.done, cues.len()));
    }
    Ok((progress.hits, progress.misses))
}

/// ffmpeg's libass drawing the same cues, one per frame.
fn libass(cues: &[Cue]) -> Result<(), String> {
    let srt = fixtures::dir()?.join("bench-cues.srt");
    let shifted: Vec<Cue> = cues
        .iter()
        .enumerate()
        .map(|(i, c)| Cue { start_us: i as i64 * 1_000_000, end_us: i as i64 * 1_000_000 + 900_000, ..c.clone() })
        .collect();
    std::fs::write(&srt, to_srt(&shifted)).map_err(|e| e.to_string())?;
    let filter = format!("subtitles={}:force_style='Fontname=Noto Sans,Fontsize=54,Outline=3,Shadow=2'", srt.display());
    let out = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            &format!("color=black@0:s=1920x1080:r=1:d={}", cues.len()),
        ])
        .args(["-vf", &filter, "-f", "null", "-"])
        .output()
        .map_err(|e| format!("ffmpeg: {e}"))?;
    if !out.status.success() {
        return Err(format!("ffmpeg subtitles failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}
