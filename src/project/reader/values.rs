//! Reading single JSON values: numbers in range, times, strings, keywords, colours, arrays.

use super::report::Report;
use crate::project::color::Color;
use crate::project::error::ErrorCode;
use crate::project::keyword::Keyword;
use crate::project::path::quote;
use crate::project::suggest::closest;
use crate::time::seconds_to_us;
use serde_json::Value;

/// An allowed numeric range, and how to print it.
#[derive(Clone, Copy)]
pub(crate) struct Bounds {
    min: f64,
    min_excluded: bool,
    max: f64,
    unit: &'static str,
}

impl Bounds {
    /// `min ≤ v ≤ max`, printed with `unit` (e.g. " pixels", or "").
    pub const fn between(min: f64, max: f64, unit: &'static str) -> Bounds {
        Bounds { min, min_excluded: false, max, unit }
    }

    /// `min < v ≤ max`.
    pub const fn above(min: f64, max: f64, unit: &'static str) -> Bounds {
        Bounds { min, min_excluded: true, max, unit }
    }

    /// What is wrong with `v`, printing numbers with `show`.
    fn problem(&self, v: f64, show: fn(f64) -> String) -> Option<String> {
        let unit = self.unit;
        let rule = if self.min_excluded && v <= self.min {
            format!("must be greater than {}{unit}", show(self.min))
        } else if v < self.min {
            format!("must be at least {}{unit}", show(self.min))
        } else if v > self.max {
            format!("must be at most {}{unit}", show(self.max))
        } else {
            return None;
        };
        Some(format!("{rule} (got {})", show(v)))
    }
}

/// A number as people write it: `1280`, `29.97`, `1e300`.
pub(crate) fn show_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 { format!("{}", v as i64) } else { format!("{v:?}") }
}

/// A time in seconds, always with a decimal point: `2.0`, `0.5`.
pub(crate) fn show_seconds(v: f64) -> String {
    format!("{v:?}")
}

/// "a string", "an array", ... for type errors.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reports that the value at `path` should be `expected` (e.g. "a number").
pub(crate) fn wrong_type(v: &Value, path: &str, expected: &str, r: &mut Report) {
    let hint = if v.is_null() { "; omit the field to use its default" } else { "" };
    r.add(path, ErrorCode::WrongType, format!("must be {expected}, not {}{hint}", json_type(v)));
}

/// Reads a number within `b`.
pub(crate) fn read_number(v: &Value, path: &str, b: Bounds, r: &mut Report) -> Option<f64> {
    let Some(n) = v.as_f64() else {
        wrong_type(v, path, "a number", r);
        return None;
    };
    match b.problem(n, show_number) {
        Some(message) => {
            r.add(path, ErrorCode::OutOfRange, message);
            None
        }
        None => Some(n),
    }
}

/// Reads a whole number within `b`.
pub(crate) fn read_integer(v: &Value, path: &str, b: Bounds, r: &mut Report) -> Option<u64> {
    let n = read_number(v, path, b, r)?;
    if n.fract() != 0.0 || n < 0.0 {
        r.add(path, ErrorCode::InvalidValue, format!("must be a whole number (got {})", show_number(n)));
        return None;
    }
    Some(n as u64)
}

/// Reads a time in seconds within `b`, as integer microseconds.
pub(crate) fn read_seconds(v: &Value, path: &str, b: Bounds, r: &mut Report) -> Option<i64> {
    let Some(s) = v.as_f64() else {
        wrong_type(v, path, "a number of seconds", r);
        return None;
    };
    if let Some(message) = b.problem(s, show_seconds) {
        r.add(path, ErrorCode::OutOfRange, message);
        return None;
    }
    let us = seconds_to_us(s);
    if b.min_excluded && us <= 0 {
        r.add(
            path,
            ErrorCode::OutOfRange,
            format!("must be at least one microsecond, 0.000001 (got {})", show_seconds(s)),
        );
        return None;
    }
    Some(us)
}

/// Reads a non-empty string of at most `max_chars` characters; `multiline` allows tab, CR and LF.
pub(crate) fn read_string<'a>(
    v: &'a Value,
    path: &str,
    max_chars: usize,
    multiline: bool,
    r: &mut Report,
) -> Option<&'a str> {
    let Some(s) = v.as_str() else {
        wrong_type(v, path, "a string", r);
        return None;
    };
    let chars = s.chars().count();
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if chars == 0 {
        r.add(path, ErrorCode::InvalidValue, "must not be empty");
    } else if chars > max_chars {
        r.add(path, ErrorCode::OutOfRange, format!("is {chars} characters long; the limit is {max_chars}"));
    } else if let Some(c) = s.chars().find(|c| c.is_control() && !allowed(*c)) {
        r.add(path, ErrorCode::InvalidValue, format!("contains the control character U+{:04X}; remove it", c as u32));
    } else {
        return Some(s);
    }
    None
}

/// Reads one of the names of `K`.
pub(crate) fn read_keyword<K: Keyword>(v: &Value, path: &str, r: &mut Report) -> Option<K> {
    let Some(s) = v.as_str() else {
        wrong_type(v, path, &format!("one of {}", K::choices()), r);
        return None;
    };
    let found = K::parse(s);
    if found.is_none() {
        let names = K::ALL.iter().map(|(n, _)| *n);
        let hint =
            closest(s, names).filter(|_| r.has_room()).map(|n| format!("; did you mean \"{n}\"?")).unwrap_or_default();
        r.add(path, ErrorCode::InvalidValue, format!("must be one of {} (got {}){hint}", K::choices(), quote(s)));
    }
    found
}

/// Reads a hex colour.
pub(crate) fn read_color(v: &Value, path: &str, r: &mut Report) -> Option<Color> {
    let Some(s) = v.as_str() else {
        wrong_type(v, path, "a colour string like \"#ffffff\"", r);
        return None;
    };
    let found = Color::parse(s);
    if found.is_none() {
        let message =
            format!("must be a hex colour like \"#ffffff\" or \"#00000080\" (#rrggbb or #rrggbbaa; got {})", quote(s));
        r.add(path, ErrorCode::InvalidValue, message);
    }
    found
}

/// Reads an array of at most `max` items.
pub(crate) fn read_array<'a>(v: &'a Value, path: &str, max: usize, r: &mut Report) -> Option<&'a [Value]> {
    let Some(items) = v.as_array() else {
        wrong_type(v, path, "an array", r);
        return None;
    };
    if items.len() > max {
        r.add(path, ErrorCode::TooMany, format!("has {} items; the limit is {max}", items.len()));
        return None;
    }
    Some(items)
}
