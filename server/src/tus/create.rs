//! `POST /files/`: the creation extension, with creation-with-upload (data in the same request).

use super::checksum::Checksum;
use super::headers::{self, UPLOAD_CHECKSUM, UPLOAD_DEFER_LENGTH, UPLOAD_LENGTH, UPLOAD_METADATA};
use super::{TusError, TusState, complete::complete, expiration, metadata, receive};
use crate::storage::{UploadId, UploadInfo};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::Body as _;

/// Creates an upload; with `Content-Type: application/offset+octet-stream`, stores the body too.
pub async fn create(State(state): State<TusState>, headers: HeaderMap, body: Body) -> Result<Response, TusError> {
    let length = match headers::number(&headers, &UPLOAD_LENGTH)? {
        Some(length) => length,
        None if headers.contains_key(UPLOAD_DEFER_LENGTH) => {
            return Err(TusError::BadHeader {
                name: "Upload-Defer-Length".into(),
                reason: "is not supported: send Upload-Length".into(),
            });
        }
        None => return Err(TusError::MissingHeader("Upload-Length")),
    };
    let max = state.config.max_upload_bytes;
    if length > max {
        return Err(TusError::TooLarge { length, max });
    }
    let metadata = metadata::parse(headers::text(&headers, &UPLOAD_METADATA)?)?;
    let with_data = headers::has_upload_data_type(&headers);
    if !with_data && body.size_hint().exact() != Some(0) {
        return Err(TusError::ContentType);
    }
    let checksum = match headers::text(&headers, &UPLOAD_CHECKSUM)? {
        Some(value) if with_data => Some(Checksum::parse(value)?),
        _ => None,
    };
    let mut info = UploadInfo {
        length,
        metadata: metadata.raw,
        filename: metadata.filename,
        declared_sha256: metadata.sha256,
        expires_unix: 0,
        sha256: None,
    };
    expiration::refresh(&mut info, state.config.upload_ttl);
    let id = UploadId::generate()?;
    // Locked before it exists on disk, so the expiry sweep never holds it first.
    let mut slot = state.slots.try_lock(&id)?;
    state.storage.create_upload(&id, &info).await?;
    let location = HeaderValue::from_str(&format!("/files/{id}")).map_err(std::io::Error::other)?;
    let stored = async {
        let offset = if with_data {
            receive::append(&mut slot, &state.storage.upload_data(&id), 0, length, body, checksum).await?
        } else {
            0
        };
        if offset == length {
            complete(&state.storage, &id, &mut slot, &mut info).await?;
        }
        Ok::<u64, TusError>(offset)
    }
    .await;
    let mut response = match stored {
        Ok(offset) => {
            let mut response = StatusCode::CREATED.into_response();
            headers::describe(response.headers_mut(), &info, offset);
            response
        }
        Err(e) => e.into_response(),
    };
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}
