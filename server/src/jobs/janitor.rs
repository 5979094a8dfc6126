//! The jobs part of the janitor (run by [`crate::janitor`]): removes scratch folders of jobs
//! that are not running, finished jobs (and their outputs) older than `--output-ttl`, leftover
//! `.part` files, and source files unused for `--source-ttl` that no queued or running job needs.

use super::model::{is_job_id, now_ms};
use super::{Jobs, remove_file};
use crate::storage::Sha256Hex;
use std::path::Path;
use std::time::SystemTime;

/// One cleaning pass (blocking: run it on a blocking thread).
pub fn sweep(jobs: &Jobs) {
    let is_running = |id: &str| jobs.pool.is_running(id);
    for entry in entries(&jobs.config.tmp_dir) {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Only names shaped like job ids: `--tmp-dir` may point at a folder shared with others.
        if is_job_id(&name) && !is_running(&name) {
            remove_file(&entry.path());
        }
    }
    for entry in entries(&jobs.storage.outputs_dir()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.strip_suffix(".part").is_some_and(|id| !is_running(id)) {
            remove_file(&entry.path());
        }
    }
    let ttl_ms = i64::try_from(jobs.config.output_ttl.as_millis()).unwrap_or(i64::MAX);
    match jobs.store.finished_before(now_ms().saturating_sub(ttl_ms)) {
        Ok(expired) => {
            for job in expired {
                if let Some(out) = &job.output {
                    jobs.remove_outputs(&job.id, &out.ext);
                }
                if let Err(e) = jobs.store.delete(&job.id) {
                    tracing::warn!("janitor: cannot forget job {}: {e}", job.id);
                }
            }
        }
        Err(e) => tracing::warn!("janitor: cannot list expired jobs: {e}"),
    }
    sweep_sources(jobs);
    jobs.events.prune(|id| is_running(id));
}

/// Removes source files older than `source_ttl` that no queued or running job uses.
fn sweep_sources(jobs: &Jobs) {
    let in_use = match jobs.store.sources_in_use() {
        Ok(set) => set,
        Err(e) => return tracing::warn!("janitor: cannot list sources in use: {e}"),
    };
    let cutoff = SystemTime::now().checked_sub(jobs.config.source_ttl);
    for entry in entries(&jobs.storage.sources_dir()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_hash = Sha256Hex::parse(&name).is_some();
        let modified = entry.metadata().and_then(|m| m.modified()).ok();
        let old = matches!((modified, cutoff), (Some(m), Some(c)) if m < c);
        if is_hash && old && !in_use.contains(&name) {
            remove_file(&entry.path());
        }
    }
}

/// The entries of a folder (none if it cannot be read).
fn entries(dir: &Path) -> impl Iterator<Item = std::fs::DirEntry> {
    std::fs::read_dir(dir).into_iter().flatten().flatten()
}

/// Stops renderers left running by a crashed server process: any process of ours that works
/// in a job scratch folder under `tmp_dir` (see [`works_in_job_dir`]). Linux only (reads
/// `/proc`); elsewhere it does nothing.
pub fn stop_orphans(tmp_dir: &Path) {
    let Ok(tmp_dir) = tmp_dir.canonicalize() else { return };
    let me = std::process::id().to_string();
    for entry in entries(Path::new("/proc")) {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if works_in_job_dir(&entry.path(), &tmp_dir) {
            tracing::warn!(
                "stopping orphaned renderer process {pid} (it works in a job folder under {})",
                tmp_dir.display()
            );
            let _ = std::process::Command::new("kill").args(["-KILL", &pid]).status();
        }
    }
}

/// True when the process at `/proc/PID` runs in, or names a file in, a job's folder under
/// `tmp_dir`: its working folder, or any argument (ffmpeg's `file:` inputs and outputs).
fn works_in_job_dir(proc_dir: &Path, tmp_dir: &Path) -> bool {
    let in_job = |path: &Path| {
        path.strip_prefix(tmp_dir)
            .ok()
            .and_then(|rest| rest.components().next())
            .and_then(|first| first.as_os_str().to_str())
            .is_some_and(is_job_id)
    };
    if std::fs::read_link(proc_dir.join("cwd")).is_ok_and(|cwd| in_job(&cwd)) {
        return true;
    }
    let Ok(cmdline) = std::fs::read(proc_dir.join("cmdline")) else { return false };
    cmdline.split(|b| *b == 0).filter_map(|arg| std::str::from_utf8(arg).ok()).any(|arg| {
        let path = arg.strip_prefix("file:").unwrap_or(arg);
        in_job(Path::new(path))
    })
}
