//! The validation error: a JSON path, a message a user can act on, and a stable code.

use super::keyword::keyword_enum;
use serde::Serialize;
use std::fmt;

keyword_enum! {
    /// The kind of a validation problem, stable for programs (the message is for people).
    pub enum ErrorCode {
        /// The text is not JSON (or has a trailing character).
        InvalidJson = "invalid_json",
        /// The project text is larger than the size limit.
        TooLarge = "too_large",
        /// Objects or arrays are nested deeper than the limit, or there are too many values.
        TooComplex = "too_complex",
        /// An object has the same key twice.
        DuplicateKey = "duplicate_key",
        /// The `version` is not one this build reads.
        UnsupportedVersion = "unsupported_version",
        /// A value has the wrong JSON type (e.g. a string where a number belongs).
        WrongType = "wrong_type",
        /// A required field is absent.
        Missing = "missing",
        /// A field that this object does not have.
        UnknownField = "unknown_field",
        /// A number is outside its documented range.
        OutOfRange = "out_of_range",
        /// A value is malformed (bad colour, keyword, id or text).
        InvalidValue = "invalid_value",
        /// A list or map has more entries than the limit.
        TooMany = "too_many",
        /// A layer refers to a source id that is not in `sources`.
        UnknownSource = "unknown_source",
        /// A layer refers to a source of the wrong kind.
        WrongSourceKind = "wrong_source_kind",
        /// Two fields contradict each other, or a timing rule is broken.
        Conflict = "conflict",
        /// Validation stopped reporting after the error limit.
        TooManyErrors = "too_many_errors",
    }
}

/// One problem found in a project, located by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// JSON path of the offending value, e.g. `scenes[0].layers[2].trimEnd`; empty for the whole document.
    pub path: String,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The kind of problem, stable across releases.
    pub code: ErrorCode,
}

impl ValidationError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        ValidationError { path: path.into(), message: message.into(), code }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_path_then_message() {
        let e = ValidationError::new("scenes[0].start", ErrorCode::OutOfRange, "must be at least 0.0");
        assert_eq!(e.to_string(), "scenes[0].start: must be at least 0.0");
        let root = ValidationError::new("", ErrorCode::InvalidJson, "invalid JSON");
        assert_eq!(root.to_string(), "invalid JSON");
    }

    #[test]
    fn serializes_code_as_snake_case() {
        let e = ValidationError::new("a", ErrorCode::UnknownField, "m");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json, serde_json::json!({ "path": "a", "message": "m", "code": "unknown_field" }));
    }
}
