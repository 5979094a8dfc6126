//! The HTTP face of the server: routes, API keys, CORS and static files.

mod cors;
pub mod error;
mod jobs;
mod ops;
mod sources;

use crate::auth::{self, ApiKeys};
use crate::jobs::Jobs;
use crate::storage::Storage;
use crate::tus::{self, TusState};
use axum::{Router, middleware, routing::get};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// What the HTTP layer needs to know.
pub struct HttpConfig {
    /// Folder served at `/` (the editor page and the npm package), if any.
    pub www: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (`*` for any).
    pub cors_origins: Vec<String>,
}

/// The API behind keys: uploads, sources, jobs and operations.
pub struct Api {
    /// Keys accepted in `Authorization: Bearer KEY`.
    pub keys: ApiKeys,
    /// The data dir.
    pub storage: Storage,
    /// The tus upload state.
    pub tus: TusState,
    /// The job service.
    pub jobs: Arc<Jobs>,
}

/// Builds the application router: `/healthz` and static files are open; the API needs a key
/// (except `OPTIONS`); CORS wraps everything and answers every `OPTIONS`.
pub fn router(config: &HttpConfig, api: Api) -> Router {
    let tus_config = api.tus.config();
    let protected = Router::new()
        .merge(tus::routes(api.tus))
        .merge(sources::routes(api.storage))
        .merge(jobs::routes().merge(ops::routes()).with_state(api.jobs))
        .route_layer(middleware::from_fn_with_state(api.keys, auth::require_api_key));
    let mut app = Router::new().route("/healthz", get(healthz)).merge(protected);
    if let Some(www) = &config.www {
        app = app.fallback_service(ServeDir::new(www).append_index_html_on_directories(true));
    }
    app.layer(cors::layer(&config.cors_origins))
        .layer(middleware::from_fn_with_state(tus_config, tus::discovery))
        .layer(TraceLayer::new_for_http())
}

async fn healthz() -> &'static str {
    "ok\n"
}
