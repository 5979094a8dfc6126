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
use std::time::Duration;

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

/// Longest `/capacity` waits for the server's start-up encode (about 2 s on 2 busy cores):
/// under the browser's 3 s capacity timeout, so a fresh server never looks unreachable.
const CALIBRATION_WAIT: Duration = Duration::from_secs(2);

async fn capacity(State(jobs): State<Arc<Jobs>>) -> Response {
    jobs.calibrated(CALIBRATION_WAIT).await;
    let throughput = jobs.metrics.throughput();
    match jobs.store.counts() {
        Ok(c) => Json(json!({
            "queueDepth": c.queued,
            "running": c.running,
            "workers": jobs.pool.workers(),
            "maxQueued": jobs.config.max_queued,
            "throughputMpps": throughput.mpps,
            "setupSeconds": throughput.setup_seconds,
            "estimatedWaitSeconds": jobs.estimated_wait_seconds(c.queued),
            "measured": jobs.is_calibrated(),
        }))
        .into_response(),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, e.code(), e),
    }
}
