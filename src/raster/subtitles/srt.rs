//! SubRip (`.srt`): numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text lines.

use super::error::Errors;
use super::markup::srt_to_plain;
use super::scan::{block_cues, blocks, numbered_lines, push_cue, split_timing};
use super::{Cue, CueSettings, Parsed, timestamp};

/// Reads an SRT file: every valid cue, and a problem per bad cue with its line number.
/// Positions after the end time (`X1:…`) are ignored; common tags (`<i>`, `<font>`, `{\an8}`)
/// are stripped.
pub fn parse_srt(text: &str) -> Parsed {
    let lines = numbered_lines(text);
    let mut parsed = Parsed::default();
    let mut errors = Errors::default();
    for block in blocks(&lines) {
        for raw in block_cues(block, &mut errors) {
            if let Some((start, end, _)) = split_timing(&raw, &mut errors) {
                push_cue(&mut parsed, &mut errors, &raw, (start, end), CueSettings::default(), srt_to_plain);
            }
        }
    }
    parsed.errors = errors.finish(lines.len());
    parsed
}

/// Writes cues as SRT, numbered from 1 (ids and settings are not kept; blank lines inside a
/// cue's text are dropped, as SRT ends a cue at a blank line).
pub fn to_srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n",
            i + 1,
            timestamp::format(cue.start_us, ','),
            timestamp::format(cue.end_us, ',')
        ));
        for line in cue.text.lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
