//! The container layer's error type.

use thiserror::Error;

/// Everything that can go wrong while probing, demuxing or muxing.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ContainerError {
    /// Reading from the source or writing to the sink failed.
    #[error("I/O error: {0}")]
    Io(String),
    /// The file holds no bytes at all.
    #[error("the file is empty: choose a video or audio file with content")]
    Empty,
    /// The bytes are not a container this build understands.
    #[error("unrecognized file format ({hint}): use an MP4, MOV, WebM or Matroska file")]
    UnknownFormat {
        /// What the first bytes looked like, e.g. "PNG image".
        hint: String,
    },
    /// The file ends before a structure it declares.
    #[error("the file is truncated: {what} at byte {offset} runs past the end ({len} bytes); re-export or re-download it")]
    Truncated {
        /// The structure that was cut off.
        what: String,
        /// Where it starts.
        offset: u64,
        /// The file's length.
        len: u64,
    },
    /// An MP4 whose media data has no index (moov), typically an unfinished recording.
    #[error("the MP4 has media data but no 'moov' index (the recording was not finalized); re-export it or repair it with a tool such as untrunc")]
    MissingIndex,
    /// A structure breaks the format's rules.
    #[error("malformed {format} file: {what}")]
    Malformed {
        /// "MP4" or "WebM".
        format: &'static str,
        /// What is wrong, in words.
        what: String,
    },
    /// The file is valid but uses a feature this build does not handle.
    #[error("unsupported {what}")]
    Unsupported {
        /// The feature, e.g. "encrypted track (encv)".
        what: String,
    },
    /// A declared size or count exceeds a safety limit.
    #[error("{what} is {value}, above the limit of {limit}")]
    LimitExceeded {
        /// What was counted.
        what: String,
        /// The declared value.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// The file has no audio or video track to work with.
    #[error("the file has no audio or video track")]
    NoTracks,
    /// The muxer was used out of order or given inconsistent input.
    #[error("muxer misuse: {0}")]
    InvalidInput(String),
    /// The output layout needs to rewrite earlier bytes but the sink cannot seek.
    #[error("this output layout needs a seekable sink; use the fragmented layout for streaming sinks")]
    SinkNotSeekable,
    /// A seek named a track the file does not have.
    #[error("the file has no track {0}; use one of the track ids its probe lists")]
    UnknownTrack(u32),
}

impl ContainerError {
    /// A stable machine-readable code, visible to JS.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io(_) => "io",
            Self::Empty => "empty_file",
            Self::UnknownFormat { .. } => "unknown_format",
            Self::Truncated { .. } => "truncated",
            Self::MissingIndex => "missing_index",
            Self::Malformed { .. } => "malformed",
            Self::Unsupported { .. } => "unsupported",
            Self::LimitExceeded { .. } => "limit_exceeded",
            Self::NoTracks => "no_tracks",
            Self::InvalidInput(_) => "invalid_input",
            Self::SinkNotSeekable => "sink_not_seekable",
            Self::UnknownTrack(_) => "unknown_track",
        }
    }

    /// Shorthand for [`ContainerError::Malformed`].
    pub fn malformed(format: &'static str, what: impl Into<String>) -> Self {
        Self::Malformed { format, what: what.into() }
    }
}

impl From<std::io::Error> for ContainerError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.to_string())
    }
}
