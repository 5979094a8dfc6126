//! `PATCH /files/{id}`: appends data at `Upload-Offset`.

use super::checksum::Checksum;
use super::headers::{self, UPLOAD_CHECKSUM, UPLOAD_OFFSET};
use super::{TusError, TusState, complete::complete, expiration, lock_live, receive};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::Body as _;

/// Appends the body to the upload; 409 when `Upload-Offset` is not the server's offset.
pub async fn patch(
    State(state): State<TusState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, TusError> {
    let id = crate::storage::UploadId::parse(&id).ok_or(TusError::NotFound)?;
    if !headers::has_upload_data_type(&headers) {
        return Err(TusError::ContentType);
    }
    let sent = headers::number(&headers, &UPLOAD_OFFSET)?.ok_or(TusError::MissingHeader("Upload-Offset"))?;
    let checksum = headers::text(&headers, &UPLOAD_CHECKSUM)?.map(Checksum::parse).transpose()?;
    let (mut slot, mut upload) = lock_live(&state, &id).await?;
    if sent != upload.offset {
        return Err(TusError::OffsetMismatch { sent, actual: upload.offset });
    }
    let length = upload.info.length;
    let declared = headers::number(&headers, &header::CONTENT_LENGTH)?;
    if declared.is_some_and(|n| n > length.saturating_sub(sent))
        || (upload.info.is_complete() && body.size_hint().exact() != Some(0))
    {
        return Err(TusError::BeyondLength { length });
    }
    let offset = if upload.info.is_complete() {
        sent
    } else {
        receive::append(&mut slot, &state.storage.upload_data(&id), sent, length, body, checksum).await?
    };
    expiration::refresh(&mut upload.info, state.config.upload_ttl);
    if offset == length && !upload.info.is_complete() {
        complete(&state.storage, &id, &mut slot, &mut upload.info).await?;
    } else {
        state.storage.save_upload(&id, &upload.info).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    headers::describe(response.headers_mut(), &upload.info, offset);
    Ok(response)
}
