//! GIF decoding (`gif`): frames are composited on the logical screen (disposal methods
//! applied), so each frame is the whole picture as shown.

use super::{
    DecodedImage, ImageError, ImageFormat, ImageFrame, ImageInfo, MAX_ANIMATION_PIXELS, MAX_IMAGE_PIXELS, probe,
    shown_delay_us,
};
use crate::plan::Rotation;
use crate::raster::bitmap::Bitmap;
use gif::{ColorOutput, DecodeOptions, DisposalMethod, MemoryLimit, Repeat};
use std::io::Cursor;
use std::num::NonZeroU64;

/// Decodes every frame of a GIF whose header was checked.
pub(super) fn decode(bytes: &[u8], info: ImageInfo) -> Result<DecodedImage, ImageError> {
    let mut frames_in = GifFrames::new(bytes)?;
    let per_frame = u64::from(info.width) * u64::from(info.height);
    let mut frames = Vec::new();
    for frame in frames_in.by_ref() {
        if (frames.len() as u64 + 1) * per_frame > MAX_ANIMATION_PIXELS {
            return Err(ImageError::AnimationTooLarge);
        }
        frames.push(frame?);
    }
    if frames.is_empty() {
        return Err(ImageError::malformed(ImageFormat::Gif, "the file has no frames"));
    }
    if let [only] = frames.as_mut_slice() {
        only.delay_us = 0;
    }
    let loop_count = frames_in.loop_count();
    Ok(DecodedImage {
        format: ImageFormat::Gif,
        width: info.width,
        height: info.height,
        frames,
        rotation: Rotation::R0,
        loop_count,
    })
}

/// The frames of a GIF, decoded and composited one at a time (for animations too long to hold).
pub struct GifFrames<'a> {
    decoder: gif::Decoder<Cursor<&'a [u8]>>,
    width: usize,
    height: usize,
    /// The logical screen, straight RGBA.
    canvas: Vec<u8>,
    /// How to clean up after the last frame: its disposal, rectangle and the screen before it.
    pending: Option<(DisposalMethod, [usize; 4], Option<Vec<u8>>)>,
    done: bool,
}

impl<'a> GifFrames<'a> {
    /// Opens `bytes` after checking the declared screen size.
    pub fn new(bytes: &'a [u8]) -> Result<GifFrames<'a>, ImageError> {
        let info = probe(bytes)?;
        if info.format != ImageFormat::Gif {
            return Err(ImageError::UnknownFormat);
        }
        let mut options = DecodeOptions::new();
        options.set_color_output(ColorOutput::RGBA);
        if let Some(limit) = NonZeroU64::new(MAX_IMAGE_PIXELS * 4) {
            options.set_memory_limit(MemoryLimit::Bytes(limit));
        }
        let decoder = options.read_info(Cursor::new(bytes)).map_err(|e| ImageError::malformed(ImageFormat::Gif, e))?;
        let (width, height) = (info.width as usize, info.height as usize);
        Ok(GifFrames { decoder, width, height, canvas: vec![0; width * height * 4], pending: None, done: false })
    }

    /// Times the animation plays (`None`: forever), as far as the file has been read.
    pub fn loop_count(&self) -> Option<u32> {
        match self.decoder.repeat() {
            Repeat::Infinite => None,
            Repeat::Finite(n) => Some(u32::from(n) + 1),
        }
    }

    /// Decodes the next frame onto the screen.
    fn next_frame(&mut self) -> Result<Option<ImageFrame>, ImageError> {
        let frame = match self.decoder.read_next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(None),
            Err(e) => return Err(ImageError::malformed(ImageFormat::Gif, e)),
        };
        let rect =
            [usize::from(frame.left), usize::from(frame.top), usize::from(frame.width), usize::from(frame.height)];
        let (dispose, delay_cs) = (frame.dispose, frame.delay);
        let buffer = frame.buffer.to_vec();
        if let Some((method, old, saved)) = self.pending.take() {
            dispose_frame(&mut self.canvas, self.width, method, old, saved);
        }
        let saved = (dispose == DisposalMethod::Previous).then(|| self.canvas.clone());
        blit(&mut self.canvas, self.width, self.height, &buffer, rect);
        self.pending = Some((dispose, rect, saved));
        let bitmap = Bitmap::from_straight_rgba(self.width as u32, self.height as u32, self.canvas.clone())
            .ok_or_else(|| ImageError::malformed(ImageFormat::Gif, "frame size mismatch"))?;
        Ok(Some(ImageFrame { bitmap, delay_us: shown_delay_us(i64::from(delay_cs) * 10_000) }))
    }
}

impl Iterator for GifFrames<'_> {
    type Item = Result<ImageFrame, ImageError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_frame().transpose();
        self.done = !matches!(next, Some(Ok(_)));
        next
    }
}

/// Undoes a frame as its disposal method says.
fn dispose_frame(
    canvas: &mut Vec<u8>,
    width: usize,
    method: DisposalMethod,
    [x, y, w, h]: [usize; 4],
    saved: Option<Vec<u8>>,
) {
    match (method, saved) {
        (DisposalMethod::Previous, Some(saved)) => *canvas = saved,
        (DisposalMethod::Background, _) => {
            for row in y..y + h {
                let start = (row * width + x.min(width)) * 4;
                let end = (row * width + (x + w).min(width)) * 4;
                if let Some(pixels) = canvas.get_mut(start..end) {
                    pixels.fill(0);
                }
            }
        }
        _ => {}
    }
}

/// Draws a frame's RGBA `pixels` (`w × h` at `x, y`) on the screen; transparent pixels keep
/// what is below; parts outside the screen are cut.
fn blit(canvas: &mut [u8], width: usize, height: usize, pixels: &[u8], [x, y, w, h]: [usize; 4]) {
    for row in 0..h.min(height.saturating_sub(y)) {
        for col in 0..w.min(width.saturating_sub(x)) {
            let src = (row * w + col) * 4;
            let dst = ((y + row) * width + x + col) * 4;
            if let (Some(s), Some(d)) = (pixels.get(src..src + 4), canvas.get_mut(dst..dst + 4)) {
                if s[3] != 0 {
                    d.copy_from_slice(s);
                }
            }
        }
    }
}
