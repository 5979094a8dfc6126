//! PNG output (straight RGBA, 8-bit): caption overlays, posters, sprite sheets.

use super::EncodeError;
use crate::raster::bitmap::Bitmap;
use png::{BitDepth, ColorType, Compression, Encoder};

/// Encodes `bitmap` as an RGBA PNG (fast deflate: captions are mostly flat colour, which
/// compresses well even at the fastest level).
pub fn png(bitmap: &Bitmap) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, bitmap.width(), bitmap.height());
    encoder.set_color(ColorType::Rgba);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_compression(Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| EncodeError::Png(e.to_string()))?;
    writer.write_image_data(&bitmap.to_straight_rgba()).map_err(|e| EncodeError::Png(e.to_string()))?;
    writer.finish().map_err(|e| EncodeError::Png(e.to_string()))?;
    Ok(out)
}
