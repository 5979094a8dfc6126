//! `HEAD /files/{id}`: where an upload stands.

use super::headers::{self, UPLOAD_LENGTH, UPLOAD_METADATA};
use super::{TusError, TusState, lock_live};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Offset, length, metadata, expiry, and the SHA-256 once complete. The offset is final: a
/// client asks `HEAD` when it gave up on a request, so a request still writing to the upload
/// is asked to stop, and `HEAD` answers once it has (see `lock_live`).
pub async fn head(State(state): State<TusState>, Path(id): Path<String>) -> Result<Response, TusError> {
    let id = crate::storage::UploadId::parse(&id).ok_or(TusError::NotFound)?;
    let (_settled, upload) = lock_live(&state, &id).await?;
    let mut response = StatusCode::OK.into_response();
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out.insert(UPLOAD_LENGTH, HeaderValue::from(upload.info.length));
    if let Some(metadata) = upload.info.metadata.as_deref().and_then(|m| HeaderValue::from_str(m).ok()) {
        out.insert(UPLOAD_METADATA, metadata);
    }
    headers::describe(out, &upload.info, upload.offset);
    Ok(response)
}
