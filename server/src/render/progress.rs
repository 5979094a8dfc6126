//! Progress: parses ffmpeg's `-progress pipe:1` key=value blocks, and folds the reports of
//! parallel jobs into one overall fraction with an ETA.

use std::time::Instant;

/// Where a render is, for the caller's progress bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// `"probe"`, `"render"` (scenes and the audio mix), `"encode"` (a filter concat fallback
    /// or GIF palette pass) or `"mux"` (joining scenes, encoding audio, writing the file).
    pub stage: &'static str,
    /// Overall fraction done, 0–1, never decreasing.
    pub fraction: f64,
    /// Frames per second of the ffmpeg process that reported last (0 when unknown).
    pub fps: f64,
    /// Seconds left, estimated from the elapsed time and the fraction (None at first).
    pub eta_seconds: Option<f64>,
}

/// One `-progress` block: ffmpeg writes `key=value` lines and ends each block with `progress=…`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Snapshot {
    /// Output time written so far, in microseconds.
    pub out_time_us: i64,
    /// Frames written so far.
    pub frame: u64,
    /// Current encoding speed in frames per second.
    pub fps: f64,
    /// True for the last block (`progress=end`).
    pub end: bool,
}

/// Reads `-progress` lines one at a time and yields a [`Snapshot`] at the end of each block.
#[derive(Debug, Default)]
pub struct Parser {
    current: Snapshot,
}

impl Parser {
    /// Feeds one line; returns the block's snapshot when the line ends a block.
    pub fn line(&mut self, line: &str) -> Option<Snapshot> {
        let (key, value) = line.trim().split_once('=')?;
        let value = value.trim();
        match key {
            // `out_time_ms` is also microseconds (a historical misnomer); prefer `out_time_us`.
            "out_time_us" | "out_time_ms" => {
                if let Ok(us) = value.parse::<i64>() {
                    self.current.out_time_us = us.max(0);
                }
            }
            "frame" => self.current.frame = value.parse().unwrap_or(self.current.frame),
            "fps" => self.current.fps = value.parse().unwrap_or(0.0),
            "progress" => {
                self.current.end = value == "end";
                return Some(self.current);
            }
            _ => {}
        }
        None
    }
}

/// Overall progress of a render: a fixed share of the bar per stage, and within the parallel
/// `render` stage the microseconds done over the microseconds to do across all jobs.
pub struct Board {
    started: Instant,
    /// Work (µs of output) of each job of the current stage, and how much is done.
    jobs: Vec<(i64, i64)>,
    /// The current stage and the bar range it fills.
    stage: &'static str,
    range: (f64, f64),
    fraction: f64,
    fps: f64,
}

impl Board {
    /// A board at 0, stage `probe`.
    pub fn new() -> Board {
        Board { started: Instant::now(), jobs: Vec::new(), stage: "probe", range: (0.0, 0.02), fraction: 0.0, fps: 0.0 }
    }

    /// Enters `stage`, which fills the bar from `from` to `to` with jobs of `work_us` each.
    pub fn stage(&mut self, stage: &'static str, from: f64, to: f64, work_us: &[i64]) -> Progress {
        self.stage = stage;
        self.range = (from, to);
        self.jobs = work_us.iter().map(|&w| (w.max(1), 0)).collect();
        self.fraction = self.fraction.max(from);
        self.report()
    }

    /// Job `job` of the current stage reports `snapshot`.
    pub fn update(&mut self, job: usize, snapshot: &Snapshot) -> Progress {
        if let Some((work, done)) = self.jobs.get_mut(job) {
            let now = if snapshot.end { *work } else { snapshot.out_time_us.clamp(0, *work) };
            *done = (*done).max(now);
        }
        self.fps = snapshot.fps;
        let (work, done) = self.jobs.iter().fold((0i64, 0i64), |(w, d), &(jw, jd)| (w + jw, d + jd));
        let share = if work > 0 { done as f64 / work as f64 } else { 1.0 };
        let (from, to) = self.range;
        self.fraction = self.fraction.max(from + (to - from) * share).min(1.0);
        self.report()
    }

    /// The progress now.
    pub fn report(&self) -> Progress {
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta_seconds = (self.fraction > 0.02).then(|| elapsed * (1.0 - self.fraction) / self.fraction);
        Progress { stage: self.stage, fraction: self.fraction, fps: self.fps, eta_seconds }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks() {
        let mut p = Parser::default();
        let text = "frame=12\nfps=24.5\nout_time_us=500000\nout_time=00:00:00.5\nprogress=continue\nframe=30\nout_time_us=1000000\nprogress=end\n";
        let snaps: Vec<Snapshot> = text.lines().filter_map(|l| p.line(l)).collect();
        assert_eq!(snaps.len(), 2);
        assert_eq!((snaps[0].frame, snaps[0].out_time_us, snaps[0].end), (12, 500_000, false));
        assert!((snaps[0].fps - 24.5).abs() < 1e-9);
        assert_eq!((snaps[1].frame, snaps[1].out_time_us, snaps[1].end), (30, 1_000_000, true));
        assert_eq!(p.line("garbage without equals"), None);
        assert_eq!(p.line("out_time_us=N/A"), None);
    }

    #[test]
    fn folds_parallel_jobs_and_never_goes_back() {
        let mut b = Board::new();
        b.stage("render", 0.0, 1.0, &[1_000_000, 3_000_000]);
        let p = b.update(1, &Snapshot { out_time_us: 3_000_000, ..Default::default() });
        assert!((p.fraction - 0.75).abs() < 1e-9);
        let p = b.update(1, &Snapshot { out_time_us: 0, ..Default::default() });
        assert!((p.fraction - 0.75).abs() < 1e-9, "monotonic");
        let p = b.update(0, &Snapshot { end: true, ..Default::default() });
        assert!((p.fraction - 1.0).abs() < 1e-9);
        assert_eq!(p.stage, "render");
    }
}
