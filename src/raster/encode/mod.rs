//! Picture outputs from RGBA frames: PNG, JPEG, animated GIF, sprite sheets. The pipelines
//! that decode and compose the frames call these.

mod gif;
mod jpeg;
mod png;
mod sprite;

pub use gif::{FrameOutcome, GifEncoder, GifOptions, GifSummary, MAX_FRAME_STRIDE, PaletteMode};
pub use jpeg::jpeg;
pub use png::png;
pub use sprite::{MAX_SHEET_SIDE, SpriteSheet, fit, sprite_sheet};

use thiserror::Error;

/// Why a picture could not be written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
    /// The JPEG encoder failed.
    #[error("JPEG encoding failed: {0}")]
    Jpeg(String),
    /// The GIF encoder or its sink failed.
    #[error("GIF encoding failed: {0}")]
    Gif(String),
    /// The picture is bigger than the format or the limit allows.
    #[error(
        "the picture would be {width}×{height} pixels, above the limit of {limit} per side; use a smaller size or fewer columns"
    )]
    TooLarge {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
        /// The limit per side.
        limit: u32,
    },
    /// The settings cannot work.
    #[error("invalid settings: {0}")]
    InvalidOptions(String),
    /// A frame has another size than the animation.
    #[error("frame is {}×{} but the animation is {}×{}; scale frames to the output size", .got.0, .got.1, .expected.0, .expected.1)]
    FrameSize {
        /// The animation's size.
        expected: (u32, u32),
        /// The frame's size.
        got: (u32, u32),
    },
    /// Nothing was written: no frame, or the size cap is smaller than the first frame.
    #[error(
        "no frame was written (none was given, or the size cap is smaller than one frame); raise maxBytes or lower the size"
    )]
    NoFrames,
}

impl EncodeError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            EncodeError::Png(_) => "encode_png",
            EncodeError::Jpeg(_) => "encode_jpeg",
            EncodeError::Gif(_) => "encode_gif",
            EncodeError::TooLarge { .. } => "encode_too_large",
            EncodeError::InvalidOptions(_) => "encode_invalid_options",
            EncodeError::FrameSize { .. } => "encode_frame_size",
            EncodeError::NoFrames => "encode_no_frames",
        }
    }
}
