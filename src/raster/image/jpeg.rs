//! JPEG decoding (`zune-jpeg`), with the EXIF orientation read for display.

use super::{DecodedImage, ImageError, ImageFormat, ImageFrame, ImageInfo, MAX_IMAGE_SIDE};
use crate::plan::Rotation;
use crate::raster::bitmap::Bitmap;
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

/// The EXIF tag holding the orientation.
const ORIENTATION_TAG: u16 = 0x0112;

/// Decodes a JPEG whose header was checked.
pub(super) fn decode(bytes: &[u8], info: ImageInfo) -> Result<DecodedImage, ImageError> {
    let bad = |e: zune_jpeg::errors::DecodeErrors| ImageError::malformed(ImageFormat::Jpeg, e);
    let options = DecoderOptions::default()
        .set_max_width(MAX_IMAGE_SIDE as usize)
        .set_max_height(MAX_IMAGE_SIDE as usize)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(bad)?;
    let rotation = decoder.exif().and_then(|e| exif_rotation(e)).unwrap_or(Rotation::R0);
    let rgb = decoder.decode().map_err(bad)?;
    let bitmap = Bitmap::from_rgb(info.width, info.height, &rgb)
        .ok_or_else(|| ImageError::malformed(ImageFormat::Jpeg, "pixel data does not match the size"))?;
    let frames = vec![ImageFrame { bitmap, delay_us: 0 }];
    Ok(DecodedImage {
        format: ImageFormat::Jpeg,
        width: info.width,
        height: info.height,
        frames,
        rotation,
        loop_count: Some(1),
    })
}

/// The display rotation in an EXIF block (TIFF structure, optionally after `Exif\0\0`).
/// Mirrored orientations map to their rotation; mirroring is not applied.
pub(super) fn exif_rotation(exif: &[u8]) -> Option<Rotation> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big_endian = match tiff.get(..4)? {
        b"MM\0*" => true,
        b"II*\0" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    let orientation = (0..entries).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        (u16_at(entry)? == ORIENTATION_TAG).then(|| u16_at(entry + 8))?
    })?;
    match orientation {
        1 | 2 => Some(Rotation::R0),
        3 | 4 => Some(Rotation::R180),
        6 | 7 => Some(Rotation::R90),
        5 | 8 => Some(Rotation::R270),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exif_orientation_both_byte_orders() {
        let little =
            [b"Exif\0\0II*\0".as_slice(), &[8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]].concat();
        assert_eq!(exif_rotation(&little), Some(Rotation::R90));
        let big = [b"MM\0*".as_slice(), &[0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0]].concat();
        assert_eq!(exif_rotation(&big), Some(Rotation::R270));
        assert_eq!(exif_rotation(b"Exif\0\0II*\0\xff\xff\xff\xff"), None);
    }
}
