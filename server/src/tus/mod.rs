//! tus 1.0 resumable uploads at `/files/`: core, creation, creation-with-upload, termination,
//! expiration and checksum (sha256). Finished uploads become `sources/<sha256>`.

mod checksum;
mod complete;
mod create;
mod delete;
mod error;
pub mod expiration;
mod head;
mod headers;
mod metadata;
mod patch;
mod receive;
mod slots;

pub use error::TusError;

use crate::storage::Upload;
use crate::storage::{Storage, UploadId};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{head, post};
use headers::{TUS_CHECKSUM_ALGORITHM, TUS_EXTENSION, TUS_MAX_SIZE, TUS_RESUMABLE, TUS_VERSION};
use slots::{SlotGuard, Slots};
use std::sync::Arc;
use std::time::Duration;

/// How long a request waits for an upload another request holds (after asking it to let go)
/// before answering 423.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// Upload limits, from the command line.
#[derive(Clone, Copy)]
pub struct TusConfig {
    /// Largest accepted `Upload-Length` (`--max-upload-bytes`).
    pub max_upload_bytes: u64,
    /// How long an upload is kept after its last write (`--upload-ttl`).
    pub upload_ttl: Duration,
}

/// What the tus handlers share; cheap to clone.
#[derive(Clone)]
pub struct TusState {
    storage: Storage,
    config: TusConfig,
    slots: Arc<Slots>,
}

impl TusState {
    /// State for uploads into `storage` with `config`.
    pub fn new(storage: Storage, config: TusConfig) -> Self {
        Self { storage, config, slots: Arc::default() }
    }

    /// The upload limits.
    pub fn config(&self) -> TusConfig {
        self.config
    }
}

/// The routes `/files/` and `/files/{id}`.
pub fn routes(state: TusState) -> Router {
    Router::new()
        .route("/files", post(create::create))
        .route("/files/", post(create::create))
        .route("/files/{id}", head(head::head).patch(patch::patch).delete(delete::delete))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(protocol))
        .with_state(state)
}

/// Middleware, outside CORS (which answers every `OPTIONS` itself): adds what this server
/// supports to `OPTIONS` responses under `/files`, tus's discovery request (and a browser's
/// preflight), and closes their connection like every tus response.
pub async fn discovery(State(config): State<TusConfig>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let discovering = request.method() == Method::OPTIONS && (path == "/files" || path.starts_with("/files/"));
    let mut response = next.run(request).await;
    if discovering {
        let out = response.headers_mut();
        out.insert(TUS_RESUMABLE, HeaderValue::from_static(headers::VERSION));
        out.insert(TUS_VERSION, HeaderValue::from_static(headers::VERSION));
        out.insert(TUS_EXTENSION, HeaderValue::from_static(headers::EXTENSIONS));
        out.insert(TUS_MAX_SIZE, HeaderValue::from(config.max_upload_bytes));
        out.insert(TUS_CHECKSUM_ALGORITHM, HeaderValue::from_static(checksum::ALGORITHM));
        // A browser's CORS preflight goes just before its PATCH: see `protocol` for why.
        out.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Middleware: requires `Tus-Resumable: 1.0.0`, and names the protocol version on every response.
///
/// Every tus response also closes its connection, so the client's next `PATCH` goes out on a
/// fresh one: browsers silently send a request again when the kept-alive connection it went out
/// on is reset before the answer, and for a `PATCH` cut mid-body that means its whole body
/// again, from an offset the server has passed (a `409` it only reads once the body is sent).
/// On a fresh connection the cut reaches the client's code, which asks `HEAD` first.
async fn protocol(request: Request, next: Next) -> Response {
    let speaks_tus = request.headers().get(TUS_RESUMABLE).is_some_and(|v| v == headers::VERSION);
    let mut response = if speaks_tus { next.run(request).await } else { TusError::Version.into_response() };
    let out = response.headers_mut();
    out.insert(TUS_RESUMABLE, HeaderValue::from_static(headers::VERSION));
    out.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Takes an upload's lock (asking a request that holds it to let go, and waiting up to
/// `LOCK_WAIT`) and loads it (404 for unknown ids, 410 when expired, which deletes it). An
/// unknown id leaves no lock entry behind.
async fn lock_live(state: &TusState, id: &UploadId) -> Result<(SlotGuard, Upload), TusError> {
    let slot = state.slots.lock(id, LOCK_WAIT).await?;
    match load_live(state, id).await {
        Ok(upload) => Ok((slot, upload)),
        Err(e) => {
            if matches!(e, TusError::NotFound) {
                state.slots.forget(id);
            }
            Err(e)
        }
    }
}

/// Loads an upload, whose lock the caller holds, that exists and has not expired. An expired
/// one is deleted (410).
async fn load_live(state: &TusState, id: &UploadId) -> Result<Upload, TusError> {
    let upload = state.storage.load_upload(id).await?.ok_or(TusError::NotFound)?;
    if !expiration::is_expired(&upload.info) {
        return Ok(upload);
    }
    state.storage.remove_upload(id).await?;
    state.slots.forget(id);
    Err(TusError::Expired)
}
