//! `build`: walks the scenes and layers once, checks them against the probes, and gathers
//! the plan's visual layers, audio clips and source needs.

use super::audio::AudioClip;
use super::decode::{AUDIO_PREROLL_US, SourceNeeds, TrackRange, keyframe_before};
use super::error::{PlanError, PlanErrorKind};
use super::placement::{LayerBox, Rotation, placement, placement_field};
use super::timing::{Opacity, TimeMap};
use super::visual::{ImageVisual, VideoVisual, Visual, VisualLayer};
use crate::container::{ProbeInfo, TrackInfo, TrackKind};
use crate::project::{AudioCodec, AudioLayer, Fades, Layer, Project, SubtitlesContent, TextStyle, Trim, VideoLayer};
use std::collections::BTreeMap;

/// A layer being planned: where it is in the project and on the timeline.
struct At {
    scene: usize,
    layer: usize,
    /// Timeline start.
    start_us: i64,
    /// Timeline end, cut by the scene.
    end_us: i64,
    /// Timeline end, uncut.
    own_end_us: i64,
}

impl At {
    fn path(&self, field: &str) -> String {
        format!("scenes[{}].layers[{}].{field}", self.scene, self.layer)
    }
}

/// What the walk gathers.
pub(crate) struct Gathered {
    pub visuals: Vec<VisualLayer>,
    pub audio: Vec<AudioClip>,
    pub needs: BTreeMap<String, SourceNeeds>,
    pub errors: Vec<PlanError>,
}

/// Walks every layer of `project` (scene by scene, bottom first).
pub(crate) fn gather(project: &Project, probes: &BTreeMap<String, ProbeInfo>) -> Gathered {
    let mut g = Gathered { visuals: Vec::new(), audio: Vec::new(), needs: BTreeMap::new(), errors: Vec::new() };
    let with_audio = project.output.audio_codec != AudioCodec::None;
    let mut offset = 0i64;
    for (scene, s) in project.scenes.iter().enumerate() {
        let scene_end = offset + s.duration_us;
        for (index, layer) in s.layers.iter().enumerate() {
            let start_us = offset + layer.start_us();
            let own_end_us = start_us + layer.duration_us();
            let at = At { scene, layer: index, start_us, end_us: own_end_us.min(scene_end), own_end_us };
            if at.start_us >= at.end_us {
                continue;
            }
            match layer {
                Layer::Video(v) => g.video(&at, v, probes, with_audio),
                Layer::Image(i) => {
                    g.whole_file(&i.source);
                    let content = Visual::Image(ImageVisual { source: i.source.clone(), fit: i.fit, crop: i.crop });
                    g.visual(&at, i.placement.opacity, (&i.placement).into(), i.fades, content);
                }
                Layer::Audio(a) if with_audio => g.audio_layer(&at, a, probes),
                Layer::Audio(_) => {}
                Layer::Text(t) => {
                    g.font(&t.style);
                    g.visual(&at, t.placement.opacity, (&t.placement).into(), t.fades, Visual::Text);
                }
                Layer::Subtitles(st) => {
                    g.font(&st.style);
                    let source = match &st.content {
                        SubtitlesContent::Source(id) => Some(id.clone()),
                        SubtitlesContent::Cues(_) => None,
                    };
                    if let Some(id) = &source {
                        g.whole_file(id);
                    }
                    g.visual(&at, st.placement.opacity, (&st.placement).into(), st.fades, Visual::Subtitles { source });
                }
            }
        }
        offset = scene_end;
    }
    g
}

impl Gathered {
    /// Plans a video layer: its picture and, when the output has sound, its audio.
    fn video(&mut self, at: &At, v: &VideoLayer, probes: &BTreeMap<String, ProbeInfo>, with_audio: bool) {
        let Some(probe) = self.probe(at, &v.source, probes) else { return };
        let Some((track, video)) = first_track(probe, TrackKind::Video).and_then(|t| Some((t, t.video.as_ref()?)))
        else {
            let kind = PlanErrorKind::NoVideoTrack { source_id: v.source.clone() };
            self.errors.push(PlanError::new(at.path("source"), kind));
            return;
        };
        let trim_ok = self.check_trim(at, &v.source, probe, &v.trim);
        let Some(rotation) = Rotation::from_degrees(video.rotation) else {
            let kind = PlanErrorKind::UnsupportedRotation { degrees: video.rotation };
            self.errors.push(PlanError::new(at.path("source"), kind));
            return;
        };
        let layer_box = LayerBox::from(&v.placement);
        let placed = match placement(&layer_box, v.fit, v.crop, video.width, video.height, rotation) {
            Ok(placed) => placed,
            Err(kind) => {
                self.errors.push(PlanError::new(at.path(placement_field(&kind)), kind));
                return;
            }
        };
        if !trim_ok {
            return;
        }
        let time = TimeMap::new(at.start_us, &v.trim);
        let (from_us, to_us) = (v.trim.start_us, time.source_time_us(at.end_us));
        let decode_from_us = keyframe_before(&track.keyframes_us, from_us);
        let range = TrackRange { track_id: track.id, from_us, to_us, decode_from_us };
        self.needs.entry(v.source.clone()).or_default().video.push(range);
        let content = Visual::Video(Box::new(VideoVisual {
            source: v.source.clone(),
            track_id: track.id,
            time,
            decode_from_us,
            fit: v.fit,
            crop: v.crop,
            width: video.width,
            height: video.height,
            placement: placed,
        }));
        self.visual(at, v.placement.opacity, layer_box, v.fades, content);
        if with_audio {
            self.sound(at, &v.source, first_track(probe, TrackKind::Audio), &v.trim, v.volume, v.fades);
        }
    }

    /// Plans an audio layer: its source must have an audio track.
    fn audio_layer(&mut self, at: &At, a: &AudioLayer, probes: &BTreeMap<String, ProbeInfo>) {
        let Some(probe) = self.probe(at, &a.source, probes) else { return };
        let track = first_track(probe, TrackKind::Audio);
        if track.is_none() {
            let kind = PlanErrorKind::NoAudioTrack { source_id: a.source.clone() };
            self.errors.push(PlanError::new(at.path("source"), kind));
        }
        if self.check_trim(at, &a.source, probe, &a.trim) {
            self.sound(at, &a.source, track, &a.trim, a.volume, a.fades);
        }
    }

    /// Adds an audio clip for `track` of `source` (nothing when there is no track or it is muted).
    fn sound(&mut self, at: &At, source: &str, track: Option<&TrackInfo>, trim: &Trim, volume: f64, fades: Fades) {
        let Some(track) = track.filter(|_| volume > 0.0) else { return };
        let time = TimeMap::new(at.start_us, trim);
        let (source_in_us, source_out_us) = (trim.start_us, time.source_time_us(at.end_us));
        let decode_from_us = (source_in_us - AUDIO_PREROLL_US).max(0);
        let range = TrackRange { track_id: track.id, from_us: source_in_us, to_us: source_out_us, decode_from_us };
        self.needs.entry(source.to_owned()).or_default().audio.push(range);
        self.audio.push(AudioClip {
            scene: at.scene,
            layer: at.layer,
            source: source.to_owned(),
            track_id: track.id,
            timeline_start_us: at.start_us,
            timeline_end_us: at.end_us,
            own_end_us: at.own_end_us,
            source_in_us,
            source_out_us,
            speed: trim.speed,
            volume,
            fade_in_us: fades.in_us,
            fade_out_us: fades.out_us,
            decode_from_us,
        });
    }

    /// Adds a visual layer.
    fn visual(&mut self, at: &At, opacity: f64, layer_box: LayerBox, fades: Fades, content: Visual) {
        self.visuals.push(VisualLayer {
            scene: at.scene,
            layer: at.layer,
            start_us: at.start_us,
            end_us: at.end_us,
            opacity: Opacity::new(opacity, at.start_us, at.own_end_us, fades),
            layer_box,
            content,
        });
    }

    /// The probe of `source`, or an error at the layer's `source`.
    fn probe<'p>(&mut self, at: &At, source: &str, probes: &'p BTreeMap<String, ProbeInfo>) -> Option<&'p ProbeInfo> {
        let probe = probes.get(source);
        if probe.is_none() {
            let kind = PlanErrorKind::MissingProbe { source_id: source.to_owned() };
            self.errors.push(PlanError::new(at.path("source"), kind));
        }
        probe
    }

    /// Checks `trimEnd` against the source's length (its longest track; unknown lengths pass).
    fn check_trim(&mut self, at: &At, source: &str, probe: &ProbeInfo, trim: &Trim) -> bool {
        let longest_track = probe.tracks.iter().filter_map(|t| t.duration_us).max();
        match probe.duration_us.or(longest_track) {
            Some(duration_us) if trim.end_us > duration_us => {
                let kind =
                    PlanErrorKind::TrimPastEnd { source_id: source.to_owned(), trim_end_us: trim.end_us, duration_us };
                self.errors.push(PlanError::new(at.path("trimEnd"), kind));
                false
            }
            _ => true,
        }
    }

    /// Notes that `source` is read whole.
    fn whole_file(&mut self, source: &str) {
        self.needs.entry(source.to_owned()).or_default().whole_file = true;
    }

    /// Notes the font file a text style uses, if any.
    fn font(&mut self, style: &TextStyle) {
        if let Some(font) = &style.font {
            self.whole_file(font);
        }
    }
}

/// The first track of `kind`.
fn first_track(probe: &ProbeInfo, kind: TrackKind) -> Option<&TrackInfo> {
    probe.tracks.iter().find(|t| t.kind == kind)
}
