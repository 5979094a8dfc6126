//! The render plan: everything a renderer needs to turn a validated project and the probes of
//! its media into a file, as plain serializable data shared by the browser engine and the
//! ffmpeg server.
//!
//! [`build`] is the way in. It does no I/O and no decoding: it checks the project against the
//! probes (every problem at once, each with the JSON path to fix), then lays out
//!
//! - [`OutputSpec`]: frame size, exact frame grid ([`FrameRate`]), container, length;
//! - [`Encoding`]: WebCodecs codec-string candidates with levels, bitrates, keyframe spacing;
//! - [`Segment`]s: the timeline cut wherever the set of visible layers changes, each with its
//!   [`Treatment`]: copy source packets, smart cut, or encode (with an [`EncodeReason`]);
//! - [`VisualLayer`]s: each picture/text layer once, with its span, [`Opacity`], box, and for
//!   video the [`TimeMap`] and precomputed [`Placement`] (images call [`placement`] once decoded);
//! - [`AudioClip`]s: the sound of video and audio layers, ready for the audio mixer;
//! - [`SourceNeeds`]: per source, the source ranges to decode and where decoding starts.
//!
//! A renderer walks the segments; for each output frame `n` of a segment it draws the scene
//! background, then each of the segment's layers whose `opacity.at(frame_time_us(n))` is above 0.

mod audio;
mod audio_copy;
mod build;
mod decode;
mod encode;
mod error;
mod fast_path;
mod frames;
mod geometry;
mod levels;
mod placement;
mod segment;
mod target_size;
mod timing;
mod treatment;
mod visual;

pub use audio::AudioClip;
pub use audio_copy::{AudioEncodeReason, AudioPlace, AudioPlacer, AudioSplice, AudioTreatment};
pub use decode::{AUDIO_PREROLL_US, SourceNeeds, TrackRange, keyframe_before, merge_spans};
pub use encode::{AudioEncoding, Encoding, KEYFRAME_INTERVAL_US, VideoEncoding, candidates};
pub use error::{PlanError, PlanErrorKind};
pub use frames::{FrameRate, OutputSpec};
pub use geometry::{Affine, Point, Rect};
pub use levels::{H264Profile, av1_level, h264_level, vp9_level};
pub use placement::{LayerBox, Placement, Rotation, placement};
pub use segment::Segment;
pub use target_size::SizeTarget;
pub use timing::{FRAME_PICK_TOLERANCE_US, Opacity, TimeMap};
pub use treatment::{EncodeReason, SourceSpan, Splice, Treatment, TreatmentSummary};
pub use visual::{ImageVisual, VideoVisual, Visual, VisualLayer};

use crate::audio::{AudioError, Mixer, us_to_frame};
use crate::container::ProbeInfo;
use crate::project::Project;
use segment::SceneSpan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything needed to render a project, identical wherever it is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderPlan {
    /// What the file looks like.
    pub output: OutputSpec,
    /// How it is encoded.
    pub encoding: Encoding,
    /// The timeline, cut where the visible layers change; they tile `[0, duration)` in order.
    pub segments: Vec<Segment>,
    /// Every visual layer once, in scene order, bottom first; segments index into this.
    pub visuals: Vec<VisualLayer>,
    /// Every sound to mix (empty when the output has no audio).
    pub audio: Vec<AudioClip>,
    /// Whether the sound is copied from the sources or mixed and encoded, and why.
    pub audio_treatment: AudioTreatment,
    /// What each used source must provide, by source id.
    pub sources: BTreeMap<String, SourceNeeds>,
}

impl RenderPlan {
    /// The visual layers of `segment`, bottom first.
    pub fn segment_layers<'a>(&'a self, segment: &'a Segment) -> impl Iterator<Item = &'a VisualLayer> + 'a {
        segment.layers.iter().filter_map(|&i| self.visuals.get(i))
    }

    /// The segment holding output frame `n`, if any.
    pub fn segment_of_frame(&self, n: u64) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.first_frame + s.frame_count <= n);
        self.segments.get(i).filter(|s| s.frames().contains(&n))
    }

    /// How many segments copy, smart-cut or encode, and why (for the result's stats).
    pub fn treatments(&self) -> TreatmentSummary {
        TreatmentSummary::of(self.segments.iter().map(|s| &s.treatment)).with_audio(&self.audio_treatment)
    }

    /// A mixer over the whole timeline with the audio encoder's frame size as block size,
    /// or `None` when the output has no audio; add each clip's `layer_spec()` to it.
    pub fn mixer(&self) -> Option<Result<Mixer, AudioError>> {
        let audio = self.encoding.audio.as_ref()?;
        Some(Mixer::new(0, us_to_frame(self.output.duration_us), audio.frame_samples as usize))
    }
}

/// Plans the render of a validated `project` whose video and audio sources were probed
/// (`probes` by source id; image, subtitles and font sources need none). Returns every
/// problem found, each at the JSON path of the field to change.
pub fn build(project: &Project, probes: &BTreeMap<String, ProbeInfo>) -> Result<RenderPlan, Vec<PlanError>> {
    let (num, den) = project.output.frame_rate();
    let Some(rate) = FrameRate::new(num, den) else {
        let kind = PlanErrorKind::InvalidFrameRate { fps: project.output.fps };
        return Err(vec![PlanError::new("output.fps", kind)]);
    };
    let duration_us = project.duration_us();
    let mut gathered = build::gather(project, probes);
    let encoding = match encode::choose(&project.output, rate, duration_us) {
        Ok(encoding) if gathered.errors.is_empty() => encoding,
        Ok(_) => return Err(gathered.errors),
        Err(kind) => {
            gathered.errors.push(PlanError::new("output.targetSizeBytes", kind));
            return Err(gathered.errors);
        }
    };
    let mut start_us = 0;
    let scenes: Vec<SceneSpan> = project
        .scenes
        .iter()
        .map(|s| {
            let span = SceneSpan { start_us, end_us: start_us + s.duration_us, background: s.background };
            start_us = span.end_us;
            span
        })
        .collect();
    let mut segments = segment::split(&scenes, &gathered.visuals, rate);
    fast_path::assign(&mut segments, &gathered.visuals, probes, &project.output, rate);
    let audio_treatment = audio_copy::decide(&gathered.audio, probes, &project.output, duration_us);
    Ok(RenderPlan {
        output: OutputSpec::new(&project.output, rate, duration_us),
        encoding,
        segments,
        visuals: gathered.visuals,
        audio: gathered.audio,
        audio_treatment,
        sources: gathered.needs,
    })
}
