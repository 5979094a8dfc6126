//! The server renderer: compiles the shared render plan (`frameloom::plan`) to ffmpeg argv
//! and runs it. No shell is ever involved; filter strings hold only numbers and our labels.
//!
//! [`render`] probes the sources ([`sources`]), builds the plan, then:
//!
//! 1. renders every scene to an intermediate file with one `filter_complex` each
//!    ([`scene_graph`]; placement filters from [`geometry`]) and the timeline's sound to a
//!    lossless file ([`audio_graph`]), in parallel on a bounded pool ([`preprocess`]);
//! 2. joins the scenes with the concat demuxer without re-encoding when their streams match,
//!    else with a filter `concat` ([`concat`]), encodes the sound, and writes the file under a
//!    temporary name in the output's folder, renamed into place only when complete
//!    ([`output`]): a partial file is never visible.
//!
//! Every input is opened with `-protocol_whitelist file` as a `file:` URL. A non-zero ffmpeg
//! exit becomes [`RenderError::Ffmpeg`] with ffmpeg's last stderr lines; cancelling kills the
//! running ffmpeg processes within about 50 ms and removes every file made.

mod argv;
mod audio_copy;
mod audio_graph;
pub mod command;
mod concat;
mod copy;
mod error;
mod ffmpeg;
mod geometry;
mod gif;
pub mod hls;
pub mod ladder;
mod lookup;
mod mixed;
mod output;
mod overlays;
mod preprocess;
mod progress;
mod scene_graph;
mod seek;
mod sources;
#[cfg(test)]
mod tests;
mod two_pass;
mod validate;

pub use copy::{SMART_CUT, STREAM_COPY};
pub use error::RenderError;
pub use ffmpeg::ffmpeg_program;
pub use lookup::sources_in_dir;
pub use output::ExtraOutput;
pub use progress::Progress;

use frameloom::plan::{AudioEncodeReason, AudioTreatment, TreatmentSummary};
use frameloom::project::Project;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// One render to do.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// The validated project.
    pub project: Project,
    /// Source id → the file on disk.
    pub sources: BTreeMap<String, PathBuf>,
    /// Where the file goes (its folder must exist; written under a temporary name first).
    pub output: PathBuf,
    /// ffmpeg thread budget for the whole render (0 counts as 1).
    pub threads: usize,
    /// Temporary space; the render works in a new folder inside it and removes it afterwards
    /// (and `work_dir` itself, when that leaves it empty).
    pub work_dir: PathBuf,
    /// Extra files made from the finished output (thumbnails, renditions, HLS).
    pub extra: Vec<ExtraOutput>,
}

/// What a finished render did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderStats {
    /// Video frames written.
    pub frames: u64,
    /// Wall-clock seconds the render took.
    pub seconds: f64,
    /// The ffmpeg video encoder used (`libx264`, `libvpx-vp9`, …, `gif`).
    pub encoder: String,
    /// Size of the output file in bytes.
    pub bytes: u64,
    /// How the video was made: `stream-copy` or `smart-cut` (source packets copied), `mixed`
    /// (some segments copied or smart-cut, the others encoded), else
    /// how the scenes were joined: `concat-copy`, `filter-concat` or `gif-palette`.
    pub fast_path: String,
    /// The plan's segment treatments: how many copy, smart-cut or encode, and why.
    pub treatments: TreatmentSummary,
    /// Why a copy or smart cut was made but dropped for a normal render (it failed validation).
    pub copy_fallback: Option<String>,
}

/// Renders `req`, blocking until done (call it from `spawn_blocking`). `progress` is called
/// on this thread; setting `cancel` stops the render promptly with [`RenderError::Cancelled`].
pub fn render(
    req: &RenderRequest,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<RenderStats, RenderError> {
    let started = std::time::Instant::now();
    let mut board = progress::Board::new();
    progress(board.report());
    let files = lookup::existing_files(&req.sources)?;
    let probed = sources::probe_all(&req.project, &files)?;
    let plan = frameloom::plan::build(&req.project, &probed.media).map_err(RenderError::Plan)?;
    let work = output::WorkDir::create(&req.work_dir)?;
    let quality = req.project.output.quality;
    let gif = req.project.output.gif.unwrap_or_default();
    progress(board.stage("overlays", 0.0, 0.02, &[]));
    let overlays = overlays::rasterize(&req.project, &plan, &files, &work.path, cancel)?;
    let threads = req.threads.max(1);
    let job = output::Job {
        plan: &plan,
        files: &files,
        probed: &probed,
        work: &work,
        threads,
        quality,
        gif,
        overlays: &overlays,
    };
    let (fast_path, bytes, copy_fallback) = job.run(&req.output, &mut board, progress, cancel)?;
    output::extras(&req.output, &req.extra, &plan, threads, cancel)?;
    let mut treatments = plan.treatments();
    // Only the fast path copies sound; the normal render mixes and encodes it.
    if ![STREAM_COPY, SMART_CUT, copy::MIXED].contains(&fast_path) && treatments.audio == AudioTreatment::COPY {
        treatments = treatments.with_audio(&AudioTreatment::Encode { reason: AudioEncodeReason::FullRender });
    }
    Ok(RenderStats {
        frames: plan.output.frame_count,
        seconds: started.elapsed().as_secs_f64(),
        encoder: output::encoder_name(plan.encoding.video.codec).to_owned(),
        bytes,
        fast_path: fast_path.to_owned(),
        treatments,
        copy_fallback,
    })
}
