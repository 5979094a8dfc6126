//! WebVTT (`.vtt`): the `WEBVTT` header, optional cue ids, `[HH:]MM:SS.mmm` times, cue
//! settings (`line`, `position`, `size`, `align`), tags and character references in the text.
//! NOTE, STYLE and REGION blocks are skipped.

use super::cue::{CueAlign, CueLine, CuePosition, LineAlign, LineValue, PositionAlign};
use super::error::{Errors, SubtitleErrorKind};
use super::markup::{vtt_escape, vtt_to_plain};
use super::scan::{block_cues, blocks, numbered_lines, push_cue, split_timing};
use super::{Cue, CueSettings, Parsed, timestamp};

/// Reads a WebVTT file: every valid cue with its settings, and a problem per bad cue or
/// setting with its line number. A missing header is reported and the cues read anyway.
pub fn parse_vtt(text: &str) -> Parsed {
    let lines = numbered_lines(text);
    let mut parsed = Parsed::default();
    let mut errors = Errors::default();
    let header = lines.first().map_or("", |(_, l)| *l);
    let has_header = header.strip_prefix("WEBVTT").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
    let body = if has_header {
        // The header block runs to the first blank line.
        let end = lines.iter().position(|(_, l)| l.trim().is_empty()).unwrap_or(lines.len());
        lines.get(end..).unwrap_or(&[])
    } else {
        errors.add(1, SubtitleErrorKind::MissingHeader);
        &lines[..]
    };
    for block in blocks(body) {
        let first = block.first().map_or("", |(_, l)| l.trim_start());
        if ["NOTE", "STYLE", "REGION"]
            .iter()
            .any(|w| first.strip_prefix(w).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t'])))
        {
            continue;
        }
        for raw in block_cues(block, &mut errors) {
            if let Some((start, end, rest)) = split_timing(&raw, &mut errors) {
                let settings = parse_settings(rest, raw.line, &mut errors);
                push_cue(&mut parsed, &mut errors, &raw, (start, end), settings, vtt_to_plain);
            }
        }
    }
    parsed.errors = errors.finish(lines.len());
    parsed
}

/// Writes cues as WebVTT with their ids and settings; text is escaped (`&`, `<`, `>`).
pub fn to_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for cue in cues {
        if let Some(id) = cue.id.as_deref().map(|i| i.replace("-->", "->").replace(['\n', '\r'], " ")) {
            if !id.trim().is_empty() {
                out.push_str(id.trim());
                out.push('\n');
            }
        }
        out.push_str(&format!("{} --> {}", timestamp::format(cue.start_us, '.'), timestamp::format(cue.end_us, '.')));
        out.push_str(&format_settings(&cue.settings));
        out.push('\n');
        for line in cue.text.lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(&vtt_escape(line));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Reads `name:value` settings; a bad one is reported at `line` and left out.
fn parse_settings(text: &str, line: usize, errors: &mut Errors) -> CueSettings {
    let mut settings = CueSettings::default();
    for token in text.split_whitespace() {
        let bad = |reason| SubtitleErrorKind::BadSetting { setting: token.to_owned(), reason };
        let Some((name, value)) = token.split_once(':') else {
            errors.add(line, bad("write it as name:value"));
            continue;
        };
        let ok = match name {
            "line" => parse_line(value).map(|v| settings.line = Some(v)),
            "position" => parse_position(value).map(|v| settings.position = Some(v)),
            "size" => percent(value).map(|v| settings.size = Some(v)),
            "align" => parse_align(value).map(|v| settings.align = Some(v)),
            "vertical" => Err("vertical text is not supported; the cue is drawn horizontally"),
            "region" => Err("regions are not supported"),
            _ => Err("unknown setting"),
        };
        if let Err(reason) = ok {
            errors.add(line, bad(reason));
        }
    }
    settings
}

/// `NN%` (0–100).
fn percent(value: &str) -> Result<f64, &'static str> {
    let number = value.strip_suffix('%').ok_or("expected a percentage like 50%")?;
    let v: f64 = number.parse().map_err(|_| "expected a percentage like 50%")?;
    if number.starts_with(['+', '-']) || !(0.0..=100.0).contains(&v) {
        return Err("a percentage must be between 0% and 100%");
    }
    Ok(v)
}

/// `line`: `NN%` or a line number, optionally `,start|center|end`.
fn parse_line(value: &str) -> Result<CueLine, &'static str> {
    let (number, align) = value.split_once(',').map_or((value, None), |(n, a)| (n, Some(a)));
    let align = match align {
        None | Some("start") => LineAlign::Start,
        Some("center" | "middle") => LineAlign::Center,
        Some("end") => LineAlign::End,
        Some(_) => return Err("line alignment must be start, center or end"),
    };
    let value = if number.ends_with('%') {
        LineValue::Percent(percent(number)?)
    } else {
        let n: f64 = number.parse().map_err(|_| "expected a line number or a percentage")?;
        if !n.is_finite() || n.abs() > 1000.0 {
            return Err("a line number must be between -1000 and 1000");
        }
        LineValue::Number(n)
    };
    Ok(CueLine { value, align })
}

/// `position`: `NN%`, optionally `,line-left|center|line-right`.
fn parse_position(value: &str) -> Result<CuePosition, &'static str> {
    let (number, align) = value.split_once(',').map_or((value, None), |(n, a)| (n, Some(a)));
    let align = match align {
        None => None,
        Some("line-left" | "start") => Some(PositionAlign::LineLeft),
        Some("center" | "middle") => Some(PositionAlign::Center),
        Some("line-right" | "end") => Some(PositionAlign::LineRight),
        Some(_) => return Err("position alignment must be line-left, center or line-right"),
    };
    Ok(CuePosition { percent: percent(number)?, align })
}

/// `align`: `start|center|end|left|right` (`middle` is read as `center`).
fn parse_align(value: &str) -> Result<CueAlign, &'static str> {
    match value {
        "start" => Ok(CueAlign::Start),
        "center" | "middle" => Ok(CueAlign::Center),
        "end" => Ok(CueAlign::End),
        "left" => Ok(CueAlign::Left),
        "right" => Ok(CueAlign::Right),
        _ => Err("align must be start, center, end, left or right"),
    }
}

/// The settings as they follow the end time (with a leading space), or "".
fn format_settings(s: &CueSettings) -> String {
    let mut out = String::new();
    if let Some(line) = s.line {
        let value = match line.value {
            LineValue::Percent(p) => format!("{p}%"),
            LineValue::Number(n) => format!("{n}"),
        };
        let align = match line.align {
            LineAlign::Start => "",
            LineAlign::Center => ",center",
            LineAlign::End => ",end",
        };
        out.push_str(&format!(" line:{value}{align}"));
    }
    if let Some(position) = s.position {
        let align = match position.align {
            None => "",
            Some(PositionAlign::LineLeft) => ",line-left",
            Some(PositionAlign::Center) => ",center",
            Some(PositionAlign::LineRight) => ",line-right",
        };
        out.push_str(&format!(" position:{}%{align}", position.percent));
    }
    if let Some(size) = s.size {
        out.push_str(&format!(" size:{size}%"));
    }
    if let Some(align) = s.align {
        let name = match align {
            CueAlign::Start => "start",
            CueAlign::Center => "center",
            CueAlign::End => "end",
            CueAlign::Left => "left",
            CueAlign::Right => "right",
        };
        out.push_str(&format!(" align:{name}"));
    }
    out
}
