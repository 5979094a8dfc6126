//! `POST /jobs`: checking a project and its source files, then queuing it.

use super::Jobs;
use super::model::{Job, JobStatus, new_id, now_ms};
use super::options::{JobOptions, OptionsError};
use super::store::{Inserted, StoreError};
use frameloom::project::{self, ValidationError};
use serde::Serialize;

/// A source whose file the server does not have.
#[derive(Debug, Clone, Serialize)]
pub struct MissingSource {
    /// The source id in the project.
    pub id: String,
    /// The SHA-256 the project names (None: the project gives none, so the file cannot be found).
    pub sha256: Option<String>,
}

/// Why a job was not queued.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The project is not a valid v1 project.
    #[error("the project is invalid ({} problem(s))", .0.len())]
    Invalid(Vec<ValidationError>),
    /// Some sources have no `sha256`, or no uploaded file with that hash.
    #[error("upload these sources first (or give their sha256): {}", list(.0))]
    MissingSources(Vec<MissingSource>),
    /// The queue is full; try again after the given seconds.
    #[error("the queue is full ({max} jobs wait); retry in {retry_after} s")]
    QueueFull {
        /// The queue bound.
        max: u64,
        /// Seconds until a retry is likely to succeed.
        retry_after: u64,
    },
    /// The query string asks for something the server cannot make.
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// The job store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No randomness for an id, or another internal failure.
    #[error("{0}")]
    Internal(String),
}

impl SubmitError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SubmitError::Invalid(_) => "invalid_project",
            SubmitError::MissingSources(_) => "missing_sources",
            SubmitError::QueueFull { .. } => "queue_full",
            SubmitError::Options(e) => e.code(),
            SubmitError::Store(e) => e.code(),
            SubmitError::Internal(_) => "internal",
        }
    }
}

fn list(missing: &[MissingSource]) -> String {
    let names: Vec<String> =
        missing.iter().map(|m| format!("{} ({})", m.id, m.sha256.as_deref().unwrap_or("no sha256 given"))).collect();
    names.join(", ")
}

impl Jobs {
    /// Validates `json` and `options`, checks every source file is present, and queues the job.
    pub fn submit(&self, json: &str, options: JobOptions) -> Result<Job, SubmitError> {
        let project = project::validate(json).map_err(SubmitError::Invalid)?;
        options.check(&project)?;
        let mut missing = Vec::new();
        let mut hashes = Vec::new();
        for (id, source) in &project.sources {
            match &source.sha256 {
                Some(sha) if self.storage.existing_source(sha).is_some() => hashes.push(sha.clone()),
                sha => missing.push(MissingSource { id: id.clone(), sha256: sha.clone() }),
            }
        }
        if !missing.is_empty() {
            return Err(SubmitError::MissingSources(missing));
        }
        let project = serde_json::to_string(&project).map_err(|e| SubmitError::Internal(e.to_string()))?;
        let job = Job {
            id: new_id().map_err(SubmitError::Internal)?,
            status: JobStatus::Queued,
            project,
            attempts: 0,
            error: None,
            progress: None,
            created_at: now_ms(),
            started_at: None,
            finished_at: None,
            output: None,
            options,
        };
        match self.store.insert(&job, &hashes, self.config.max_queued)? {
            Inserted::Queued => {
                self.pool.wake();
                Ok(job)
            }
            Inserted::QueueFull => {
                Err(SubmitError::QueueFull { max: self.config.max_queued, retry_after: self.retry_after() })
            }
        }
    }

    /// Seconds until a worker is likely free: the queue's share per worker times the recent mean render time.
    pub fn estimated_wait_seconds(&self, queued: u64) -> f64 {
        let mean = self.metrics.throughput().mean_seconds.unwrap_or(5.0);
        (queued as f64 / self.pool.workers() as f64).ceil() * mean
    }

    /// The `Retry-After` for a full queue: the time for one round of workers, 1–300 s.
    fn retry_after(&self) -> u64 {
        let mean = self.metrics.throughput().mean_seconds.unwrap_or(5.0);
        (mean.ceil() as u64).clamp(1, 300)
    }
}
