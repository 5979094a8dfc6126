//! The render job service: a persistent queue ([`store`]), a worker pool ([`pool`]),
//! live progress ([`events`]), counters ([`metrics`]) and a [`janitor`].
//!
//! Files live where [`Storage`] says: the queue in `jobs.sqlite3`, inputs in
//! `sources/<sha256>` (written by uploads), finished renders in `outputs/<id>.<ext>` and,
//! unless `--tmp-dir` moves it, a running job's scratch in `tmp/<id>/` (the renderer writes
//! `out.tmp.<ext>` there and the file is renamed into `outputs/` only once complete).
//! One server process owns a data dir at a time.

mod calibrate;
pub mod events;
pub mod janitor;
pub mod metrics;
pub mod model;
pub mod options;
pub mod pool;
pub mod store;
pub mod submit;

use crate::storage::Storage;
use events::EventHub;
use metrics::Metrics;
use model::{Job, JobStatus, now_ms};
use pool::Pool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use store::{JobStore, SqliteStore, StoreError};

/// A job is tried at most this many times (the first run plus 2 retries).
pub const MAX_ATTEMPTS: u32 = 3;

/// Settings of the job service, from `serve` flags.
#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// Scratch folder for running renders.
    pub tmp_dir: PathBuf,
    /// Concurrent renders.
    pub workers: usize,
    /// Queued jobs accepted before `POST /jobs` answers 429.
    pub max_queued: u64,
    /// How long finished jobs and their outputs are kept.
    pub output_ttl: Duration,
    /// How long unused source files are kept.
    pub source_ttl: Duration,
}

impl JobsConfig {
    /// The default worker count: one per two cores (ffmpeg uses several threads each), at least 1.
    pub fn default_workers() -> usize {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }
}

/// The job service shared by the HTTP handlers, the workers and the janitor.
pub struct Jobs {
    /// Settings.
    pub config: JobsConfig,
    /// The data dir.
    pub storage: Storage,
    /// The persistent queue.
    pub store: Arc<dyn JobStore>,
    /// Live progress channels.
    pub events: EventHub,
    /// Counters and throughput.
    pub metrics: Metrics,
    /// Running renders and the wake-up signal for idle workers.
    pub pool: Pool,
    /// False while the start-up encode (see `calibrate`) runs.
    calibration: tokio::sync::watch::Sender<bool>,
}

/// What `DELETE /jobs/{id}` did.
pub enum Cancelled {
    /// No such job.
    NotFound,
    /// The queued or running job is now cancelled (a running render was stopped).
    Stopped(Box<Job>),
    /// The finished job and its output were removed.
    Removed,
}

impl Jobs {
    /// Opens the queue in the data dir, requeuing jobs a previous process left running.
    pub fn open(config: JobsConfig, storage: Storage) -> Result<Arc<Jobs>, String> {
        let tmp_dir = &config.tmp_dir;
        std::fs::create_dir_all(tmp_dir).map_err(|e| format!("cannot create {}: {e}", tmp_dir.display()))?;
        janitor::stop_orphans(tmp_dir);
        let db = storage.jobs_db();
        let store = SqliteStore::open(&db).map_err(|e| format!("cannot open {}: {e}", db.display()))?;
        // No process runs this data dir's jobs but this one, so every `running` row is stale.
        let requeued = store.requeue_stale(i64::MAX, MAX_ATTEMPTS, now_ms()).map_err(|e| e.to_string())?;
        if requeued > 0 {
            tracing::info!("requeued {requeued} job(s) interrupted by the last shutdown");
        }
        let workers = config.workers.max(1);
        Ok(Arc::new(Jobs {
            config,
            storage,
            store: Arc::new(store),
            events: EventHub::default(),
            metrics: Metrics::default(),
            pool: Pool::new(workers),
            calibration: tokio::sync::watch::Sender::new(true),
        }))
    }

    /// Starts the workers on the current tokio runtime, and measures the encoding speed
    /// `/capacity` reports until the first job finishes (see `calibrate`).
    pub fn start(self: &Arc<Self>) {
        for _ in 0..self.pool.workers() {
            tokio::spawn(pool::worker(Arc::clone(self)));
        }
        let jobs = Arc::clone(self);
        self.calibration.send_replace(false);
        tokio::task::spawn_blocking(move || {
            if let Some(c) = calibrate::measure() {
                jobs.metrics.calibrated(c.megapixels, c.seconds, c.setup_seconds);
            }
            jobs.calibration.send_replace(true);
        });
    }

    /// True once the start-up encode is done (its figures are in the throughput).
    pub fn is_calibrated(&self) -> bool {
        *self.calibration.borrow()
    }

    /// Waits up to `wait` for the start-up encode to finish, so a fresh server's first
    /// `/capacity` reports a measured throughput (and the encode does not slow its first job).
    pub async fn calibrated(&self, wait: Duration) {
        let mut done = self.calibration.subscribe();
        let _ = tokio::time::timeout(wait, done.wait_for(|done| *done)).await;
    }

    /// A job's scratch folder.
    pub fn work_dir(&self, id: &str) -> PathBuf {
        self.config.tmp_dir.join(id)
    }

    /// Cancels a queued or running job (stopping its ffmpeg), or removes a finished one.
    pub async fn cancel(&self, id: &str) -> Result<Cancelled, StoreError> {
        let Some(before) = self.store.cancel(id, now_ms())? else {
            return Ok(Cancelled::NotFound);
        };
        if before.is_finished() {
            if let Some(out) = self.store.get(id)?.and_then(|j| j.output) {
                self.remove_outputs(id, &out.ext);
            }
            self.store.delete(id)?;
            return Ok(Cancelled::Removed);
        }
        self.metrics.cancelled();
        if before == JobStatus::Running {
            self.pool.stop(id, Duration::from_secs(10)).await;
        }
        let job = self.store.get(id)?.ok_or_else(|| StoreError::gone(id))?;
        self.events.finish(&job);
        Ok(Cancelled::Stopped(Box::new(job)))
    }
}

impl Jobs {
    /// Removes a job's output file and the folder of its other files.
    pub fn remove_outputs(&self, id: &str, ext: &str) {
        remove_file(&self.storage.output(id, ext));
        remove_file(&self.storage.output_files(id));
    }
}

/// Removes a file or a folder with everything in it, ignoring "not found" and logging anything else.
pub fn remove_file(path: &Path) {
    let removed = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    if let Err(e) = removed {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("cannot remove {}: {e}", path.display());
        }
    }
}
