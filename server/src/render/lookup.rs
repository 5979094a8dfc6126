//! Finding source files: checking the files a caller names, and the command line's lookup of
//! sources in a folder.
//!
//! `render --sources DIR` looks for each source as `DIR/<sha256>` (when the project gives its
//! hash), then `DIR/<id>`, then `DIR/<name>`. Ids and hashes are validated by the project
//! format (`[A-Za-z0-9_-]`, lowercase hex); a `name` is used only if it is a plain file name
//! (no `/`, `\`, NUL, not `.` or `..`, no control characters), and every candidate must
//! resolve (after following links) to a regular file inside DIR.

use super::error::RenderError;
use frameloom::project::{Project, SourceKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of `sources` as absolute paths, each checked to be a readable regular file.
pub fn existing_files(sources: &BTreeMap<String, PathBuf>) -> Result<BTreeMap<String, PathBuf>, RenderError> {
    sources
        .iter()
        .map(|(id, path)| {
            let real = path.canonicalize().ok().filter(|p| p.is_file()).ok_or_else(|| RenderError::Source {
                source_id: id.clone(),
                message: format!("{} is not a readable file", path.display()),
            })?;
            Ok((id.clone(), real))
        })
        .collect()
}

/// Finds every video, audio and image source of `project` in `dir`.
pub fn sources_in_dir(project: &Project, dir: &Path) -> Result<BTreeMap<String, PathBuf>, RenderError> {
    let root = dir.canonicalize().map_err(|e| RenderError::io(format!("sources folder {}", dir.display()), &e))?;
    let mut found = BTreeMap::new();
    for (id, source) in &project.sources {
        if !matches!(source.kind, SourceKind::Video | SourceKind::Audio | SourceKind::Image) {
            continue;
        }
        if !is_plain_file_name(&source.name) {
            return Err(RenderError::Source {
                source_id: id.clone(),
                message: format!(
                    "name {:?} is not a plain file name (no folders, \"..\" or control characters); rename the file",
                    source.name
                ),
            });
        }
        let candidates = source.sha256.iter().chain([id, &source.name]);
        let hit = candidates.filter_map(|name| inside(&root, name)).next();
        match hit {
            Some(path) => {
                found.insert(id.clone(), path);
            }
            None => {
                return Err(RenderError::Source {
                    source_id: id.clone(),
                    message: format!(
                        "not found in {}: name the file after its sha256, its id or {:?}",
                        root.display(),
                        source.name
                    ),
                });
            }
        }
    }
    Ok(found)
}

/// True for a single path component that names a file.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.chars().any(char::is_control)
}

/// `root/name` if it resolves to a regular file inside `root`.
fn inside(root: &Path, name: &str) -> Option<PathBuf> {
    if !is_plain_file_name(name) {
        return None;
    }
    let real = root.join(name).canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain() {
        for bad in ["", ".", "..", "../../etc/passwd", "a/b", "a\\b", "a\0b", "a\nb"] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
        for good in ["clip.mp4", "it's, fine; really.mp4", "..hidden", "é.mov"] {
            assert!(is_plain_file_name(good), "{good:?}");
        }
    }
}
