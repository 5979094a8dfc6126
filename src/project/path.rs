//! JSON paths as shown to users: `scenes[0].layers[2].trimEnd`, `sources["a b"]`.

/// Longest key shown in a path before it is cut with an ellipsis.
const MAX_SHOWN_KEY_CHARS: usize = 64;

/// The path of `key` inside the object at `parent`.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= MAX_SHOWN_KEY_CHARS
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match (plain, parent.is_empty()) {
        (true, true) => key.to_owned(),
        (true, false) => format!("{parent}.{key}"),
        (false, _) => format!("{parent}[{}]", quote(key)),
    }
}

/// The path of element `index` inside the array at `parent`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// `text` as a JSON string literal, cut to a readable length; for quoting user text in messages.
pub(crate) fn quote(text: &str) -> String {
    let cut = match text.char_indices().nth(MAX_SHOWN_KEY_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    };
    serde_json::Value::String(cut).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_dotted_and_indexed_paths() {
        assert_eq!(key_path("", "scenes"), "scenes");
        assert_eq!(key_path(&index_path("scenes", 0), "layers"), "scenes[0].layers");
        assert_eq!(key_path("sources", "clip-A_1"), "sources.clip-A_1");
    }

    #[test]
    fn quotes_unusual_keys() {
        assert_eq!(key_path("sources", "a/b"), "sources[\"a/b\"]");
        assert_eq!(key_path("", ""), "[\"\"]");
        assert_eq!(key_path("x", "a\"\n"), "x[\"a\\\"\\n\"]");
        let long = "k".repeat(1000);
        assert_eq!(key_path("x", &long), format!("x[\"{}…\"]", "k".repeat(64)));
    }
}
