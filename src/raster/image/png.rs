//! PNG decoding (the `png` crate): any colour type and depth becomes 8-bit RGBA.

use super::{DecodedImage, ImageError, ImageFormat, ImageFrame, ImageInfo, check_size};
use crate::plan::Rotation;
use crate::raster::bitmap::Bitmap;
use png::{BitDepth, ColorType, Transformations};
use std::io::Cursor;

/// Decodes a PNG whose header was checked.
pub(super) fn decode(bytes: &[u8], info: ImageInfo) -> Result<DecodedImage, ImageError> {
    let bitmap = decode_bitmap(bytes).map_err(|e| ImageError::malformed(ImageFormat::Png, e))?;
    let frames = vec![ImageFrame { bitmap, delay_us: 0 }];
    Ok(DecodedImage {
        format: ImageFormat::Png,
        width: info.width,
        height: info.height,
        frames,
        rotation: Rotation::R0,
        loop_count: Some(1),
    })
}

/// Decodes a PNG embedded in a font (colour emoji), within the image limits.
pub(crate) fn decode_png_bitmap(bytes: &[u8]) -> Option<Bitmap> {
    let info = super::header::read_header(bytes).ok()?;
    check_size(info.format, info.width, info.height).ok()?;
    decode_bitmap(bytes).ok()
}

/// Decodes the still image to premultiplied RGBA.
fn decode_bitmap(bytes: &[u8]) -> Result<Bitmap, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader.output_buffer_size().ok_or("the image is too large for memory")?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    buf.truncate(frame.buffer_size());
    if frame.bit_depth != BitDepth::Eight {
        return Err(format!("unexpected {:?}-bit output", frame.bit_depth));
    }
    let rgba: Vec<u8> = match frame.color_type {
        ColorType::Rgba => buf,
        ColorType::Rgb => buf.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        ColorType::GrayscaleAlpha => buf.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        ColorType::Indexed => return Err("palette was not expanded".into()),
    };
    Bitmap::from_straight_rgba(frame.width, frame.height, rgba)
        .ok_or_else(|| "pixel data does not match the size".into())
}
