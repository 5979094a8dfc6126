//! Every way a tus request can fail, with the status tus clients act on.

use crate::http::error::json_error;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io;

/// A refused or failed tus request.
#[derive(Debug, thiserror::Error)]
pub enum TusError {
    /// `Tus-Resumable` missing or not 1.0.0.
    #[error("this server speaks tus 1.0.0: send the header `Tus-Resumable: 1.0.0`")]
    Version,
    /// Unknown, malformed or deleted upload id.
    #[error("no such upload: it never existed or was deleted; create a new one with POST /files/")]
    NotFound,
    /// The upload passed its `Upload-Expires` time and was deleted.
    #[error("this upload expired and was deleted; create a new one with POST /files/")]
    Expired,
    /// A required header is absent.
    #[error("the header {0} is required")]
    MissingHeader(&'static str),
    /// A header is present but unusable.
    #[error("the header {name} {reason}")]
    BadHeader {
        /// Header name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Upload data sent with another content type.
    #[error("upload data must be sent with `Content-Type: application/offset+octet-stream`")]
    ContentType,
    /// `Upload-Offset` is not where the server is.
    #[error(
        "Upload-Offset is {sent} but the server holds {actual} bytes of this upload; ask HEAD for the offset and resume from there"
    )]
    OffsetMismatch {
        /// The client's offset.
        sent: u64,
        /// The server's offset.
        actual: u64,
    },
    /// `Upload-Length` beyond `--max-upload-bytes`.
    #[error("the upload is {length} bytes, more than this server accepts ({max} bytes, set by --max-upload-bytes)")]
    TooLarge {
        /// Declared length.
        length: u64,
        /// The limit.
        max: u64,
    },
    /// More data than `Upload-Length` declared.
    #[error("the request carries more bytes than the {length} declared in Upload-Length; nothing of it was kept")]
    BeyondLength {
        /// Declared length.
        length: u64,
    },
    /// Another request holds the upload.
    #[error("another request is writing to this upload; retry when it finishes")]
    Locked,
    /// `Upload-Checksum` with an algorithm other than sha256.
    #[error("Upload-Checksum uses {0:?}; this server supports only sha256")]
    ChecksumAlgorithm(String),
    /// The data of one request does not match its `Upload-Checksum`.
    #[error("the data of this request does not match its Upload-Checksum; it was discarded, send it again")]
    ChecksumMismatch,
    /// The finished file does not hash to the `sha256` its metadata declared.
    #[error(
        "the finished upload's SHA-256 is {actual} but its Upload-Metadata declared {declared}; the upload was discarded"
    )]
    Sha256Mismatch {
        /// The declared hash.
        declared: String,
        /// The hash of the bytes received.
        actual: String,
    },
    /// The body of a request with `Upload-Checksum` ended early, so it could not be verified.
    #[error("the request body was cut off before its end; with Upload-Checksum nothing of it is kept, send it again")]
    Incomplete,
    /// The disk is full.
    #[error("the server's disk is full ({0}); nothing of this request was kept")]
    DiskFull(io::Error),
    /// Any other storage failure.
    #[error("the server could not store the upload: {0}")]
    Storage(io::Error),
}

impl From<io::Error> for TusError {
    fn from(error: io::Error) -> Self {
        if crate::storage::is_disk_full(&error) { Self::DiskFull(error) } else { Self::Storage(error) }
    }
}

impl TusError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Version => "tus_version",
            Self::NotFound => "upload_not_found",
            Self::Expired => "upload_expired",
            Self::MissingHeader(_) => "missing_header",
            Self::BadHeader { .. } => "bad_header",
            Self::ContentType => "content_type",
            Self::OffsetMismatch { .. } => "offset_mismatch",
            Self::TooLarge { .. } => "upload_too_large",
            Self::BeyondLength { .. } => "beyond_upload_length",
            Self::Locked => "upload_locked",
            Self::ChecksumAlgorithm(_) => "checksum_algorithm",
            Self::ChecksumMismatch => "checksum_mismatch",
            Self::Sha256Mismatch { .. } => "sha256_mismatch",
            Self::Incomplete => "body_incomplete",
            Self::DiskFull(_) => "disk_full",
            Self::Storage(_) => "storage",
        }
    }

    /// The HTTP status (tus uses 460 for checksum mismatches).
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Version => StatusCode::PRECONDITION_FAILED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Expired => StatusCode::GONE,
            Self::MissingHeader(_) | Self::BadHeader { .. } | Self::ChecksumAlgorithm(_) | Self::Incomplete => {
                StatusCode::BAD_REQUEST
            }
            Self::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::OffsetMismatch { .. } => StatusCode::CONFLICT,
            Self::TooLarge { .. } | Self::BeyondLength { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Locked => StatusCode::LOCKED,
            Self::ChecksumMismatch | Self::Sha256Mismatch { .. } => {
                StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
            }
            Self::DiskFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for TusError {
    fn into_response(self) -> Response {
        if matches!(self, Self::DiskFull(_) | Self::Storage(_)) {
            tracing::error!("upload storage: {self}");
        }
        let mut response = json_error(self.status(), self.code(), &self);
        if matches!(self, Self::Version) {
            response
                .headers_mut()
                .insert(super::headers::TUS_VERSION, HeaderValue::from_static(super::headers::VERSION));
        }
        response
    }
}
