//! The rendition ladder: smaller copies of the finished output for adaptive streaming.
//!
//! Each rung is a height below the output's (never above: no upscaling; the output itself is
//! the top rung). Its width keeps the output's aspect ratio, rounded to an even number. All
//! rungs come from one ffmpeg pass over the finished file (decoded once, `split`, `scale` with
//! Lanczos), each encoded with the output's codec, keyframe spacing, rate factor (H.264) and
//! bits per pixel (the bitrate, or H.264's cap, scaled by the pixel count), the sound copied. Files are `{height}p.{ext}` in the
//! given folder, each written under a temporary name and renamed when all are complete.

use super::argv::{self, Input, file_url, words};
use super::error::RenderError;
use super::ffmpeg;
use super::output::TempFile;
use frameloom::plan::RenderPlan;
use frameloom::project::Format;
use std::ffi::OsString;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Most rungs one output may ask for.
pub const MAX_RUNGS: usize = 8;
/// Smallest rung height in pixels.
pub const MIN_HEIGHT: u32 = 16;

/// One rung of the ladder: its size and file.
#[derive(Debug, Clone, PartialEq)]
pub struct Rung {
    /// Width in pixels (even).
    pub width: u32,
    /// Height in pixels (even).
    pub height: u32,
    /// The file.
    pub file: PathBuf,
}

/// The sizes of the rungs for an output of `width`×`height`: the asked heights strictly below
/// the output's, made even, without repeats, tallest first.
pub fn sizes(width: u32, height: u32, heights: &[u32]) -> Vec<(u32, u32)> {
    let mut kept: Vec<u32> =
        heights.iter().map(|h| h & !1).filter(|&h| h >= MIN_HEIGHT && h < height).collect::<Vec<_>>();
    kept.sort_unstable_by(|a, b| b.cmp(a));
    kept.dedup();
    kept.into_iter()
        .map(|h| {
            let pairs = (u64::from(width) * u64::from(h) + u64::from(height)) / (2 * u64::from(height));
            ((pairs as u32 * 2).max(2), h)
        })
        .collect()
}

/// The name of the rung of `height` for `format`.
pub fn file_name(height: u32, format: Format) -> String {
    format!("{height}p.{}", format.as_str())
}

/// Makes the rungs for `heights` from the finished `output` into `dir` (which must exist).
pub fn make(
    output: &Path,
    plan: &RenderPlan,
    heights: &[u32],
    dir: &Path,
    threads: usize,
    stop: &dyn Fn() -> bool,
) -> Result<Vec<Rung>, RenderError> {
    let out = &plan.output;
    if out.format == Format::Gif {
        return Err(RenderError::Unsupported(
            "renditions are made of MP4 or WebM outputs, not GIF; choose format mp4 or webm".to_owned(),
        ));
    }
    if heights.len() > MAX_RUNGS {
        return Err(RenderError::Unsupported(format!(
            "{} renditions asked; at most {MAX_RUNGS} are made per output",
            heights.len()
        )));
    }
    let sizes = sizes(out.width, out.height, heights);
    if sizes.is_empty() {
        return Ok(Vec::new());
    }
    let mut filter = format!("[0:v:0]split={}", sizes.len());
    for i in 0..sizes.len() {
        let _ = write!(filter, "[s{i}]");
    }
    for (i, (w, h)) in sizes.iter().enumerate() {
        let _ = write!(filter, ";[s{i}]scale={w}:{h}:flags=lanczos,setsar=1[r{i}]");
    }
    let mut a = Vec::new();
    Input::media(output, 0, None).push_to(&mut a, threads);
    a.extend(["-filter_complex".into(), OsString::from(&filter)]);
    let mut temps = Vec::new();
    let mut rungs = Vec::new();
    let pixels = f64::from(out.width) * f64::from(out.height);
    for (i, &(width, height)) in sizes.iter().enumerate() {
        let mut encoding = plan.encoding.clone();
        let share = f64::from(width) * f64::from(height) / pixels;
        encoding.video.bitrate_bps = ((encoding.video.bitrate_bps as f64 * share).round() as u64).max(1);
        let mut tail = words(&["-map", &format!("[r{i}]"), "-map", "0:a:0?", "-c:a", "copy"]);
        tail.extend(argv::video_encoder(&encoding, out.frame_rate, threads));
        tail.extend(argv::muxer(out.format));
        a.extend(tail.into_iter().map(OsString::from));
        let file = dir.join(file_name(height, out.format));
        let temp = TempFile::next_to(&file)?;
        a.push(file_url(&temp.path));
        temps.push(temp);
        rungs.push(Rung { width, height, file });
    }
    ffmpeg::run(&a, stop, &mut |_| {})?;
    for (temp, rung) in temps.into_iter().zip(&rungs) {
        temp.commit(&rung.file)?;
    }
    Ok(rungs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rungs_never_upscale_and_keep_the_aspect() {
        assert_eq!(sizes(1920, 1080, &[1080, 720, 480, 2160]), [(1280, 720), (854, 480)]);
        assert_eq!(sizes(640, 360, &[720, 360, 240, 240, 241]), [(426, 240)]);
        assert_eq!(sizes(64, 64, &[8, 1]), []);
        assert_eq!(file_name(720, Format::Webm), "720p.webm");
    }
}
