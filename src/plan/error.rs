//! Planning errors: where the project does not fit its probed media, located by JSON path.

use crate::project::Crop;
use crate::time::us_to_seconds;
use serde::{Serialize, Serializer};
use std::fmt;
use thiserror::Error;

/// One problem found while planning, at the JSON path of the offending field.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanError {
    /// JSON path of the field to change, e.g. `scenes[0].layers[0].trimEnd`.
    pub path: String,
    /// What is wrong.
    pub kind: PlanErrorKind,
}

impl PlanError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, kind: PlanErrorKind) -> PlanError {
        PlanError { path: path.into(), kind }
    }

    /// A stable machine-readable code (the same as the kind's).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// What is wrong and what to do, without the path.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

impl std::error::Error for PlanError {}

/// Serializes as `{ "path": …, "message": …, "code": … }`, like a project validation error.
impl Serialize for PlanError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            path: &'a str,
            message: String,
            code: &'static str,
        }
        Shown { path: &self.path, message: self.message(), code: self.code() }.serialize(s)
    }
}

/// The kinds of planning problems; messages say what to change.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlanErrorKind {
    /// A layer uses a video or audio source that was not probed.
    #[error("no probe for source \"{source_id}\"; probe the file (pick or upload it again) before rendering")]
    MissingProbe {
        /// The source id.
        source_id: String,
    },
    /// A video layer's source has no video track.
    #[error(
        "source \"{source_id}\" has no video track; use an audio layer for a sound-only file, or pick a file with video"
    )]
    NoVideoTrack {
        /// The source id.
        source_id: String,
    },
    /// An audio layer's source has no audio track.
    #[error("source \"{source_id}\" has no audio track; remove this audio layer or pick a file with sound")]
    NoAudioTrack {
        /// The source id.
        source_id: String,
    },
    /// `trimEnd` lies past the end of the source.
    #[error("is {} s but {source_id} lasts {} s; lower trimEnd to at most {}", secs(*trim_end_us), secs(*duration_us), secs(*duration_us))]
    TrimPastEnd {
        /// The source id.
        source_id: String,
        /// The layer's `trimEnd`.
        trim_end_us: i64,
        /// How long the source lasts.
        duration_us: i64,
    },
    /// `crop` reaches outside the source picture (counted after the source's rotation).
    #[error(
        "reaches past the picture: x + width is {} and y + height is {}, but the picture is {width}×{height} source pixels (after its rotation); keep x + width ≤ {width} and y + height ≤ {height}",
        u64::from(crop.x) + u64::from(crop.width),
        u64::from(crop.y) + u64::from(crop.height)
    )]
    CropOutside {
        /// The layer's crop.
        crop: Crop,
        /// Picture width after rotation.
        width: u32,
        /// Picture height after rotation.
        height: u32,
    },
    /// The source picture has no pixels.
    #[error("the picture is {width}×{height} pixels, so there is nothing to show; re-encode the source")]
    EmptyPicture {
        /// Coded width.
        width: u32,
        /// Coded height.
        height: u32,
    },
    /// The source's rotation metadata is not a quarter turn.
    #[error(
        "the picture is rotated by {degrees}°; only 0, 90, 180 and 270 are supported: re-encode the source without rotation"
    )]
    UnsupportedRotation {
        /// The rotation found.
        degrees: u16,
    },
    /// The output frame rate gives no usable fraction.
    #[error("{fps} frames per second cannot be rendered; use a frame rate between 1 and 120")]
    InvalidFrameRate {
        /// The `fps` given.
        fps: f64,
    },
    /// `targetSizeBytes` leaves too few bits for the video.
    #[error(
        "{target_bytes} bytes are too few for this video (about {needed_bytes} bytes at the lowest useful bitrate); raise targetSizeBytes, or lower the resolution, frame rate or length"
    )]
    TargetSizeTooSmall {
        /// The `targetSizeBytes` given.
        target_bytes: u64,
        /// About the smallest size that gives usable video.
        needed_bytes: u64,
    },
}

impl PlanErrorKind {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingProbe { .. } => "missing_probe",
            Self::NoVideoTrack { .. } => "no_video_track",
            Self::NoAudioTrack { .. } => "no_audio_track",
            Self::TrimPastEnd { .. } => "trim_past_end",
            Self::CropOutside { .. } => "crop_outside",
            Self::EmptyPicture { .. } => "empty_picture",
            Self::UnsupportedRotation { .. } => "unsupported_rotation",
            Self::InvalidFrameRate { .. } => "invalid_frame_rate",
            Self::TargetSizeTooSmall { .. } => "target_size_too_small",
        }
    }
}

/// Microseconds as seconds with a decimal point: `12.0`, `0.5`.
fn secs(us: i64) -> String {
    format!("{:?}", us_to_seconds(us))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_path_message_and_code() {
        let kind =
            PlanErrorKind::TrimPastEnd { source_id: "clipA".into(), trim_end_us: 12_000_000, duration_us: 10_000_000 };
        let e = PlanError::new("scenes[0].layers[0].trimEnd", kind);
        assert_eq!(
            e.to_string(),
            "scenes[0].layers[0].trimEnd: is 12.0 s but clipA lasts 10.0 s; lower trimEnd to at most 10.0"
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "trim_past_end");
        assert_eq!(json["path"], "scenes[0].layers[0].trimEnd");
        assert_eq!(json["message"], e.message());
    }
}
