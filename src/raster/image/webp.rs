//! WebP decoding (`image-webp`): lossy, lossless, with alpha, and animations.

use super::{DecodedImage, ImageError, ImageFormat, ImageFrame, ImageInfo, MAX_ANIMATION_PIXELS, shown_delay_us};
use crate::plan::Rotation;
use crate::raster::bitmap::Bitmap;
use image_webp::{LoopCount, WebPDecoder};
use std::io::Cursor;

/// Decodes a WebP whose header was checked.
pub(super) fn decode(bytes: &[u8], info: ImageInfo) -> Result<DecodedImage, ImageError> {
    let bad = |e: image_webp::DecodingError| ImageError::malformed(ImageFormat::Webp, e);
    let mut decoder = WebPDecoder::new(Cursor::new(bytes)).map_err(bad)?;
    let (width, height) = decoder.dimensions();
    if (width, height) != (info.width, info.height) {
        return Err(ImageError::malformed(ImageFormat::Webp, "the canvas size disagrees with the header"));
    }
    let alpha = decoder.has_alpha();
    let size = decoder.output_buffer_size().ok_or(ImageError::TooLarge { width, height })?;
    let to_bitmap = |buf: Vec<u8>| {
        let bitmap =
            if alpha { Bitmap::from_straight_rgba(width, height, buf) } else { Bitmap::from_rgb(width, height, &buf) };
        bitmap.ok_or_else(|| ImageError::malformed(ImageFormat::Webp, "pixel data does not match the size"))
    };
    if !decoder.is_animated() {
        let mut buf = vec![0; size];
        decoder.read_image(&mut buf).map_err(bad)?;
        let frames = vec![ImageFrame { bitmap: to_bitmap(buf)?, delay_us: 0 }];
        return Ok(DecodedImage {
            format: ImageFormat::Webp,
            width,
            height,
            frames,
            rotation: Rotation::R0,
            loop_count: Some(1),
        });
    }
    let count = u64::from(decoder.num_frames());
    if count.saturating_mul(u64::from(width) * u64::from(height)) > MAX_ANIMATION_PIXELS {
        return Err(ImageError::AnimationTooLarge);
    }
    let loop_count = match decoder.loop_count() {
        LoopCount::Forever => None,
        LoopCount::Times(n) => Some(u32::from(n.get())),
    };
    let mut frames = Vec::new();
    for _ in 0..count {
        let mut buf = vec![0; size];
        let delay_ms = decoder.read_frame(&mut buf).map_err(bad)?;
        frames.push(ImageFrame { bitmap: to_bitmap(buf)?, delay_us: shown_delay_us(i64::from(delay_ms) * 1000) });
    }
    Ok(DecodedImage { format: ImageFormat::Webp, width, height, frames, rotation: Rotation::R0, loop_count })
}
