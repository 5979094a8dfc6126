//! The video path of the timeline: for each output frame, seek every visible video layer's
//! [`VideoCursor`] to its source time, upload the overlays showing then, composite in z-order
//! (or take the fast path), and encode at the plan's exact frame time. Cursors open a few
//! frames before their layer first shows ([`VideoStage::prepare`], so the next segment's
//! decoder is configured and primed while the current one still feeds the encoder) and close
//! (with their decoders and frames) when it ends.

use super::cancel::Signal;
use super::colour::is_output_colour;
use super::compositor::{Compositor, Draw, Picture, retime};
use super::error::RenderError;
use super::media::Media;
use super::overlay_stage::OverlayStage;
use super::owned::Frame;
use super::timings::{Timings, now_ms};
use super::video_decode::{VideoCursor, VideoInput};
use super::video_encode::VideoOut;
use super::yuv_compositor::YuvCompositor;
use crate::plan::{RenderPlan, Segment, VideoVisual, Visual, VisualLayer};
use crate::raster::Bitmap;
use std::collections::BTreeMap;

/// Video decoding, compositing and encoding for one job.
pub(crate) struct VideoStage {
    cursors: BTreeMap<usize, VideoCursor>,
    /// Cursors opened ahead for the next segment's new layers.
    upcoming: BTreeMap<usize, VideoCursor>,
    compositor: Option<Compositor>,
    yuv: YuvCompositor,
    /// The `VideoEncoder`; `None` when frames are read back instead ([`VideoStage::pixels`]).
    out: Option<VideoOut>,
    fast_frames: u64,
    yuv_frames: u64,
    signal: Signal,
    timings: Timings,
    force_key: bool,
}

/// What [`VideoStage::render`] produces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// A `VideoFrame` for the encoder (the fast path allowed).
    Frame,
    /// The canvas pixels.
    Pixels,
}

/// A rendered output frame.
enum Rendered {
    /// For the encoder.
    Frame(Frame),
    /// Read back.
    Pixels(Bitmap),
}

/// Visual layer `index` and its video content (`None` for overlays).
fn video_of(plan: &RenderPlan, index: usize) -> Result<(&VisualLayer, Option<&VideoVisual>), RenderError> {
    match plan.visuals.get(index) {
        Some(layer @ VisualLayer { content: Visual::Video(video), .. }) => Ok((layer, Some(video))),
        Some(layer) => Ok((layer, None)),
        None => Err(RenderError::Internal(format!("the plan has no visual layer {index}"))),
    }
}

impl VideoStage {
    /// A stage encoding into `out`, or reading frames back (GIF, thumbnails) without one.
    pub(crate) fn new(out: Option<VideoOut>, signal: &Signal) -> Self {
        VideoStage {
            cursors: BTreeMap::new(),
            upcoming: BTreeMap::new(),
            compositor: None,
            yuv: YuvCompositor::default(),
            out,
            fast_frames: 0,
            yuv_frames: 0,
            signal: signal.clone(),
            timings: Timings::default(),
            force_key: false,
        }
    }

    /// Frames that took the fast path (no canvas).
    pub(crate) fn fast_frames(&self) -> u64 {
        self.fast_frames
    }

    /// Frames whose overlays were blended in Y'CbCr (no canvas).
    pub(crate) fn yuv_frames(&self) -> u64 {
        self.yuv_frames
    }

    /// Where the time went so far (the video fields).
    pub(crate) fn timings(&mut self) -> &mut Timings {
        &mut self.timings
    }

    /// The encoder.
    pub(crate) fn out(&mut self) -> Result<&mut VideoOut, RenderError> {
        self.out.as_mut().ok_or_else(|| RenderError::Internal("this job has no video encoder".into()))
    }

    /// Opens the cursors `segment` needs and closes those it no longer shows.
    pub(crate) fn enter(&mut self, plan: &RenderPlan, segment: &Segment, media: &Media) -> Result<(), RenderError> {
        let started = now_ms();
        self.cursors.retain(|index, _| segment.layers.contains(index));
        self.prepare(plan, segment, media)?;
        self.cursors.append(&mut self.upcoming);
        self.timings.open += now_ms() - started;
        Ok(())
    }

    /// Opens, ahead of time, the cursors of `segment`'s layers that are not open yet, and
    /// starts them decoding towards the segment's first frame.
    pub(crate) fn prepare(&mut self, plan: &RenderPlan, segment: &Segment, media: &Media) -> Result<(), RenderError> {
        for &index in &segment.layers {
            if !self.cursors.contains_key(&index) && !self.upcoming.contains_key(&index) {
                self.open_cursor(plan, segment.first_frame, index, media, None)?;
            }
        }
        Ok(())
    }

    /// Reopens the cursors of `segment`'s video layers to decode from source time
    /// `decode_from_us` (a keyframe) towards output frame `first_frame` (a smart cut's tail).
    pub(crate) fn restart(
        &mut self,
        plan: &RenderPlan,
        segment: &Segment,
        first_frame: u64,
        media: &Media,
        decode_from_us: i64,
    ) -> Result<(), RenderError> {
        for &index in &segment.layers {
            self.cursors.remove(&index);
            self.open_cursor(plan, first_frame, index, media, Some(decode_from_us))?;
        }
        self.cursors.append(&mut self.upcoming);
        Ok(())
    }

    /// Makes the next encoded frame a keyframe (after copied packets, or to start a GOP).
    pub(crate) fn force_keyframe(&mut self) {
        self.force_key = true;
    }

    /// Opens an upcoming cursor for video layer `index` (overlays have none), primed for
    /// output frame `first_frame`, decoding from the layer's keyframe or from `decode_from_us`.
    fn open_cursor(
        &mut self,
        plan: &RenderPlan,
        first_frame: u64,
        index: usize,
        media: &Media,
        decode_from_us: Option<i64>,
    ) -> Result<(), RenderError> {
        let (layer, Some(video)) = video_of(plan, index)? else { return Ok(()) };
        let track = media.track(&video.source, video.track_id)?;
        let input = VideoInput {
            reads: media.reads(&video.source)?,
            source_id: &video.source,
            track,
            decode_from_us: decode_from_us.unwrap_or(video.decode_from_us),
            to_us: video.time.source_time_us(layer.end_us),
        };
        let mut cursor = VideoCursor::open(input, &self.signal)?;
        cursor.prime(video.time.source_time_us(plan.output.frame_time_us(first_frame)))?;
        self.upcoming.insert(index, cursor);
        Ok(())
    }

    /// Renders output frame `n` of `segment`, with `overlays` drawn in z-order, for
    /// [`VideoStage::encode`].
    pub(crate) async fn frame(
        &mut self,
        plan: &RenderPlan,
        segment: &Segment,
        n: u64,
        overlays: Option<&mut OverlayStage>,
    ) -> Result<Frame, RenderError> {
        match self.render(plan, segment, n, overlays, Read::Frame).await? {
            Rendered::Frame(frame) => Ok(frame),
            Rendered::Pixels(_) => Err(RenderError::Internal("pixels rendered for the encoder".into())),
        }
    }

    /// True when the encoder takes a frame now. While it is full, the caller keeps the
    /// decoders topped up ([`VideoStage::top_up`]) and waits ([`VideoStage::wait`]), so
    /// neither codec waits for the other.
    pub(crate) fn has_room(&mut self) -> Result<bool, RenderError> {
        self.out()?.has_room()
    }

    /// Waits for the next codec event (or fails if the job is cancelled).
    pub(crate) async fn wait(&self) -> Result<(), RenderError> {
        self.signal.wait().await
    }

    /// Encodes rendered output frame `n` (once the encoder [has room](VideoStage::has_room));
    /// `waited_ms` is how long the caller waited for that.
    pub(crate) fn encode(&mut self, plan: &RenderPlan, frame: Frame, n: u64, waited_ms: f64) -> Result<(), RenderError> {
        self.timings.encode_wait += waited_ms;
        self.timings.encoder_dry += u32::from(self.out()?.encoder().encode_queue_size() == 0);
        let interval = plan.encoding.video.keyframe_interval_frames.max(1);
        let key = std::mem::take(&mut self.force_key) || n % interval == 0;
        self.out()?.encode(frame.get(), key)
    }

    /// Queues more chunks in every decoder that has room (before the loop waits on anything).
    pub(crate) fn top_up(&mut self) -> Result<(), RenderError> {
        for cursor in self.cursors.values_mut().chain(self.upcoming.values_mut()) {
            cursor.top_up()?;
        }
        Ok(())
    }

    /// Renders output frame `n` of `segment` on the canvas and reads it back (premultiplied
    /// RGBA8 at output size), for the encoders in the core.
    pub(crate) async fn pixels(
        &mut self,
        plan: &RenderPlan,
        segment: &Segment,
        n: u64,
        overlays: Option<&mut OverlayStage>,
    ) -> Result<Bitmap, RenderError> {
        match self.render(plan, segment, n, overlays, Read::Pixels).await? {
            Rendered::Pixels(bitmap) => Ok(bitmap),
            Rendered::Frame(_) => Err(RenderError::Internal("a frame rendered for read-back".into())),
        }
    }

    /// Seeks the visible layers to frame `n`, uploads its overlays and composites it (or takes
    /// the fast path, for [`Read::Frame`] only).
    async fn render(
        &mut self,
        plan: &RenderPlan,
        segment: &Segment,
        n: u64,
        overlays: Option<&mut OverlayStage>,
        read: Read,
    ) -> Result<Rendered, RenderError> {
        let (t_us, duration_us) = (plan.output.frame_time_us(n), plan.output.frame_duration_us(n));
        let mut visible = Vec::with_capacity(segment.layers.len());
        for &index in &segment.layers {
            let (layer, video) = video_of(plan, index)?;
            let opacity = layer.opacity.at(t_us);
            if opacity <= 0.0 {
                continue;
            }
            if let Some(video) = video {
                let cursor = self
                    .cursors
                    .get_mut(&index)
                    .ok_or_else(|| RenderError::Internal(format!("no cursor for layer {index}")))?;
                let started = now_ms();
                cursor.seek(video.time.source_time_us(t_us)).await?;
                self.timings.decode_wait += now_ms() - started;
            }
            visible.push((index, opacity));
        }
        let mut overlays = overlays;
        if let Some(stage) = overlays.as_deref_mut() {
            stage.prepare(t_us)?;
        }
        if read == Read::Frame {
            let started = now_ms();
            let bottom = visible.first().and_then(|(index, _)| self.cursors.get(index)?.current()).map(Frame::get);
            let yuv = self.yuv.compose(plan, &visible, bottom, overlays.as_deref_mut(), t_us, duration_us).await?;
            if let Some(frame) = yuv {
                self.yuv_frames += 1;
                self.timings.compose += now_ms() - started;
                return Ok(Rendered::Frame(frame));
            }
        }
        let overlays = match overlays {
            Some(stage) => {
                stage.upload().await?;
                Some(&*stage)
            }
            None => None,
        };
        let mut draws: Vec<Draw<'_>> = Vec::with_capacity(visible.len());
        for &(index, opacity) in &visible {
            match video_of(plan, index)? {
                (_, Some(video)) => {
                    if let Some(frame) = self.cursors.get(&index).and_then(|c| c.current()) {
                        draws.push(Draw { picture: Picture::Frame(frame.get()), placement: &video.placement, opacity });
                    }
                }
                (_, None) => {
                    let pictures = overlays.into_iter().flat_map(|o| o.pictures(index));
                    draws.extend(pictures.map(|(bitmap, placement)| Draw {
                        picture: Picture::Bitmap(bitmap),
                        placement,
                        opacity,
                    }));
                }
            }
        }
        let out = &plan.output;
        let compositor = match &self.compositor {
            Some(c) => c,
            None => self.compositor.insert(Compositor::new(out.width, out.height, read == Read::Pixels)?),
        };
        if read == Read::Pixels {
            return compositor.compose_pixels(segment.background, &draws).map(Rendered::Pixels);
        }
        let fast = match draws.as_slice() {
            [Draw { picture: Picture::Frame(frame), placement, opacity }] if *opacity >= 1.0 && is_output_colour(frame) => {
                placement.covers_exactly(frame.display_width(), frame.display_height(), out.width, out.height).then_some(*frame)
            }
            _ => None,
        };
        let frame = if let Some(only) = fast {
            self.fast_frames += 1;
            retime(only, t_us, duration_us)?
        } else {
            let started = now_ms();
            let frame = compositor.compose(segment.background, &draws, t_us, duration_us)?;
            self.timings.compose += now_ms() - started;
            frame
        };
        Ok(Rendered::Frame(frame))
    }

    /// Closes every cursor (after the last frame).
    pub(crate) fn close_inputs(&mut self) {
        self.cursors.clear();
        self.upcoming.clear();
    }
}
