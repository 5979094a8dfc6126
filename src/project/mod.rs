//! The v1 project format: types, JSON parsing, validation and limits. (Stub: being implemented.)

use serde::Serialize;

/// One problem found in a project, located by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// JSON path of the offending value, e.g. `scenes[0].layers[2].trimEnd`.
    pub path: String,
    /// What is wrong and what to do about it.
    pub message: String,
}

/// A validated project.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {}

/// Parses and validates a v1 project, returning every problem at once.
pub fn validate(_json: &str) -> Result<Project, Vec<ValidationError>> {
    Ok(Project {})
}
