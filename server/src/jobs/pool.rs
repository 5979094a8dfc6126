//! The worker pool: N workers claim jobs from the store and render them on blocking threads,
//! each ffmpeg capped at `max(1, cores / N)` threads.
//!
//! Retries: a failure is retried (up to [`MAX_ATTEMPTS`] runs in all) only when it may pass by
//! itself: an I/O error, or ffmpeg killed by a signal (e.g. the OOM killer). Everything else is
//! deterministic and fails the job at once: an invalid project, ffmpeg exiting with an error
//! code (bad input, unsupported feature), a missing source, and a full disk (retrying would only
//! fill it again; the error says to free space).

use super::events::JobEvent;
use super::model::{Job, JobError, JobOutput, JobProgress, JobStats, now_ms};
use super::{Jobs, MAX_ATTEMPTS, remove_file};
use crate::render::{self, RenderError, RenderRequest, RenderStats};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, watch};

/// How long a claimed job stays ours without a heartbeat.
const LEASE_MS: i64 = 30_000;
/// How often progress is written to the store (and the lease renewed).
const HEARTBEAT: Duration = Duration::from_secs(1);

/// A render in progress: its cancel flag and a signal raised when it has stopped.
struct Run {
    cancel: Arc<AtomicBool>,
    done: watch::Sender<bool>,
}

/// Running renders and the wake-up signal of idle workers.
pub struct Pool {
    workers: usize,
    threads_per_job: usize,
    wake: Notify,
    running: Mutex<HashMap<String, Arc<Run>>>,
}

impl Pool {
    /// A pool of `workers` workers sharing the machine's cores.
    pub fn new(workers: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Pool { workers, threads_per_job: (cores / workers).max(1), wake: Notify::new(), running: Mutex::default() }
    }

    /// The number of workers.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Wakes one idle worker (a job was queued).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// True while this process renders job `id`.
    pub fn is_running(&self, id: &str) -> bool {
        self.lock().contains_key(id)
    }

    /// Asks the render of `id` to stop and waits (up to `wait`) until its ffmpeg is gone.
    pub async fn stop(&self, id: &str, wait: Duration) {
        let Some(run) = self.lock().get(id).cloned() else { return };
        let mut done = run.done.subscribe();
        run.cancel.store(true, Ordering::Relaxed);
        let _ = tokio::time::timeout(wait, done.wait_for(|d| *d)).await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Run>>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One worker: claims and renders jobs until the process ends.
pub async fn worker(jobs: Arc<Jobs>) {
    loop {
        let now = now_ms();
        match jobs.store.claim_next(now, now + LEASE_MS) {
            Ok(Some(job)) => run(&jobs, job).await,
            Ok(None) => {
                let _ = tokio::time::timeout(Duration::from_secs(1), jobs.pool.wake.notified()).await;
            }
            Err(e) => {
                tracing::error!("worker cannot claim a job: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Renders one claimed job and records the outcome.
async fn run(jobs: &Arc<Jobs>, job: Job) {
    let id = job.id.clone();
    let run = Arc::new(Run { cancel: Arc::default(), done: watch::channel(false).0 });
    jobs.pool.lock().insert(id.clone(), Arc::clone(&run));
    jobs.events.publish(&id, JobEvent::Progress(JobProgress { stage: "starting".into(), ..JobProgress::queued() }));
    let task = {
        let (jobs, job, cancel) = (Arc::clone(jobs), job.clone(), Arc::clone(&run.cancel));
        tokio::task::spawn_blocking(move || render_job(&jobs, &job, &cancel))
    };
    let result = task.await.unwrap_or_else(|e| Err(RenderError::Io(format!("the renderer stopped unexpectedly: {e}"))));
    if let Err(e) = record(jobs, &job, result) {
        tracing::error!("job {id}: cannot record the outcome: {e}");
    }
    let _ = std::fs::remove_dir_all(jobs.work_dir(&id));
    jobs.pool.lock().remove(&id);
    run.done.send_replace(true);
}

/// Stores the outcome of a render: success, retry, failure, or (cancelled) nothing.
fn record(
    jobs: &Jobs,
    job: &Job,
    result: Result<(RenderStats, JobOutput, f64), RenderError>,
) -> Result<(), super::store::StoreError> {
    let (store, now) = (&jobs.store, now_ms());
    match result {
        Ok((stats, output, megapixels)) => {
            if store.complete(&job.id, &output, now)? {
                tracing::info!(
                    "job {}: {} frames in {:.2} s with {} (fast path: {}), {} bytes",
                    job.id,
                    stats.frames,
                    stats.seconds,
                    stats.encoder,
                    stats.fast_path,
                    stats.bytes
                );
                jobs.metrics.succeeded(megapixels, stats.seconds);
                if let Some(done) = store.get(&job.id)? {
                    jobs.events.finish(&done);
                }
            } else {
                // Cancelled while finishing: the output must not outlive the job.
                jobs.remove_outputs(&job.id, &output.ext);
            }
        }
        Err(RenderError::Cancelled) => {}
        Err(e) => {
            let error = job_error(&e);
            if is_transient(&e) && job.attempts < MAX_ATTEMPTS {
                tracing::warn!("job {}: attempt {} failed ({e}); retrying", job.id, job.attempts);
                if store.retry(&job.id, &error)? {
                    jobs.metrics.retried();
                    jobs.events.publish(&job.id, JobEvent::Progress(JobProgress::queued()));
                    jobs.pool.wake();
                }
            } else if store.fail(&job.id, &error, now)? {
                jobs.metrics.failed();
                if let Some(failed) = store.get(&job.id)? {
                    jobs.events.finish(&failed);
                }
            }
        }
    }
    Ok(())
}

/// True for failures that may pass on a retry (see the module docs).
fn is_transient(e: &RenderError) -> bool {
    matches!(e, RenderError::Io(_) | RenderError::Ffmpeg { exit_code: None, .. })
}

/// The API form of a render error.
fn job_error(e: &RenderError) -> JobError {
    let stderr_tail = match e {
        RenderError::Ffmpeg { stderr_tail, .. } => Some(stderr_tail.clone()),
        _ => None,
    };
    JobError { code: e.code().to_string(), message: e.to_string(), stderr_tail }
}

/// Runs on a blocking thread: renders into the scratch folder, then moves the file into `outputs/`.
/// Returns the stats, the output, and the megapixels rendered.
fn render_job(jobs: &Jobs, job: &Job, cancel: &AtomicBool) -> Result<(RenderStats, JobOutput, f64), RenderError> {
    let project = frameloom::project::validate(&job.project).map_err(|errs| {
        RenderError::Unsupported(format!("the stored project no longer validates: {} problem(s)", errs.len()))
    })?;
    let mut sources = BTreeMap::new();
    for (id, source) in &project.sources {
        let path = source.sha256.as_deref().and_then(|sha| jobs.storage.existing_source(sha));
        let path =
            path.ok_or_else(|| RenderError::Unsupported(format!("the file of source {id} is gone; upload it again")))?;
        sources.insert(id.clone(), path);
    }
    let ext = project.output.format.as_str();
    let work_dir = jobs.work_dir(&job.id);
    // A fresh folder: an ffmpeg orphaned by a crash may still hold the old files open.
    let _ = std::fs::remove_dir_all(&work_dir);
    std::fs::create_dir_all(&work_dir).map_err(|e| io_error(&work_dir, &e))?;
    let tmp = work_dir.join(format!("out.tmp.{ext}"));
    let files_dir = work_dir.join("files");
    if job.options.has_files() {
        std::fs::create_dir_all(&files_dir).map_err(|e| io_error(&files_dir, &e))?;
    }
    let megapixels = f64::from(project.output.width) * f64::from(project.output.height) / 1e6;
    let req = RenderRequest {
        project,
        sources,
        output: tmp.clone(),
        threads: jobs.pool.threads_per_job,
        extra: job.options.extras(&files_dir),
        work_dir,
    };
    let mut last_beat: Option<Instant> = None;
    let mut on_progress = |p: render::Progress| {
        let progress =
            JobProgress { stage: p.stage.to_string(), fraction: p.fraction, fps: p.fps, eta_seconds: p.eta_seconds };
        if last_beat.is_none_or(|t| t.elapsed() >= HEARTBEAT) {
            last_beat = Some(Instant::now());
            // A job no longer `running` in the store was cancelled (possibly by another process).
            if let Ok(false) = jobs.store.heartbeat(&job.id, &progress, now_ms() + LEASE_MS) {
                cancel.store(true, Ordering::Relaxed);
            }
        }
        jobs.events.publish(&job.id, JobEvent::Progress(progress));
    };
    let stats = render::render(&req, &mut on_progress, cancel)?;
    // Copied frames cost bytes, not pixels: only renders that encoded their frames tell the
    // encoder's throughput (`/capacity`).
    let copied = [render::STREAM_COPY, render::SMART_CUT].contains(&stats.fast_path.as_str());
    let rendered = if copied { 0.0 } else { megapixels * stats.frames as f64 };
    let files = if job.options.has_files() {
        let dest = jobs.storage.output_files(&job.id);
        publish_output(&files_dir, &dest)?;
        listing(&dest)
    } else {
        Vec::new()
    };
    let final_path = jobs.storage.output(&job.id, ext);
    publish_output(&tmp, &final_path)?;
    let bytes = std::fs::metadata(&final_path).map_err(|e| io_error(&final_path, &e))?.len();
    let output = JobOutput { bytes, ext: ext.to_string(), files, stats: Some(job_stats(&stats)) };
    Ok((RenderStats { bytes, ..stats }, output, rendered))
}

/// The stats kept with the job.
fn job_stats(stats: &RenderStats) -> JobStats {
    JobStats {
        frames: stats.frames,
        seconds: stats.seconds,
        encoder: stats.encoder.clone(),
        fast_path: stats.fast_path.clone(),
        treatments: stats.treatments.clone(),
        copy_fallback: stats.copy_fallback.clone(),
    }
}

/// The files a job offers besides its output: the top-level files of its folder and the HLS
/// master playlist (segments and media playlists are reached through it), sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    if dir.join("hls").join(render::hls::MASTER).is_file() {
        names.push(format!("hls/{}", render::hls::MASTER));
    }
    names.sort();
    names
}

/// Moves a finished temp file (or folder) to its final name so a partial one is never visible
/// there (copying through a `.part` name when the scratch folder is on another file system).
fn publish_output(tmp: &Path, dest: &Path) -> Result<(), RenderError> {
    if tmp.is_dir() {
        let _ = std::fs::remove_dir_all(dest); // left by an interrupted earlier attempt
    }
    if std::fs::rename(tmp, dest).is_ok() {
        return Ok(());
    }
    let part = dest.with_extension("part");
    let copied = copy_all(tmp, &part).and_then(|()| std::fs::rename(&part, dest));
    copied.map_err(|e| {
        remove_file(&part);
        io_error(dest, &e)
    })
}

/// Copies a file, or a folder with everything in it.
fn copy_all(from: &Path, to: &Path) -> std::io::Result<()> {
    if !from.is_dir() {
        return std::fs::copy(from, to).map(drop);
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        copy_all(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}

/// An I/O error as a render error; a full disk gets its own, clear error.
fn io_error(path: &Path, e: &std::io::Error) -> RenderError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        RenderError::DiskFull(format!("writing {}", path.display()))
    } else {
        RenderError::Io(format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_failures_that_may_pass() {
        assert!(is_transient(&RenderError::Io("reset".into())));
        assert!(is_transient(&RenderError::Ffmpeg { exit_code: None, stderr_tail: String::new() }));
        assert!(!is_transient(&RenderError::Ffmpeg { exit_code: Some(1), stderr_tail: String::new() }));
        assert!(!is_transient(&RenderError::DiskFull("x".into())));
        assert!(!is_transient(&RenderError::Cancelled));
        let e = job_error(&RenderError::Ffmpeg { exit_code: Some(1), stderr_tail: "bad input".into() });
        assert_eq!((e.code.as_str(), e.stderr_tail.as_deref()), ("ffmpeg_failed", Some("bad input")));
    }
}
