//! JPEG output (`jpeg-encoder`, baseline, 4:2:0): posters and thumbnails.

use super::EncodeError;
use crate::raster::bitmap::Bitmap;
use jpeg_encoder::{ColorType, Encoder};

/// Encodes `bitmap` drawn over `background` (JPEG has no alpha) at `quality` (1–100).
pub fn jpeg(bitmap: &Bitmap, quality: u8, background: [u8; 3]) -> Result<Vec<u8>, EncodeError> {
    let (width, height) = (side(bitmap.width())?, side(bitmap.height())?);
    let mut out = Vec::new();
    let encoder = Encoder::new(&mut out, quality.clamp(1, 100));
    encoder
        .encode(&bitmap.to_rgb_over(background), width, height, ColorType::Rgb)
        .map_err(|e| EncodeError::Jpeg(e.to_string()))?;
    Ok(out)
}

/// A side length JPEG can hold (at most 65 535).
fn side(v: u32) -> Result<u16, EncodeError> {
    u16::try_from(v).map_err(|_| EncodeError::TooLarge { width: v, height: v, limit: u32::from(u16::MAX) })
}
