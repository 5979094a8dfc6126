//! Where a cue goes in its layer box: the layer style's alignment, or the WebVTT settings.
//!
//! The layer box plays the role of the WebVTT video viewport. Without settings a cue is placed
//! like a text layer (`align`, `verticalAlign`). With settings, following the WebVTT rendering
//! rules for horizontal text: `size` is the cue box width (percent of the box; the text wraps
//! at it; it shrinks to stay inside the box), `position` places the cue box (its line-left
//! edge, centre or line-right edge, by default from `align`), `align` aligns lines in the cue box (`start`/`end` are drawn as
//! left/right), and `line` places the block vertically: a percentage of the box height, or a
//! line number in line heights (0 the top line, -1 the bottom line); the block is kept inside
//! the box.

use super::cue::{CueAlign, CueSettings, LineAlign, LineValue, PositionAlign};
use crate::plan::LayerBox;
use crate::project::{Align, TextStyle, VerticalAlign};
use crate::raster::text::{RenderedText, TextPlacement, place_block, place_text};

/// The style a cue is rendered in: the layer style, with the wrap width and line alignment
/// its WebVTT `size` and `align` ask for.
pub(crate) fn cue_style(style: &TextStyle, settings: &CueSettings, layer_box: &LayerBox) -> TextStyle {
    let mut style = style.clone();
    if let Some((_, width)) = cue_box(settings, layer_box.width) {
        style.max_width = style.max_width.min(width).max(1.0);
    }
    if let Some(align) = settings.align {
        style.align = text_align(align);
    }
    style
}

/// Places a rendered cue in `layer_box`.
pub(crate) fn place_cue(
    text: &RenderedText,
    style: &TextStyle,
    settings: &CueSettings,
    layer_box: &LayerBox,
) -> Option<TextPlacement> {
    if settings.is_default() {
        return place_text(text, style.align, style.vertical_align, layer_box);
    }
    let scale = f64::from(text.scale);
    let pad = 2.0 * f64::from(text.padding);
    let (outer_w, outer_h) =
        ((f64::from(text.block_width) + pad) / scale, (f64::from(text.block_height) + pad) / scale);
    let (w, h) = (layer_box.width, layer_box.height);
    let x = match cue_box(settings, w) {
        None => aligned(style.align, 0.0, w, outer_w),
        Some((left, box_w)) => aligned(text_align(settings.align.unwrap_or(CueAlign::Center)), left, box_w, outer_w),
    };
    let y = match settings.line {
        None => aligned_vertical(style.vertical_align, h, outer_h),
        Some(line) => {
            let anchor = match line.value {
                LineValue::Percent(p) => h * p / 100.0,
                LineValue::Number(n) => {
                    let step = style.size * style.line_height;
                    if n >= 0.0 { n * step } else { h + (n + 1.0) * step }
                }
            };
            let align = match line.value {
                // A negative line number counts from the bottom: it places the cue's bottom.
                LineValue::Number(n) if n < 0.0 => LineAlign::End,
                LineValue::Number(_) => LineAlign::Start,
                LineValue::Percent(_) => line.align,
            };
            let top = match align {
                LineAlign::Start => anchor,
                LineAlign::Center => anchor - outer_h / 2.0,
                LineAlign::End => anchor - outer_h,
            };
            top.clamp(0.0, (h - outer_h).max(0.0))
        }
    };
    place_block(text, x, y, layer_box)
}

/// The cue box's left edge and width in a box `w` wide, or `None` without horizontal
/// settings. As in WebVTT, the size shrinks so the box stays inside: at most 100 − position
/// for a line-left box, position for a line-right one, twice the nearer margin when centred.
fn cue_box(settings: &CueSettings, w: f64) -> Option<(f64, f64)> {
    if settings.position.is_none() && settings.size.is_none() && settings.align.is_none() {
        return None;
    }
    let align = settings.align.unwrap_or(CueAlign::Center);
    let position = settings.position.map_or(default_position(align), |p| p.percent);
    let anchor = settings.position.and_then(|p| p.align).unwrap_or(default_position_align(align));
    let largest = match anchor {
        PositionAlign::LineLeft => 100.0 - position,
        PositionAlign::Center => 2.0 * position.min(100.0 - position),
        PositionAlign::LineRight => position,
    };
    let size = settings.size.unwrap_or(100.0).min(largest);
    let left = match anchor {
        PositionAlign::LineLeft => position,
        PositionAlign::Center => position - size / 2.0,
        PositionAlign::LineRight => position - size,
    };
    Some((left * w / 100.0, size * w / 100.0))
}

/// Left edge of a block `inner` wide aligned by `align` in `[left, left + width]`.
fn aligned(align: Align, left: f64, width: f64, inner: f64) -> f64 {
    match align {
        Align::Left => left,
        Align::Center => left + (width - inner) / 2.0,
        Align::Right => left + width - inner,
    }
}

/// Top edge of a block `inner` high aligned by `align` in a box `height` high.
fn aligned_vertical(align: VerticalAlign, height: f64, inner: f64) -> f64 {
    match align {
        VerticalAlign::Top => 0.0,
        VerticalAlign::Middle => (height - inner) / 2.0,
        VerticalAlign::Bottom => height - inner,
    }
}

/// Line alignment for a WebVTT `align` (start and end as left and right).
fn text_align(align: CueAlign) -> Align {
    match align {
        CueAlign::Start | CueAlign::Left => Align::Left,
        CueAlign::Center => Align::Center,
        CueAlign::End | CueAlign::Right => Align::Right,
    }
}

/// The `position` percentage when the cue gives none.
fn default_position(align: CueAlign) -> f64 {
    match align {
        CueAlign::Start | CueAlign::Left => 0.0,
        CueAlign::Center => 50.0,
        CueAlign::End | CueAlign::Right => 100.0,
    }
}

/// The position alignment when the cue gives none.
fn default_position_align(align: CueAlign) -> PositionAlign {
    match align {
        CueAlign::Start | CueAlign::Left => PositionAlign::LineLeft,
        CueAlign::Center => PositionAlign::Center,
        CueAlign::End | CueAlign::Right => PositionAlign::LineRight,
    }
}
