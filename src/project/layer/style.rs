//! Text styles for `text` and `subtitles` layers: font, colour, outline, shadow, box and layout.

use super::{Ctx, read_source_ref};
use crate::project::color::Color;
use crate::project::keyword::keyword_enum;
use crate::project::limits::*;
use crate::project::reader::{Bounds, Fields, Report};
use crate::project::source::SourceKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

keyword_enum! {
    /// A built-in font family, used when no font source is given (and for glyphs it lacks).
    pub enum FontFamily {
        /// The engine's sans-serif font.
        SansSerif = "sans-serif",
        /// The engine's serif font.
        Serif = "serif",
        /// The engine's monospace font.
        Monospace = "monospace",
    }
}

keyword_enum! {
    /// Horizontal alignment of lines within the text block.
    pub enum Align {
        /// Flush left.
        Left = "left",
        /// Centred.
        Center = "center",
        /// Flush right.
        Right = "right",
    }
}

keyword_enum! {
    /// Vertical placement of the text block within the layer box.
    pub enum VerticalAlign {
        /// At the top.
        Top = "top",
        /// In the middle.
        Middle = "middle",
        /// At the bottom.
        Bottom = "bottom",
    }
}

/// How text looks and is laid out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextStyle {
    /// The built-in family.
    pub family: FontFamily,
    /// The id of a `font` source to use instead of the built-in family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    /// Font size (the em height) in output pixels.
    pub size: f64,
    /// Weight from 100 (thin) to 900 (black); 400 is normal, 700 bold.
    pub weight: u16,
    /// Italic (slanted when the font has no italic).
    pub italic: bool,
    /// Fill colour of the glyphs.
    pub color: Color,
    /// A stroke around the glyphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Outline>,
    /// A drop shadow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<Shadow>,
    /// A filled box behind the text block (JSON: `box`).
    #[serde(rename = "box", default, skip_serializing_if = "Option::is_none")]
    pub text_box: Option<TextBox>,
    /// Horizontal alignment of lines.
    pub align: Align,
    /// Vertical placement in the layer box.
    pub vertical_align: VerticalAlign,
    /// Lines wrap at this width, in output pixels.
    pub max_width: f64,
    /// Distance between baselines, as a multiple of `size`.
    pub line_height: f64,
}

/// A stroke around glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    /// Stroke width in output pixels.
    pub width: f64,
    /// Stroke colour.
    pub color: Color,
}

/// A drop shadow behind glyphs (and outline).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shadow {
    /// Rightward offset in output pixels.
    pub x: f64,
    /// Downward offset in output pixels.
    pub y: f64,
    /// Blur radius in output pixels (0 is sharp).
    pub blur: f64,
    /// Shadow colour.
    pub color: Color,
}

/// A filled, optionally rounded box behind the text block.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TextBox {
    /// Fill colour.
    pub color: Color,
    /// Space between the text and the box edge, in output pixels.
    pub padding: f64,
    /// Corner radius in output pixels.
    pub radius: f64,
}

/// Defaults that depend on the layer kind and size.
pub(super) struct StyleDefaults {
    /// Default font size in pixels.
    pub size: f64,
    /// Default vertical placement.
    pub vertical_align: VerticalAlign,
    /// Default wrap width (the layer box width).
    pub max_width: f64,
}

/// Effect sizes in pixels: 0 to 1000.
const EFFECT: Bounds = Bounds::between(0.0, MAX_EFFECT_PIXELS, " pixels");
/// Shadow offsets: ±1000 pixels.
const OFFSET: Bounds = Bounds::between(-MAX_EFFECT_PIXELS, MAX_EFFECT_PIXELS, " pixels");

/// Reads the layer's `style` (all fields optional).
pub(super) fn read_style(layer: &mut Fields, defaults: StyleDefaults, cx: &mut Ctx) -> Option<TextStyle> {
    let empty = Value::Object(Map::new());
    let given = layer.object("style", "a text style", &mut cx.report).optional()?;
    let mut f = match given {
        Some(f) => f,
        None => Fields::new(&empty, layer.path_of("style"), "a text style", &mut cx.report)?,
    };
    let font = read_source_ref(&mut f, "font", &[SourceKind::Font], "a text style", cx).optional();
    let r = &mut cx.report;
    let family = f.keyword::<FontFamily>("family", r).or(FontFamily::SansSerif);
    let size = f.number("size", Bounds::above(0.0, MAX_FONT_SIZE, " pixels"), r).or(defaults.size);
    let weight_range = Bounds::between(MIN_FONT_WEIGHT as f64, MAX_FONT_WEIGHT as f64, "");
    let weight = f.integer("weight", weight_range, r).or(400).map(|w| w as u16);
    let italic = f.boolean("italic", r).or(false);
    let color = f.color("color", r).or(Color::WHITE);
    let outline = f.nested("outline", "an outline", r, read_outline).optional();
    let shadow = f.nested("shadow", "a shadow", r, read_shadow).optional();
    let text_box = f.nested("box", "a text box", r, read_box).optional();
    let align = f.keyword::<Align>("align", r).or(Align::Center);
    let vertical_align = f.keyword::<VerticalAlign>("verticalAlign", r).or(defaults.vertical_align);
    let max_width = f.number("maxWidth", Bounds::above(0.0, MAX_LAYER_PIXELS, " pixels"), r).or(defaults.max_width);
    let line_height = f.number("lineHeight", Bounds::between(MIN_LINE_HEIGHT, MAX_LINE_HEIGHT, "×"), r).or(1.2);
    f.finish(r);
    Some(TextStyle {
        family: family?,
        font: font?,
        size: size?,
        weight: weight?,
        italic: italic?,
        color: color?,
        outline: outline?,
        shadow: shadow?,
        text_box: text_box?,
        align: align?,
        vertical_align: vertical_align?,
        max_width: max_width?,
        line_height: line_height?,
    })
}

/// Reads an `outline` (width 2, black by default).
fn read_outline(mut f: Fields, r: &mut Report) -> Option<Outline> {
    let width = f.number("width", Bounds::above(0.0, MAX_EFFECT_PIXELS, " pixels"), r).or(2.0);
    let color = f.color("color", r).or(Color::BLACK);
    f.finish(r);
    Some(Outline { width: width?, color: color? })
}

/// Reads a `shadow` (2 px right and down, 4 px blur, 70% black by default).
fn read_shadow(mut f: Fields, r: &mut Report) -> Option<Shadow> {
    let x = f.number("x", OFFSET, r).or(2.0);
    let y = f.number("y", OFFSET, r).or(2.0);
    let blur = f.number("blur", EFFECT, r).or(4.0);
    let color = f.color("color", r).or(Color::rgba(0, 0, 0, 0xb3));
    f.finish(r);
    Some(Shadow { x: x?, y: y?, blur: blur?, color: color? })
}

/// Reads a `box` (60% black, 8 px padding, square corners by default).
fn read_box(mut f: Fields, r: &mut Report) -> Option<TextBox> {
    let color = f.color("color", r).or(Color::rgba(0, 0, 0, 0x99));
    let padding = f.number("padding", EFFECT, r).or(8.0);
    let radius = f.number("radius", EFFECT, r).or(0.0);
    f.finish(r);
    Some(TextBox { color: color?, padding: padding?, radius: radius? })
}
