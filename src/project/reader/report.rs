//! Collecting problems, and the outcome of reading one field.

use crate::project::error::{ErrorCode, ValidationError};
use crate::project::limits::MAX_ERRORS;

/// Collects problems, up to [`MAX_ERRORS`].
pub(crate) struct Report {
    errors: Vec<ValidationError>,
    dropped: usize,
}

impl Report {
    /// A report that starts with `errors`.
    pub fn new(errors: Vec<ValidationError>) -> Report {
        let mut report = Report { errors: Vec::new(), dropped: 0 };
        for e in errors {
            report.push(e);
        }
        report
    }

    /// Records a problem at `path`.
    pub fn add(&mut self, path: impl Into<String>, code: ErrorCode, message: impl Into<String>) {
        self.push(ValidationError::new(path, code, message));
    }

    fn push(&mut self, error: ValidationError) {
        if self.has_room() {
            self.errors.push(error);
        } else {
            self.dropped += 1;
        }
    }

    /// False once the error limit is reached; lets callers skip costly messages.
    pub fn has_room(&self) -> bool {
        self.errors.len() < MAX_ERRORS
    }

    /// True when no problem was found.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems found, with a last note when some were left out.
    pub fn finish(mut self) -> Vec<ValidationError> {
        if self.dropped > 0 {
            let message =
                format!("{} more problems were not listed; fix the ones above and validate again", self.dropped);
            self.errors.push(ValidationError::new("", ErrorCode::TooManyErrors, message));
        }
        self.errors
    }
}

/// The outcome of reading one field.
pub(crate) enum Got<T> {
    /// The field is not there; holds its path.
    Absent(String),
    /// The field is there but wrong; the problem is already reported.
    Bad,
    /// The field's value.
    Ok(T),
}

impl<T> Got<T> {
    /// The value; reports the field as missing when absent.
    pub fn required(self, r: &mut Report) -> Option<T> {
        match self {
            Got::Ok(v) => Some(v),
            Got::Bad => None,
            Got::Absent(path) => {
                r.add(path, ErrorCode::Missing, "missing required field");
                None
            }
        }
    }

    /// The value, or `default` when absent.
    pub fn or(self, default: T) -> Option<T> {
        self.or_else(|| default)
    }

    /// The value, or the result of `default` when absent.
    pub fn or_else(self, default: impl FnOnce() -> T) -> Option<T> {
        match self {
            Got::Ok(v) => Some(v),
            Got::Bad => None,
            Got::Absent(_) => Some(default()),
        }
    }

    /// `Some(None)` when absent, `None` when wrong.
    pub fn optional(self) -> Option<Option<T>> {
        match self {
            Got::Ok(v) => Some(Some(v)),
            Got::Bad => None,
            Got::Absent(_) => Some(None),
        }
    }
}
