//! Picture outputs from RGBA frames: PNG, JPEG, animated GIF, sprite sheets.

mod png;

pub use png::png;

use thiserror::Error;

/// Why a picture could not be written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

impl EncodeError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            EncodeError::Png(_) => "encode-png",
        }
    }
}
