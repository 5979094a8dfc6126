//! Image decoding for image layers: PNG, JPEG, WebP (still or animated) and GIF (animated:
//! every frame composited, with its delay), all pure Rust.
//!
//! The header is read first ([`probe`]) and an image declaring more than [`MAX_IMAGE_SIDE`]
//! pixels a side or [`MAX_IMAGE_PIXELS`] in all is rejected before any pixel is decoded.
//! An animation's frames together may hold at most [`MAX_ANIMATION_PIXELS`] pixels in
//! [`decode`]; [`GifFrames`] streams longer GIFs one frame at a time. APNG files decode as
//! their still image. JPEG EXIF orientation is reported, not applied (see [`DecodedImage::rotation`]).

mod gif;
mod header;
mod jpeg;
mod png;
mod webp;

pub use gif::GifFrames;
pub use header::{ImageInfo, sniff};

pub(crate) use png::decode_png_bitmap;

use super::bitmap::Bitmap;
use crate::plan::Rotation;
use thiserror::Error;

/// Widest or tallest image accepted, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 16_384;
/// Most pixels in one image or frame (64 M, e.g. 8192 × 8192).
pub const MAX_IMAGE_PIXELS: u64 = 64 * 1024 * 1024;
/// Most pixels over all frames of an animation held at once by [`decode`] (256 MiB of RGBA).
pub const MAX_ANIMATION_PIXELS: u64 = 64 * 1024 * 1024;
/// Frames shorter than this (GIF delays of 0 or 1 cs) play for [`DEFAULT_DELAY_US`], as in browsers.
pub const MIN_DELAY_US: i64 = 20_000;
/// The delay given to frames that declare less than [`MIN_DELAY_US`].
pub const DEFAULT_DELAY_US: i64 = 100_000;

/// An image file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP, lossy or lossless, still or animated.
    Webp,
    /// GIF, still or animated.
    Gif,
}

impl ImageFormat {
    /// The format's usual name.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Webp => "WebP",
            ImageFormat::Gif => "GIF",
        }
    }
}

/// Why an image could not be decoded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// Not a PNG, JPEG, WebP or GIF.
    #[error("unrecognized image format: use a PNG, JPEG, WebP or GIF file")]
    UnknownFormat,
    /// The declared size is over the limits (checked before decoding).
    #[error(
        "the image is {width}×{height} pixels, above the limit of {MAX_IMAGE_SIDE} per side and {MAX_IMAGE_PIXELS} pixels; scale it down first"
    )]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The animation's frames together are over [`MAX_ANIMATION_PIXELS`].
    #[error(
        "the animation has more than {MAX_ANIMATION_PIXELS} pixels over all frames; shorten it or scale it down (or stream it frame by frame)"
    )]
    AnimationTooLarge,
    /// The file is damaged or breaks its format's rules.
    #[error("the {} file is damaged: {reason}; re-export it", .format.name())]
    Malformed {
        /// The format.
        format: ImageFormat,
        /// What the decoder said.
        reason: String,
    },
}

impl ImageError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::UnknownFormat => "image_unknown_format",
            ImageError::TooLarge { .. } => "image_too_large",
            ImageError::AnimationTooLarge => "image_animation_too_large",
            ImageError::Malformed { .. } => "image_malformed",
        }
    }

    /// A decoder failure of `format`.
    pub(crate) fn malformed(format: ImageFormat, reason: impl std::fmt::Display) -> ImageError {
        ImageError::Malformed { format, reason: reason.to_string() }
    }
}

/// One picture of an image: the whole canvas, composited.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageFrame {
    /// The pixels (premultiplied RGBA8), the full image size.
    pub bitmap: Bitmap,
    /// How long it shows, in microseconds (0 for a still image).
    pub delay_us: i64,
}

/// A decoded image.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedImage {
    /// The file format.
    pub format: ImageFormat,
    /// Width in pixels (as stored, before `rotation`).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The frames: one for a still image.
    pub frames: Vec<ImageFrame>,
    /// How the picture is to be turned for display (JPEG EXIF orientation; mirrored
    /// orientations count as their rotation). Pass it to `VisualLayer::place_picture`.
    pub rotation: Rotation,
    /// Times an animation plays (`None`: forever; `Some(1)`: once).
    pub loop_count: Option<u32>,
}

impl DecodedImage {
    /// True when there is more than one frame.
    pub fn is_animated(&self) -> bool {
        self.frames.len() > 1
    }

    /// One pass of the animation, in microseconds.
    pub fn duration_us(&self) -> i64 {
        self.frames.iter().map(|f| f.delay_us).sum()
    }

    /// The frame showing `t_us` after the start (looping as the file says).
    pub fn frame_at(&self, t_us: i64) -> Option<&ImageFrame> {
        let total = self.duration_us();
        if total <= 0 || t_us < 0 {
            return self.frames.first();
        }
        let plays = self.loop_count.map_or(i64::MAX, i64::from);
        let t = if t_us / total >= plays { total - 1 } else { t_us % total };
        let mut end = 0;
        self.frames.iter().find(|f| {
            end += f.delay_us;
            t < end
        })
    }
}

/// Reads the format and declared size of `bytes` and checks them against the limits.
pub fn probe(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    let info = header::read_header(bytes)?;
    check_size(info.format, info.width, info.height)?;
    Ok(info)
}

/// Decodes `bytes` (every frame of an animation), after checking the declared size.
pub fn decode(bytes: &[u8]) -> Result<DecodedImage, ImageError> {
    let info = probe(bytes)?;
    let image = match info.format {
        ImageFormat::Png => png::decode(bytes, info)?,
        ImageFormat::Jpeg => jpeg::decode(bytes, info)?,
        ImageFormat::Webp => webp::decode(bytes, info)?,
        ImageFormat::Gif => gif::decode(bytes, info)?,
    };
    Ok(image)
}

/// Checks a declared size against [`MAX_IMAGE_SIDE`] and [`MAX_IMAGE_PIXELS`].
pub(crate) fn check_size(format: ImageFormat, width: u32, height: u32) -> Result<(), ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::malformed(format, "the header declares an empty image"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || pixels > MAX_IMAGE_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    Ok(())
}

/// A frame delay as the player shows it.
pub(crate) fn shown_delay_us(declared_us: i64) -> i64 {
    if declared_us < MIN_DELAY_US { DEFAULT_DELAY_US } else { declared_us }
}
