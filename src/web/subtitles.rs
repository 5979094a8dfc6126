//! The `parseSubtitles` export: SRT/WebVTT text in, the core's cues and line-numbered problems
//! out, so the page edits exactly the cues the renderers would read.

use super::error::{INTERNAL, error_object};
use crate::raster::subtitles::{Cue, Parsed, parse, parse_srt, parse_vtt};
use js_sys::JSON;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Largest subtitles text accepted, in UTF-8 bytes (16 MiB).
pub const MAX_SUBTITLES_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// One problem, as JS sees it.
#[derive(Serialize)]
struct Problem {
    /// 1-based line number.
    line: usize,
    /// Stable code, e.g. `subtitle_bad_timestamp`.
    code: &'static str,
    /// What is wrong and what happened to the cue.
    message: String,
}

/// The answer: `{ cues, errors }`.
#[derive(Serialize)]
struct Answer<'a> {
    cues: &'a [Cue],
    errors: Vec<Problem>,
}

/// Parses `text` as `format` (`srt`, `vtt`, or by its `WEBVTT` header when absent) and
/// returns `{ cues: [{ id?, startUs, endUs, text, settings }], errors: [{ line, code, message }] }`.
/// Throws `{ code: 'invalid_argument' | 'limit_exceeded', message }` for an unknown format or a
/// text above the limit.
#[wasm_bindgen(js_name = parseSubtitles)]
pub fn parse_subtitles(text: String, format: Option<String>) -> Result<JsValue, JsValue> {
    if text.len() > MAX_SUBTITLES_TEXT_BYTES {
        let message = format!(
            "the subtitles text has {} bytes, above the limit of {MAX_SUBTITLES_TEXT_BYTES}; split the file",
            text.len()
        );
        return Err(error_object("limit_exceeded", &message));
    }
    let parsed: Parsed = match format.as_deref() {
        None => parse(&text),
        Some("srt") => parse_srt(&text),
        Some("vtt") => parse_vtt(&text),
        Some(other) => {
            let message = format!("unknown subtitles format \"{other}\"; use \"srt\" or \"vtt\", or leave it out");
            return Err(error_object("invalid_argument", &message));
        }
    };
    let errors =
        parsed.errors.iter().map(|e| Problem { line: e.line, code: e.code(), message: e.kind.to_string() }).collect();
    let json = serde_json::to_string(&Answer { cues: &parsed.cues, errors })
        .map_err(|e| error_object(INTERNAL, &format!("could not convert the cues: {e}")))?;
    JSON::parse(&json)
}
