//! `frameloom-server serve`: binds the listener, starts the job workers and runs the HTTP router until Ctrl-C.

use crate::http::{self, HttpConfig};
use crate::jobs::{Jobs, JobsConfig};
use std::net::SocketAddr;

/// Settings for `serve`, from flags and environment.
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// HTTP settings.
    pub http: HttpConfig,
    /// Job queue and worker settings (including the data dir, created if missing).
    pub jobs: JobsConfig,
}

/// Starts the server and blocks until it is stopped.
pub fn run(config: ServeConfig) -> Result<(), String> {
    let data_dir = &config.jobs.data_dir;
    std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create data dir {}: {e}", data_dir.display()))?;
    if let Some(www) = &config.http.www {
        if !www.join("index.html").is_file() {
            return Err(format!("--www {} has no index.html; build the site with `make run`", www.display()));
        }
    }
    if config.http.api_keys.is_open() {
        tracing::warn!("no --api-key given: the jobs API is open to anyone who can reach {}", config.listen);
    }
    let jobs = Jobs::open(config.jobs)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        jobs.start();
        println!("frameloom-server listening on http://{addr}/");
        axum::serve(listener, http::router(&config.http, jobs))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server stopped: {e}"))
    })
}
