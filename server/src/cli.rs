//! The command-line contract: `probe`, `validate` (and later `render`, `serve`).

use clap::{Parser, Subcommand};
use frameloom::container::{self, FileSource};
use std::path::PathBuf;
use std::process::ExitCode;

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
}

/// Parses arguments and runs the chosen command.
pub fn run() -> ExitCode {
    match Cli::parse().command {
        Command::Probe { file } => probe(&file),
        Command::Validate { project } => validate(&project),
    }
}

fn probe(path: &PathBuf) -> ExitCode {
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

fn validate(path: &PathBuf) -> ExitCode {
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
