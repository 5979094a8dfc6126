//! The command-line contract: `probe`, `validate`, `render` and `serve`.

use crate::duration;
use crate::http::HttpConfig;
use crate::jobs::JobsConfig;
use crate::render;
use crate::serve::{self, ServeConfig};
use crate::tus::TusConfig;
use clap::{Args, Parser, Subcommand};
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
    /// Render a project to a file with ffmpeg; prints progress on stderr and stats as JSON.
    Render(Box<render::command::RenderArgs>),
    /// Run the HTTP server (editor page, API) until Ctrl-C.
    Serve(Box<ServeArgs>),
}

/// The flags of `serve`.
#[derive(Args)]
struct ServeArgs {
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
    /// API key clients send as `Authorization: Bearer KEY` (uploads, sources, jobs, /metrics,
    /// /capacity); repeat it for several. Without one, a dev key is made at first start, kept
    /// in DATA_DIR/dev-api-key and printed.
    #[arg(long = "api-key", env = "FRAMELOOM_API_KEYS", value_delimiter = ',', hide_env_values = true)]
    api_keys: Vec<String>,
    /// Concurrent renders [default: half the cores, at least 1]; each ffmpeg gets cores / workers threads.
    #[arg(long, env = "FRAMELOOM_WORKERS", value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    /// Jobs allowed to wait; past this `POST /jobs` answers 429 with Retry-After.
    #[arg(long, default_value_t = 100, env = "FRAMELOOM_MAX_QUEUED")]
    max_queued: u64,
    /// How long a finished job and its output are kept: seconds, or e.g. 90s, 15m, 24h, 7d.
    #[arg(long, default_value = "24h", value_parser = duration::parse, env = "FRAMELOOM_OUTPUT_TTL")]
    output_ttl: Duration,
    /// How long a source file is kept after its last upload when no waiting or running job uses it.
    #[arg(long, default_value = "24h", value_parser = duration::parse, env = "FRAMELOOM_SOURCE_TTL")]
    source_ttl: Duration,
    /// How long an unfinished upload is kept after its last write.
    #[arg(long, default_value = "24h", value_parser = duration::parse, env = "FRAMELOOM_UPLOAD_TTL")]
    upload_ttl: Duration,
    /// Time between janitor passes (expired uploads, outputs and sources, stale scratch); a
    /// shorter TTL shortens it.
    #[arg(long, default_value = "60s", value_parser = duration::parse, env = "FRAMELOOM_JANITOR_INTERVAL")]
    janitor_interval: Duration,
    /// Scratch folder for running renders [default: DATA_DIR/tmp].
    #[arg(long, env = "FRAMELOOM_TMP_DIR")]
    tmp_dir: Option<PathBuf>,
    /// Largest accepted upload, in bytes (larger ones get 413).
    #[arg(long, default_value_t = 20 << 30, env = "FRAMELOOM_MAX_UPLOAD_BYTES")]
    max_upload_bytes: u64,
}

impl ServeArgs {
    /// The server settings these flags give.
    fn into_config(self) -> ServeConfig {
        let ServeArgs {
            listen,
            data_dir,
            www,
            cors_origins,
            api_keys,
            workers,
            max_queued,
            output_ttl,
            source_ttl,
            upload_ttl,
            janitor_interval,
            tmp_dir,
            max_upload_bytes,
        } = self;
        ServeConfig {
            listen,
            api_keys,
            http: HttpConfig { www, cors_origins },
            uploads: TusConfig { max_upload_bytes, upload_ttl },
            jobs: JobsConfig {
                tmp_dir: tmp_dir.unwrap_or_else(|| data_dir.join("tmp")),
                workers: workers.map_or_else(JobsConfig::default_workers, usize::from),
                max_queued,
                output_ttl,
                source_ttl,
            },
            janitor_interval,
            data_dir,
        }
    }
}

/// Parses arguments and runs the chosen command.
pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Probe { file } => probe(&file),
        Command::Validate { project } => validate(&project),
        Command::Render(args) => render::command::run(*args),
        Command::Serve(args) => match serve::run(args.into_config()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("frameloom-server serve: {e}");
                ExitCode::FAILURE
            }
        },
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
