//! What a job is: its status, progress, error and output, and how it looks in JSON.

use super::options::JobOptions;
use frameloom::plan::TreatmentSummary;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is rendering it.
    Running,
    /// Rendered; the output can be downloaded.
    Succeeded,
    /// Gave up; `error` says why.
    Failed,
    /// Cancelled by `DELETE /jobs/{id}`.
    Cancelled,
}

impl JobStatus {
    /// The lowercase name used in JSON and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a name written by [`as_str`](Self::as_str).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Succeeded, Self::Failed, Self::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// True once the job will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled)
    }
}

/// Why a job failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobError {
    /// Stable machine-readable code (the renderer's `RenderError::code()` or a queue code).
    pub code: String,
    /// What happened, for people.
    pub message: String,
    /// ffmpeg's last stderr lines, when ffmpeg failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr_tail: Option<String>,
}

/// The last known progress of a running job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobProgress {
    /// What the renderer is doing (`queued`, `encode`, ...).
    pub stage: String,
    /// Share done, 0–1.
    pub fraction: f64,
    /// Frames per second.
    pub fps: f64,
    /// Seconds left, once known.
    pub eta_seconds: Option<f64>,
}

impl JobProgress {
    /// Progress of a job that has not started.
    pub fn queued() -> Self {
        JobProgress { stage: "queued".into(), fraction: 0.0, fps: 0.0, eta_seconds: None }
    }
}

/// The finished file of a succeeded job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutput {
    /// File size in bytes.
    pub bytes: u64,
    /// File extension (`mp4`, `webm`, `gif`), also naming `outputs/<id>.<ext>`.
    pub ext: String,
    /// The job's other files (thumbnail, renditions, `hls/master.m3u8`), as paths under
    /// `outputs/<id>/` and `/jobs/{id}/output/`.
    pub files: Vec<String>,
    /// What the render did (`None` for jobs finished before stats were stored).
    pub stats: Option<JobStats>,
}

/// What a finished render did, as `GET /jobs/{id}` shows it (`stats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStats {
    /// Video frames written.
    pub frames: u64,
    /// Wall-clock seconds the render took.
    pub seconds: f64,
    /// The ffmpeg video encoder (`libx264`, `libvpx-vp9`, …).
    pub encoder: String,
    /// How the video was made (`stream-copy`, `smart-cut`, `mixed`, `concat-copy`, …).
    pub fast_path: String,
    /// The plan's segment treatments: how many copy, smart-cut or encode, and why.
    pub treatments: TreatmentSummary,
    /// Why a copied file failed validation and the plan was rendered the normal way.
    pub copy_fallback: Option<String>,
}

impl JobOutput {
    /// The MIME type served for this output.
    pub fn mime_type(&self) -> &'static str {
        mime_type_of(&format!("output.{}", self.ext))
    }
}

/// The MIME type served for an output file named `name` (by its extension).
pub fn mime_type_of(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "webm" => "video/webm",
        "gif" => "image/gif",
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        _ => "video/mp4",
    }
}

/// One render job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Random 128-bit id, 32 lowercase hex digits.
    pub id: String,
    /// Where it is in its life.
    pub status: JobStatus,
    /// The validated project, as JSON.
    pub project: String,
    /// How many times a worker has started it.
    pub attempts: u32,
    /// Why it failed (or why the last attempt failed, while a retry is queued).
    pub error: Option<JobError>,
    /// Last known progress.
    pub progress: Option<JobProgress>,
    /// Creation time, Unix milliseconds.
    pub created_at: i64,
    /// When the last attempt started, Unix milliseconds.
    pub started_at: Option<i64>,
    /// When it finished, Unix milliseconds.
    pub finished_at: Option<i64>,
    /// The output, once succeeded.
    pub output: Option<JobOutput>,
    /// Extra files asked for with the job.
    pub options: JobOptions,
}

impl Job {
    /// The job as the API shows it (`GET /jobs/{id}`).
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "status": self.status.as_str(),
            "progress": self.progress.clone().unwrap_or_else(JobProgress::queued),
            "attempts": self.attempts,
            "createdAt": rfc3339(self.created_at),
            "startedAt": self.started_at.map(rfc3339),
            "finishedAt": self.finished_at.map(rfc3339),
        });
        if let Some(error) = &self.error {
            v["error"] = json!(error);
        }
        if let Some(out) = &self.output {
            let url = format!("/jobs/{}/output", self.id);
            let files: Vec<Value> = out
                .files
                .iter()
                .map(|name| json!({ "name": name, "mimeType": mime_type_of(name), "url": format!("{url}/{name}") }))
                .collect();
            v["output"] = json!({ "bytes": out.bytes, "mimeType": out.mime_type(), "url": url, "files": files });
            if let Some(stats) = &out.stats {
                v["stats"] = json!(stats);
            }
        }
        v
    }
}

/// A fresh random job id: 128 bits from the OS, as 32 lowercase hex digits.
pub fn new_id() -> Result<String, String> {
    crate::hex::random(16).map_err(|e| format!("no randomness for a job id: {e}"))
}

/// True for strings shaped like ids from [`new_id`] (so ids never become odd paths).
pub fn is_job_id(s: &str) -> bool {
    crate::hex::is_lower_hex(s, 32)
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Unix milliseconds as an RFC 3339 UTC time, e.g. `2025-01-02T03:04:05.678Z`.
pub fn rfc3339(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Civil-from-days (Howard Hinnant's algorithm), proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(rfc3339(1_735_787_045_678), "2025-01-02T03:04:05.678Z");
    }

    #[test]
    fn ids_are_random_hex() {
        let (a, b) = (new_id().unwrap(), new_id().unwrap());
        assert!(is_job_id(&a) && is_job_id(&b) && a != b);
        assert!(!is_job_id("../../etc/passwd") && !is_job_id(&a.to_uppercase()));
    }
}
