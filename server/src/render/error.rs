//! Render failures: typed, each with a stable `code()` and a message that says what to do.

use frameloom::plan::PlanError;
use frameloom::project::ValidationError;
use std::fmt;

/// Why a render did not produce its output.
#[derive(Debug)]
pub enum RenderError {
    /// The project JSON does not validate.
    InvalidProject(Vec<ValidationError>),
    /// The project does not fit its media (trim past the end, crop outside the picture, …).
    Plan(Vec<PlanError>),
    /// A source is missing or cannot be used as a path.
    Source {
        /// The source id.
        source_id: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A source could be read neither by our prober nor by ffprobe.
    Probe {
        /// The source id.
        source: String,
        /// What the probers said.
        error: String,
    },
    /// A text, subtitles or font source could not be prepared (see `frameloom::overlay`).
    Overlay(frameloom::overlay::OverlayError),
    /// The project uses something this renderer cannot draw yet.
    Unsupported(String),
    /// ffmpeg exited with an error.
    Ffmpeg {
        /// ffmpeg's exit code (`None` when it was killed by a signal).
        exit_code: Option<i32>,
        /// The last lines ffmpeg wrote to stderr.
        stderr_tail: String,
    },
    /// ffmpeg or ffprobe could not be started.
    Spawn {
        /// The program.
        program: String,
        /// The operating system's error.
        message: String,
    },
    /// The render was cancelled; nothing was written.
    Cancelled,
    /// A file operation failed.
    Io(String),
    /// The disk filled up while writing.
    DiskFull(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidProject(errors) => write!(f, "the project is not valid: {}", join(errors)),
            Self::Plan(errors) => write!(f, "the project does not fit its media: {}", join(errors)),
            Self::Source { source_id, message } => write!(f, "source \"{source_id}\": {message}"),
            Self::Probe { source, error } => write!(
                f,
                "cannot read source \"{source}\": {error}; check that the file is a complete video, audio or image file"
            ),
            Self::Overlay(e) => write!(f, "{}: {e}", e.path()),
            Self::Unsupported(message) => f.write_str(message),
            Self::Ffmpeg { exit_code, stderr_tail } => match exit_code {
                Some(code) if stderr_tail.trim().is_empty() => write!(
                    f,
                    "ffmpeg failed (exit code {code}) without an error message; it was probably stopped (SIGTERM or SIGINT): render again"
                ),
                Some(code) => write!(f, "ffmpeg failed (exit code {code}): {stderr_tail}"),
                None => write!(f, "ffmpeg was stopped by a signal: {stderr_tail}"),
            },
            Self::Spawn { program, message } => {
                write!(f, "cannot run {program}: {message}; install ffmpeg (5.1 or newer) and put it on PATH")
            }
            Self::Cancelled => f.write_str("the render was cancelled"),
            Self::Io(message) => write!(f, "file error: {message}"),
            Self::DiskFull(message) => write!(f, "the disk is full ({message}); free some space and render again"),
        }
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidProject(_) => "invalid_project",
            Self::Plan(_) => "plan_failed",
            Self::Source { .. } => "source_missing",
            Self::Probe { .. } => "probe_failed",
            Self::Overlay(e) => e.code(),
            Self::Unsupported(_) => "unsupported",
            Self::Ffmpeg { .. } => "ffmpeg_failed",
            Self::Spawn { .. } => "ffmpeg_missing",
            Self::Cancelled => "cancelled",
            Self::Io(_) => "io",
            Self::DiskFull(_) => "disk_full",
        }
    }

    /// The error as JSON: `{ "code", "message" }`, plus `errors` for validation and plan problems.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        let errors = match self {
            Self::InvalidProject(errors) => serde_json::to_value(errors).ok(),
            Self::Plan(errors) => serde_json::to_value(errors).ok(),
            _ => None,
        };
        if let (Some(errors), Some(map)) = (errors, v.as_object_mut()) {
            map.insert("errors".to_owned(), errors);
        }
        v
    }

    /// A file error about `what`, as `DiskFull` when the disk is full.
    pub fn io(what: impl std::fmt::Display, e: &std::io::Error) -> RenderError {
        if e.kind() == std::io::ErrorKind::StorageFull {
            RenderError::DiskFull(format!("{what}: {e}"))
        } else {
            RenderError::Io(format!("{what}: {e}"))
        }
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
