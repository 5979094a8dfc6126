//! The bounded pool the render's independent ffmpeg jobs run on: each scene and the audio mix
//! is rendered to its own intermediate in parallel, at most `workers` at once.
//!
//! A scene's layers are normalized (source rate to the output grid, size, rotation, trim and
//! speed) inside its one filter graph, so layers need no separate pre-render; the pool's unit
//! is the scene. Each job gets an equal share of the `threads` budget. The first failure stops
//! the others (their ffmpeg is killed) and is returned; so is a cancellation.

use super::error::RenderError;
use super::ffmpeg;
use super::progress::Snapshot;
use std::ffi::OsString;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};

/// How many jobs run at once for a `threads` budget: one per two threads, at least one, at most four.
pub fn workers_for(threads: usize, jobs: usize) -> usize {
    (threads / 2).clamp(1, 4).min(jobs.max(1))
}

/// The `-threads` of each job when `workers` share `threads`.
pub fn threads_per_job(threads: usize, workers: usize) -> usize {
    (threads / workers.max(1)).max(1)
}

/// Runs every argv in `jobs` with ffmpeg, `workers` at a time; `on_progress(job, snapshot)` is
/// called on this thread. Returns the first error (others are stopped) or `Cancelled`.
pub fn run_all(
    jobs: &[Vec<OsString>],
    workers: usize,
    cancel: &AtomicBool,
    on_progress: &mut dyn FnMut(usize, &Snapshot),
) -> Result<(), RenderError> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<RenderError>> = Mutex::new(None);
    let stop = || cancel.load(Ordering::Relaxed) || failed.load(Ordering::Relaxed);
    let (tx, rx) = mpsc::channel::<(usize, Snapshot)>();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let tx = tx.clone();
            let (next, failed, first_error, stop) = (&next, &failed, &first_error, &stop);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(argv) = jobs.get(i) else { break };
                    if stop() {
                        break;
                    }
                    let result = ffmpeg::run(argv, stop, &mut |s| {
                        let _ = tx.send((i, *s));
                    });
                    if let Err(e) = result {
                        let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                        // A job stopped because another failed reports `Cancelled`; keep the cause.
                        if slot.is_none() && !(matches!(e, RenderError::Cancelled) && failed.load(Ordering::Relaxed)) {
                            *slot = Some(e);
                        }
                        failed.store(true, Ordering::Relaxed);
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (job, snapshot) in rx.iter() {
            on_progress(job, &snapshot);
        }
    });
    let error = first_error.into_inner().unwrap_or_else(|p| p.into_inner());
    match error {
        Some(e) => Err(e),
        None if cancel.load(Ordering::Relaxed) => Err(RenderError::Cancelled),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_the_pool_from_the_thread_budget() {
        assert_eq!(workers_for(1, 5), 1);
        assert_eq!(workers_for(2, 5), 1);
        assert_eq!(workers_for(8, 5), 4);
        assert_eq!(workers_for(8, 2), 2);
        assert_eq!(threads_per_job(8, 4), 2);
        assert_eq!(threads_per_job(1, 4), 1);
    }
}
