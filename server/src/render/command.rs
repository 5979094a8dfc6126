//! `frameloom-server render PROJECT.json --sources DIR -o OUT`: the renderer from the command
//! line, no HTTP. Progress goes to stderr, the stats as JSON to stdout; on failure, exit 1
//! with `{"error": {"code", "message", …}}` on stdout.

use super::{ExtraOutput, RenderError, RenderRequest, render, sources_in_dir};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

/// The flags of `render`.
#[derive(Args)]
pub struct RenderArgs {
    /// The project JSON file.
    pub project: PathBuf,
    /// Folder with the sources, named by sha256, id or original name.
    #[arg(long)]
    pub sources: PathBuf,
    /// The file to write (written under a temporary name, then renamed).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// ffmpeg thread budget (default: the number of CPUs).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Folder for intermediates (default: the system temp folder); removed afterwards.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Also write a still of one frame here (PNG, or JPEG for `.jpg`).
    #[arg(long)]
    pub thumbnail: Option<PathBuf>,
    /// When that frame is, in seconds.
    #[arg(long, default_value_t = 0.0)]
    pub thumbnail_at: f64,
    /// Also write smaller renditions of these heights, e.g. 720,480 (none above the output's).
    #[arg(long, value_delimiter = ',', requires = "ladder_dir")]
    pub renditions: Vec<u32>,
    /// Also package the output and its renditions as HLS (MP4 with H.264 only).
    #[arg(long, requires = "ladder_dir")]
    pub hls: bool,
    /// Folder for the renditions (`720p.mp4`, …) and the HLS package (`hls/master.m3u8`).
    #[arg(long)]
    pub ladder_dir: Option<PathBuf>,
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
    if let Some(dir) = &args.ladder_dir {
        std::fs::create_dir_all(dir).map_err(|e| RenderError::io(dir.display(), &e))?;
        extra.push(ExtraOutput::Ladder { heights: args.renditions.clone(), hls: args.hls, dir: dir.clone() });
    }
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from));
    let req = RenderRequest { project, sources, output: args.output.clone(), threads, work_dir, extra };
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
