//! `HEAD /sources/{sha256}`: does the server already have this file? (Dedupe before upload.)

use super::error::json_error;
use crate::storage::{Sha256Hex, Storage};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::head;

/// The route `/sources/{sha256}`.
pub fn routes(storage: Storage) -> Router {
    Router::new().route("/sources/{sha256}", head(has_source)).with_state(storage)
}

/// 200 with the size as `Content-Length` when present, 404 when not, 400 for a malformed hash.
async fn has_source(State(storage): State<Storage>, Path(sha256): Path<String>) -> Response {
    let Some(sha256) = Sha256Hex::parse(&sha256) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "bad_sha256",
            "a source is named by its SHA-256: 64 lowercase hex digits",
        );
    };
    match storage.source_len(&sha256).await {
        Ok(Some(len)) => {
            let mut response = StatusCode::OK.into_response();
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            response
        }
        Ok(None) => json_error(
            StatusCode::NOT_FOUND,
            "source_not_found",
            "the server has no source with this SHA-256; upload it",
        ),
        Err(e) => {
            tracing::error!("source {sha256}: {e}");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "storage", format!("cannot look up the source: {e}"))
        }
    }
}
