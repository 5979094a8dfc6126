//! `DELETE /files/{id}`: the termination extension.

use super::{TusError, TusState, lock_live};
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// Deletes the upload's record and bytes; a source it already produced stays.
pub async fn delete(State(state): State<TusState>, Path(id): Path<String>) -> Result<StatusCode, TusError> {
    let id = crate::storage::UploadId::parse(&id).ok_or(TusError::NotFound)?;
    let _locked = lock_live(&state, &id).await?;
    state.storage.remove_upload(&id).await?;
    state.slots.forget(&id);
    Ok(StatusCode::NO_CONTENT)
}
