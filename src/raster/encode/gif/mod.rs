//! Animated GIF export, streaming: frames go in one at a time and bytes go out to a
//! [`ByteSink`] as soon as each frame's delay is known.
//!
//! - **Palette**: [`PaletteMode::Global`] builds one palette (Wu quantization) from sample
//!   frames given up front (or the first frame) and writes it once; [`PaletteMode::PerScene`]
//!   builds a new one at each [`GifEncoder::start_scene`] (from its samples, or the scene's
//!   first frame) and gives the scene's frames that local palette.
//! - **Dithering**: Floyd–Steinberg when `dither` is on, nearest colour otherwise.
//! - **Timing**: delays are whole centiseconds computed from each frame's timestamp (never
//!   accumulated); a frame less than 2 cs after the previous one is dropped, since browsers
//!   show shorter delays as 10 cs (so above 50 fps the GIF plays at 50 fps or less).
//! - **Size cap** (`max_bytes`): with `expected_frames` known, whenever the size projected
//!   from the frames so far passes the cap the frame rate is halved (every 2nd, then 4th …
//!   input frame is kept, up to every 8th, the kept frames lasting longer). The cap is hard:
//!   a frame that would pass it is not written and the GIF ends there
//!   ([`GifSummary::truncated_at_us`]).

mod quantize;
mod sink;

use super::EncodeError;
use crate::container::ByteSink;
use crate::raster::bitmap::Bitmap;
use gif::{DisposalMethod, Frame, Repeat};
use quantize::Palette;
use sink::SinkWriter;

/// The most input frames one kept frame stands for under a size cap.
pub const MAX_FRAME_STRIDE: u32 = 8;
/// The shortest delay written, in centiseconds (browsers slow shorter ones to 10 cs).
const MIN_DELAY_CS: i64 = 2;

/// Where a GIF's palettes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaletteMode {
    /// One palette for the whole animation.
    Global,
    /// A palette per scene (see [`GifEncoder::start_scene`]).
    PerScene,
}

/// GIF settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GifOptions {
    /// Frame width (every frame must have it), at most 65 535.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Global or per-scene palettes.
    pub palette: PaletteMode,
    /// Colours per palette, 2–256.
    pub colors: u16,
    /// Floyd–Steinberg dithering.
    pub dither: bool,
    /// Largest file in bytes, if capped.
    pub max_bytes: Option<u64>,
    /// How many frames will be pushed, if known (lets the cap lower the frame rate early).
    pub expected_frames: Option<u64>,
    /// Plays this many times (`None`: forever).
    pub loops: Option<u16>,
}

impl GifOptions {
    /// A looping `width × height` GIF, one 256-colour palette, dithered, no cap.
    pub fn new(width: u32, height: u32) -> GifOptions {
        GifOptions {
            width,
            height,
            palette: PaletteMode::Global,
            colors: 256,
            dither: true,
            max_bytes: None,
            expected_frames: None,
            loops: None,
        }
    }
}

/// What happened to a pushed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameOutcome {
    /// It will be written (once the next frame or the end gives its delay).
    Queued,
    /// Left out: too soon after the previous frame, or thinned out by the size cap.
    Skipped,
    /// The size cap was reached; nothing more is written.
    Stopped,
}

/// The result of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GifSummary {
    /// Frames written.
    pub frames: u64,
    /// Frames pushed but left out.
    pub skipped: u64,
    /// File size in bytes.
    pub bytes: u64,
    /// Input frames per written frame at the end (1 unless the size cap lowered the rate).
    pub frame_stride: u32,
    /// When the cap stopped the GIF: the timestamp of the first frame not written.
    pub truncated_at_us: Option<i64>,
}

/// A frame waiting for its delay.
struct Pending {
    indices: Vec<u8>,
    local_palette: Option<Vec<u8>>,
    pts_us: i64,
    pts_cs: i64,
}

/// A streaming GIF writer.
pub struct GifEncoder<'a> {
    options: GifOptions,
    size: (u16, u16),
    sink: Option<&'a mut dyn ByteSink>,
    encoder: Option<gif::Encoder<SinkWriter<'a>>>,
    palette: Option<Palette>,
    pending: Option<Pending>,
    input_index: u64,
    stride: u32,
    frames: u64,
    skipped: u64,
    truncated_at_us: Option<i64>,
}

impl<'a> GifEncoder<'a> {
    /// A writer into `sink`. With [`PaletteMode::Global`], `samples` (frames spread over the
    /// animation) make the palette; with none, the first frame does.
    pub fn new(
        sink: &'a mut dyn ByteSink,
        options: GifOptions,
        samples: &[&Bitmap],
    ) -> Result<GifEncoder<'a>, EncodeError> {
        let side = |v: u32| u16::try_from(v).ok().filter(|&s| s > 0);
        let (Some(w), Some(h)) = (side(options.width), side(options.height)) else {
            return Err(EncodeError::InvalidOptions(format!(
                "a GIF is 1–65535 pixels a side, not {}×{}",
                options.width, options.height
            )));
        };
        if !(2..=256).contains(&options.colors) {
            return Err(EncodeError::InvalidOptions(format!(
                "a GIF palette has 2–256 colours, not {}",
                options.colors
            )));
        }
        let mut encoder = GifEncoder {
            size: (w, h),
            sink: Some(sink),
            encoder: None,
            palette: None,
            pending: None,
            input_index: 0,
            stride: 1,
            frames: 0,
            skipped: 0,
            truncated_at_us: None,
            options,
        };
        if encoder.options.palette == PaletteMode::Global && !samples.is_empty() {
            encoder.palette = Some(encoder.palette_from(samples));
        }
        Ok(encoder)
    }

    /// Starts a scene: with [`PaletteMode::PerScene`], its palette comes from `samples` (or,
    /// with none, from its first frame). Ignored in global mode.
    pub fn start_scene(&mut self, samples: &[&Bitmap]) {
        if self.options.palette == PaletteMode::PerScene {
            self.palette = (!samples.is_empty()).then(|| self.palette_from(samples));
        }
    }

    /// Adds the frame shown from `pts_us` (timestamps must increase).
    pub fn push_frame(&mut self, frame: &Bitmap, pts_us: i64) -> Result<FrameOutcome, EncodeError> {
        if (frame.width(), frame.height()) != (self.options.width, self.options.height) {
            return Err(EncodeError::FrameSize {
                expected: (self.options.width, self.options.height),
                got: (frame.width(), frame.height()),
            });
        }
        if self.truncated_at_us.is_some() {
            return Ok(FrameOutcome::Stopped);
        }
        let index = self.input_index;
        self.input_index += 1;
        let pts_cs = (pts_us + 5_000).div_euclid(10_000);
        let too_soon = self.pending.as_ref().is_some_and(|p| pts_cs - p.pts_cs < MIN_DELAY_CS);
        if index % u64::from(self.stride) != 0 || too_soon {
            self.skipped += 1;
            return Ok(FrameOutcome::Skipped);
        }
        if let Some(pending) = self.pending.take() {
            let delay = pts_cs - pending.pts_cs;
            if !self.write(pending, delay)? {
                return Ok(FrameOutcome::Stopped);
            }
            self.adapt_stride();
        }
        let rgb = frame.to_rgb_over([0, 0, 0]);
        let per_scene = self.options.palette == PaletteMode::PerScene;
        let palette = match self.palette.as_mut() {
            Some(p) => p,
            None => self.palette.insert(Palette::from_samples(&[&rgb], self.options.colors)),
        };
        let indices = palette.map(&rgb, self.options.width, self.options.dither);
        // In per-scene mode every frame carries its scene's palette as a local table.
        let local_palette = per_scene.then(|| palette.bytes());
        self.pending = Some(Pending { indices, local_palette, pts_us, pts_cs });
        Ok(FrameOutcome::Queued)
    }

    /// Writes the last frame (shown until `end_us`) and the trailer.
    pub fn finish(mut self, end_us: i64) -> Result<GifSummary, EncodeError> {
        if let Some(pending) = self.pending.take() {
            let end_cs = (end_us + 5_000).div_euclid(10_000);
            let delay = (end_cs - pending.pts_cs).max(MIN_DELAY_CS);
            self.write(pending, delay)?;
        }
        let encoder = self.encoder.take().ok_or(EncodeError::NoFrames)?;
        let writer = encoder.into_inner().map_err(|e| EncodeError::Gif(e.to_string()))?;
        Ok(GifSummary {
            frames: self.frames,
            skipped: self.skipped,
            bytes: writer.written,
            frame_stride: self.stride,
            truncated_at_us: self.truncated_at_us,
        })
    }

    /// A palette from sample frames.
    fn palette_from(&self, samples: &[&Bitmap]) -> Palette {
        let rgb: Vec<Vec<u8>> = samples.iter().map(|b| b.to_rgb_over([0, 0, 0])).collect();
        let slices: Vec<&[u8]> = rgb.iter().map(Vec::as_slice).collect();
        Palette::from_samples(&slices, self.options.colors)
    }

    /// Compresses and writes a frame shown for `delay_cs`; `false` when the cap stopped it.
    fn write(&mut self, pending: Pending, delay_cs: i64) -> Result<bool, EncodeError> {
        let (w, h) = self.size;
        let global = if pending.local_palette.is_none() { self.palette.as_ref().map(Palette::bytes) } else { None };
        let mut frame = match pending.local_palette {
            Some(palette) => Frame::from_palette_pixels(w, h, pending.indices, palette, None),
            None => Frame::from_indexed_pixels(w, h, pending.indices, None),
        };
        frame.delay = u16::try_from(delay_cs.max(MIN_DELAY_CS)).unwrap_or(u16::MAX);
        frame.dispose = DisposalMethod::Keep;
        frame.make_lzw_pre_encoded();
        let written = self.encoder.as_ref().map_or(0, |e| e.get_ref().written);
        let header = if self.encoder.is_none() { 13 + 19 + 768 } else { 0 };
        let frame_bytes = frame.buffer.len() as u64
            + frame.buffer.len() as u64 / 255
            + 2
            + 8
            + 10
            + frame.palette.as_ref().map_or(0, |_| 768);
        if self.options.max_bytes.is_some_and(|cap| written + header + frame_bytes + 1 > cap) {
            self.truncated_at_us = Some(pending.pts_us);
            return Ok(false);
        }
        if self.encoder.is_none() {
            let sink = self.sink.take().ok_or(EncodeError::NoFrames)?;
            let palette = global.unwrap_or_default();
            let mut encoder = gif::Encoder::new(SinkWriter { sink, written: 0 }, w, h, &palette)
                .map_err(|e| EncodeError::Gif(e.to_string()))?;
            let repeat = self.options.loops.map_or(Repeat::Infinite, |n| Repeat::Finite(n.saturating_sub(1)));
            if repeat != Repeat::Finite(0) {
                encoder.set_repeat(repeat).map_err(|e| EncodeError::Gif(e.to_string()))?;
            }
            self.encoder = Some(encoder);
        }
        if let Some(encoder) = self.encoder.as_mut() {
            encoder.write_lzw_pre_encoded_frame(&frame).map_err(|e| EncodeError::Gif(e.to_string()))?;
        }
        self.frames += 1;
        Ok(true)
    }

    /// Halves the frame rate while the projected size passes the cap.
    fn adapt_stride(&mut self) {
        let (Some(cap), Some(expected)) = (self.options.max_bytes, self.options.expected_frames) else { return };
        let written = self.encoder.as_ref().map_or(0, |e| e.get_ref().written);
        let average = written / self.frames.max(1);
        let remaining = expected.saturating_sub(self.input_index);
        while self.stride < MAX_FRAME_STRIDE && written + average * (remaining / u64::from(self.stride)) > cap {
            self.stride *= 2;
        }
    }
}
