//! Operations endpoints: `/metrics` (Prometheus text format 0.0.4) and `/capacity` (JSON, read by the router).

use super::error::json_error;
use crate::jobs::Jobs;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use std::sync::Arc;

/// The operations routes (state: the job service).
pub fn routes() -> Router<Arc<Jobs>> {
    Router::new().route("/metrics", get(metrics)).route("/capacity", get(capacity))
}

async fn metrics(State(jobs): State<Arc<Jobs>>) -> Response {
    match jobs.store.counts() {
        Ok(c) => {
            let text = jobs.metrics.prometheus(c.queued, c.running);
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
        }
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.code(), e),
    }
}

async fn capacity(State(jobs): State<Arc<Jobs>>) -> Response {
    match jobs.store.counts() {
        Ok(c) => Json(json!({
            "queueDepth": c.queued,
            "running": c.running,
            "workers": jobs.pool.workers(),
            "maxQueued": jobs.config.max_queued,
            "throughputMpps": jobs.metrics.throughput().mpps,
            "estimatedWaitSeconds": jobs.estimated_wait_seconds(c.queued),
        }))
        .into_response(),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.code(), e),
    }
}
