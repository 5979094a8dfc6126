//! Counters and recent throughput for `/metrics` and `/capacity`.

use std::collections::VecDeque;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Upper bounds (seconds) of the render-time histogram buckets.
const BUCKETS: [f64; 12] = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];
/// How many recent renders the throughput estimate averages.
const WINDOW: usize = 10;

/// Process-wide job counters (they restart at 0 with the process, as Prometheus expects).
#[derive(Default)]
pub struct Metrics {
    completed: AtomicU64,
    failed: AtomicU64,
    cancelled: AtomicU64,
    retried: AtomicU64,
    inner: Mutex<Timings>,
}

#[derive(Default)]
struct Timings {
    /// Cumulative-free counts per bucket (index = first bucket the time fits), plus +Inf last.
    buckets: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
    /// (megapixels, seconds) of the last [`WINDOW`] successful renders.
    recent: VecDeque<(f64, f64)>,
    /// Megapixels per second of the start-up encode, used before any render encoded.
    calibrated_mpps: f64,
    /// Seconds of one ffmpeg start-up, measured at start-up (0 until measured).
    setup_seconds: f64,
}

/// Recent speed, for `/capacity` and `Retry-After`.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    /// Megapixels encoded per second of render time, over recent jobs that encoded their frames
    /// (copies, recorded with 0 megapixels, are left out); before any, the start-up encode's
    /// (0 until it finished).
    pub mpps: f64,
    /// Mean render seconds of recent jobs (None before any).
    pub mean_seconds: Option<f64>,
    /// Seconds of one ffmpeg start-up, measured at start-up (0 until measured).
    pub setup_seconds: f64,
}

impl Metrics {
    /// Records a successful render of `megapixels` that took `seconds`.
    pub fn succeeded(&self, megapixels: f64, seconds: f64) {
        self.completed.fetch_add(1, Ordering::Relaxed);
        let mut t = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(BUCKETS.len());
        if let Some(b) = t.buckets.get_mut(slot) {
            *b += 1;
        }
        t.sum += seconds;
        t.count += 1;
        if t.recent.len() == WINDOW {
            t.recent.pop_front();
        }
        t.recent.push_back((megapixels, seconds));
    }

    /// Records the start-up measurement: `megapixels` encoded in `seconds` (steady encoding,
    /// no start-up), and one ffmpeg start-up's `setup_seconds`.
    pub fn calibrated(&self, megapixels: f64, seconds: f64, setup_seconds: f64) {
        let mut t = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        t.calibrated_mpps = megapixels / seconds.max(f64::MIN_POSITIVE);
        t.setup_seconds = setup_seconds;
    }

    /// Records a job that failed for good.
    pub fn failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a cancelled job.
    pub fn cancelled(&self) {
        self.cancelled.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a retry after a transient failure.
    pub fn retried(&self) {
        self.retried.fetch_add(1, Ordering::Relaxed);
    }

    /// Recent speed over the last renders.
    pub fn throughput(&self) -> Throughput {
        let t = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (mp, secs) =
            t.recent.iter().filter(|(jm, _)| *jm > 0.0).fold((0.0, 0.0), |(m, s), (jm, js)| (m + jm, s + js));
        let all: f64 = t.recent.iter().map(|(_, js)| js).sum();
        let n = t.recent.len();
        let mpps = if secs > 0.0 { mp / secs } else { t.calibrated_mpps };
        Throughput { mpps, mean_seconds: (n > 0).then(|| all / n as f64), setup_seconds: t.setup_seconds }
    }

    /// The Prometheus text format (0.0.4) of every metric, given the current queue depth and running count.
    pub fn prometheus(&self, queued: u64, running: u64) -> String {
        let mut out = String::new();
        let gauge = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        let counter = |out: &mut String, name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", v.load(Ordering::Relaxed));
        };
        gauge(&mut out, "frameloom_jobs_queued", "Jobs waiting for a worker.", queued);
        gauge(&mut out, "frameloom_jobs_running", "Jobs being rendered.", running);
        counter(
            &mut out,
            "frameloom_jobs_completed_total",
            "Jobs that succeeded since the server started.",
            &self.completed,
        );
        counter(
            &mut out,
            "frameloom_jobs_failed_total",
            "Jobs that failed for good since the server started.",
            &self.failed,
        );
        counter(
            &mut out,
            "frameloom_jobs_cancelled_total",
            "Jobs cancelled since the server started.",
            &self.cancelled,
        );
        counter(
            &mut out,
            "frameloom_jobs_retried_total",
            "Retries after transient failures since the server started.",
            &self.retried,
        );
        let t = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let name = "frameloom_render_seconds";
        let _ = writeln!(out, "# HELP {name} Wall-clock seconds of successful renders.\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(t.buckets.iter()) {
            cumulative += n;
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let _ =
            writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}\n{name}_sum {}\n{name}_count {}", t.count, t.sum, t.count);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_throughput_is_windowed() {
        let m = Metrics::default();
        assert_eq!(m.throughput().mpps, 0.0);
        m.calibrated(6.9, 0.6, 0.1);
        assert!((m.throughput().mpps - 11.5).abs() < 1e-9, "the start-up encode's steady speed, before any job");
        assert!((m.throughput().setup_seconds - 0.1).abs() < 1e-9);
        m.succeeded(10.0, 0.4);
        m.succeeded(30.0, 3.0);
        let text = m.prometheus(2, 1);
        assert!(text.contains("frameloom_render_seconds_bucket{le=\"0.5\"} 1\n"), "{text}");
        assert!(text.contains("frameloom_render_seconds_bucket{le=\"5\"} 2\n"), "{text}");
        assert!(text.contains("frameloom_render_seconds_bucket{le=\"+Inf\"} 2\n"), "{text}");
        assert!(text.contains("frameloom_jobs_queued 2\n") && text.contains("frameloom_render_seconds_count 2\n"));
        assert!((m.throughput().mpps - 40.0 / 3.4).abs() < 1e-9);
        for _ in 0..WINDOW {
            m.succeeded(1.0, 1.0);
        }
        assert!((m.throughput().mpps - 1.0).abs() < 1e-9);
        m.succeeded(0.0, 9.0);
        assert!((m.throughput().mpps - 1.0).abs() < 1e-9, "a copy does not lower the encoding throughput");
    }
}
