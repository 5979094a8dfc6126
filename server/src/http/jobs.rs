//! The jobs API: `POST /jobs`, `GET /jobs/{id}`, `GET /jobs/{id}/events` (SSE),
//! `GET /jobs/{id}/output` (with Range), `DELETE /jobs/{id}`.

use super::error::json_error;
use crate::jobs::events::JobEvent;
use crate::jobs::model::{Job, JobProgress, JobStatus, is_job_id, mime_type_of};
use crate::jobs::options::JobOptions;
use crate::jobs::submit::SubmitError;
use crate::jobs::{Cancelled, Jobs};
use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use frameloom::project::limits::MAX_PROJECT_BYTES;
use serde_json::json;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The jobs routes (state: the job service).
pub fn routes() -> Router<Arc<Jobs>> {
    Router::new()
        .route("/jobs", post(create).layer(DefaultBodyLimit::max(MAX_PROJECT_BYTES)))
        .route("/jobs/{id}", get(status).delete(cancel))
        .route("/jobs/{id}/events", get(events))
        .route("/jobs/{id}/output", get(output))
        .route("/jobs/{id}/output/{*name}", get(output_file))
}

fn not_found(id: &str) -> Response {
    json_error(
        StatusCode::NOT_FOUND,
        "job_not_found",
        format!("no job {id:?} (finished jobs expire after --output-ttl)"),
    )
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!("jobs API: {e}");
    json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e)
}

/// Loads a job by id, answering 404 for unknown or malformed ids.
async fn load(jobs: &Arc<Jobs>, id: &str) -> Result<Job, Response> {
    if !is_job_id(id) {
        return Err(not_found(id));
    }
    match jobs.store.get(id) {
        Ok(Some(job)) => Ok(job),
        Ok(None) => Err(not_found(id)),
        Err(e) => Err(internal(e)),
    }
}

async fn create(State(jobs): State<Arc<Jobs>>, RawQuery(query): RawQuery, body: String) -> Response {
    let options = match JobOptions::parse(query.as_deref()) {
        Ok(options) => options,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, e.code(), e),
    };
    let submitted = {
        let jobs = Arc::clone(&jobs);
        tokio::task::spawn_blocking(move || jobs.submit(&body, options)).await
    };
    let err = match submitted {
        Ok(Ok(job)) => {
            let location = HeaderValue::from_str(&format!("/jobs/{}", job.id)).ok();
            let mut resp =
                (StatusCode::ACCEPTED, Json(json!({ "id": job.id, "status": job.status.as_str() }))).into_response();
            if let Some(location) = location {
                resp.headers_mut().insert(header::LOCATION, location);
            }
            return resp;
        }
        Ok(Err(e)) => e,
        Err(e) => return internal(e),
    };
    match err {
        SubmitError::Invalid(errors) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "errors": errors }))).into_response()
        }
        SubmitError::MissingSources(ref missing) => {
            let body = json!({ "error": { "code": err.code(), "message": err.to_string(), "missing": missing } });
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        SubmitError::QueueFull { retry_after, .. } => {
            let mut resp = json_error(StatusCode::TOO_MANY_REQUESTS, err.code(), &err);
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            resp
        }
        SubmitError::Options(e) => json_error(StatusCode::BAD_REQUEST, e.code(), e),
        SubmitError::Store(_) | SubmitError::Internal(_) => internal(err),
    }
}

async fn status(State(jobs): State<Arc<Jobs>>, Path(id): Path<String>) -> Response {
    match load(&jobs, &id).await {
        Ok(job) => Json(job.to_json()).into_response(),
        Err(resp) => resp,
    }
}

async fn cancel(State(jobs): State<Arc<Jobs>>, Path(id): Path<String>) -> Response {
    if !is_job_id(&id) {
        return not_found(&id);
    }
    match jobs.cancel(&id).await {
        Ok(Cancelled::Stopped(job)) => Json(job.to_json()).into_response(),
        Ok(Cancelled::Removed) => StatusCode::NO_CONTENT.into_response(),
        Ok(Cancelled::NotFound) => not_found(&id),
        Err(e) => internal(e),
    }
}

async fn output(State(jobs): State<Arc<Jobs>>, Path(id): Path<String>, req: Request) -> Response {
    let job = match load(&jobs, &id).await {
        Ok(job) => job,
        Err(resp) => return resp,
    };
    let Some(out) = job.output.filter(|_| job.status == JobStatus::Succeeded) else {
        let message = format!("job {id} has no output: it is {}", job.status.as_str());
        return json_error(StatusCode::NOT_FOUND, "output_not_ready", message);
    };
    let path = jobs.storage.output(&id, &out.ext);
    let mut resp = match ServeFile::new(path).oneshot(req).await {
        Ok(resp) => resp.map(Body::new),
        Err(never) => match never {},
    };
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}.{}\"", out.ext)) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// One of a job's other files (`GET /jobs/{id}/output/NAME`): the thumbnail, a rendition, or
/// part of the HLS package. Names are checked to be ones the server makes (`a-z0-9_-` with one
/// dot, at most one folder level) before they touch the disk.
async fn output_file(
    State(jobs): State<Arc<Jobs>>,
    Path((id, name)): Path<(String, String)>,
    req: Request,
) -> Response {
    let job = match load(&jobs, &id).await {
        Ok(job) => job,
        Err(resp) => return resp,
    };
    let missing = || {
        json_error(
            StatusCode::NOT_FOUND,
            "file_not_found",
            format!("job {id} has no file {name:?}; GET /jobs/{id} lists them"),
        )
    };
    if job.status != JobStatus::Succeeded || !is_output_name(&name) {
        return missing();
    }
    let path = jobs.storage.output_files(&id).join(&name);
    if !path.is_file() {
        return missing();
    }
    let mut resp = match ServeFile::new(path).oneshot(req).await {
        Ok(resp) => resp.map(Body::new),
        Err(never) => match never {},
    };
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime_type_of(&name)));
    resp
}

/// Names the server gives a job's files: one or two parts of `[a-z0-9_-]` with one dot in the last.
fn is_output_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let plain = |p: &str| {
        !p.is_empty()
            && p.len() <= 64
            && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    let file_ok =
        |f: &str| f.split_once('.').is_some_and(|(stem, ext)| plain(stem) && plain(ext) && !ext.contains('.'));
    match parts.as_slice() {
        [file] => file_ok(file),
        [folder, file] => plain(folder) && file_ok(file),
        _ => false,
    }
}

/// What the SSE stream still has to send.
struct Stream {
    first: Option<JobEvent>,
    rx: broadcast::Receiver<JobEvent>,
    jobs: Arc<Jobs>,
    id: String,
    ended: bool,
}

impl Stream {
    /// The next event, or None once the final one was sent.
    async fn next(&mut self) -> Option<JobEvent> {
        if self.ended {
            return None;
        }
        let event = match self.first.take() {
            Some(event) => event,
            None => loop {
                match self.rx.recv().await {
                    Ok(event) => break event,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    // The channel went away: the store has the final state.
                    Err(broadcast::error::RecvError::Closed) => match self.jobs.store.get(&self.id) {
                        Ok(Some(job)) if job.status.is_finished() => break JobEvent::finished(&job),
                        _ => return None,
                    },
                }
            },
        };
        self.ended = event.is_final();
        Some(event)
    }
}

async fn events(State(jobs): State<Arc<Jobs>>, Path(id): Path<String>) -> Response {
    if !is_job_id(&id) {
        return not_found(&id);
    }
    // Subscribe before reading the record, so nothing between the two is missed.
    let (last, rx) = jobs.events.subscribe(&id);
    let job = match load(&jobs, &id).await {
        Ok(job) => job,
        Err(resp) => return resp,
    };
    let first = if job.status.is_finished() {
        JobEvent::finished(&job)
    } else {
        last.unwrap_or_else(|| JobEvent::Progress(job.progress.clone().unwrap_or_else(JobProgress::queued)))
    };
    let state = Stream { first: Some(first), rx, jobs, id, ended: false };
    let stream = futures_util::stream::unfold(state, |mut s| async move {
        let event = s.next().await?;
        Some((Ok::<_, Infallible>(Event::default().event(event.name()).data(event.data())), s))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
