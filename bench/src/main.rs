//! `make bench` (`cargo run --release -p frameloom-bench [GROUP...]`): prints one
//! table per benchmark group. Every speed is compared, as a ratio, with a
//! reference measured in the same run on the same machine (never a bare time).
//!
//! A group is one module with `pub fn run() -> Result<Table, String>`, listed in
//! [`GROUPS`]; it makes its own inputs (see `fixtures`) and uses `measure` for
//! timing and memory.

mod container;
mod fast_paths;
mod fixtures;
mod jobs;
mod measure;
mod raster;
mod server_job;
mod table;

use std::process::ExitCode;
use table::Table;

/// A benchmark group's runner: measures and returns its table.
type Group = fn() -> Result<Table, String>;

/// Every benchmark group: its name on the command line and its runner.
const GROUPS: &[(&str, Group)] = &[
    ("container", container::run),
    ("fast-paths", fast_paths::run),
    ("jobs", jobs::run),
    ("raster", raster::run),
    ("server", server_job::run),
];

fn main() -> ExitCode {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    if let Some(unknown) = wanted.iter().find(|w| !GROUPS.iter().any(|(name, _)| name == w)) {
        let names: Vec<&str> = GROUPS.iter().map(|(name, _)| *name).collect();
        eprintln!("frameloom-bench: unknown group {unknown:?}; groups: {}", names.join(", "));
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for (name, run) in GROUPS.iter().filter(|(name, _)| wanted.is_empty() || wanted.iter().any(|w| w == name)) {
        match run() {
            Ok(table) => println!("{table}"),
            Err(e) => {
                eprintln!("frameloom-bench: group {name} could not run: {e}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
