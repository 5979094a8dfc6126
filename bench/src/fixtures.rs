//! Benchmark inputs, made by ffmpeg on first use and kept in `target/bench-fixtures/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A benchmark input: its file name and the ffmpeg arguments (after `-y`) that make it; `{dir}` is the fixture folder.
struct Recipe {
    name: &'static str,
    args: &'static [&'static str],
}

const RECIPES: &[Recipe] = &[
    Recipe {
        name: "h264_aac_64x64_0.5s.mp4",
        args: &[
            "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=30:duration=0.5",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=0.5",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
        ],
    },
    Recipe {
        name: "h264_aac_1080p30_20s.mp4",
        args: &[
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30:duration=20",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=20",
            "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "60", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-shortest",
        ],
    },
    Recipe {
        name: "h264_aac_1080p30_20s_fragmented.mp4",
        args: &["-i", "{dir}/h264_aac_1080p30_20s.mp4", "-c", "copy", "-map", "0", "-movflags", "frag_keyframe+empty_moov+default_base_moof"],
    },
    Recipe {
        name: "h264_aac_720p30_10s.mp4",
        args: &[
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=10",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-shortest",
        ],
    },
    Recipe {
        name: "vp9_opus_720p30_10s.webm",
        args: &[
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=10",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10",
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-b:v", "12M", "-minrate", "12M", "-maxrate", "12M", "-g", "60",
            "-c:a", "libopus", "-b:a", "128k", "-shortest",
        ],
    },
];

/// The folder benchmark inputs and outputs live in (inside the workspace's `target/`).
pub fn dir() -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-fixtures");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The path of input `name`, made with ffmpeg (with what it derives from) if missing.
pub fn path(name: &str) -> Result<PathBuf, String> {
    let dir = dir()?;
    let target = dir.join(name);
    if target.exists() {
        return Ok(target);
    }
    let recipe = RECIPES.iter().find(|r| r.name == name).ok_or_else(|| format!("no recipe for {name}"))?;
    let dir_s = dir.to_str().ok_or("the target folder path is not UTF-8")?;
    for arg in recipe.args {
        if let Some(dep) = arg.strip_prefix("{dir}/") {
            path(dep)?;
        }
    }
    // Written under a temporary name with the same extension (ffmpeg picks the muxer from it), then renamed.
    let partial = dir.join(format!("partial_{name}"));
    eprintln!("frameloom-bench: making {name} with ffmpeg");
    let out = Command::new("ffmpeg").arg("-nostdin")
        .args(["-hide_banner", "-v", "error", "-y"])
        .args(recipe.args.iter().map(|a| a.replace("{dir}", dir_s)))
        .arg(&partial)
        .output()
        .map_err(|e| format!("cannot run ffmpeg (is it installed?): {e}"))?;
    if !out.status.success() {
        return Err(format!("ffmpeg failed making {name}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    std::fs::rename(&partial, &target).map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    Ok(target)
}
