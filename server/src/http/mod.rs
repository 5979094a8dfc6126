//! The HTTP face of the server: routes, CORS and static files.

mod cors;
pub mod error;
mod jobs;
mod ops;

use crate::auth::{self, ApiKeys};
use crate::jobs::Jobs;
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
    /// Keys accepted on API routes (none: the API is open).
    pub api_keys: ApiKeys,
}

/// Builds the application router: `/healthz` and the site are open; the API needs a key.
pub fn router(config: &HttpConfig, service: Arc<Jobs>) -> Router {
    let api = jobs::routes()
        .merge(ops::routes())
        .layer(middleware::from_fn_with_state(config.api_keys.clone(), auth::require_key))
        .with_state(service);
    let mut app = Router::new().route("/healthz", get(healthz)).merge(api);
    if let Some(www) = &config.www {
        app = app.fallback_service(ServeDir::new(www).append_index_html_on_directories(true));
    }
    app.layer(cors::layer(&config.cors_origins)).layer(TraceLayer::new_for_http())
}

async fn healthz() -> &'static str {
    "ok\n"
}
