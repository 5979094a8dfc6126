//! Live job events for `GET /jobs/{id}/events`: one broadcast channel per job that
//! remembers its last event, so a late subscriber first gets the current state.

use super::model::{Job, JobProgress, JobStatus};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::broadcast;

/// Events buffered per subscriber before a slow one skips ahead.
const CAPACITY: usize = 64;

/// One event in a job's stream.
#[derive(Debug, Clone)]
pub enum JobEvent {
    /// The job's progress changed.
    Progress(JobProgress),
    /// The job finished with this status; the value is the job as `GET /jobs/{id}` shows it.
    Finished(JobStatus, Value),
}

impl JobEvent {
    /// The final event for a finished job, from its record.
    pub fn finished(job: &Job) -> Self {
        JobEvent::Finished(job.status, job.to_json())
    }

    /// The SSE event name: `progress`, then one of `done`, `failed`, `cancelled`.
    pub fn name(&self) -> &'static str {
        match self {
            JobEvent::Progress(_) => "progress",
            JobEvent::Finished(JobStatus::Succeeded, _) => "done",
            JobEvent::Finished(JobStatus::Cancelled, _) => "cancelled",
            JobEvent::Finished(..) => "failed",
        }
    }

    /// The SSE data: the progress, or the finished job.
    pub fn data(&self) -> String {
        match self {
            JobEvent::Progress(p) => serde_json::to_string(p).unwrap_or_default(),
            JobEvent::Finished(_, job) => job.to_string(),
        }
    }

    /// True for the last event of a stream.
    pub fn is_final(&self) -> bool {
        matches!(self, JobEvent::Finished(..))
    }
}

struct Channel {
    tx: broadcast::Sender<JobEvent>,
    last: Mutex<Option<JobEvent>>,
}

/// Every live job's channel, by job id.
#[derive(Default)]
pub struct EventHub {
    channels: Mutex<HashMap<String, Arc<Channel>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl EventHub {
    fn channel(&self, id: &str) -> Arc<Channel> {
        let mut map = lock(&self.channels);
        let ch = map.entry(id.to_string()).or_insert_with(|| {
            let (tx, _) = broadcast::channel(CAPACITY);
            Arc::new(Channel { tx, last: Mutex::new(None) })
        });
        Arc::clone(ch)
    }

    /// Sends `event` to the job's subscribers and remembers it as the current state.
    pub fn publish(&self, id: &str, event: JobEvent) {
        let ch = self.channel(id);
        let mut last = lock(&ch.last);
        let _ = ch.tx.send(event.clone());
        *last = Some(event);
    }

    /// Sends the final event for a finished job and drops its channel (subscribers see it, then the end).
    pub fn finish(&self, job: &Job) {
        self.publish(&job.id, JobEvent::finished(job));
        lock(&self.channels).remove(&job.id);
    }

    /// The last event (if any) and a receiver for the ones after it, taken atomically.
    pub fn subscribe(&self, id: &str) -> (Option<JobEvent>, broadcast::Receiver<JobEvent>) {
        let ch = self.channel(id);
        let last = lock(&ch.last);
        (last.clone(), ch.tx.subscribe())
    }

    /// Drops channels of jobs that are not `live` and have no subscribers.
    pub fn prune(&self, live: impl Fn(&str) -> bool) {
        lock(&self.channels).retain(|id, ch| live(id) || ch.tx.receiver_count() > 0);
    }
}
