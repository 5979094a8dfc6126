//! `subtitles` layers: timed captions, inline or from an SRT/VTT source.

use super::style::{StyleDefaults, TextStyle, VerticalAlign, read_style};
use super::timing::{Fades, LENGTH, TIME, read_duration, read_fades, read_start};
use super::visual::{Placement, read_placement};
use super::{Ctx, Draft, Layer, count_cues, read_source_ref};
use crate::project::error::ErrorCode;
use crate::project::limits::{MAX_CUES_PER_LAYER, MAX_TEXT_CHARS};
use crate::project::path::index_path;
use crate::project::reader::{Fields, Report, show_seconds};
use crate::project::source::SourceKind;
use crate::time::us_to_seconds;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    /// When it appears, in microseconds from the layer start (JSON: `start`, seconds).
    #[serde(rename = "start", with = "crate::project::seconds")]
    pub start_us: i64,
    /// When it disappears, in microseconds from the layer start (JSON: `end`, seconds).
    #[serde(rename = "end", with = "crate::project::seconds")]
    pub end_us: i64,
    /// The caption, shown as plain text; `\n` breaks lines.
    pub text: String,
}

/// Where the captions come from (JSON: either `cues` or `source`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubtitlesContent {
    /// Captions written in the project.
    Cues(Vec<Cue>),
    /// The id of a `subtitles` source (SRT or WebVTT).
    Source(String),
}

/// Timed captions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubtitlesLayer {
    /// The captions.
    #[serde(flatten)]
    pub content: SubtitlesContent,
    /// When the layer starts, in microseconds from the scene start (JSON: `start`, seconds); cue times count from here.
    #[serde(rename = "start", with = "crate::project::seconds")]
    pub start_us: i64,
    /// How long it lasts, in microseconds (JSON: `duration`, seconds; default: to the last cue's end
    /// for inline cues, else to the scene's end).
    #[serde(rename = "duration", with = "crate::project::seconds")]
    pub duration_us: i64,
    /// The box the captions are placed in.
    #[serde(flatten)]
    pub placement: Placement,
    /// How the captions look.
    pub style: TextStyle,
    /// Opacity fades of the whole layer.
    #[serde(flatten)]
    pub fades: Fades,
}

/// Reads a subtitles layer.
pub(super) fn read(mut f: Fields, cx: &mut Ctx) -> Option<Draft> {
    let cues = f.array("cues", MAX_CUES_PER_LAYER, &mut cx.report).optional();
    let cues_path = f.path_of("cues");
    let cues = match cues {
        Some(Some(items)) => read_cues(items, &cues_path, cx).map(Some),
        other => other.map(|_| None),
    };
    let source = read_source_ref(&mut f, "source", &[SourceKind::Subtitles], "a subtitles layer", cx).optional();
    let r = &mut cx.report;
    let start_us = read_start(&mut f, r);
    let duration_us = read_duration(&mut f, r);
    let (w, h) = cx.frame;
    let bottom_margin = (h * 0.05).round();
    let placement = read_placement(&mut f, [0.0, 0.0, w, h - bottom_margin], r);
    let fades = read_fades(&mut f, r);
    let defaults = StyleDefaults {
        size: (h / 20.0).round(),
        vertical_align: VerticalAlign::Bottom,
        max_width: placement.map_or(w, |p| p.width),
    };
    let style = read_style(&mut f, defaults, cx);
    let content = match (cues, source) {
        (Some(Some(_)), Some(Some(_))) => {
            let message = "use either \"cues\" (inline captions) or \"source\" (an SRT/VTT file), not both";
            cx.report.add(f.path_of("source"), ErrorCode::Conflict, message);
            None
        }
        (Some(Some(cues)), Some(None)) => Some(SubtitlesContent::Cues(cues)),
        (Some(None), Some(Some(id))) => Some(SubtitlesContent::Source(id)),
        (Some(None), Some(None)) => {
            let message = "needs \"cues\" (inline captions) or \"source\" (the id of an SRT/VTT subtitles source)";
            cx.report.add(f.path(), ErrorCode::Missing, message);
            None
        }
        _ => None,
    };
    f.finish(&mut cx.report);
    let content = content?;
    let own_duration_us = duration_us?.or(match &content {
        SubtitlesContent::Cues(cues) => cues.iter().map(|c| c.end_us).max(),
        SubtitlesContent::Source(_) => None,
    });
    let layer = SubtitlesLayer {
        content,
        start_us: start_us?,
        duration_us: own_duration_us.unwrap_or(0),
        placement: placement?,
        style: style?,
        fades: fades?,
    };
    Some(Draft { layer: Layer::Subtitles(layer), open_ended: own_duration_us.is_none() })
}

/// Reads the inline `cues` at `path`.
fn read_cues(items: &[Value], path: &str, cx: &mut Ctx) -> Option<Vec<Cue>> {
    if !count_cues(items.len(), path, cx) {
        return None;
    }
    let mut cues = Some(Vec::with_capacity(items.len()));
    for (i, item) in items.iter().enumerate() {
        let cue =
            Fields::new(item, index_path(path, i), "a cue", &mut cx.report).and_then(|f| read_cue(f, &mut cx.report));
        match (cue, cues.as_mut()) {
            (Some(cue), Some(list)) => list.push(cue),
            _ => cues = None,
        }
    }
    cues
}

/// Reads one cue.
fn read_cue(mut f: Fields, r: &mut Report) -> Option<Cue> {
    let start_us = f.seconds("start", TIME, r).required(r);
    let end_us = f.seconds("end", LENGTH, r).required(r);
    let text = f.text("text", MAX_TEXT_CHARS, r).required(r);
    let end_path = f.path_of("end");
    f.finish(r);
    let (start_us, end_us) = (start_us?, end_us?);
    if end_us <= start_us {
        let message = format!("must be greater than start ({})", show_seconds(us_to_seconds(start_us)));
        r.add(end_path, ErrorCode::Conflict, message);
        return None;
    }
    Some(Cue { start_us, end_us, text: text?.to_owned() })
}
