//! What SRT and WebVTT share: numbered lines, blocks between blank lines, and cue blocks
//! (optional id, `start --> end` line, text lines), robust to missing blank lines.

use super::error::{Errors, SubtitleErrorKind};
use super::timestamp;
use super::{Cue, CueSettings, MAX_CUES_PER_FILE, Parsed};
use crate::project::limits::MAX_TEXT_CHARS;

/// A cue block before its fields are checked.
pub(crate) struct RawCue<'a> {
    /// The id line, if any.
    pub id: Option<&'a str>,
    /// Line number of the timing line.
    pub line: usize,
    /// The timing line.
    pub timing: &'a str,
    /// The text lines.
    pub text: Vec<&'a str>,
}

/// Lines of `text` numbered from 1 (byte-order mark removed; `\r\n`, `\r` and `\n` end lines).
pub(crate) fn numbered_lines(text: &str) -> Vec<(usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        for part in line.split('\r') {
            lines.push((lines.len() + 1, part));
        }
    }
    lines
}

/// Splits `lines` into blocks at blank lines.
pub(crate) fn blocks<'a, 'b>(lines: &'b [(usize, &'a str)]) -> impl Iterator<Item = &'b [(usize, &'a str)]> {
    lines.split(|(_, l)| l.trim().is_empty()).filter(|b| !b.is_empty())
}

/// The cues of one block. A timing line inside a block starts a new cue (a blank line was
/// missing); a digits-only line just before it is that cue's number.
pub(crate) fn block_cues<'a>(block: &[(usize, &'a str)], errors: &mut Errors) -> Vec<RawCue<'a>> {
    let timings: Vec<usize> =
        (0..block.len()).filter(|&i| block.get(i).is_some_and(|(_, l)| l.contains("-->"))).collect();
    let Some(&first) = timings.first() else {
        if let Some((line, _)) = block.first() {
            errors.add(*line, SubtitleErrorKind::MissingTiming);
        }
        return Vec::new();
    };
    if first > 1 {
        if let Some((line, _)) = block.first() {
            errors.add(*line, SubtitleErrorKind::MissingTiming);
        }
    }
    let line_at = |i: usize| block.get(i).map_or("", |(_, l)| *l);
    let is_number = |i: usize| {
        let l = line_at(i).trim();
        !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())
    };
    let mut cues: Vec<RawCue<'a>> = Vec::with_capacity(timings.len());
    for (k, &t) in timings.iter().enumerate() {
        let id = match k {
            0 => first.checked_sub(1).map(line_at),
            _ if t >= 2 && timings.get(k - 1).is_some_and(|&p| t - 1 > p) && is_number(t - 1) => {
                if let Some(prev) = cues.last_mut() {
                    prev.text.pop();
                }
                Some(line_at(t - 1))
            }
            _ => None,
        };
        let end = timings.get(k + 1).copied().unwrap_or(block.len());
        let text = (t + 1..end).map(line_at).collect();
        let line = block.get(t).map_or(0, |(n, _)| *n);
        cues.push(RawCue { id: id.map(str::trim), line, timing: line_at(t), text });
    }
    cues
}

/// Splits a timing line into start, end and what follows the end time.
pub(crate) fn split_timing<'a>(raw: &RawCue<'a>, errors: &mut Errors) -> Option<(i64, i64, &'a str)> {
    let (start, rest) = raw.timing.split_once("-->")?;
    let rest = rest.trim_start();
    let (end, settings) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    let mut time = |text: &str| {
        let parsed = timestamp::parse(text);
        if parsed.is_none() {
            errors.add(raw.line, SubtitleErrorKind::BadTimestamp { text: text.trim().to_owned() });
        }
        parsed
    };
    let (start, end) = (time(start)?, time(end)?);
    if end <= start {
        errors.add(raw.line, SubtitleErrorKind::EndNotAfterStart);
        return None;
    }
    Some((start, end, settings))
}

/// Adds a checked cue: text made plain by `plain`, not empty, not too long, within the count limit.
pub(crate) fn push_cue(
    parsed: &mut Parsed,
    errors: &mut Errors,
    raw: &RawCue,
    times: (i64, i64),
    settings: CueSettings,
    plain: fn(&str) -> String,
) {
    let joined: Vec<&str> = raw.text.iter().map(|l| l.trim_end()).collect();
    let text = plain(&joined.join("\n")).trim_matches('\n').to_owned();
    if text.trim().is_empty() {
        errors.add(raw.line, SubtitleErrorKind::EmptyText);
        return;
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        errors.add(raw.line, SubtitleErrorKind::TextTooLong { chars, limit: MAX_TEXT_CHARS });
        return;
    }
    if parsed.cues.len() >= MAX_CUES_PER_FILE {
        if !errors.truncated {
            errors.truncated = true;
            errors.add(raw.line, SubtitleErrorKind::TooManyCues { limit: MAX_CUES_PER_FILE });
        }
        return;
    }
    let id = raw.id.filter(|i| !i.is_empty()).map(str::to_owned);
    parsed.cues.push(Cue { id, start_us: times.0, end_us: times.1, text, settings });
}
