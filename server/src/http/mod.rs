//! The HTTP face of the server: routes, CORS and static files.

mod cors;

use axum::{Router, routing::get};
use std::path::PathBuf;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

/// What the HTTP layer needs to know.
pub struct HttpConfig {
    /// Folder served at `/` (the editor page and the npm package), if any.
    pub www: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (`*` for any).
    pub cors_origins: Vec<String>,
}

/// Builds the application router.
pub fn router(config: &HttpConfig) -> Router {
    let mut app = Router::new().route("/healthz", get(healthz));
    if let Some(www) = &config.www {
        app = app.fallback_service(ServeDir::new(www).append_index_html_on_directories(true));
    }
    app.layer(cors::layer(&config.cors_origins)).layer(TraceLayer::new_for_http())
}

async fn healthz() -> &'static str {
    "ok\n"
}
