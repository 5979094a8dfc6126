//! Layers: the five kinds (`video`, `image`, `audio`, `text`, `subtitles`) and what they share.

mod audio;
mod image;
mod style;
mod subtitles;
mod text;
mod timing;
mod video;
mod visual;

pub use audio::AudioLayer;
pub use image::ImageLayer;
pub use style::{Align, FontFamily, Outline, Shadow, TextBox, TextStyle, VerticalAlign};
pub use subtitles::{Cue, SubtitlesContent, SubtitlesLayer};
pub use text::TextLayer;
pub use timing::{Fades, Trim};
pub use video::VideoLayer;
pub use visual::{Crop, Fit, Placement};

pub(crate) use timing::LENGTH;

use super::context::Ctx;
use super::keyword::keyword_enum;
use super::limits::{MAX_CUES, MAX_ID_CHARS};
use super::reader::{Fields, Got, read_string};
use super::source::SourceKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

keyword_enum! {
    /// The `type` of a layer.
    pub enum LayerType {
        /// A video clip.
        Video = "video",
        /// A still image.
        Image = "image",
        /// A sound clip.
        Audio = "audio",
        /// A block of text.
        Text = "text",
        /// Timed captions.
        Subtitles = "subtitles",
    }
}

/// One layer of a scene; later layers are drawn on top of earlier ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Layer {
    /// A video clip (its sound plays too).
    Video(VideoLayer),
    /// A still image.
    Image(ImageLayer),
    /// A sound clip.
    Audio(AudioLayer),
    /// A block of text.
    Text(TextLayer),
    /// Timed captions.
    Subtitles(SubtitlesLayer),
}

impl Layer {
    /// The layer's kind.
    pub fn layer_type(&self) -> LayerType {
        match self {
            Layer::Video(_) => LayerType::Video,
            Layer::Image(_) => LayerType::Image,
            Layer::Audio(_) => LayerType::Audio,
            Layer::Text(_) => LayerType::Text,
            Layer::Subtitles(_) => LayerType::Subtitles,
        }
    }

    /// When the layer starts, in microseconds from the start of its scene.
    pub fn start_us(&self) -> i64 {
        match self {
            Layer::Video(l) => l.start_us,
            Layer::Image(l) => l.start_us,
            Layer::Audio(l) => l.start_us,
            Layer::Text(l) => l.start_us,
            Layer::Subtitles(l) => l.start_us,
        }
    }

    /// How long the layer lasts on the timeline, in microseconds (it is cut at the scene's end).
    pub fn duration_us(&self) -> i64 {
        match self {
            Layer::Video(l) => l.trim.timeline_duration_us(),
            Layer::Audio(l) => l.trim.timeline_duration_us(),
            Layer::Image(l) => l.duration_us,
            Layer::Text(l) => l.duration_us,
            Layer::Subtitles(l) => l.duration_us,
        }
    }

    /// When the layer ends, in microseconds from the start of its scene.
    pub fn end_us(&self) -> i64 {
        self.start_us() + self.duration_us()
    }

    /// The layer's fades.
    pub fn fades(&self) -> Fades {
        match self {
            Layer::Video(l) => l.fades,
            Layer::Image(l) => l.fades,
            Layer::Audio(l) => l.fades,
            Layer::Text(l) => l.fades,
            Layer::Subtitles(l) => l.fades,
        }
    }

    /// Sets the length of a layer that runs to the end of its scene.
    fn set_duration_us(&mut self, duration_us: i64) {
        match self {
            Layer::Image(l) => l.duration_us = duration_us,
            Layer::Text(l) => l.duration_us = duration_us,
            Layer::Subtitles(l) => l.duration_us = duration_us,
            Layer::Video(_) | Layer::Audio(_) => {}
        }
    }
}

/// A layer just read: open-ended layers get their length from the scene.
pub(crate) struct Draft {
    /// The layer (an open-ended one has a placeholder length).
    pub layer: Layer,
    /// True when the layer has no length of its own and runs to the end of the scene.
    pub open_ended: bool,
}

impl Draft {
    /// A layer with its own length.
    fn fixed(layer: Layer) -> Draft {
        Draft { layer, open_ended: false }
    }

    /// The end of the layer when it has its own length.
    pub fn own_end_us(&self) -> Option<i64> {
        (!self.open_ended).then(|| self.layer.end_us())
    }

    /// Gives an open-ended layer the length that reaches `scene_end_us`.
    pub fn close(&mut self, scene_end_us: i64) {
        if self.open_ended {
            self.layer.set_duration_us(scene_end_us - self.layer.start_us());
        }
    }
}

/// Reads the layer at `path`.
pub(crate) fn read_layer(value: &Value, path: String, cx: &mut Ctx) -> Option<Draft> {
    let mut f = Fields::new(value, path, "a layer", &mut cx.report)?;
    let kind = f.keyword::<LayerType>("type", &mut cx.report).required(&mut cx.report)?;
    f.describe(match kind {
        LayerType::Video => "a video layer",
        LayerType::Image => "an image layer",
        LayerType::Audio => "an audio layer",
        LayerType::Text => "a text layer",
        LayerType::Subtitles => "a subtitles layer",
    });
    match kind {
        LayerType::Video => video::read(f, cx).map(|l| Draft::fixed(Layer::Video(l))),
        LayerType::Image => image::read(f, cx),
        LayerType::Audio => audio::read(f, cx).map(|l| Draft::fixed(Layer::Audio(l))),
        LayerType::Text => text::read(f, cx),
        LayerType::Subtitles => subtitles::read(f, cx),
    }
}

/// Reads field `name`: the id of a source of one of the `wanted` kinds, for `user` (e.g. "a video layer").
fn read_source_ref(f: &mut Fields, name: &'static str, wanted: &[SourceKind], user: &str, cx: &mut Ctx) -> Got<String> {
    let Ctx { report, sources, .. } = cx;
    f.get(name, |v, p| {
        let id = read_string(v, p, MAX_ID_CHARS, false, report)?;
        sources.check(id, p, wanted, user, report).then(|| id.to_owned())
    })
}

/// Counts `n` more inline cues, reporting when the project total passes the limit.
fn count_cues(n: usize, path: &str, cx: &mut Ctx) -> bool {
    cx.cues += n;
    if cx.cues > MAX_CUES {
        let message =
            format!("the project has more than {MAX_CUES} inline cues; move long subtitles into SRT/VTT sources");
        cx.report.add(path, super::error::ErrorCode::TooMany, message);
        return false;
    }
    true
}
