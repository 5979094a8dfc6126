//! GIF output in the browser: every output frame composited on the canvas (no fast path),
//! read back and streamed into the core's [`GifEncoder`] (global or per-scene palette,
//! dithering and size cap from `output.gif`, colours from `quality`), written to OPFS or
//! memory like a video. GIF has no sound, so no audio is decoded.

use super::cancel::Signal;
use super::codec_support::check_decoders;
use super::error::RenderError;
use super::job::{OutputOptions, Stats, result};
use super::media::Media;
use super::overlay_stage::OverlayStage;
use super::progress::{Progress, Stage};
use super::sink::Sink;
use super::stills::render_frames;
use super::video_stage::VideoStage;
use crate::plan::RenderPlan;
use crate::project::{GifPalette, Project, Quality};
use crate::raster::encode::{EncodeError, FrameOutcome, GifEncoder, GifOptions, PaletteMode};
use wasm_bindgen::JsValue;

/// Frames sampled (per palette) to build a palette.
const PALETTE_SAMPLES: u64 = 6;

/// Renders `plan` as an animated GIF; resolves to the same result object as a video render.
pub(crate) async fn run(
    project: &Project,
    plan: &RenderPlan,
    media: &Media,
    mut overlays: Option<OverlayStage>,
    options: OutputOptions,
    progress: &mut Progress,
    signal: &Signal,
) -> Result<JsValue, RenderError> {
    check_decoders(plan, media).await?;
    signal.check()?;
    let mut sink = Sink::open(&options.dir, &format!("{}.gif", options.name), options.memory).await;
    let mut video = VideoStage::new(None, signal);
    let encode_failed = |e: EncodeError| RenderError::EncodeFailed(e.to_string());
    let options = gif_options(project, plan);
    let per_scene = options.palette == PaletteMode::PerScene;
    let samples =
        if per_scene { Vec::new() } else { render_frames(plan, media, overlays.as_mut(), &sample_frames(plan, None)).await? };
    let mut gif = GifEncoder::new(&mut sink, options, &samples.iter().collect::<Vec<_>>()).map_err(encode_failed)?;
    drop(samples);
    let total = plan.output.frame_count;
    let mut done = 0u64;
    let mut scene = None;
    'frames: for segment in &plan.segments {
        if segment.frame_count == 0 {
            continue;
        }
        if per_scene && scene.replace(segment.scene) != Some(segment.scene) {
            let samples = render_frames(plan, media, overlays.as_mut(), &sample_frames(plan, Some(segment.scene))).await?;
            gif.start_scene(&samples.iter().collect::<Vec<_>>());
        }
        video.enter(plan, segment, media)?;
        for n in segment.frames() {
            let pixels = video.pixels(plan, segment, n, overlays.as_mut()).await?;
            done += 1;
            if gif.push_frame(&pixels, plan.output.frame_time_us(n)).map_err(encode_failed)? == FrameOutcome::Stopped {
                break 'frames;
            }
            progress.report(Stage::Render, 0.98 * done as f64 / total.max(1) as f64, done, total);
            signal.check()?;
        }
    }
    video.close_inputs();
    let summary = gif.finish(plan.output.frame_time_us(done)).map_err(encode_failed)?;
    progress.report(Stage::Mux, 0.99, done, total);
    let (bytes, storage) = (sink.len(), sink.kind());
    let blob = sink.finish("image/gif").await?;
    progress.report(Stage::Mux, 1.0, done, total);
    let stats = Stats {
        frames: summary.frames,
        seconds: progress.elapsed_ms() / 1000.0,
        encoder: "gif".into(),
        audio_encoder: None,
        audio_fallback: None,
        fast_path: "encode",
        fast_path_fallback: None,
        passthrough: "none",
        yuv_frames: 0,
        passes: 1,
        video_bitrate: None,
        bytes,
        storage,
        timings: *video.timings(),
    };
    let warnings = overlays.as_ref().map_or(&[][..], |o| o.warnings());
    Ok(result(&blob, "image/gif", &stats, plan, warnings))
}

/// Frames the palette is built from: [`PALETTE_SAMPLES`] spread over `scene` (or the whole
/// timeline), so colours that appear later are in it too.
fn sample_frames(plan: &RenderPlan, scene: Option<usize>) -> Vec<u64> {
    let ranges: Vec<_> = plan.segments.iter().filter(|s| scene.is_none_or(|sc| s.scene == sc)).map(|s| s.frames()).collect();
    let (first, last) = (ranges.iter().map(|r| r.start).min().unwrap_or(0), ranges.iter().map(|r| r.end).max().unwrap_or(0));
    let count = last.saturating_sub(first);
    let mut picked: Vec<u64> = (0..PALETTE_SAMPLES).map(|i| first + count * (2 * i + 1) / (2 * PALETTE_SAMPLES)).collect();
    picked.dedup();
    picked.retain(|n| *n < last);
    picked
}

/// The encoder settings: `output.gif`, 128 colours at quality `low` (else 256).
fn gif_options(project: &Project, plan: &RenderPlan) -> GifOptions {
    let out = &plan.output;
    let settings = project.output.gif.unwrap_or_default();
    GifOptions {
        palette: match settings.palette {
            GifPalette::Global => PaletteMode::Global,
            GifPalette::Scene => PaletteMode::PerScene,
        },
        colors: if project.output.quality == Quality::Low { 128 } else { 256 },
        dither: settings.dither,
        max_bytes: settings.max_bytes,
        expected_frames: Some(out.frame_count),
        ..GifOptions::new(out.width, out.height)
    }
}
