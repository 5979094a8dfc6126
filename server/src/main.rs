//! `frameloom-server`: the command-line entry point and render server.

mod auth;
mod cli;
mod duration;
mod hex;
mod http;
mod janitor;
mod jobs;
mod render;
mod serve;
mod storage;
mod tus;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("FRAMELOOM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    cli::run()
}
