//! The JSON error body every API endpoint answers with: `{"error":{"code","message"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A response with `status` and the body `{"error":{"code":code,"message":message}}`;
/// `code` is stable and machine-readable, `message` says what to do.
pub fn json_error(status: StatusCode, code: &str, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": { "code": code, "message": message.to_string() } }))).into_response()
}
