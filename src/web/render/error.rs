//! Render failures as typed errors with stable codes, converted to the `{ code, message, … }`
//! objects the worker passes to JS.

use crate::container::ContainerError;
use crate::overlay::OverlayError;
use crate::plan::PlanError;
use crate::project::ValidationError;
use crate::web::error::{error_object, js_message};
use js_sys::{Array, Reflect};
use thiserror::Error;
use wasm_bindgen::JsValue;

/// A problem with the project as JSON path, message and code.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProjectProblem {
    path: String,
    message: String,
    code: String,
}

impl From<&ValidationError> for ProjectProblem {
    fn from(e: &ValidationError) -> Self {
        ProjectProblem { path: e.path.clone(), message: e.message.clone(), code: e.code.as_str().to_owned() }
    }
}

impl From<&PlanError> for ProjectProblem {
    fn from(e: &PlanError) -> Self {
        ProjectProblem { path: e.path.clone(), message: e.message(), code: e.code().to_owned() }
    }
}

/// Why a render failed.
#[derive(Debug, Error)]
pub(crate) enum RenderError {
    /// The project does not validate, or does not fit its media.
    #[error("the project is not valid: {}", summary(.0))]
    InvalidProject(Vec<ProjectProblem>),
    /// A layer uses a source whose file was not given.
    #[error("no file for source \"{source_id}\": pass it in options.files[\"{source_id}\"] as a File or Blob")]
    MissingFile {
        /// The source id.
        source_id: String,
    },
    /// A source file could not be read as media.
    #[error("source \"{source_id}\" cannot be read: {error}")]
    CorruptSource {
        /// The source id.
        source_id: String,
        /// What the container reader found.
        error: ContainerError,
    },
    /// This browser cannot decode or encode a codec the render needs.
    #[error("this browser cannot {action} {codec}{}; convert the file to H.264 or VP9, or render on a server", for_source(.source_id))]
    CodecUnsupported {
        /// The codec string.
        codec: String,
        /// `decode` or `encode`.
        action: &'static str,
        /// The source whose track needs it, for decoding.
        source_id: Option<String>,
    },
    /// The browser's decoder failed on a source.
    #[error("decoding source \"{source_id}\" failed: {message}; the file may be damaged, re-encode it")]
    DecodeFailed {
        /// The source id.
        source_id: String,
        /// The decoder's message.
        message: String,
    },
    /// The browser's encoder failed.
    #[error("encoding failed: {0}; try a lower resolution or another codec")]
    EncodeFailed(String),
    /// `output.targetSizeBytes` is below what this browser's encoder can make of the video.
    #[error(
        "this browser's encoder cannot make the {width}×{height} video small enough for targetSizeBytes {target_bytes} (its smallest try: {bytes} bytes); raise output.targetSizeBytes, lower the resolution or frame rate, or render on the server"
    )]
    TargetSizeUnreachable {
        /// `output.targetSizeBytes`.
        target_bytes: u64,
        /// The size of the corrected (second) encode.
        bytes: u64,
        /// Output width.
        width: u32,
        /// Output height.
        height: u32,
    },
    /// The output could not be written.
    #[error("could not write the output: {0}")]
    Output(String),
    /// An image, text or subtitles layer could not be prepared or drawn.
    #[error("{0}")]
    Overlay(OverlayError),
    /// The job was cancelled.
    #[error("the render was cancelled")]
    Aborted,
    /// A bug in the engine.
    #[error("the engine failed unexpectedly ({0}); please report this with the project")]
    Internal(String),
}

fn summary(problems: &[ProjectProblem]) -> String {
    let first = problems.first().map(|p| format!("{}: {}", p.path, p.message)).unwrap_or_default();
    match problems.len() {
        0 | 1 => first,
        n => format!("{first} (and {} more)", n - 1),
    }
}

fn for_source(source_id: &Option<String>) -> String {
    source_id.as_ref().map(|id| format!(" (source \"{id}\")")).unwrap_or_default()
}

impl RenderError {
    /// A stable machine-readable code.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::InvalidProject(_) => "invalid_project",
            Self::MissingFile { .. } => "missing_file",
            Self::CorruptSource { .. } => "corrupt_source",
            Self::CodecUnsupported { .. } => "codec_unsupported",
            Self::DecodeFailed { .. } => "decode_failed",
            Self::EncodeFailed(_) => "encode_failed",
            Self::TargetSizeUnreachable { .. } => "target_size_unreachable",
            Self::Output(_) => "output_failed",
            Self::Overlay(_) => "overlay_failed",
            Self::Aborted => "aborted",
            Self::Internal(_) => "internal",
        }
    }

    /// An engine bug from a failed JS call.
    pub(crate) fn internal(what: &str, e: &JsValue) -> Self {
        Self::Internal(format!("{what}: {}", js_message(e)))
    }

    /// The `{ code, message, … }` object for JS, with the fields each kind adds.
    pub(crate) fn to_js(&self) -> JsValue {
        let obj = error_object(self.code(), &self.to_string());
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&obj, &key.into(), &value);
        };
        match self {
            Self::InvalidProject(problems) => {
                let list = Array::new();
                for p in problems {
                    let item = error_object(&p.code, &p.message);
                    let _ = Reflect::set(&item, &"path".into(), &p.path.as_str().into());
                    list.push(&item);
                }
                set("errors", list.into());
            }
            Self::MissingFile { source_id } | Self::DecodeFailed { source_id, .. } => set("sourceId", source_id.as_str().into()),
            Self::CorruptSource { source_id, error } => {
                set("sourceId", source_id.as_str().into());
                set("containerCode", error.code().into());
            }
            Self::CodecUnsupported { codec, action, source_id } => {
                set("codec", codec.as_str().into());
                set("action", (*action).into());
                if let Some(id) = source_id {
                    set("sourceId", id.as_str().into());
                }
            }
            Self::TargetSizeUnreachable { target_bytes, bytes, .. } => {
                set("targetBytes", (*target_bytes as f64).into());
                set("bytes", (*bytes as f64).into());
            }
            Self::Overlay(error) => {
                set("path", error.path().into());
                set("overlayCode", error.code().into());
            }
            _ => {}
        }
        obj
    }
}
