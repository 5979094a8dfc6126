//! `frameloom-server render PROJECT.json --sources DIR -o OUT`: the renderer from the command
//! line, no HTTP. Progress goes to stderr, the stats as JSON to stdout; on failure, exit 1
//! with `{"error": {"code", "message", …}}` on stdout.

use super::{ExtraOutput, RenderError, RenderRequest, render, sources_in_dir};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

/// What `render` was given on the command line.
pub struct RenderArgs {
    /// The project JSON file.
    pub project: PathBuf,
    /// The folder holding the sources.
    pub sources: PathBuf,
    /// The output file.
    pub output: PathBuf,
    /// ffmpeg thread budget.
    pub threads: usize,
    /// Temporary space (default: the system's temp folder).
    pub work_dir: Option<PathBuf>,
    /// A still of the frame at `thumbnail_at` seconds, written here too (PNG or `.jpg`).
    pub thumbnail: Option<PathBuf>,
    /// When the thumbnail is taken, in seconds.
    pub thumbnail_at: f64,
    /// Renditions and HLS, written to their folder (created if missing).
    pub ladder: Option<ExtraOutput>,
}

/// Runs the command.
pub fn run(args: RenderArgs) -> ExitCode {
    match render_file(&args) {
        Ok(stats) => {
            println!("{}", serde_json::to_string_pretty(&stats).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("frameloom-server render: {e}");
            let out = serde_json::json!({ "error": e.to_json() });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            ExitCode::FAILURE
        }
    }
}

fn render_file(args: &RenderArgs) -> Result<super::RenderStats, RenderError> {
    let text = std::fs::read_to_string(&args.project)
        .map_err(|e| RenderError::io(format!("project {}", args.project.display()), &e))?;
    let project = frameloom::project::validate(&text).map_err(RenderError::InvalidProject)?;
    let sources = sources_in_dir(&project, &args.sources)?;
    let work_dir = args.work_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("frameloom-render"));
    let mut extra: Vec<ExtraOutput> = args
        .thumbnail
        .iter()
        .map(|path| ExtraOutput::Thumbnail {
            at_us: frameloom::time::seconds_to_us(args.thumbnail_at.max(0.0)),
            path: path.clone(),
        })
        .collect();
    if let Some(ExtraOutput::Ladder { dir, .. }) = &args.ladder {
        std::fs::create_dir_all(dir).map_err(|e| RenderError::io(dir.display(), &e))?;
    }
    extra.extend(args.ladder.clone());
    let req = RenderRequest { project, sources, output: args.output.clone(), threads: args.threads, work_dir, extra };
    let mut shown = (String::new(), -1i64);
    let mut show = |p: super::Progress| {
        let percent = (p.fraction * 100.0).floor() as i64;
        if (p.stage, percent) != (shown.0.as_str(), shown.1) {
            let eta = p.eta_seconds.map_or(String::new(), |s| format!(" eta={s:.1}s"));
            eprintln!("{} {percent}% fps={:.1}{eta}", p.stage, p.fps);
            shown = (p.stage.to_owned(), percent);
        }
    };
    render(&req, &mut show, &AtomicBool::new(false))
}
