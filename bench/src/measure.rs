//! Timing and memory helpers shared by the benchmark groups.

use std::time::{Duration, Instant};

/// Runs `f` `runs` times and returns the median duration with the last result; stops at the first error.
pub fn median<T, E>(runs: usize, mut f: impl FnMut() -> Result<T, E>) -> Result<(Duration, T), E> {
    let start = Instant::now();
    let mut last = f()?;
    let mut times = vec![start.elapsed()];
    for _ in 1..runs {
        let start = Instant::now();
        last = f()?;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    Ok((times[times.len() / 2], last))
}

/// Throughput in MB/s (10^6 bytes) of `bytes` handled in `time`.
pub fn mb_per_s(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64().max(1e-9)
}

/// Resets the process's peak resident set (VmHWM) so the next reading covers only what follows.
pub fn reset_peak_rss() {
    // Linux: writing 5 to clear_refs resets VmHWM; elsewhere the column shows the process-wide peak.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident set (VmHWM) in MB, when the platform reports it.
pub fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse::<u64>().ok()?;
    Some(kb / 1024)
}
