//! JSON error responses: `{"error": {"code", "message"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A JSON error response with a stable `code` and a `message` saying what to do.
pub fn json_error(status: StatusCode, code: &str, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "error": { "code": code, "message": message.to_string() } }))).into_response()
}
