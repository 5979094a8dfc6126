//! Stills of a project: `thumbnail` (one poster frame) and `spriteSheet` (N frames in a grid),
//! each frame rendered like a video frame (videos, overlays, background) on the canvas, read
//! back and encoded by the core as PNG or JPEG.

use super::cancel::Signal;
use super::codec_support::check_decoders;
use super::error::RenderError;
use super::job::prepare;
use super::media::Media;
use super::overlay_stage::OverlayStage;
use super::sink::Sink;
use super::video_stage::VideoStage;
use crate::container::ByteSink;
use crate::plan::RenderPlan;
use crate::raster::Bitmap;
use crate::raster::encode::{EncodeError, fit, jpeg, png, sprite_sheet};
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

/// JPEG quality of stills.
const JPEG_QUALITY: u8 = 85;
/// Most frames in a sprite sheet.
const MAX_SPRITE_FRAMES: u32 = 1000;

/// Renders the frame of `project_json` showing at `options.time` seconds (clamped to the last
/// frame) as `options.format` (`png`, default, or `jpeg`), at output size or fitted into
/// `options.width × options.height`; resolves to `{ blob, width, height, time }`.
#[wasm_bindgen]
pub fn thumbnail(project_json: String, files: JsValue, options: JsValue) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let (time, jpeg) = (number(&options, "time").unwrap_or(0.0), is_jpeg(&options));
        let (frames, plan) = frames_at(&project_json, &files, |_| vec![time]).await.map_err(|e| e.to_js())?;
        let (frame, n) = frames.into_iter().next().ok_or_else(|| RenderError::Internal("no frame".into()).to_js())?;
        let (w, h) = size(&options, frame.width(), frame.height());
        let frame = if (w, h) == (frame.width(), frame.height()) { frame } else { frame.resize(w, h).unwrap_or(frame) };
        let result = still(&frame, jpeg).await.map_err(|e| e.to_js())?;
        set(&result, "time", (plan.output.frame_time_us(n) as f64 / 1e6).into());
        Ok(result.into())
    })
}

/// Renders `options.count` frames (default 10) evenly spread over the timeline into a grid of
/// `options.columns` (default 5) cells of `options.width × options.height` (default 160 wide,
/// output proportions); resolves to `{ blob, width, height, cells: [{ x, y, width, height, time }] }`.
#[wasm_bindgen(js_name = spriteSheet)]
pub fn sprite_sheet_export(project_json: String, files: JsValue, options: JsValue) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let count = number(&options, "count").map_or(10, |c| c.clamp(1.0, f64::from(MAX_SPRITE_FRAMES)) as u32);
        let columns = number(&options, "columns").map_or(5, |c| c.clamp(1.0, f64::from(MAX_SPRITE_FRAMES)) as u32);
        let spread = |plan: &RenderPlan| {
            let duration = plan.output.duration_us as f64 / 1e6;
            (0..count).map(|i| duration * (f64::from(i) + 0.5) / f64::from(count)).collect()
        };
        let (frames, plan) = frames_at(&project_json, &files, spread).await.map_err(|e| e.to_js())?;
        let (out_w, out_h) = (plan.output.width, plan.output.height);
        let cell_w = number(&options, "width").map_or(160, |w| w.clamp(1.0, 4096.0) as u32);
        let cell_h = number(&options, "height").map_or_else(|| fit(out_w, out_h, cell_w, u32::MAX).1, |h| h.clamp(1.0, 4096.0) as u32);
        let bitmaps: Vec<Bitmap> = frames.iter().map(|(b, _)| b.clone()).collect();
        let sheet = sprite_sheet(&bitmaps, columns, cell_w, cell_h).map_err(|e| encode_failed(e).to_js())?;
        let result = still(&sheet.bitmap, is_jpeg(&options)).await.map_err(|e| e.to_js())?;
        let cells = Array::new();
        for (cell, (_, n)) in sheet.cells.iter().zip(&frames) {
            let c = Object::new();
            for (key, v) in [("x", cell.x), ("y", cell.y), ("width", cell.width), ("height", cell.height)] {
                set(&c, key, v.into());
            }
            set(&c, "time", (plan.output.frame_time_us(*n) as f64 / 1e6).into());
            cells.push(&c);
        }
        set(&result, "cells", cells.into());
        Ok(result.into())
    })
}

/// The output frames showing at the `times(plan)` (seconds, rendered in increasing order),
/// with their numbers.
async fn frames_at(
    json: &str,
    files: &JsValue,
    times: impl FnOnce(&RenderPlan) -> Vec<f64>,
) -> Result<(Vec<(Bitmap, u64)>, RenderPlan), RenderError> {
    let (project, media, plan) = prepare(json, files)?;
    let mut overlays = OverlayStage::open(&plan, &project, files)?;
    check_decoders(&plan, &media).await?;
    let numbers: Vec<u64> =
        times(&plan).iter().map(|t| frame_at(&plan, if t.is_finite() { (t.max(0.0) * 1e6) as i64 } else { 0 })).collect();
    let bitmaps = render_frames(&plan, &media, overlays.as_mut(), &numbers).await?;
    let mut frames: Vec<(Bitmap, u64)> = bitmaps.into_iter().zip(numbers).collect();
    frames.sort_by_key(|(_, n)| *n);
    Ok((frames, plan))
}

/// Output frames `numbers` of `plan` read back (each rendered on the canvas with its videos and
/// overlays), in increasing frame order.
pub(super) async fn render_frames(
    plan: &RenderPlan,
    media: &Media,
    mut overlays: Option<&mut OverlayStage>,
    numbers: &[u64],
) -> Result<Vec<Bitmap>, RenderError> {
    let signal = Signal::default();
    let mut video = VideoStage::new(None, &signal);
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    let mut frames = Vec::with_capacity(sorted.len());
    for n in sorted {
        let segment = plan
            .segments
            .iter()
            .find(|s| s.frames().contains(&n))
            .ok_or_else(|| RenderError::Internal(format!("no segment shows frame {n}")))?;
        video.enter(plan, segment, media)?;
        frames.push(video.pixels(plan, segment, n, overlays.as_deref_mut()).await?);
    }
    Ok(frames)
}

/// The last output frame starting at or before `t_us` (the last frame past the end).
fn frame_at(plan: &RenderPlan, t_us: i64) -> u64 {
    let count = plan.output.frame_count.max(1);
    let (mut lo, mut hi) = (0, count - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if plan.output.frame_time_us(mid) <= t_us { lo = mid } else { hi = mid - 1 }
    }
    lo
}

/// `{ blob, width, height }` of `bitmap` encoded as JPEG or PNG.
async fn still(bitmap: &Bitmap, as_jpeg: bool) -> Result<Object, RenderError> {
    let (bytes, mime) = if as_jpeg {
        (jpeg(bitmap, JPEG_QUALITY, [0, 0, 0]).map_err(encode_failed)?, "image/jpeg")
    } else {
        (png(bitmap).map_err(encode_failed)?, "image/png")
    };
    let mut sink = Sink::open("", "", true).await;
    sink.write(&bytes).map_err(|e| RenderError::Output(e.to_string()))?;
    let result = Object::new();
    set(&result, "blob", sink.finish(mime).await?.into());
    set(&result, "width", bitmap.width().into());
    set(&result, "height", bitmap.height().into());
    Ok(result)
}

/// `options.width × options.height` (either may be missing: output proportions), else `w × h`.
fn size(options: &JsValue, w: u32, h: u32) -> (u32, u32) {
    let side = |key| number(options, key).map(|v| v.clamp(1.0, 8192.0) as u32);
    match (side("width"), side("height")) {
        (None, None) => (w, h),
        (mw, mh) => fit(w, h, mw.unwrap_or(u32::MAX), mh.unwrap_or(u32::MAX)),
    }
}

fn is_jpeg(options: &JsValue) -> bool {
    Reflect::get(options, &"format".into()).ok().and_then(|f| f.as_string()).is_some_and(|f| f == "jpeg" || f == "jpg")
}

fn number(options: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(options, &key.into()).ok().and_then(|v| v.as_f64()).filter(|v| v.is_finite())
}

fn set(target: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(target, &key.into(), &value);
}

fn encode_failed(e: EncodeError) -> RenderError {
    RenderError::EncodeFailed(e.to_string())
}
