//! `sources`: the media files a project uses, by id.

use super::error::ErrorCode;
use super::keyword::{Keyword, keyword_enum, quoted_list};
use super::limits::{MAX_ID_CHARS, MAX_NAME_CHARS, MAX_SOURCE_BYTES, MAX_SOURCES};
use super::path::{key_path, quote};
use super::reader::{Bounds, Fields, Report, wrong_type};
use super::suggest::closest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

keyword_enum! {
    /// What a source file holds.
    pub enum SourceKind {
        /// A video file (MP4, MOV, WebM, MKV), possibly with audio.
        Video = "video",
        /// A still image (PNG, JPEG, WebP, ...).
        Image = "image",
        /// An audio file.
        Audio = "audio",
        /// A subtitle file (SRT or WebVTT).
        Subtitles = "subtitles",
        /// A font file (TTF, OTF, WOFF2).
        Font = "font",
    }
}

/// One media file, known by id; the bytes travel separately (upload or local file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// What the file holds.
    pub kind: SourceKind,
    /// The original file name, for display only; never used as a path.
    pub name: String,
    /// The file's size in bytes.
    pub size: u64,
    /// The file's SHA-256 as 64 lowercase hex digits, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// True for ids of 1–64 characters from `A–Z a–z 0–9 _ -` that do not start with `-`.
pub fn is_valid_id(id: &str) -> bool {
    let ok_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    !id.is_empty() && id.len() <= MAX_ID_CHARS && !id.starts_with('-') && id.bytes().all(ok_char)
}

/// The ids present in `sources` and their kinds, for checking references.
pub(crate) struct SourceIndex {
    /// Each id written, with its kind when that was readable.
    ids: BTreeMap<String, Option<SourceKind>>,
    /// False when `sources` itself was unreadable, so references cannot be checked.
    readable: bool,
}

impl SourceIndex {
    /// Checks that `id` names a source of one of the `wanted` kinds, for `user` (e.g. "a video layer").
    pub fn check(&self, id: &str, path: &str, wanted: &[SourceKind], user: &str, r: &mut Report) -> bool {
        if !self.readable {
            return true;
        }
        match self.ids.get(id) {
            Some(Some(kind)) if !wanted.contains(kind) => {
                let names: Vec<&str> = wanted.iter().map(|k| k.name()).collect();
                let message = format!(
                    "source {} is {} source; {user} needs {} source",
                    quote(id),
                    article(kind.name()),
                    article(&quoted_list(&names, "or").replace('"', ""))
                );
                r.add(path, ErrorCode::WrongSourceKind, message);
                false
            }
            Some(_) => true,
            None => {
                let hint = match closest(id, self.ids.keys().map(String::as_str)).filter(|_| r.has_room()) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None if self.ids.is_empty() => "add it to \"sources\" first".to_owned(),
                    None => "add it to \"sources\" or use one of the ids defined there".to_owned(),
                };
                r.add(path, ErrorCode::UnknownSource, format!("unknown source {}; {hint}", quote(id)));
                false
            }
        }
    }
}

/// "a video", "an image", "an audio".
fn article(word: &str) -> String {
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// Reads `sources` (absent means none); the index is filled even when some entries are wrong.
pub(crate) fn read_sources(value: Option<&Value>, r: &mut Report) -> (Option<BTreeMap<String, Source>>, SourceIndex) {
    let mut index = SourceIndex { ids: BTreeMap::new(), readable: true };
    let Some(value) = value else { return (Some(BTreeMap::new()), index) };
    let Some(map) = value.as_object() else {
        wrong_type(value, "sources", "an object mapping ids to sources", r);
        index.readable = false;
        return (None, index);
    };
    if map.len() > MAX_SOURCES {
        r.add("sources", ErrorCode::TooMany, format!("has {} sources; the limit is {MAX_SOURCES}", map.len()));
        index.readable = false;
        return (None, index);
    }
    let mut sources = Some(BTreeMap::new());
    for (id, entry) in map {
        let path = key_path("sources", id);
        if !is_valid_id(id) {
            let message = format!(
                "invalid source id {}: use 1–{MAX_ID_CHARS} characters from A–Z, a–z, 0–9, \"_\" and \"-\", not starting with \"-\" (ids become file names)",
                quote(id)
            );
            r.add(&path, ErrorCode::InvalidValue, message);
        }
        let kind = entry.get("kind").and_then(Value::as_str).and_then(SourceKind::parse);
        index.ids.insert(id.clone(), kind);
        let source = Fields::new(entry, path, "a source", r).and_then(|f| read_source(f, r));
        match (source, sources.as_mut()) {
            (Some(source), Some(all)) if is_valid_id(id) => {
                all.insert(id.clone(), source);
            }
            _ => sources = None,
        }
    }
    (sources, index)
}

/// Reads one source entry.
fn read_source(mut f: Fields, r: &mut Report) -> Option<Source> {
    let kind = f.keyword::<SourceKind>("kind", r).required(r);
    let name = f.string("name", MAX_NAME_CHARS, r).required(r);
    let size = f.integer("size", Bounds::between(1.0, MAX_SOURCE_BYTES as f64, " bytes"), r).required(r);
    let sha256 = f
        .get("sha256", |v, p| match v.as_str() {
            Some(s) if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) => Some(s.to_owned()),
            Some(_) => {
                r.add(p, ErrorCode::InvalidValue, "must be 64 lowercase hexadecimal digits (the SHA-256 of the file)");
                None
            }
            None => {
                wrong_type(v, p, "a string", r);
                None
            }
        })
        .optional();
    f.finish(r);
    Some(Source { kind: kind?, name: name?.to_owned(), size: size?, sha256: sha256? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_file_name_safe() {
        for good in ["clipA", "a", "_x", "0", "clip-1_b", &"a".repeat(64)] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in ["", "-a", "a/b", "a\\b", "..", "a.mp4", "a b", "a\0", "é", &"a".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn articles_read_naturally() {
        assert_eq!(article("image"), "an image");
        assert_eq!(article("video"), "a video");
    }
}
