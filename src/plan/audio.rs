//! Audio contributions for the mixer: the sound of video layers and audio layers.

use crate::audio::{AudioError, ClipChain, Envelope, FadeCurve, LayerSpec, Speed, Volume, us_to_frame};
use serde::{Deserialize, Serialize};

/// One layer's sound: a trimmed part of a source's audio track, placed on the timeline.
///
/// A clip cut short by its scene ends at the cut (`timeline_end_us`, `source_out_us`), but its
/// fade-out still ends at its own end (`own_end_us`), past the cut: it is cut, not faded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioClip {
    /// Index of its scene in `project.scenes`.
    pub scene: usize,
    /// Index of the layer (video or audio) in its scene's `layers`.
    pub layer: usize,
    /// The source id.
    pub source: String,
    /// The container track id of the audio track used (the first one).
    pub track_id: u32,
    /// Timeline time the sound starts.
    pub timeline_start_us: i64,
    /// Timeline time the sound stops (its own end, or its scene's end when that comes first).
    pub timeline_end_us: i64,
    /// Timeline time the layer would end uncut; the fade-out ends here.
    pub own_end_us: i64,
    /// Source time played at `timeline_start_us` (`trimStart`).
    pub source_in_us: i64,
    /// Source time reached at `timeline_end_us` (`trimEnd` unless cut).
    pub source_out_us: i64,
    /// Playback rate (pitch is kept).
    pub speed: f64,
    /// Gain factor (0 is never planned: muted layers are left out).
    pub volume: f64,
    /// Fade-in length.
    pub fade_in_us: i64,
    /// Fade-out length.
    pub fade_out_us: i64,
    /// Source time to start decoding from (a little before `source_in_us`, for decoder pre-roll).
    pub decode_from_us: i64,
}

impl AudioClip {
    /// The chain that turns this clip's decoded audio into its 48 kHz stereo layer stream.
    pub fn clip_chain(&self) -> Result<ClipChain, AudioError> {
        ClipChain::new(self.source_in_us, self.source_out_us, Speed::new(self.speed)?)
    }

    /// The mixer slot: start frame at 48 kHz and an envelope with the volume and linear fades
    /// (the format's fades are linear), cut at `timeline_end_us`.
    pub fn layer_spec(&self) -> Result<LayerSpec, AudioError> {
        let start = us_to_frame(self.timeline_start_us);
        let frames = |end_us: i64| (us_to_frame(end_us) - start).max(0) as u64;
        let fade = |us: i64| us_to_frame(us).max(0) as u64;
        let envelope = Envelope::new(
            frames(self.own_end_us),
            Volume::new(self.volume)?,
            fade(self.fade_in_us),
            fade(self.fade_out_us),
            FadeCurve::Linear,
        )
        .cut(frames(self.timeline_end_us));
        Ok(LayerSpec { start, envelope })
    }
}
