//! Compositing on an `OffscreenCanvas` at output size: the scene background, then each
//! visible layer in z-order (video frames and overlay bitmaps alike) drawn with its
//! [`Placement`] (clip quad, `setTransform` affine from picture pixels to output pixels,
//! opacity), read back as a `VideoFrame`.
//!
//! The fast path skips the canvas: when one opaque video layer exactly covers the frame
//! with its whole, unrotated picture, the decoded frame itself is re-timestamped and sent to
//! the encoder, which scales it to the output size if needed.

use super::error::RenderError;
use super::owned::Frame;
use crate::plan::Placement;
use crate::project::Color;
use crate::raster::Bitmap;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsCast;
use web_sys::{ImageBitmap, OffscreenCanvas, OffscreenCanvasRenderingContext2d, VideoFrame, VideoFrameInit};

/// A picture to draw: a decoded video frame or an uploaded overlay bitmap.
#[derive(Clone, Copy)]
pub(crate) enum Picture<'a> {
    /// A decoded source frame.
    Frame(&'a VideoFrame),
    /// An overlay (text, caption or image) uploaded with premultiplied alpha.
    Bitmap(&'a ImageBitmap),
}

/// One layer to draw.
pub(crate) struct Draw<'a> {
    /// What is drawn.
    pub picture: Picture<'a>,
    /// Where it goes.
    pub placement: &'a Placement,
    /// Its opacity now (0–1).
    pub opacity: f64,
}

/// The output canvas.
pub(crate) struct Compositor {
    canvas: OffscreenCanvas,
    ctx: OffscreenCanvasRenderingContext2d,
    width: f64,
    height: f64,
}

impl Compositor {
    /// A `width × height` opaque canvas; `read_back` when its pixels will be read every frame
    /// ([`Compositor::compose_pixels`]), which keeps the canvas in CPU memory.
    pub(crate) fn new(width: u32, height: u32, read_back: bool) -> Result<Self, RenderError> {
        let fail = |e| RenderError::internal("OffscreenCanvas", &e);
        let canvas = OffscreenCanvas::new(width, height).map_err(fail)?;
        let options = Object::new();
        let _ = Reflect::set(&options, &"alpha".into(), &false.into());
        let _ = Reflect::set(&options, &"willReadFrequently".into(), &read_back.into());
        let ctx = canvas
            .get_context_with_context_options("2d", &options)
            .map_err(fail)?
            .and_then(|c| c.dyn_into::<OffscreenCanvasRenderingContext2d>().ok())
            .ok_or_else(|| RenderError::Internal("OffscreenCanvas has no 2d context".into()))?;
        let _ = Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
        Ok(Compositor { canvas, ctx, width: f64::from(width), height: f64::from(height) })
    }

    /// Draws `background` and `layers` (bottom first) and returns the picture as a frame.
    pub(crate) fn compose(&self, background: Color, layers: &[Draw<'_>], timestamp_us: i64, duration_us: i64) -> Result<Frame, RenderError> {
        self.draw(background, layers)?;
        let init = frame_init(timestamp_us, duration_us);
        let frame = VideoFrame::new_with_offscreen_canvas_and_video_frame_init(&self.canvas, &init)
            .map_err(|e| RenderError::internal("canvas drawing", &e))?;
        Ok(Frame::new(frame))
    }

    /// Draws `background` and `layers` (bottom first) and reads the picture back as
    /// premultiplied RGBA8 (opaque), for encoders in the core (GIF, PNG, JPEG).
    pub(crate) fn compose_pixels(&self, background: Color, layers: &[Draw<'_>]) -> Result<Bitmap, RenderError> {
        self.draw(background, layers)?;
        let (w, h) = (self.width as u32, self.height as u32);
        let data = self.ctx.get_image_data(0, 0, w as i32, h as i32).map_err(|e| RenderError::internal("canvas read-back", &e))?;
        Bitmap::from_straight_rgba(w, h, data.data().0).ok_or_else(|| RenderError::Internal("canvas read-back size".into()))
    }

    /// Draws `background` and `layers` (bottom first) on the canvas.
    fn draw(&self, background: Color, layers: &[Draw<'_>]) -> Result<(), RenderError> {
        let ctx = &self.ctx;
        let fail = |e| RenderError::internal("canvas drawing", &e);
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).map_err(fail)?;
        ctx.set_global_alpha(1.0);
        ctx.set_fill_style_str(&format!("rgb({},{},{})", background.r, background.g, background.b));
        ctx.fill_rect(0.0, 0.0, self.width, self.height);
        for layer in layers {
            let p = layer.placement;
            ctx.save();
            if let Some(quad) = &p.clip {
                ctx.begin_path();
                for (i, point) in quad.iter().enumerate() {
                    if i == 0 { ctx.move_to(point.x, point.y) } else { ctx.line_to(point.x, point.y) }
                }
                ctx.close_path();
                ctx.clip();
            }
            let [a, b, c, d, e, f] = p.transform.to_array();
            ctx.set_transform(a, b, c, d, e, f).map_err(fail)?;
            ctx.set_global_alpha(layer.opacity.clamp(0.0, 1.0));
            let r = &p.src_rect;
            match layer.picture {
                Picture::Frame(frame) => ctx.draw_image_with_video_frame_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    frame, r.x, r.y, r.width, r.height, r.x, r.y, r.width, r.height,
                ),
                Picture::Bitmap(bitmap) => ctx.draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    bitmap, r.x, r.y, r.width, r.height, r.x, r.y, r.width, r.height,
                ),
            }
            .map_err(fail)?;
            ctx.restore();
        }
        Ok(())
    }
}


/// The decoded `frame` re-timestamped for the encoder (the fast path).
pub(crate) fn retime(frame: &VideoFrame, timestamp_us: i64, duration_us: i64) -> Result<Frame, RenderError> {
    let init = frame_init(timestamp_us, duration_us);
    VideoFrame::new_with_video_frame_and_video_frame_init(frame, &init)
        .map(Frame::new)
        .map_err(|e| RenderError::internal("VideoFrame", &e))
}

fn frame_init(timestamp_us: i64, duration_us: i64) -> VideoFrameInit {
    let init = VideoFrameInit::new();
    init.set_timestamp_f64(timestamp_us as f64);
    init.set_duration_f64(duration_us as f64);
    init
}
