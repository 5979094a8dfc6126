//! The YUV overlay path: when the bottom layer is one opaque video frame shown exactly at the
//! output size and every other layer showing is an overlay on whole output pixels, the
//! frame's planes are copied out (`VideoFrame.copyTo`, I420 or NV12), the overlays blended
//! into their rectangles in Y'CbCr ([`crate::raster::yuv`]) and a new `VideoFrame` made from
//! the planes. No canvas: no YUV → RGB → YUV conversions, and only the overlays' pixels are
//! touched. Other frames (other formats, 10-bit, alpha, transforms) go to the canvas.

use super::colour::is_output_colour;
use super::error::RenderError;
use super::overlay_stage::OverlayStage;
use super::owned::Frame;
use crate::plan::{Placement, RenderPlan, Visual};
use crate::raster::yuv::{ChromaLayout, YuvFrame, YuvMatrix, YuvSpace};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{PlaneLayout, VideoFrame, VideoFrameBufferInit, VideoFrameCopyToOptions, VideoPixelFormat};

/// Reused buffers of the YUV path.
#[derive(Default)]
pub(crate) struct YuvCompositor {
    /// The frame's planes, blended in place.
    planes: Vec<u8>,
    /// Where `copyTo` writes (outside wasm memory, which may grow while it runs).
    staging: Option<Uint8Array>,
}

/// A decoded frame the YUV path can take, and how its planes are stored.
struct YuvInput {
    format: VideoPixelFormat,
    layout: ChromaLayout,
    space: YuvSpace,
    width: u32,
    height: u32,
}

impl YuvInput {
    /// `frame`'s form when it is 8-bit 4:2:0 (I420 or NV12), already in the output colours
    /// ([`is_output_colour`]: the encoder keeps a YUV frame's own colours) and shown exactly
    /// at `out_w × out_h` through `placement`; `None` otherwise.
    fn of(frame: &VideoFrame, placement: &Placement, out_w: u32, out_h: u32) -> Option<YuvInput> {
        let format = frame.format()?;
        let layout = match format {
            VideoPixelFormat::I420 => ChromaLayout::Planar,
            VideoPixelFormat::Nv12 => ChromaLayout::Interleaved,
            _ => return None,
        };
        let visible = frame.visible_rect()?;
        // 4:2:0 planes are copied from an even corner.
        let even = visible.x() % 2.0 == 0.0 && visible.y() % 2.0 == 0.0;
        let exact = even
            && (frame.display_width(), frame.display_height()) == (out_w, out_h)
            && (visible.width(), visible.height()) == (f64::from(out_w), f64::from(out_h))
            && placement.covers_exactly(out_w, out_h, out_w, out_h);
        let space = yuv_space(frame)?;
        (exact && is_output_colour(frame)).then_some(YuvInput { format, layout, space, width: out_w, height: out_h })
    }

    /// The plane layouts of the packed buffer.
    fn plane_layouts(&self) -> Vec<PlaneLayout> {
        YuvFrame::planes(self.width, self.height, self.layout)
            .into_iter()
            .map(|(offset, stride)| PlaneLayout::new(offset as u32, stride as u32))
            .collect()
    }
}

/// The Y'CbCr matrix and range of `frame` (its `colorSpace`); `None` for other matrices.
fn yuv_space(frame: &VideoFrame) -> Option<YuvSpace> {
    let space = Reflect::get(frame, &"colorSpace".into()).ok()?;
    let matrix = match Reflect::get(&space, &"matrix".into()).ok()?.as_string()?.as_str() {
        "bt709" => YuvMatrix::Bt709,
        "smpte170m" | "bt470bg" => YuvMatrix::Bt601,
        _ => return None,
    };
    let full_range = Reflect::get(&space, &"fullRange".into()).ok()?.as_bool()?;
    Some(YuvSpace { matrix, full_range })
}

impl YuvCompositor {
    /// Output frame `t_us` through the YUV path, or `None` when it needs the canvas (or
    /// shows no overlay: the fast path's case). `visible` lists the layers showing (index,
    /// opacity), bottom first; `bottom` is the bottom layer's decoded frame.
    pub(crate) async fn compose(
        &mut self,
        plan: &RenderPlan,
        visible: &[(usize, f64)],
        bottom: Option<&VideoFrame>,
        overlays: Option<&mut OverlayStage>,
        timestamp_us: i64,
        duration_us: i64,
    ) -> Result<Option<Frame>, RenderError> {
        let (Some(frame), Some(overlays), [(video, opacity), rest @ ..]) = (bottom, overlays, visible) else {
            return Ok(None);
        };
        let Some(Visual::Video(layer)) = plan.visuals.get(*video).map(|v| &v.content) else { return Ok(None) };
        let others: Vec<usize> = rest.iter().map(|&(index, _)| index).collect();
        let all_overlays = others.iter().all(|&i| plan.visuals.get(i).is_some_and(|v| !matches!(v.content, Visual::Video(_))));
        if *opacity < 1.0 || !all_overlays || !overlays.has_pictures(&others) {
            return Ok(None);
        }
        let out = &plan.output;
        let Some(input) = YuvInput::of(frame, &layer.placement, out.width, out.height) else { return Ok(None) };
        if !overlays.yuv_ready(&others, input.space) {
            return Ok(None);
        }
        self.copy_planes(frame, &input).await?;
        let mut planes = YuvFrame::new(&mut self.planes, input.width, input.height, input.layout)
            .ok_or_else(|| RenderError::Internal("YUV frame size".into()))?;
        for &(index, opacity) in rest {
            overlays.blend_yuv(index, opacity, &mut planes);
        }
        let init = VideoFrameBufferInit::new_with_f64(input.height, input.width, input.format, timestamp_us as f64);
        init.set_duration_f64(duration_us as f64);
        init.set_layout(&input.plane_layouts());
        let _ = Reflect::set(&init, &"colorSpace".into(), &Reflect::get(frame, &"colorSpace".into()).unwrap_or(JsValue::UNDEFINED));
        let made = VideoFrame::new_with_u8_slice_and_video_frame_buffer_init(&mut self.planes, &init)
            .map_err(|e| RenderError::internal("VideoFrame from planes", &e))?;
        Ok(Some(Frame::new(made)))
    }

    /// Copies `frame`'s visible planes, packed, into `self.planes`.
    async fn copy_planes(&mut self, frame: &VideoFrame, input: &YuvInput) -> Result<(), RenderError> {
        let len = YuvFrame::byte_len(input.width, input.height).ok_or_else(|| RenderError::Internal("YUV frame size".into()))?;
        let staging = match &self.staging {
            Some(s) if s.length() as usize == len => s.clone(),
            _ => self.staging.insert(Uint8Array::new_with_length(len as u32)).clone(),
        };
        let options = VideoFrameCopyToOptions::new();
        options.set_layout(&input.plane_layouts());
        let promise = frame.copy_to_with_u8_array_and_options(&staging, &options);
        JsFuture::from(promise).await.map_err(|e| RenderError::internal("VideoFrame.copyTo", &e))?;
        self.planes.resize(len, 0);
        staging.copy_to(&mut self.planes);
        Ok(())
    }
}
