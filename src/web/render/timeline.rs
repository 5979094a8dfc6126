//! One pass over the plan's timeline into one output file: each segment by its treatment
//! (copied packets, a smart cut's encoded head and tail around copied GOPs, or every frame
//! encoded), the audio mixed and encoded ahead of the video so both streams reach the muxer
//! interleaved by time.
//!
//! Copied packets keep the source's decoder description, so every encoded frame of a pass
//! that copies must come out of the encoder with the very same description (`avcC`); when it
//! does not, the pass stops with [`PassError::Mismatch`] and the job encodes everything.

use super::cancel::Signal;
use super::codec_support::Encoders;
use super::copy_stage::{CopyReader, Sound, copy_config};
use super::encoded_output::StreamConfig;
use super::error::RenderError;
use super::media::Media;
use super::mux::{AUDIO, MuxStage, VIDEO};
use super::overlay_stage::OverlayStage;
use super::progress::{Progress, Stage};
use super::sink::Sink;
use super::timings::{Timings, now_ms};
use super::video_encode::VideoOut;
use super::video_stage::VideoStage;
use crate::plan::{RenderPlan, Segment, SourceSpan, Splice, Treatment};
use std::ops::Range;

/// Frames before a segment's end at which the next segment's decoders open (so their
/// start-up overlaps the encoder's work on the frames queued before it).
const PREPARE_FRAMES: u64 = 12;

/// A finished pass: the muxed file (not yet handed out) and what it took.
pub(crate) struct Rendered {
    /// The file.
    pub sink: Sink,
    /// The video stream's codec string and the audio's.
    pub video_codec: String,
    /// The audio codec string, without sound `None`.
    pub audio_codec: Option<String>,
    /// Output frames written (encoded or copied).
    pub frames: u64,
    /// Frames copied from sources.
    pub copied: u64,
    /// Encoded frames that went to the encoder without the canvas.
    pub passthrough: u64,
    /// Where the time went.
    pub timings: Timings,
}

/// Why a pass stopped.
pub(crate) enum PassError {
    /// The encoder's decoder description differs from the copied packets' (the message says how).
    Mismatch(String),
    /// The job failed.
    Failed(RenderError),
}

impl From<RenderError> for PassError {
    fn from(e: RenderError) -> Self {
        PassError::Failed(e)
    }
}

/// What a pass works with.
pub(crate) struct Inputs<'a> {
    /// The plan (its treatments and bitrate as this pass uses them).
    pub plan: &'a RenderPlan,
    /// The sources.
    pub media: &'a Media,
    /// The chosen encoder configs.
    pub encoders: &'a Encoders,
    /// The job's signal.
    pub signal: &'a Signal,
}

struct Pass<'a> {
    plan: &'a RenderPlan,
    media: &'a Media,
    video: VideoStage,
    audio: Option<Sound>,
    mux: MuxStage,
    copy: Option<StreamConfig>,
    done: u64,
    copied: u64,
    /// Packets were copied since the last encoded frame: the next one must be a keyframe.
    after_copy: bool,
}

/// Renders the whole timeline once into `sink`.
pub(crate) async fn render(
    inputs: Inputs<'_>,
    sink: Sink,
    mut overlays: Option<&mut OverlayStage>,
    progress: &mut Progress,
    setup_ms: f64,
) -> Result<Rendered, PassError> {
    let Inputs { plan, media, encoders, signal } = inputs;
    let video = VideoStage::new(Some(VideoOut::open(&encoders.video, signal)?), signal);
    let audio = Sound::open(plan, media, encoders.audio.as_ref(), signal)?;
    let mux = MuxStage::new(sink, &plan.output, audio.as_ref().and_then(|a| a.shape(plan)));
    let copy = copy_config(plan, media)?;
    let mut pass = Pass { plan, media, video, audio, mux, copy, done: 0, copied: 0, after_copy: false };
    pass.video.timings().setup = setup_ms;
    let segments: Vec<&Segment> = plan.segments.iter().filter(|s| s.frame_count > 0).collect();
    for (i, segment) in segments.iter().enumerate() {
        let next = segments.get(i + 1).copied();
        if !matches!(segment.treatment, Treatment::Copy(_)) {
            progress.report(Stage::Decode, pass.fraction(), pass.done, plan.output.frame_count);
        }
        match &segment.treatment {
            Treatment::Copy(splice) => pass.copy_span(splice, splice.copy, progress).await?,
            Treatment::SmartCut(splice) => {
                pass.smart_cut(segment, splice, next, overlays.as_deref_mut(), progress).await?
            }
            Treatment::Encode { .. } => {
                pass.video.enter(plan, segment, media)?;
                pass.encode(segment, segment.frames(), next, overlays.as_deref_mut(), progress).await?;
            }
        }
    }
    pass.finish(progress).await
}

impl Pass<'_> {
    fn fraction(&self) -> f64 {
        0.95 * self.done as f64 / self.plan.output.frame_count.max(1) as f64
    }

    /// Encodes output frames `frames` of `segment`, opening `next`'s decoders near the end.
    async fn encode(
        &mut self,
        segment: &Segment,
        frames: Range<u64>,
        next: Option<&Segment>,
        mut overlays: Option<&mut OverlayStage>,
        progress: &mut Progress,
    ) -> Result<(), PassError> {
        let prepare_at = frames.end.saturating_sub(PREPARE_FRAMES).max(frames.start);
        let next = next.filter(|s| {
            frames.end == segment.first_frame + segment.frame_count && !matches!(s.treatment, Treatment::Copy(_))
        });
        if std::mem::take(&mut self.after_copy) {
            self.video.force_keyframe();
        }
        for n in frames {
            self.audio_until(self.plan.output.frame_time_us(n + 1)).await?;
            if let Some(next) = next.filter(|_| n == prepare_at) {
                self.video.prepare(self.plan, next, self.media)?;
            }
            self.video.frame(self.plan, segment, n, overlays.as_deref_mut()).await?;
            self.drain()?;
            self.done += 1;
            progress.report(Stage::Render, self.fraction(), self.done, self.plan.output.frame_count);
        }
        Ok(())
    }

    /// A smart cut: the head encoded, the whole GOPs copied, the tail encoded.
    async fn smart_cut(
        &mut self,
        segment: &Segment,
        splice: &Splice,
        next: Option<&Segment>,
        mut overlays: Option<&mut OverlayStage>,
        progress: &mut Progress,
    ) -> Result<(), PassError> {
        let out = &self.plan.output;
        let frames = segment.frames();
        // Output frame n shows source time frame_time_us(n) + offset_us.
        let first_at = |source_us: i64| {
            frames.clone().find(|&n| out.frame_time_us(n) + splice.offset_us >= source_us).unwrap_or(frames.end)
        };
        let (copy_start, tail_start) = (first_at(splice.copy.from_us), first_at(splice.copy.to_us));
        if copy_start > frames.start {
            self.video.enter(self.plan, segment, self.media)?;
            self.encode(segment, frames.start..copy_start, None, overlays.as_deref_mut(), progress).await?;
        }
        self.copy_span(splice, splice.copy, progress).await?;
        if tail_start < frames.end {
            self.video.restart(self.plan, segment, tail_start, self.media, splice.copy.to_us)?;
            self.encode(segment, tail_start..frames.end, next, overlays, progress).await?;
        }
        Ok(())
    }

    /// Copies the packets of `span` of `splice`'s source, GOP by GOP, with the audio up to each
    /// GOP's end encoded first; the encoder's frames so far are flushed out before.
    async fn copy_span(&mut self, splice: &Splice, span: SourceSpan, progress: &mut Progress) -> Result<(), PassError> {
        // Decoders are not needed while copying; the encoder's frames so far go out first.
        self.video.close_inputs();
        self.video.out()?.finish().await?;
        self.drain()?;
        let mut reader = CopyReader::open(self.media, splice, span)?;
        while let Some(gop) = reader.next_gop()? {
            self.video.out()?.check()?;
            let end_us = gop.iter().map(|p| p.pts_us + p.duration_us.max(0)).max().unwrap_or(0);
            self.audio_until(end_us).await?;
            self.drain()?;
            let count = gop.len() as u64;
            let (video, audio) = self.configs()?;
            self.mux.write(VIDEO, gop, video, audio)?;
            self.done += count;
            self.copied += count;
            progress.report(Stage::Render, self.fraction(), self.done, self.plan.output.frame_count);
        }
        self.after_copy = true;
        Ok(())
    }

    /// Produces the audio up to timeline time `until_us`, the video decoders working on meanwhile.
    async fn audio_until(&mut self, until_us: i64) -> Result<(), PassError> {
        if let Some(audio) = &mut self.audio {
            self.video.top_up()?;
            let started = now_ms();
            audio.render_until(until_us, self.media).await?;
            self.video.timings().audio += now_ms() - started;
        }
        Ok(())
    }

    /// The video stream config (the copied packets', else the encoder's) and the audio's
    /// (`Some(None)` without sound), once known; fails when the encoder's differs from the copy's.
    fn configs(&mut self) -> Result<(Option<StreamConfig>, Option<Option<StreamConfig>>), PassError> {
        let encoded = self.video.out()?.stream();
        if let (Some(copy), Some(encoded)) = (&self.copy, &encoded) {
            if copy.1 != encoded.1 {
                let message = format!(
                    "the browser's {} encoder writes other codec parameters (SPS/PPS) than the copied {} source",
                    encoded.0, copy.0
                );
                return Err(PassError::Mismatch(message));
            }
        }
        let video = self.copy.clone().or(encoded);
        let audio = match &mut self.audio {
            Some(a) => a.stream().map(Some),
            None => Some(None),
        };
        Ok((video, audio))
    }

    /// Writes whatever the encoders have produced.
    fn drain(&mut self) -> Result<(), PassError> {
        let started = now_ms();
        let (video, audio) = self.configs()?;
        let packets = self.video.out()?.take_packets();
        self.mux.write(VIDEO, packets, video.clone(), audio.clone())?;
        if let Some(a) = &mut self.audio {
            let packets = a.take_packets();
            self.mux.write(AUDIO, packets, video, audio)?;
        }
        self.video.timings().mux += now_ms() - started;
        Ok(())
    }

    /// Flushes the encoders and finishes the file.
    async fn finish(mut self, progress: &mut Progress) -> Result<Rendered, PassError> {
        self.video.close_inputs();
        let total = self.plan.output.frame_count;
        progress.report(Stage::Encode, 0.95, self.done, total);
        let started = now_ms();
        if let Some(audio) = &mut self.audio {
            audio.finish(self.media).await?;
        }
        self.video.out()?.finish().await?;
        self.video.timings().flush += now_ms() - started;
        self.drain()?;
        progress.report(Stage::Mux, 0.98, self.done, total);
        let (video, _) = self.configs()?;
        let video_codec =
            video.ok_or_else(|| RenderError::EncodeFailed("the video encoder produced nothing".into()))?.0;
        let audio_codec = self.audio.as_mut().and_then(Sound::stream).map(|s| s.0);
        Ok(Rendered {
            sink: self.mux.finish()?,
            video_codec,
            audio_codec,
            frames: self.done,
            copied: self.copied,
            passthrough: self.video.fast_frames(),
            timings: *self.video.timings(),
        })
    }
}
