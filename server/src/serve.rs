//! `frameloom-server serve`: opens the data dir, resolves the API keys, binds the listener,
//! starts the job workers and the janitor, and runs the HTTP router until Ctrl-C.

use crate::auth;
use crate::http::{self, Api, HttpConfig};
use crate::janitor;
use crate::jobs::{Jobs, JobsConfig};
use crate::storage::Storage;
use crate::tus::{TusConfig, TusState};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Settings for `serve`, from flags and environment.
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Folder for uploads, sources, jobs and outputs; created if missing.
    pub data_dir: PathBuf,
    /// API keys from `--api-key` / `FRAMELOOM_API_KEYS`; empty means the dev key.
    pub api_keys: Vec<String>,
    /// HTTP settings.
    pub http: HttpConfig,
    /// Upload limits.
    pub uploads: TusConfig,
    /// Job queue and worker settings.
    pub jobs: JobsConfig,
    /// Time between janitor passes (before capping by the TTLs).
    pub janitor_interval: Duration,
}

/// Starts the server and blocks until it is stopped.
pub fn run(config: ServeConfig) -> Result<(), String> {
    let storage = Storage::open(&config.data_dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", config.data_dir.display()))?;
    if let Some(www) = &config.http.www {
        if !www.join("index.html").is_file() {
            return Err(format!("--www {} has no index.html; build the site with `make run`", www.display()));
        }
    }
    let keys = auth::resolve(&config.api_keys, &config.data_dir)?;
    let janitor_interval = janitor::interval(
        config.janitor_interval,
        &[config.uploads.upload_ttl, config.jobs.output_ttl, config.jobs.source_ttl],
    );
    let jobs = Jobs::open(config.jobs, storage.clone())?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // Whoever reads stdout may stop after the URL line: a closed pipe is not an error here.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "frameloom-server listening on http://{addr}/");
        if let Some(key) = &keys.dev_key {
            let _ = writeln!(out, "frameloom-server: dev API key: {key}");
            eprintln!(
                "frameloom-server: no --api-key given; using the dev key kept in {} (send it as `Authorization: Bearer KEY`)",
                config.data_dir.join("dev-api-key").display()
            );
        }
        drop(out);
        jobs.start();
        let tus = TusState::new(storage.clone(), config.uploads);
        tokio::spawn(janitor::run(jobs.clone(), tus.clone(), janitor_interval));
        let api = Api { keys: keys.keys, storage, tus, jobs };
        axum::serve(listener, http::router(&config.http, api))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server stopped: {e}"))
    })
}
