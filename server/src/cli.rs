//! The command-line contract: `probe`, `validate` and `serve`.

use crate::auth::ApiKeys;
use crate::http::HttpConfig;
use crate::jobs::JobsConfig;
use crate::serve::{self, ServeConfig};
use clap::{Parser, Subcommand};
use frameloom::container::{self, FileSource};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// frameloom render server and tools.
#[derive(Parser)]
#[command(name = "frameloom-server", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the container, tracks, codecs and keyframes of a media file as JSON.
    Probe {
        /// The media file to read.
        file: PathBuf,
    },
    /// Check a project file; exit 0 when valid, or 1 with the errors as JSON.
    Validate {
        /// The project JSON file.
        project: PathBuf,
    },
    /// Run the HTTP server (editor page, API) until Ctrl-C.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8787 (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8787", env = "FRAMELOOM_LISTEN")]
        listen: SocketAddr,
        /// Folder for uploads, jobs and outputs.
        #[arg(long, default_value = "frameloom-data", env = "FRAMELOOM_DATA_DIR")]
        data_dir: PathBuf,
        /// Folder with the editor page and npm package, served at `/`.
        #[arg(long, env = "FRAMELOOM_WWW")]
        www: Option<PathBuf>,
        /// Origin allowed to call the API from a browser; repeat it, or `*` for any.
        #[arg(long = "cors-origin", env = "FRAMELOOM_CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
        /// API key accepted as `Authorization: Bearer KEY`; repeat for several. Without any, the API is open.
        #[arg(long = "api-key", env = "FRAMELOOM_API_KEYS", value_delimiter = ',', hide_env_values = true)]
        api_keys: Vec<String>,
        /// Concurrent renders [default: half the cores, at least 1]; each ffmpeg gets cores / workers threads.
        #[arg(long, env = "FRAMELOOM_WORKERS", value_parser = clap::value_parser!(u16).range(1..=256))]
        workers: Option<u16>,
        /// Jobs allowed to wait; past this `POST /jobs` answers 429 with Retry-After.
        #[arg(long, default_value_t = 100, env = "FRAMELOOM_MAX_QUEUED")]
        max_queued: u64,
        /// Seconds a finished job and its output are kept before the janitor removes them.
        #[arg(long, default_value_t = 86_400, env = "FRAMELOOM_OUTPUT_TTL")]
        output_ttl: u64,
        /// Seconds an uploaded source file is kept after its last write when no waiting or running job uses it.
        #[arg(long, default_value_t = 86_400, env = "FRAMELOOM_SOURCE_TTL")]
        source_ttl: u64,
        /// Seconds between janitor passes (scratch files, expired outputs and sources).
        #[arg(long, default_value_t = 60, env = "FRAMELOOM_JANITOR_INTERVAL", value_parser = clap::value_parser!(u64).range(1..))]
        janitor_interval: u64,
        /// Scratch folder for running renders [default: DATA_DIR/tmp].
        #[arg(long, env = "FRAMELOOM_TMP_DIR")]
        tmp_dir: Option<PathBuf>,
    },
}

/// Parses arguments and runs the chosen command.
pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Probe { file } => probe(&file),
        Command::Validate { project } => validate(&project),
        Command::Serve {
            listen,
            data_dir,
            www,
            cors_origins,
            api_keys,
            workers,
            max_queued,
            output_ttl,
            source_ttl,
            janitor_interval,
            tmp_dir,
        } => {
            let jobs = JobsConfig {
                tmp_dir: tmp_dir.unwrap_or_else(|| data_dir.join("tmp")),
                data_dir,
                workers: workers.map_or_else(JobsConfig::default_workers, usize::from),
                max_queued,
                output_ttl: Duration::from_secs(output_ttl),
                source_ttl: Duration::from_secs(source_ttl),
                janitor_interval: Duration::from_secs(janitor_interval),
            };
            let config =
                ServeConfig { listen, http: HttpConfig { www, cors_origins, api_keys: ApiKeys::new(api_keys) }, jobs };
            match serve::run(config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("frameloom-server serve: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn probe(path: &Path) -> ExitCode {
    let result = FileSource::open(path).and_then(|mut src| container::probe(&mut src));
    match result {
        Ok(info) => {
            println!("{}", serde_json::to_string_pretty(&info).expect("probe info serializes"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            let err = serde_json::json!({ "error": { "code": e.code(), "message": e.to_string() } });
            println!("{}", serde_json::to_string_pretty(&err).expect("error serializes"));
            eprintln!("frameloom-server probe: {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn validate(path: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let errs = serde_json::json!({ "errors": [{ "path": "", "message": format!("cannot read {}: {e}", path.display()) }] });
            println!("{}", serde_json::to_string_pretty(&errs).expect("errors serialize"));
            return ExitCode::FAILURE;
        }
    };
    match frameloom::project::validate(&text) {
        Ok(_) => {
            println!("{}", serde_json::json!({ "valid": true, "errors": [] }));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            let out = serde_json::json!({ "valid": false, "errors": errors });
            println!("{}", serde_json::to_string_pretty(&out).expect("errors serialize"));
            ExitCode::FAILURE
        }
    }
}
