//! One pass over the plan's timeline into one output file: each segment by its treatment
//! (copied packets, a smart cut's encoded head and tail around copied GOPs, or every frame
//! encoded), the audio mixed and encoded beside the video (within [`AUDIO_SLACK_US`] of it,
//! waiting for its codecs only when it falls that far behind; before copied packets, up to
//! their end) so both streams reach the muxer nearly interleaved by time.
//!
//! Copied packets keep the source's decoder description, so every encoded frame of a pass
//! that copies must come out of the encoder with the very same description (`avcC`). Before
//! the first copy, the frames encoded so far are flushed and their description compared: when
//! it differs, the pass encodes every remaining frame instead of copying, in the same pass
//! ([`Rendered::refused`]; always so for x264 sources in Chromium). Only when the pass starts
//! with a copy (nothing encoded to compare) and the encoder differs later does it stop with
//! [`PassError::Mismatch`], and the job encodes everything in a second pass.

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
/// While frames are encoded, the sound waits for its codecs only once this far behind the
/// video: its codec round trips fill the video loop's idle time instead of stalling it.
const AUDIO_SLACK_US: i64 = 500_000;
/// How far the sound may run ahead of the video. Whenever the video loop waits for room in
/// the encoder, the sound goes on as far as its codecs have answered, so it is mostly made
/// early, while the video codecs start up, as a bare decode → encode loop makes it, instead of
/// competing with the video encoder's threads all along; its packets wait in the muxer (about
/// 160 KB at 128 kbit/s).
const AUDIO_AHEAD_US: i64 = 10_000_000;

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
    /// Encoded frames whose overlays were blended in Y'CbCr, without the canvas.
    pub yuv_frames: u64,
    /// Where the time went.
    pub timings: Timings,
    /// Why the plan's copies were encoded instead, if they were (the encoder's parameters differ).
    pub refused: Option<String>,
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
    /// Copies are encoded instead, and why (see [`Pass::refuse_copy`]).
    refused: Option<String>,
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
    let mut pass = Pass { plan, media, video, audio, mux, copy, done: 0, copied: 0, after_copy: false, refused: None };
    pass.video.timings().setup = setup_ms;
    let segments: Vec<&Segment> = plan.segments.iter().filter(|s| s.frame_count > 0).collect();
    progress.begin_frames();
    for (i, segment) in segments.iter().enumerate() {
        let next = segments.get(i + 1).copied();
        if !matches!(segment.treatment, Treatment::Copy(_)) {
            progress.report(Stage::Decode, pass.fraction(), pass.done, plan.output.frame_count);
        }
        match &segment.treatment {
            Treatment::Copy(_) | Treatment::SmartCut(_) if pass.refused.is_some() => {
                pass.video.enter(plan, segment, media)?;
                pass.encode(segment, segment.frames(), next, overlays.as_deref_mut(), progress).await?;
            }
            Treatment::Copy(splice) => {
                if pass.refuse_copy().await? {
                    pass.video.enter(plan, segment, media)?;
                    pass.encode(segment, segment.frames(), next, overlays.as_deref_mut(), progress).await?;
                } else {
                    pass.copy_span(splice, splice.copy, progress).await?
                }
            }
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
            let next_us = self.plan.output.frame_time_us(n + 1);
            self.audio_until(next_us + AUDIO_AHEAD_US, next_us - AUDIO_SLACK_US).await?;
            if let Some(next) = next.filter(|_| n == prepare_at) {
                self.video.prepare(self.plan, next, self.media)?;
            }
            let frame = self.video.frame(self.plan, segment, n, overlays.as_deref_mut()).await?;
            // The encoder is full: the decoders and the sound go on meanwhile (never waiting).
            let started = now_ms();
            while !self.video.has_room()? {
                self.video.top_up()?;
                self.audio_until(next_us + AUDIO_AHEAD_US, i64::MIN).await?;
                self.video.wait().await?;
            }
            self.video.encode(self.plan, frame, n, now_ms() - started)?;
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
        if self.refuse_copy().await? {
            // The head's decoders go on through the rest of the segment.
            if copy_start == frames.start {
                self.video.enter(self.plan, segment, self.media)?;
            }
            return self.encode(segment, copy_start..frames.end, next, overlays, progress).await;
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
            self.audio_until(end_us, end_us).await?;
            self.drain()?;
            let count = gop.len() as u64;
            let (video, audio) = self.configs(true)?;
            self.mux.write(VIDEO, gop, video, audio)?;
            self.done += count;
            self.copied += count;
            progress.report(Stage::Render, self.fraction(), self.done, self.plan.output.frame_count);
        }
        self.after_copy = true;
        Ok(())
    }

    /// True when this pass encodes what the plan copies: decided before its first copy, once
    /// frames were encoded, by flushing them and comparing the encoder's decoder description
    /// with the copied packets' (the mismatch is then known before any packet is copied).
    async fn refuse_copy(&mut self) -> Result<bool, PassError> {
        if self.refused.is_some() {
            return Ok(true);
        }
        if self.copied > 0 || self.done == 0 {
            return Ok(false);
        }
        let out = self.video.out()?;
        if out.stream().is_none() {
            out.finish().await?;
        }
        let (Some(copy), Some(encoded)) = (&self.copy, self.video.out()?.stream()) else { return Ok(false) };
        if copy.1 == encoded.1 {
            return Ok(false);
        }
        self.refused = Some(mismatch(&encoded.0, &copy.0));
        Ok(true)
    }

    /// Encodes the audio up to timeline time `until_us`, waiting for its codecs only while
    /// it is before `wait_before_us` (the video decoders working on meanwhile).
    async fn audio_until(&mut self, until_us: i64, wait_before_us: i64) -> Result<(), PassError> {
        if let Some(audio) = &mut self.audio {
            self.video.top_up()?;
            let started = now_ms();
            audio.render_until(until_us, wait_before_us, self.media).await?;
            self.video.timings().audio += now_ms() - started;
        }
        Ok(())
    }

    /// The video stream config and the audio's (`Some(None)` without sound), once known; fails
    /// when the encoder's differs from packets copied or being copied. The video's is the encoder's once it has
    /// output; before, the copied packets' only when they are being written (`copying`), so
    /// the muxer does not open with a description a refused copy would not use.
    fn configs(&mut self, copying: bool) -> Result<(Option<StreamConfig>, Option<Option<StreamConfig>>), PassError> {
        let encoded = self.video.out()?.stream();
        let copy = self.copy.as_ref().filter(|_| self.refused.is_none());
        // Before the first copy, a difference only means the copies will be refused.
        let copied = copying || self.copied > 0;
        if let (Some(copy), Some(encoded)) = (copy.filter(|_| copied), &encoded) {
            if copy.1 != encoded.1 {
                return Err(PassError::Mismatch(mismatch(&encoded.0, &copy.0)));
            }
        }
        let video = encoded.or_else(|| copy.filter(|_| copying).cloned());
        let audio = match &mut self.audio {
            Some(a) => a.stream().map(Some),
            None => Some(None),
        };
        Ok((video, audio))
    }

    /// Writes whatever the encoders have produced.
    fn drain(&mut self) -> Result<(), PassError> {
        let started = now_ms();
        let (video, audio) = self.configs(false)?;
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
        // The video encoder flushes while the audio finishes (the two overlap).
        let video_flushed = self.video.out()?.start_flush();
        if let Some(audio) = &mut self.audio {
            audio.finish(self.media).await?;
        }
        self.video.out()?.wait_until(|_| video_flushed.get()).await?;
        self.video.timings().flush += now_ms() - started;
        self.drain()?;
        progress.report(Stage::Mux, 0.98, self.done, total);
        let (video, _) = self.configs(self.copied > 0)?;
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
            yuv_frames: self.video.yuv_frames(),
            timings: *self.video.timings(),
            refused: self.refused,
        })
    }
}

/// Why copied packets cannot share a track with this encoder's.
fn mismatch(encoder: &str, source: &str) -> String {
    format!("the browser's {encoder} encoder writes other codec parameters (SPS/PPS) than the copied {source} source")
}
