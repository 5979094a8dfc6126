//! Where jobs live: the [`JobStore`] trait and its embedded SQLite backend.
//!
//! The queue is the `jobs` table: workers claim the oldest queued row with one atomic
//! `UPDATE … RETURNING`, renew a lease while they render, and finish the row. After a
//! crash, [`JobStore::requeue_stale`] puts rows whose lease ran out back in the queue.
//! Another backend (Postgres, Redis) implements the same trait.

use super::model::{Job, JobError, JobOutput, JobProgress, JobStatus};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A job store failure (the database is unreadable, full, locked, ...).
#[derive(Debug, thiserror::Error)]
#[error("job store: {0}")]
pub struct StoreError(String);

impl StoreError {
    /// The error for a job that vanished between two steps (e.g. removed concurrently).
    pub fn gone(id: &str) -> Self {
        StoreError(format!("job {id} disappeared while being updated"))
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "job_store"
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// Outcome of [`JobStore::insert`].
#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    /// The job is queued.
    Queued,
    /// The queue already holds `max_queued` jobs; nothing was stored.
    QueueFull,
}

/// How many jobs wait and run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Jobs waiting for a worker.
    pub queued: u64,
    /// Jobs being rendered.
    pub running: u64,
}

/// Persistent job queue and job records.
pub trait JobStore: Send + Sync {
    /// Stores a new queued job using the files `source_hashes`, unless `max_queued` jobs already wait.
    fn insert(&self, job: &Job, source_hashes: &[String], max_queued: u64) -> Result<Inserted, StoreError>;
    /// The job with this id.
    fn get(&self, id: &str) -> Result<Option<Job>, StoreError>;
    /// Atomically marks the oldest queued job running (attempts + 1, lease until `lease_until`).
    fn claim_next(&self, now: i64, lease_until: i64) -> Result<Option<Job>, StoreError>;
    /// Records progress of a running job and extends its lease; false if it is no longer running (cancelled).
    fn heartbeat(&self, id: &str, progress: &JobProgress, lease_until: i64) -> Result<bool, StoreError>;
    /// Marks a running job succeeded; false if it was no longer running (e.g. cancelled).
    fn complete(&self, id: &str, output: &JobOutput, now: i64) -> Result<bool, StoreError>;
    /// Marks a running job failed; false if it was no longer running.
    fn fail(&self, id: &str, error: &JobError, now: i64) -> Result<bool, StoreError>;
    /// Puts a running job back in the queue for a retry, keeping `error` as the last failure.
    fn retry(&self, id: &str, error: &JobError) -> Result<bool, StoreError>;
    /// Cancels a queued or running job; returns the status it had before (None: no such job).
    fn cancel(&self, id: &str, now: i64) -> Result<Option<JobStatus>, StoreError>;
    /// Removes a job record.
    fn delete(&self, id: &str) -> Result<bool, StoreError>;
    /// Requeues running jobs whose lease ended before `cutoff`, failing those already tried `max_attempts` times.
    fn requeue_stale(&self, cutoff: i64, max_attempts: u32, now: i64) -> Result<u64, StoreError>;
    /// Queue depth and running count.
    fn counts(&self) -> Result<Counts, StoreError>;
    /// Finished jobs that finished before `before`.
    fn finished_before(&self, before: i64) -> Result<Vec<Job>, StoreError>;
    /// SHA-256s of the sources of every queued or running job.
    fn sources_in_use(&self) -> Result<HashSet<String>, StoreError>;
}

/// The embedded backend: one SQLite file (WAL mode) behind a mutex.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    project TEXT NOT NULL,
    sources TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    progress TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    lease_until INTEGER,
    output_bytes INTEGER,
    output_ext TEXT,
    options TEXT,
    output_files TEXT,
    stats TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status, finished_at);
";

/// Columns added after the first release, added to older databases when opened.
const ADDED_COLUMNS: &[&str] = &["options", "output_files", "stats"];

const COLUMNS: &str = "id, status, project, attempts, error, progress, created_at, started_at, finished_at, output_bytes, output_ext, options, output_files, stats";

impl SqliteStore {
    /// Opens (creating if needed) the job database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        for column in ADDED_COLUMNS {
            let present: i64 =
                conn.query_row("SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = ?1", [column], |r| {
                    r.get(0)
                })?;
            if present == 0 {
                conn.execute_batch(&format!("ALTER TABLE jobs ADD COLUMN {column} TEXT"))?;
            }
        }
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: every write is one statement.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Reads a row selected with [`COLUMNS`].
fn job_from_row(row: &Row<'_>) -> rusqlite::Result<Job> {
    let status: String = row.get(1)?;
    let error: Option<String> = row.get(4)?;
    let progress: Option<String> = row.get(5)?;
    let output_bytes: Option<i64> = row.get(9)?;
    let output_ext: Option<String> = row.get(10)?;
    let options: Option<String> = row.get(11)?;
    let files: Option<String> = row.get(12)?;
    let files: Vec<String> = files.and_then(|f| serde_json::from_str(&f).ok()).unwrap_or_default();
    let stats: Option<String> = row.get(13)?;
    let stats = stats.and_then(|s| serde_json::from_str(&s).ok());
    Ok(Job {
        id: row.get(0)?,
        status: JobStatus::parse(&status).unwrap_or(JobStatus::Failed),
        project: row.get(2)?,
        attempts: row.get(3)?,
        error: error.and_then(|e| serde_json::from_str(&e).ok()),
        progress: progress.and_then(|p| serde_json::from_str(&p).ok()),
        created_at: row.get(6)?,
        started_at: row.get(7)?,
        finished_at: row.get(8)?,
        output: output_bytes.zip(output_ext).map(|(b, ext)| JobOutput { bytes: b.max(0) as u64, ext, files, stats }),
        options: options.and_then(|o| serde_json::from_str(&o).ok()).unwrap_or_default(),
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl JobStore for SqliteStore {
    fn insert(&self, job: &Job, source_hashes: &[String], max_queued: u64) -> Result<Inserted, StoreError> {
        let conn = self.conn();
        let queued: i64 = conn.query_row("SELECT COUNT(*) FROM jobs WHERE status = 'queued'", [], |r| r.get(0))?;
        if queued.max(0) as u64 >= max_queued {
            return Ok(Inserted::QueueFull);
        }
        conn.execute(
            "INSERT INTO jobs (id, status, project, sources, attempts, created_at, options) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
            params![job.id, job.status.as_str(), job.project, source_hashes.join(" "), job.created_at, to_json(&job.options)],
        )?;
        Ok(Inserted::Queued)
    }

    fn get(&self, id: &str) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1");
        Ok(self.conn().query_row(&sql, [id], job_from_row).optional()?)
    }

    fn claim_next(&self, now: i64, lease_until: i64) -> Result<Option<Job>, StoreError> {
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?1, lease_until = ?2, progress = NULL
             WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY rowid LIMIT 1) RETURNING {COLUMNS}"
        );
        Ok(self.conn().query_row(&sql, params![now, lease_until], job_from_row).optional()?)
    }

    fn heartbeat(&self, id: &str, progress: &JobProgress, lease_until: i64) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE jobs SET progress = ?2, lease_until = ?3 WHERE id = ?1 AND status = 'running'",
            params![id, to_json(progress), lease_until],
        )?;
        Ok(n == 1)
    }

    fn complete(&self, id: &str, output: &JobOutput, now: i64) -> Result<bool, StoreError> {
        let done = JobProgress { stage: "done".into(), fraction: 1.0, fps: 0.0, eta_seconds: Some(0.0) };
        let n = self.conn().execute(
            "UPDATE jobs SET status = 'succeeded', finished_at = ?2, output_bytes = ?3, output_ext = ?4, progress = ?5, error = NULL, lease_until = NULL, output_files = ?6, stats = ?7
             WHERE id = ?1 AND status = 'running'",
            params![id, now, output.bytes as i64, output.ext, to_json(&done), to_json(&output.files), output.stats.as_ref().map(to_json)],
        )?;
        Ok(n == 1)
    }

    fn fail(&self, id: &str, error: &JobError, now: i64) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE jobs SET status = 'failed', finished_at = ?2, error = ?3, lease_until = NULL WHERE id = ?1 AND status = 'running'",
            params![id, now, to_json(error)],
        )?;
        Ok(n == 1)
    }

    fn retry(&self, id: &str, error: &JobError) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE jobs SET status = 'queued', error = ?2, progress = NULL, lease_until = NULL WHERE id = ?1 AND status = 'running'",
            params![id, to_json(error)],
        )?;
        Ok(n == 1)
    }

    fn cancel(&self, id: &str, now: i64) -> Result<Option<JobStatus>, StoreError> {
        let conn = self.conn();
        let before: Option<String> =
            conn.query_row("SELECT status FROM jobs WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let before = before.and_then(|s| JobStatus::parse(&s));
        if matches!(before, Some(JobStatus::Queued | JobStatus::Running)) {
            conn.execute(
                "UPDATE jobs SET status = 'cancelled', finished_at = ?2, lease_until = NULL WHERE id = ?1",
                params![id, now],
            )?;
        }
        Ok(before)
    }

    fn delete(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.conn().execute("DELETE FROM jobs WHERE id = ?1", [id])? == 1)
    }

    fn requeue_stale(&self, cutoff: i64, max_attempts: u32, now: i64) -> Result<u64, StoreError> {
        let conn = self.conn();
        let gave_up = JobError {
            code: "interrupted".into(),
            message: format!("the server stopped during each of {max_attempts} attempts to render this job"),
            stderr_tail: None,
        };
        conn.execute(
            "UPDATE jobs SET status = 'failed', finished_at = ?3, error = ?4, lease_until = NULL
             WHERE status = 'running' AND lease_until < ?1 AND attempts >= ?2",
            params![cutoff, max_attempts, now, to_json(&gave_up)],
        )?;
        let n = conn.execute(
            "UPDATE jobs SET status = 'queued', progress = NULL, lease_until = NULL WHERE status = 'running' AND lease_until < ?1",
            [cutoff],
        )?;
        Ok(n as u64)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT status, COUNT(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY status",
        )?;
        let mut counts = Counts::default();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64)))? {
            match row? {
                (s, n) if s == "queued" => counts.queued = n,
                (_, n) => counts.running = n,
            }
        }
        Ok(counts)
    }

    fn finished_before(&self, before: i64) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < ?1"
        );
        let mut stmt = conn.prepare(&sql)?;
        let jobs = stmt.query_map([before], job_from_row)?.collect::<Result<_, _>>()?;
        Ok(jobs)
    }

    fn sources_in_use(&self) -> Result<HashSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT sources FROM jobs WHERE status IN ('queued', 'running')")?;
        let mut set = HashSet::new();
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            set.extend(row?.split_whitespace().map(String::from));
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::model::JobStats;

    fn job(id: &str) -> Job {
        Job {
            id: id.into(),
            status: JobStatus::Queued,
            project: "{}".into(),
            attempts: 0,
            error: None,
            progress: None,
            created_at: 1,
            started_at: None,
            finished_at: None,
            output: None,
            options: Default::default(),
        }
    }

    fn store() -> (SqliteStore, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!(
            "frameloom-store-{}-{:?}.sqlite3",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_file(&path);
        (SqliteStore::open(&path).unwrap(), path)
    }

    #[test]
    fn claims_in_order_bounds_the_queue_and_survives_reopen() {
        let (s, path) = store();
        assert_eq!(s.insert(&job("a"), &["h1".into()], 2).unwrap(), Inserted::Queued);
        assert_eq!(s.insert(&job("b"), &["h2".into()], 2).unwrap(), Inserted::Queued);
        assert_eq!(s.insert(&job("c"), &[], 2).unwrap(), Inserted::QueueFull);
        let a = s.claim_next(10, 20).unwrap().unwrap();
        assert_eq!((a.id.as_str(), a.status, a.attempts, a.started_at), ("a", JobStatus::Running, 1, Some(10)));
        assert_eq!(s.sources_in_use().unwrap(), HashSet::from(["h1".to_string(), "h2".to_string()]));
        let counts = s.counts().unwrap();
        assert_eq!((counts.queued, counts.running), (1, 1));
        drop(s);
        // A crash leaves `a` running; reopening and requeuing puts it back first in line.
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.requeue_stale(i64::MAX, 3, 30).unwrap(), 1);
        let again = s.claim_next(40, 50).unwrap().unwrap();
        assert_eq!((again.id.as_str(), again.attempts), ("a", 2));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn finishing_only_applies_to_running_jobs() {
        let (s, path) = store();
        s.insert(&job("a"), &[], 10).unwrap();
        assert_eq!(s.cancel("a", 5).unwrap(), Some(JobStatus::Queued));
        assert!(s.claim_next(6, 7).unwrap().is_none(), "a cancelled job is never claimed");
        let stats = JobStats {
            frames: 30,
            seconds: 0.5,
            encoder: "libx264".into(),
            fast_path: "mixed".into(),
            treatments: Default::default(),
            copy_fallback: None,
        };
        let out = JobOutput { bytes: 3, ext: "mp4".into(), files: vec!["thumbnail.png".into()], stats: Some(stats) };
        assert!(!s.complete("a", &out, 8).unwrap(), "cancelled stays cancelled");
        s.insert(&job("b"), &[], 10).unwrap();
        s.claim_next(9, 10).unwrap();
        let progress = JobProgress { stage: "encode".into(), fraction: 0.5, fps: 30.0, eta_seconds: Some(1.0) };
        assert!(s.heartbeat("b", &progress, 99).unwrap());
        assert_eq!(s.get("b").unwrap().unwrap().progress, Some(progress.clone()));
        let err = JobError { code: "io".into(), message: "m".into(), stderr_tail: None };
        assert!(s.retry("b", &err).unwrap());
        assert!(!s.heartbeat("b", &progress, 99).unwrap(), "a requeued job takes no heartbeats");
        s.claim_next(11, 12).unwrap();
        assert!(s.complete("b", &out, 13).unwrap());
        let b = s.get("b").unwrap().unwrap();
        assert_eq!((b.status, b.attempts, b.output, b.error), (JobStatus::Succeeded, 2, Some(out), None));
        assert_eq!(s.finished_before(14).unwrap().len(), 2);
        assert!(s.delete("a").unwrap() && s.get("a").unwrap().is_none());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn opens_a_database_made_before_stats_were_stored() {
        let path = std::env::temp_dir().join(format!("frameloom-store-old-{}.sqlite3", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let old = Connection::open(&path).unwrap();
        let first_schema = SCHEMA.replace(",\n    stats TEXT", "");
        assert!(!first_schema.contains("stats"));
        old.execute_batch(&first_schema).unwrap();
        old.execute(
            "INSERT INTO jobs (id, status, project, sources, created_at, finished_at, output_bytes, output_ext)
             VALUES ('a', 'succeeded', '{}', '', 1, 2, 3, 'mp4')",
            [],
        )
        .unwrap();
        drop(old);
        let s = SqliteStore::open(&path).unwrap();
        let a = s.get("a").unwrap().unwrap();
        assert_eq!(a.output, Some(JobOutput { bytes: 3, ext: "mp4".into(), files: Vec::new(), stats: None }));
        assert!(a.to_json().get("stats").is_none());
        drop(s);
        SqliteStore::open(&path).unwrap(); // the added column is not added twice
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn gives_up_after_max_attempts_of_interrupted_runs() {
        let (s, path) = store();
        s.insert(&job("a"), &[], 10).unwrap();
        for _ in 0..3 {
            s.claim_next(1, 2).unwrap().unwrap();
            s.requeue_stale(i64::MAX, 3, 5).unwrap();
        }
        let a = s.get("a").unwrap().unwrap();
        assert_eq!(a.status, JobStatus::Failed);
        assert_eq!(a.error.map(|e| e.code), Some("interrupted".to_string()));
        let _ = std::fs::remove_file(&path);
    }
}
