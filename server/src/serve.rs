//! `frameloom-server serve`: binds the listener and runs the HTTP router until Ctrl-C.

use crate::http::{self, HttpConfig};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings for `serve`, from flags and environment.
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Folder for uploads, jobs and outputs; created if missing.
    pub data_dir: PathBuf,
    /// HTTP settings.
    pub http: HttpConfig,
}

/// Starts the server and blocks until it is stopped.
pub fn run(config: ServeConfig) -> Result<(), String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", config.data_dir.display()))?;
    if let Some(www) = &config.http.www {
        if !www.join("index.html").is_file() {
            return Err(format!("--www {} has no index.html; build the site with `make run`", www.display()));
        }
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("frameloom-server listening on http://{addr}/");
        axum::serve(listener, http::router(&config.http))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server stopped: {e}"))
    })
}
