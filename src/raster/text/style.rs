//! A project text style resolved for drawing: faces chosen, sizes in bitmap pixels.

use crate::project::{Align, Color, FontFamily, TextStyle};
use crate::raster::fonts::{DEFAULT_FAMILY, FontId, FontLibrary};
use std::collections::HashMap;

/// Weight from which a face counts as bold (and a lighter face is emboldened).
pub(crate) const BOLD_FROM: u16 = 600;

/// The faces a style asks for, best first, with the weight and slant it wants.
#[derive(Debug, Clone)]
pub(crate) struct FaceChoice {
    /// The `font` source's face, then the family's closest face, then Noto Sans (never empty).
    pub faces: Vec<FontId>,
    /// Wanted weight, 100–900.
    pub weight: u16,
    /// Wanted slant.
    pub italic: bool,
}

impl FaceChoice {
    /// The first face: its metrics set the line box.
    pub fn primary(&self) -> FontId {
        self.faces.first().copied().unwrap_or(FontId(0))
    }
}

/// Everything about a style that drawing needs, in bitmap pixels (output pixels × scale).
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// Faces to use.
    pub choice: FaceChoice,
    /// Em size.
    pub size: f32,
    /// Distance between baselines.
    pub line_height: f32,
    /// Lines wrap beyond this width.
    pub max_width: f32,
    /// Line alignment.
    pub align: Align,
    /// Glyph colour.
    pub fill: tiny_skia::Color,
    /// Outline width (outside the glyph edge) and colour.
    pub outline: Option<(f32, tiny_skia::Color)>,
    /// Drop shadow.
    pub shadow: Option<ShadowSpec>,
    /// Box behind the block.
    pub text_box: Option<BoxSpec>,
}

/// A drop shadow in bitmap pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShadowSpec {
    /// Offset to the right.
    pub dx: f32,
    /// Offset downwards.
    pub dy: f32,
    /// Gaussian standard deviation (the style's blur radius / 2, as in CSS).
    pub sigma: f32,
    /// Colour.
    pub color: tiny_skia::Color,
}

/// The box behind the block, in bitmap pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BoxSpec {
    /// Space around the block.
    pub padding: f32,
    /// Corner radius.
    pub radius: f32,
    /// Fill colour.
    pub color: tiny_skia::Color,
}

/// The family name a built-in family maps to.
pub(crate) fn family_name(family: FontFamily) -> &'static str {
    match family {
        FontFamily::SansSerif => DEFAULT_FAMILY,
        FontFamily::Serif => "Noto Serif",
        FontFamily::Monospace => "Noto Sans Mono",
    }
}

/// Resolves `style` at `scale` (bitmap pixels per output pixel); `sources` maps `font` source
/// ids to loaded faces (an unknown id falls back to the family).
pub(crate) fn resolve(
    style: &TextStyle,
    scale: f32,
    fonts: &FontLibrary,
    sources: &HashMap<String, FontId>,
) -> Resolved {
    let (weight, italic) = (style.weight, style.italic);
    let source_face = style.font.as_ref().and_then(|id| sources.get(id)).and_then(|&id| {
        let family = &fonts.info(id)?.family;
        fonts.best_in_family(family, weight, italic)
    });
    let mut faces: Vec<FontId> = source_face.into_iter().collect();
    for family in [family_name(style.family), DEFAULT_FAMILY] {
        if let Some(id) = fonts.best_in_family(family, weight, italic).filter(|id| !faces.contains(id)) {
            faces.push(id);
        }
    }
    let px = |v: f64| v as f32 * scale;
    Resolved {
        choice: FaceChoice { faces, weight, italic },
        size: px(style.size),
        line_height: px(style.size * style.line_height),
        max_width: px(style.max_width),
        align: style.align,
        fill: color(style.color),
        outline: style.outline.map(|o| (px(o.width), color(o.color))),
        shadow: style.shadow.map(|s| ShadowSpec {
            dx: px(s.x),
            dy: px(s.y),
            sigma: px(s.blur) / 2.0,
            color: color(s.color),
        }),
        text_box: style.text_box.map(|b| BoxSpec {
            padding: px(b.padding),
            radius: px(b.radius),
            color: color(b.color),
        }),
    }
}

/// A project colour as a tiny-skia colour.
pub(crate) fn color(c: Color) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(c.r, c.g, c.b, c.a)
}
