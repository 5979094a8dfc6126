//! `text` layers: a block of text drawn in a box.

use super::style::{StyleDefaults, TextStyle, VerticalAlign, read_style};
use super::timing::{Fades, read_duration, read_fades, read_start};
use super::visual::{Placement, read_placement};
use super::{Ctx, Draft, Layer};
use crate::project::limits::MAX_TEXT_CHARS;
use crate::project::reader::Fields;
use serde::{Deserialize, Serialize};

/// A block of text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextLayer {
    /// The text; `\n` breaks lines, long lines wrap at the style's `maxWidth`.
    pub text: String,
    /// When the text appears, in microseconds from the scene start (JSON: `start`, seconds).
    #[serde(rename = "start", with = "crate::project::seconds")]
    pub start_us: i64,
    /// How long it shows, in microseconds (JSON: `duration`, seconds; default: to the scene's end).
    #[serde(rename = "duration", with = "crate::project::seconds")]
    pub duration_us: i64,
    /// The box the text block is placed in.
    #[serde(flatten)]
    pub placement: Placement,
    /// How the text looks.
    pub style: TextStyle,
    /// Opacity fades.
    #[serde(flatten)]
    pub fades: Fades,
}

/// Reads a text layer.
pub(super) fn read(mut f: Fields, cx: &mut Ctx) -> Option<Draft> {
    let r = &mut cx.report;
    let text = f.text("text", MAX_TEXT_CHARS, r).required(r);
    let start_us = read_start(&mut f, r);
    let duration_us = read_duration(&mut f, r);
    let (w, h) = cx.frame;
    let placement = read_placement(&mut f, [0.0, 0.0, w, h], r);
    let fades = read_fades(&mut f, r);
    let defaults = StyleDefaults {
        size: (h / 15.0).round(),
        vertical_align: VerticalAlign::Middle,
        max_width: placement.map_or(w, |p| p.width),
    };
    let style = read_style(&mut f, defaults, cx);
    f.finish(&mut cx.report);
    let duration_us = duration_us?;
    let layer = TextLayer {
        text: text?.to_owned(),
        start_us: start_us?,
        duration_us: duration_us.unwrap_or(0),
        placement: placement?,
        style: style?,
        fades: fades?,
    };
    Some(Draft { layer: Layer::Text(layer), open_ended: duration_us.is_none() })
}
