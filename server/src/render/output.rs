//! The render's files: the work folder, the scene and audio jobs, the final join written under
//! a temporary name and renamed into place, and the extra outputs made from the result.
//!
//! GIF: scenes are kept lossless, then the palette pass of [`gif`](super::gif) joins them.

use super::argv::{self, Input, file_url, words};
use super::audio_graph::AudioGraph;
use super::concat::{concat_filter, copy_compatible, scene_file_name, write_list};
use super::error::RenderError;
use super::ladder::{self, Rung};
use super::overlays::{self, OverlayPng};
use super::preprocess::{run_all, threads_per_job, workers_for};
use super::progress::{Board, Progress};
use super::scene_graph::SceneGraph;
use super::sources::Probed;
use super::two_pass::{self, Pass};
use super::{audio_graph, copy, ffmpeg, gif, hls, scene_graph};
use frameloom::plan::RenderPlan;
use frameloom::project::{Format, GifSettings, Quality, VideoCodec};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// An extra file made from the finished output.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraOutput {
    /// One frame as a still image: PNG, or JPEG when `path` ends in `.jpg`/`.jpeg`.
    Thumbnail {
        /// Timeline time of the frame, in microseconds (clamped to the last frame).
        at_us: i64,
        /// Where to write it.
        path: PathBuf,
    },
    /// A rendition ladder (`{height}p.{ext}` for each height below the output's) and, with
    /// `hls`, an HLS package of the output and the rungs in `dir/hls/` (see [`ladder`](super::ladder), [`hls`](super::hls)).
    Ladder {
        /// Rung heights in pixels; heights at or above the output's are skipped (no upscaling).
        heights: Vec<u32>,
        /// Also package HLS (MP4 with H.264 only).
        hls: bool,
        /// The folder for the files (must exist).
        dir: PathBuf,
    },
}

/// The ffmpeg video encoder used for `codec`.
pub fn encoder_name(codec: VideoCodec) -> &'static str {
    match codec {
        VideoCodec::H264 => "libx264",
        VideoCodec::Vp9 => "libvpx-vp9",
        VideoCodec::Vp8 => "libvpx",
        VideoCodec::Av1 => "libsvtav1",
        VideoCodec::Gif => "gif",
    }
}

/// A folder of intermediates, removed (with everything in it) when dropped.
pub struct WorkDir {
    /// The folder.
    pub path: PathBuf,
    parent: PathBuf,
}

impl WorkDir {
    /// Makes a new, unique folder inside `parent` (creating `parent` if needed).
    pub fn create(parent: &Path) -> Result<WorkDir, RenderError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        std::fs::create_dir_all(parent).map_err(|e| RenderError::io(parent.display(), &e))?;
        let name = format!("render-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let path = parent.canonicalize().map_err(|e| RenderError::io(parent.display(), &e))?.join(name);
        std::fs::create_dir(&path).map_err(|e| RenderError::io(path.display(), &e))?;
        Ok(WorkDir { path, parent: parent.to_owned() })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        let _ = std::fs::remove_dir(&self.parent); // only succeeds when empty
    }
}

/// A file (or folder) being written under a temporary name next to its final place; removed
/// when dropped unless [`commit`](TempFile::commit)ted.
pub struct TempFile {
    /// The temporary path being written.
    pub path: PathBuf,
    done: bool,
}

impl TempFile {
    /// A hidden temporary name in `target`'s folder (so the final rename is atomic).
    pub fn next_to(target: &Path) -> Result<TempFile, RenderError> {
        // The rename would replace whatever is there: never a folder or a device such as /dev/null.
        if std::fs::symlink_metadata(target).is_ok_and(|m| !m.file_type().is_file() && !m.file_type().is_symlink()) {
            return Err(RenderError::Io(format!(
                "{} exists and is not a regular file; give the path of a file to write",
                target.display()
            )));
        }
        Ok(TempFile { path: temp_name(target)?, done: false })
    }

    /// A new, empty folder under a hidden temporary name in `target`'s folder, to be renamed to
    /// `target` (a folder that must not exist yet) once filled.
    pub fn folder_next_to(target: &Path) -> Result<TempFile, RenderError> {
        let path = temp_name(target)?;
        std::fs::create_dir_all(&path).map_err(|e| RenderError::io(path.display(), &e))?;
        Ok(TempFile { path, done: false })
    }

    /// Renames the finished file to `target`.
    pub fn commit(mut self, target: &Path) -> Result<(), RenderError> {
        std::fs::rename(&self.path, target).map_err(|e| RenderError::io(target.display(), &e))?;
        self.done = true;
        Ok(())
    }
}

/// `.NAME.partial-PID-N` beside `target`: unique within this process and across processes.
fn temp_name(target: &Path) -> Result<PathBuf, RenderError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = target.file_name().ok_or_else(|| RenderError::Io(format!("{} is not a file path", target.display())))?;
    let mut temp = OsString::from(".");
    temp.push(name);
    temp.push(format!(".partial-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    Ok(target.with_file_name(temp))
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = if self.path.is_dir() { std::fs::remove_dir_all(&self.path) } else { std::fs::remove_file(&self.path) };
        }
    }
}

/// Everything one render needs after planning.
pub struct Job<'a> {
    /// The plan.
    pub plan: &'a RenderPlan,
    /// Source id → absolute file.
    pub files: &'a BTreeMap<String, PathBuf>,
    /// Probe results.
    pub probed: &'a Probed,
    /// The work folder.
    pub work: &'a WorkDir,
    /// ffmpeg thread budget.
    pub threads: usize,
    /// The project's quality (GIF palette effort).
    pub quality: Quality,
    /// `output.gif` (defaults for other formats; only GIF output reads it).
    pub gif: GifSettings,
    /// Text and caption pictures (see [`overlays`]).
    pub overlays: &'a [OverlayPng],
}

impl Job<'_> {
    /// Renders `output` by the copy fast path when the plan allows it and the copy validates,
    /// else scenes and sound joined; returns how, the size, and why a copy was dropped.
    pub fn run(
        &self,
        output: &Path,
        board: &mut Board,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<(&'static str, u64, Option<String>), RenderError> {
        let fallback = match copy::run(self, output, board, progress, cancel)? {
            copy::Outcome::Done(fast_path, bytes) => return Ok((fast_path, bytes, None)),
            copy::Outcome::Skipped => None,
            copy::Outcome::Invalid(why) => Some(why),
        };
        let (fast_path, bytes) = self.render_scenes(output, board, progress, cancel)?;
        Ok((fast_path, bytes, fallback))
    }

    /// The graphs of `scene` of `plan` (the job's plan or a part of it), cut into parts of at most
    /// [`overlays::MAX_PER_PASS`] text and caption overlays each.
    pub(super) fn scene_parts(&self, plan: &RenderPlan, scene: usize, rgb: bool) -> Result<Vec<SceneGraph>, RenderError> {
        let Some((first, end)) = scene_graph::scene_frames(plan, scene) else { return Ok(Vec::new()) };
        let rate = plan.output.frame_rate;
        let ranges: Vec<(u64, u64)> = self.overlays.iter().map(|o| o.frames(rate)).collect();
        let mut graphs = Vec::new();
        for part in overlays::parts(first, end, &ranges, overlays::MAX_PER_PASS)? {
            if let Some(graph) = scene_graph::build_part(plan, scene, part, self.files, self.probed, self.overlays, rgb)? {
                graphs.push(graph);
            }
        }
        Ok(graphs)
    }

    /// Renders scenes and sound, joins them into `output`; returns how it joined and the size.
    fn render_scenes(
        &self,
        output: &Path,
        board: &mut Board,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<(&'static str, u64), RenderError> {
        let plan = self.plan;
        let format = plan.output.format;
        let mut scenes = Vec::new();
        for scene in 0..plan.segments.last().map_or(0, |s| s.scene + 1) {
            scenes.extend(self.scene_parts(plan, scene, format == Format::Gif)?);
        }
        if scenes.is_empty() {
            return Err(RenderError::Unsupported("the timeline is shorter than one frame; lengthen it".to_owned()));
        }
        let audio = audio_graph::build(plan, self.files, &self.probed.media)?;
        let workers = workers_for(self.threads, scenes.len() + usize::from(audio.is_some()));
        let per_job = threads_per_job(self.threads, workers);
        let ext = argv::intermediate_extension(format);
        let scene_files: Vec<PathBuf> =
            (0..scenes.len()).map(|i| self.work.path.join(scene_file_name(i, ext))).collect();
        let mut jobs: Vec<Vec<OsString>> = Vec::new();
        let mut work_us = Vec::new();
        let passes = if two_pass::applies(plan) { vec![1, 2] } else { Vec::new() };
        if let Some(&first) = passes.first() {
            // The analysis pass of every scene first (in parallel), then the files.
            let analysis: Vec<Vec<OsString>> = (scenes.iter().zip(&scene_files).enumerate())
                .map(|(i, (g, f))| self.scene_argv(g, f, per_job, Some(&self.pass(first, i)), self.encoder(per_job)))
                .collect();
            let lengths: Vec<i64> = scenes.iter().map(|g| g.duration_us).collect();
            progress(board.stage("analyse", 0.02, 0.4, &lengths));
            run_all(&analysis, workers, cancel, &mut |job, s| progress(board.update(job, s)))?;
        }
        for (i, (graph, file)) in scenes.iter().zip(&scene_files).enumerate() {
            let pass = passes.last().map(|&n| self.pass(n, i));
            jobs.push(self.scene_argv(graph, file, per_job, pass.as_ref(), self.encoder(per_job)));
            work_us.push(graph.duration_us);
        }
        let audio_file = self.work.path.join("audio.mka");
        if let Some(a) = &audio {
            jobs.push(audio_argv(a, &audio_file, per_job));
            work_us.push(a.duration_us);
        }
        let from = if passes.is_empty() { 0.02 } else { 0.4 };
        progress(board.stage("render", from, 0.85, &work_us));
        run_all(&jobs, workers, cancel, &mut |job, s| progress(board.update(job, s)))?;

        let temp = TempFile::next_to(output)?;
        let audio_file = audio.as_ref().map(|_| audio_file.as_path());
        let file_scenes: Vec<usize> = scenes.iter().map(|g| g.scene).collect();
        let stop = || cancel.load(Ordering::Relaxed);
        let mut attempt = gif::Attempt::FULL;
        loop {
            let (join, fast_path) = self.join_argv(&scene_files, &file_scenes, audio_file, &temp.path, attempt)?;
            progress(board.stage("mux", 0.85, 1.0, &[plan.output.duration_us]));
            ffmpeg::run(&join, &stop, &mut |s| progress(board.update(0, s)))?;
            let bytes = std::fs::metadata(&temp.path).map_err(|e| RenderError::io(temp.path.display(), &e))?.len();
            let cap = if format == Format::Gif { self.gif.max_bytes } else { None };
            match attempt.next(bytes, plan.output.frame_count, cap)? {
                Some(next) => attempt = next,
                None => {
                    temp.commit(output)?;
                    return Ok((fast_path, bytes));
                }
            }
        }
    }

    /// Pass `number` of scene `index` of a two-pass encode.
    fn pass(&self, number: u8, index: usize) -> Pass {
        Pass { number, log: two_pass::log_prefix(&self.work.path, index) }
    }

    /// The plan's video encoder options.
    fn encoder(&self, threads: usize) -> Vec<String> {
        argv::video_encoder(&self.plan.encoding, self.plan.output.frame_rate, threads)
    }

    /// The argv that renders one scene (or part of one) to `file` with the video `encoder`
    /// options (or, for an analysis pass, to nothing).
    pub(super) fn scene_argv(
        &self,
        graph: &SceneGraph,
        file: &Path,
        threads: usize,
        pass: Option<&Pass>,
        encoder: Vec<String>,
    ) -> Vec<OsString> {
        let mut a = Vec::new();
        for input in &graph.inputs {
            input.push_to(&mut a, threads);
        }
        let mut tail = words(&["-filter_complex_threads", &threads.to_string(), "-filter_complex", &graph.filter]);
        tail.extend(words(&["-map", "[vout]", "-an", "-frames:v", &graph.frames.to_string()]));
        tail.extend(encoder);
        tail.extend(pass.map(Pass::args).unwrap_or_default());
        if pass.is_some_and(Pass::is_analysis) {
            tail.extend(words(&["-f", "null", "-"]));
            a.extend(tail.into_iter().map(OsString::from));
            return a;
        }
        tail.extend(words(&["-f", argv::intermediate_muxer(self.plan.output.format)]));
        a.extend(tail.into_iter().map(OsString::from));
        a.push(file_url(file));
        a
    }

    /// The argv that joins the scenes (`file_scenes`: the scene of each file) and the sound into
    /// `temp`, and its fast-path name; GIF output follows `attempt` (see [`gif::Attempt`]).
    fn join_argv(
        &self,
        scene_files: &[PathBuf],
        file_scenes: &[usize],
        audio_file: Option<&Path>,
        temp: &Path,
        attempt: gif::Attempt,
    ) -> Result<(Vec<OsString>, &'static str), RenderError> {
        let plan = self.plan;
        let format = plan.output.format;
        let threads = self.threads;
        let mut a = Vec::new();
        let mut tail: Vec<String>;
        let fast_path;
        if format == Format::Gif {
            fast_path = "gif-palette";
            let inputs = gif::input_scenes(&self.gif, file_scenes);
            if inputs.len() == scene_files.len() && inputs.len() > 1 {
                for file in scene_files {
                    Input::media(file, 0, None).push_to(&mut a, threads);
                }
            } else {
                Input::with_format(&write_list(&self.work.path, scene_files)?, "concat").push_to(&mut a, threads);
            }
            let filter = gif::filter(&self.gif, self.quality, plan.output.frame_rate, attempt, &inputs);
            tail = words(&["-filter_complex", &filter, "-map", "[vout]"]);
            if let Some(frames) = attempt.frames {
                tail.extend(words(&["-frames:v", &frames.to_string()]));
            }
        } else if scene_files.len() == 1 || copy_compatible(scene_files) {
            let list = write_list(&self.work.path, scene_files)?;
            Input::with_format(&list, "concat").push_to(&mut a, threads);
            fast_path = "concat-copy";
            // A scene whose only input is a rotated source inherits that source's display
            // matrix (ffmpeg 5.1 copies it with `-noautorotate`); the pictures are already
            // upright, so the copy resets it.
            tail = words(&["-map", "0:v:0", "-c:v", "copy", "-metadata:s:v:0", "rotate=0"]);
        } else {
            fast_path = "filter-concat";
            for file in scene_files {
                Input::media(file, 0, None).push_to(&mut a, threads);
            }
            tail = words(&["-filter_complex", &concat_filter(scene_files.len()), "-map", "[vout]"]);
            tail.extend(argv::video_encoder(&plan.encoding, plan.output.frame_rate, threads));
        }
        if let (Some(file), Some(encoder)) = (audio_file, argv::audio_encoder(&plan.encoding)) {
            let audio_index = if fast_path == "filter-concat" { scene_files.len() } else { 1 };
            Input::with_format(file, "matroska").push_to(&mut a, threads);
            tail.extend(words(&["-map", &format!("{audio_index}:a:0")]));
            tail.extend(encoder);
        }
        tail.extend(argv::muxer(format));
        a.extend(tail.into_iter().map(OsString::from));
        a.push(file_url(temp));
        Ok((a, fast_path))
    }
}

/// The argv that mixes the sound to `file` (FLAC in Matroska, 24-bit).
pub fn audio_argv(graph: &AudioGraph, file: &Path, threads: usize) -> Vec<OsString> {
    let mut a = Vec::new();
    for input in &graph.inputs {
        input.push_to(&mut a, threads);
    }
    let tail = words(&[
        "-filter_complex",
        &graph.filter,
        "-map",
        "[aout]",
        "-c:a",
        "flac",
        "-sample_fmt",
        "s32",
        "-f",
        "matroska",
    ]);
    a.extend(tail.into_iter().map(OsString::from));
    a.push(file_url(file));
    a
}

/// Makes each of `extra` from the finished `output`.
pub fn extras(
    output: &Path,
    extra: &[ExtraOutput],
    plan: &RenderPlan,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<(), RenderError> {
    let stop = || cancel.load(Ordering::Relaxed);
    for item in extra {
        match item {
            ExtraOutput::Thumbnail { at_us, path } => {
                let frame = plan.output.frame_at(*at_us);
                let temp = TempFile::next_to(path)?;
                let jpeg = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"));
                let mut a = Vec::new();
                Input::media(output, 0, None).push_to(&mut a, 1);
                let select = format!("select=eq(n\\,{frame})");
                let codec = if jpeg { "mjpeg" } else { "png" };
                let tail = words(&["-vf", &select, "-frames:v", "1", "-c:v", codec, "-f", "image2", "-update", "1"]);
                a.extend(tail.into_iter().map(OsString::from));
                a.push(file_url(&temp.path));
                ffmpeg::run(&a, &stop, &mut |_| {})?;
                temp.commit(path)?;
            }
            ExtraOutput::Ladder { heights, hls, dir } => {
                if *hls {
                    hls::check(plan.output.format, plan.encoding.video.codec)?;
                }
                let rungs = ladder::make(output, plan, heights, dir, threads, &stop)?;
                if *hls {
                    let out = &plan.output;
                    let top = Rung { width: out.width, height: out.height, file: output.to_owned() };
                    let variants: Vec<Rung> = std::iter::once(top).chain(rungs).collect();
                    hls::package(plan, &variants, &dir.join("hls"), &stop)?;
                }
            }
        }
    }
    Ok(())
}
