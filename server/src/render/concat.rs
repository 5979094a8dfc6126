//! Joining scene files.
//!
//! Every scene is encoded with identical settings, so the files normally hold the same codec
//! with the same decoder configuration; then the **concat demuxer** joins them without
//! re-encoding (`-f concat -c copy`). Before that, each file is probed with our own prober and
//! compared (codec string, decoder configuration bytes, frame size): if any differ, the scenes
//! are joined with a **filter-complex `concat`** and encoded once more.
//!
//! The list file is ours: it names only files this render created, in `work_dir`, by fixed
//! names (`scene_0007.mp4`), written relative to the list so the demuxer's default `safe=1`
//! check applies as well; each entry is checked to resolve inside `work_dir` first. No user
//! string ever reaches it.

use super::error::RenderError;
use frameloom::container::{self, FileSource, TrackKind};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The name of scene `index`'s file in the work folder.
pub fn scene_file_name(index: usize, extension: &str) -> String {
    format!("scene_{index:04}.{extension}")
}

/// Writes the concat list for `files` (all in `work_dir`) and returns its path.
pub fn write_list(work_dir: &Path, files: &[PathBuf]) -> Result<PathBuf, RenderError> {
    let root = work_dir.canonicalize().map_err(|e| RenderError::io(work_dir.display(), &e))?;
    let mut text = String::from("ffconcat version 1.0\n");
    for file in files {
        let real = file.canonicalize().map_err(|e| RenderError::io(file.display(), &e))?;
        let name = real.file_name().and_then(|n| n.to_str()).filter(|n| is_plain_name(n));
        match name {
            Some(name) if real.parent() == Some(root.as_path()) => {
                let _ = writeln!(text, "file '{name}'");
            }
            _ => {
                return Err(RenderError::Io(format!(
                    "refusing to list {} for concat: not a file this render created in its work folder",
                    file.display()
                )));
            }
        }
    }
    let list = root.join("concat.txt");
    std::fs::write(&list, text).map_err(|e| RenderError::io(list.display(), &e))?;
    Ok(list)
}

/// Names we generate: ASCII letters, digits, `_`, `-`, one `.`; nothing to escape or misread.
fn is_plain_name(name: &str) -> bool {
    !name.starts_with(['.', '-'])
        && name.bytes().filter(|&b| b == b'.').count() == 1
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

/// True when the video of every file has the same codec, decoder configuration and size,
/// so their packets can be joined as they are.
pub fn copy_compatible(files: &[PathBuf]) -> bool {
    let mut first = None;
    for file in files {
        let Ok(info) = FileSource::open(file).and_then(|mut s| container::probe(&mut s)) else { return false };
        let Some(track) = info.tracks.into_iter().find(|t| t.kind == TrackKind::Video) else { return false };
        let key = (track.codec, track.description, track.video.map(|v| (v.width, v.height)));
        match &first {
            None => first = Some(key),
            Some(k) if *k == key => {}
            Some(_) => return false,
        }
    }
    true
}

/// The filter that joins `n` inputs' video in order (the re-encoding fallback).
pub fn concat_filter(n: usize) -> String {
    let mut f = String::new();
    for i in 0..n {
        let _ = write!(f, "[{i}:v:0]");
    }
    let _ = write!(f, "concat=n={n}:v=1:a=0[vout]");
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_only_our_files() {
        let dir = std::env::temp_dir().join(format!("frameloom-concat-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join(scene_file_name(0, "mp4"));
        let b = dir.join(scene_file_name(1, "mp4"));
        std::fs::write(&a, b"x").unwrap();
        std::fs::write(&b, b"x").unwrap();
        let list = write_list(&dir, &[a, b]).unwrap();
        let text = std::fs::read_to_string(list).unwrap();
        assert_eq!(text, "ffconcat version 1.0\nfile 'scene_0000.mp4'\nfile 'scene_0001.mp4'\n");
        let evil = dir.join("it's.mp4");
        std::fs::write(&evil, b"x").unwrap();
        assert!(write_list(&dir, &[evil]).is_err());
        assert!(write_list(&dir, &[PathBuf::from("/etc/passwd")]).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(concat_filter(2), "[0:v:0][1:v:0]concat=n=2:v=1:a=0[vout]");
    }
}
