//! One render job from start to finish: validate, probe, plan, check codecs, then run the
//! timeline (audio encoded ahead of each video frame, so both streams reach the muxer
//! interleaved by time) and return the finished file with its stats.

use super::audio_encode::AudioOut;
use super::audio_pipeline::AudioPipeline;
use super::cancel::Signal;
use super::codec_support::{check_decoders, choose_encoders};
use super::error::{ProjectProblem, RenderError};
use super::media::{Media, SourceFile};
use super::mux::{AUDIO, MuxStage, VIDEO};
use super::progress::{Progress, Stage};
use super::sink::Sink;
use super::video_encode::VideoOut;
use super::timings::{Timings, now_ms};
use super::video_stage::VideoStage;
use crate::container;
use super::overlay_stage::OverlayStage;
use crate::overlay::OverlayWarning;
use crate::plan::{self, RenderPlan};
use crate::web::error::error_object;
use crate::project::{self, Format, Layer, Project};
use crate::web::BlobSource;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

/// Frames before a segment's end at which the next segment's decoders open (so their
/// start-up overlaps the encoder's work on the frames queued before it).
const PREPARE_FRAMES: u64 = 12;

/// Where the output file goes.
pub(crate) struct OutputOptions {
    /// OPFS folder.
    pub dir: String,
    /// File name in it, without the extension.
    pub name: String,
    /// Keep the output in memory even where OPFS works.
    pub memory: bool,
}

/// Runs a job; resolves to the result object (`blob`, `mimeType`, `stats`).
pub(crate) async fn run(
    json: &str,
    files: &JsValue,
    options: OutputOptions,
    progress: &mut Progress,
    signal: &Signal,
) -> Result<JsValue, RenderError> {
    let job_started = now_ms();
    progress.report(Stage::Probe, 0.0, 0, 0);
    let (project, media, plan) = prepare(json, files)?;
    let mut overlays = OverlayStage::open(&plan, &project, files)?;
    check_decoders(&plan, &media).await?;
    let encoders = choose_encoders(&plan).await?;
    signal.check()?;
    let extension = if plan.output.format == Format::Webm { "webm" } else { "mp4" };
    let sink = Sink::open(&options.dir, &format!("{}.{extension}", options.name), options.memory).await;
    let storage = sink.kind();
    let mut video = VideoStage::new(VideoOut::open(&encoders.video, signal)?, signal);
    let mut audio = match &encoders.audio {
        Some(config) => AudioPipeline::new(&plan, AudioOut::open(config, signal)?, signal)?,
        None => None,
    };
    let frame_samples = audio.as_ref().and(plan.encoding.audio.as_ref()).map(|a| a.frame_samples);
    let mut mux = MuxStage::new(sink, &plan.output, frame_samples);
    let total = plan.output.frame_count;
    let mut done = 0u64;
    video.timings().setup = now_ms() - job_started;
    let segments: Vec<&plan::Segment> = plan.segments.iter().filter(|s| s.frame_count > 0).collect();
    for (i, segment) in segments.iter().enumerate() {
        let next = segments.get(i + 1);
        let prepare_at = (segment.first_frame + segment.frame_count).saturating_sub(PREPARE_FRAMES).max(segment.first_frame);
        progress.report(Stage::Decode, 0.95 * done as f64 / total.max(1) as f64, done, total);
        video.enter(&plan, segment, &media)?;
        for n in segment.frames() {
            if let Some(audio) = &mut audio {
                // The video decoders work on while the audio is made.
                video.top_up()?;
                let started = now_ms();
                audio.render_until(plan.output.frame_time_us(n + 1), &media).await?;
                video.timings().audio += now_ms() - started;
            }
            if let Some(next) = next.filter(|_| n == prepare_at) {
                video.prepare(&plan, next, &media)?;
            }
            video.frame(&plan, segment, n, overlays.as_mut()).await?;
            let started = now_ms();
            drain(&mut mux, &mut video, &mut audio)?;
            video.timings().mux += now_ms() - started;
            done += 1;
            progress.report(Stage::Render, 0.95 * done as f64 / total.max(1) as f64, done, total);
        }
    }
    video.close_inputs();
    progress.report(Stage::Encode, 0.95, done, total);
    let started = now_ms();
    if let Some(audio) = &mut audio {
        audio.finish(&media).await?;
    }
    video.out().finish().await?;
    video.timings().flush += now_ms() - started;
    drain(&mut mux, &mut video, &mut audio)?;
    progress.report(Stage::Mux, 0.98, done, total);
    let video_stream = video.out().stream().ok_or_else(|| RenderError::EncodeFailed("the video encoder produced nothing".into()))?;
    let audio_stream = audio.as_mut().and_then(|a| a.out().stream());
    let mime = mime_type(plan.output.format, &video_stream.0, audio_stream.as_ref().map(|s| s.0.as_str()));
    let sink = mux.finish()?;
    let bytes = sink.len();
    let blob = sink.finish(&mime).await?;
    progress.report(Stage::Mux, 1.0, done, total);
    let stats = Stats {
        frames: done,
        seconds: progress.elapsed_ms() / 1000.0,
        encoder: video_stream.0,
        audio_encoder: audio_stream.map(|s| s.0),
        audio_fallback: encoders.audio_fallback,
        fast_path: fast_path(video.fast_frames(), done),
        bytes,
        storage,
        timings: *video.timings(),
    };
    let warnings = overlays.as_ref().map_or(&[][..], |o| o.warnings());
    Ok(result(&blob, &mime, &stats, &plan, warnings))
}

/// Writes whatever the encoders have produced.
fn drain(mux: &mut MuxStage, video: &mut VideoStage, audio: &mut Option<AudioPipeline>) -> Result<(), RenderError> {
    let video_stream = video.out().stream();
    let audio_stream = match audio {
        Some(a) => a.out().stream().map(Some),
        None => Some(None),
    };
    let packets = video.out().take_packets();
    mux.write(VIDEO, packets, video_stream.clone(), audio_stream.clone())?;
    if let Some(a) = audio {
        let packets = a.take_packets();
        mux.write(AUDIO, packets, video_stream, audio_stream)?;
    }
    Ok(())
}

/// Validates the project, probes its media and plans the render.
pub(crate) fn prepare(json: &str, files: &JsValue) -> Result<(Project, Media, RenderPlan), RenderError> {
    let project = project::validate(json).map_err(|e| RenderError::InvalidProject(e.iter().map(ProjectProblem::from).collect()))?;
    let media = probe_sources(&project, files)?;
    let plan = plan::build(&project, &media.probes()).map_err(|e| RenderError::InvalidProject(e.iter().map(ProjectProblem::from).collect()))?;
    Ok((project, media, plan))
}

/// Probes every source a video or audio layer uses.
fn probe_sources(project: &Project, files: &JsValue) -> Result<Media, RenderError> {
    let mut media = Media::default();
    let used = project.scenes.iter().flat_map(|s| &s.layers).filter_map(|layer| match layer {
        Layer::Video(v) => Some(&v.source),
        Layer::Audio(a) => Some(&a.source),
        _ => None,
    });
    for id in used {
        if media.0.contains_key(id) {
            continue;
        }
        let missing = || RenderError::MissingFile { source_id: id.clone() };
        let blob: Blob = Reflect::get(files, &id.into()).ok().and_then(|f| f.dyn_into().ok()).ok_or_else(missing)?;
        let corrupt = |error| RenderError::CorruptSource { source_id: id.clone(), error };
        let mut source = BlobSource::new(blob.clone()).map_err(corrupt)?;
        let probe = container::probe(&mut source).map_err(corrupt)?;
        media.0.insert(id.clone(), SourceFile { blob, probe });
    }
    Ok(media)
}

/// `video/mp4; codecs="avc1.640028, opus"` and the like.
fn mime_type(format: Format, video: &str, audio: Option<&str>) -> String {
    let container = if format == Format::Webm { "video/webm" } else { "video/mp4" };
    match audio {
        Some(audio) => format!("{container}; codecs=\"{video}, {audio}\""),
        None => format!("{container}; codecs=\"{video}\""),
    }
}

/// `passthrough` when every frame skipped the canvas, `partial` when some did, else `none`.
fn fast_path(fast: u64, frames: u64) -> &'static str {
    match fast {
        0 => "none",
        f if f == frames => "passthrough",
        _ => "partial",
    }
}

struct Stats {
    frames: u64,
    seconds: f64,
    encoder: String,
    audio_encoder: Option<String>,
    audio_fallback: Option<String>,
    fast_path: &'static str,
    bytes: u64,
    storage: &'static str,
    timings: Timings,
}

fn result(blob: &Blob, mime: &str, stats: &Stats, plan: &RenderPlan, warnings: &[OverlayWarning]) -> JsValue {
    let obj = Object::new();
    let set = |target: &Object, key: &str, value: JsValue| {
        let _ = Reflect::set(target, &key.into(), &value);
    };
    let s = Object::new();
    set(&s, "frames", (stats.frames as f64).into());
    set(&s, "seconds", stats.seconds.into());
    set(&s, "fps", if stats.seconds > 0.0 { (stats.frames as f64 / stats.seconds).into() } else { JsValue::NULL });
    set(&s, "duration", (plan.output.duration_us as f64 / 1e6).into());
    set(&s, "encoder", stats.encoder.as_str().into());
    set(&s, "audioEncoder", stats.audio_encoder.as_deref().map_or(JsValue::NULL, JsValue::from));
    set(&s, "audioFallback", stats.audio_fallback.as_deref().map_or(JsValue::NULL, JsValue::from));
    set(&s, "fastPath", stats.fast_path.into());
    set(&s, "bytes", (stats.bytes as f64).into());
    set(&s, "storage", stats.storage.into());
    set(&s, "timings", stats.timings.to_js());
    set(&obj, "blob", blob.into());
    set(&obj, "mimeType", mime.into());
    set(&obj, "stats", s.into());
    let list = Array::new();
    for w in warnings {
        let item: Object = error_object(w.error.code(), &w.error.to_string()).unchecked_into();
        set(&item, "path", w.path.as_str().into());
        set(&item, "line", (w.error.line as f64).into());
        list.push(&item);
    }
    set(&obj, "warnings", list.into());
    obj.into()
}
