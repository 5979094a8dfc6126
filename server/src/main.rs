//! `frameloom-server`: the command-line entry point and render server.

mod cli;
mod http;
mod render;
mod serve;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("FRAMELOOM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    cli::run()
}
