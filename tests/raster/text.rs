//! Text rendering: goldens per script and effect, right-to-left order, shaping, wrapping,
//! alignment, premultiplied alpha, fonts and placement.

use super::{assert_golden, render, renderer, style};
use frameloom::plan::{LayerBox, Point};
use frameloom::project::{Align, Color, FontFamily, Outline, Shadow, TextBox, VerticalAlign};
use frameloom::raster::text::place_text;
use frameloom::raster::{Bitmap, TextRenderer};

/// Columns holding ink (alpha above a threshold), left to right.
fn ink_columns(b: &Bitmap) -> Vec<bool> {
    (0..b.width()).map(|x| (0..b.height()).any(|y| b.pixel(x, y).is_some_and(|p| p[3] > 60))).collect()
}

/// The widths of the ink on either side of the widest empty gap: (left part, right part).
fn sides_of_widest_gap(b: &Bitmap) -> (usize, usize) {
    let cols = ink_columns(b);
    let first = cols.iter().position(|&c| c).unwrap_or(0);
    let last = cols.iter().rposition(|&c| c).unwrap_or(0);
    let (mut best, mut start) = ((0, 0), None);
    for (x, &ink) in cols.iter().enumerate().take(last + 1).skip(first) {
        match (ink, start) {
            (false, None) => start = Some(x),
            (true, Some(s)) => {
                if x - s > best.1 - best.0 {
                    best = (s, x);
                }
                start = None;
            }
            _ => {}
        }
    }
    (best.0 - first, last + 1 - best.1)
}

#[test]
fn latin() {
    let mut r = renderer();
    let b = render(&mut r, "The quick brown fox jumps over the lazy dog. 0123456789 ÀÉÎõü", &style());
    assert_golden("latin", &b);
}

#[test]
fn arabic_is_shaped_and_runs_right_to_left() {
    let mut r = renderer();
    let b = render(&mut r, "مرحبا بالعالم", &style());
    assert_golden("arabic", &b);
    // The first logical word (short) lands at the right, the long second word at the left.
    let (left, right) = sides_of_widest_gap(&render(&mut r, "ب مستشفيات", &style()));
    assert!(right < left / 2, "short first word should be at the right: left {left}, right {right}");
    // Joined letters take their connecting forms, narrower than three isolated letters.
    let isolated = r.render_text("ب", &style(), 1.0).unwrap().block_width;
    let joined = r.render_text("ببب", &style(), 1.0).unwrap().block_width;
    assert!(joined < 2.5 * isolated, "joined {joined} vs isolated {isolated}");
}

#[test]
fn hebrew_runs_right_to_left() {
    let mut r = renderer();
    let b = render(&mut r, "שלום עולם", &style());
    assert_golden("hebrew", &b);
    let (left, right) = sides_of_widest_gap(&render(&mut r, "א אבגדהוזחט", &style()));
    assert!(right < left / 2, "short first word should be at the right: left {left}, right {right}");
    // Mixed: in a left-to-right paragraph the Hebrew word follows the Latin one.
    let (left, right) = sides_of_widest_gap(&render(&mut r, "i אבגדהוזחט", &style()));
    assert!(left < right / 2, "Latin first in a left-to-right paragraph: left {left}, right {right}");
}

#[test]
fn cjk() {
    let mut r = renderer();
    assert_golden("cjk", &render(&mut r, "你好，世界！こんにちは 안녕하세요", &style()));
}

#[test]
fn emoji_are_in_colour() {
    let mut r = renderer();
    let b = render(&mut r, "Hi 😀👍🏽🇫🇷", &style());
    assert_golden("emoji", &b);
    let colourful = b.to_straight_rgba().chunks_exact(4).filter(|p| p[3] > 200 && p[0].abs_diff(p[2]) > 80).count();
    assert!(colourful > 200, "only {colourful} colour pixels");
    // Without the emoji font the text still renders (missing-glyph boxes), it does not fail.
    assert!(TextRenderer::new().render_text("😀 שלום", &style(), 1.0).unwrap().bitmap.is_some());
}

#[test]
fn outline() {
    let mut s = style();
    s.size = 40.0;
    s.outline = Some(Outline { width: 4.0, color: Color::rgba(200, 0, 0, 255) });
    let b = render(&mut renderer(), "Outline", &s);
    assert_golden("outline", &b);
    let red = b.to_straight_rgba().chunks_exact(4).filter(|p| p[3] == 255 && p[0] > 190 && p[1] < 20).count();
    assert!(red > 500, "outline pixels: {red}");
}

#[test]
fn shadow() {
    let mut s = style();
    s.size = 40.0;
    s.shadow = Some(Shadow { x: 6.0, y: 6.0, blur: 6.0, color: Color::rgba(0, 0, 255, 200) });
    let text = r#"Shadow"#;
    let mut r = renderer();
    let plain = r.render_text(text, &style_sized(40.0), 1.0).unwrap();
    let shadowed = r.render_text(text, &s, 1.0).unwrap();
    let b = shadowed.bitmap.clone().unwrap();
    assert_golden("shadow", &b);
    let plain_b = plain.bitmap.unwrap();
    assert!(b.width() >= plain_b.width() + 6 && b.height() >= plain_b.height() + 6, "the shadow extends the bitmap");
    let blue = b.to_straight_rgba().chunks_exact(4).filter(|p| p[3] > 20 && p[2] > 200 && p[0] < 50).count();
    assert!(blue > 300, "shadow pixels: {blue}");
}

fn style_sized(size: f64) -> frameloom::project::TextStyle {
    let mut s = style();
    s.size = size;
    s
}

#[test]
fn box_with_rounded_corners() {
    let mut s = style();
    s.text_box = Some(TextBox { color: Color::rgba(0, 0, 0, 153), padding: 10.0, radius: 12.0 });
    let rendered = renderer().render_text("Boxed caption", &s, 1.0).unwrap();
    let b = rendered.bitmap.clone().unwrap();
    assert_golden("box", &b);
    assert_eq!((rendered.offset_x, rendered.offset_y), (-10, -10), "the box starts padding before the block");
    assert_eq!(b.pixel(0, 0).unwrap()[3], 0, "rounded corner is transparent");
    assert_eq!(b.pixel(b.width() / 2, 1).unwrap(), [0, 0, 0, 153], "box fill (premultiplied black)");
    assert_eq!(b.width(), (rendered.block_width + 20.0).round() as u32);
}

#[test]
fn wraps_at_max_width_and_aligns_lines() {
    let mut s = style();
    s.max_width = 300.0;
    s.align = Align::Left;
    let mut r = renderer();
    let text = "Subtitles wrap when a line would pass the maximum width of the layer";
    let left = r.render_text(text, &s, 1.0).unwrap();
    assert!(left.lines >= 3, "{} lines", left.lines);
    assert!(left.block_width <= 300.0, "block {} wide", left.block_width);
    assert_golden("wrap_left", left.bitmap.as_ref().unwrap());
    s.align = Align::Right;
    let right = r.render_text(text, &s, 1.0).unwrap();
    assert_golden("wrap_right", right.bitmap.as_ref().unwrap());
    // Every line starts at the left edge (left) or ends at the right edge (right).
    let edge = |b: &Bitmap, y0: u32, y1: u32, from_right: bool| {
        let cols: Vec<u32> = (0..b.width()).filter(|&x| (y0..y1).any(|y| b.pixel(x, y).unwrap()[3] > 60)).collect();
        if from_right { b.width() - cols.last().unwrap() } else { *cols.first().unwrap() }
    };
    let line = (s.size * s.line_height) as u32;
    for (bitmap, from_right) in [(left.bitmap.unwrap(), false), (right.bitmap.unwrap(), true)] {
        let edges: Vec<u32> = (0..3).map(|i| edge(&bitmap, i * line, (i + 1) * line, from_right)).collect();
        assert!(edges.iter().all(|e| *e <= 4), "line edges {edges:?} (right: {from_right})");
    }
}

#[test]
fn alpha_is_premultiplied() {
    let mut s = style();
    s.size = 60.0;
    s.color = Color::rgba(255, 0, 0, 128);
    let b = render(&mut renderer(), "I", &s);
    assert!(b.pixels().chunks_exact(4).all(|p| p[0] <= p[3] && p[1] <= p[3] && p[2] <= p[3]));
    let centre = b.pixel(b.width() / 2, b.height() / 2).unwrap();
    assert!(centre[0].abs_diff(128) <= 1 && centre[3].abs_diff(128) <= 1 && centre[1] == 0, "{centre:?}");
    let straight = b.to_straight_rgba();
    let i = ((b.height() / 2 * b.width() + b.width() / 2) * 4) as usize;
    assert_eq!(&straight[i..i + 3], &[255, 0, 0]);
}

#[test]
fn weights_families_and_font_sources() {
    let mut r = renderer();
    let regular = r.render_text("Weight", &style(), 1.0).unwrap().block_width;
    let mut bold = style();
    bold.weight = 700;
    assert!(r.render_text("Weight", &bold, 1.0).unwrap().block_width > regular, "bold face is wider");
    let mut mono = style();
    mono.family = FontFamily::Monospace;
    let narrow = r.render_text("iiii", &mono, 1.0).unwrap().block_width;
    let wide = r.render_text("WWWW", &mono, 1.0).unwrap().block_width;
    assert!((narrow - wide).abs() < 0.01, "monospace: {narrow} vs {wide}");
    let mut italic = style();
    italic.italic = true;
    let upright = render(&mut r, "Slant", &style());
    let slanted = render(&mut r, "Slant", &italic);
    assert_ne!(upright, slanted, "italic is synthesized");
    let serif_bytes = std::fs::read("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf").unwrap();
    let added = r.add_font_source("brand", serif_bytes).unwrap();
    assert_eq!(added[0].family, "Noto Serif");
    let mut brand = style();
    brand.font = Some("brand".into());
    assert_ne!(render(&mut r, "Serif", &brand), render(&mut r, "Serif", &style()));
}

#[test]
fn cache_shares_identical_renders() {
    let mut r = renderer();
    let a = r.render_cached("Same text", &style(), 1.0).unwrap();
    let b = r.render_cached("Same text", &style(), 1.0).unwrap();
    let c = r.render_cached("Same text", &style(), 2.0).unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    assert!(c.bitmap.as_ref().unwrap().width() > a.bitmap.as_ref().unwrap().width() * 2 - 3);
    let stats = r.cache_stats();
    assert_eq!((stats.hits, stats.misses, stats.entries), (1, 2, 2));
}

#[test]
fn places_in_the_layer_box() {
    let mut r = renderer();
    let mut s = style();
    s.text_box = Some(TextBox { color: Color::BLACK, padding: 8.0, radius: 0.0 });
    let text = r.render_text("Placed", &s, 1.0).unwrap();
    let layer = LayerBox { x: 100.0, y: 50.0, width: 800.0, height: 400.0, rotation: 0.0 };
    let p = place_text(&text, Align::Center, VerticalAlign::Bottom, &layer).unwrap();
    let bounds = p.output_bounds();
    assert_eq!((bounds.x.fract(), bounds.y.fract()), (0.0, 0.0), "whole pixels");
    let outer_w = f64::from(text.block_width) + 16.0;
    assert!((bounds.x - (100.0 + (800.0 - outer_w) / 2.0)).abs() <= 1.0);
    assert!((bounds.y + bounds.height - 450.0).abs() <= 1.0, "box bottom at the layer bottom");
    // A half turn maps the bitmap's top-left to the mirrored point around the box centre.
    let turned = LayerBox { rotation: 180.0, ..layer };
    let q = place_text(&text, Align::Center, VerticalAlign::Bottom, &turned).unwrap();
    let top_left = q.transform.apply(Point::new(0.0, 0.0));
    let centre = Point::new(500.0, 250.0);
    let unturned = p.quad()[0];
    assert!(
        (top_left.x - (2.0 * centre.x - unturned.x)).abs() < 1.0
            && (top_left.y - (2.0 * centre.y - unturned.y)).abs() < 1.0
    );
    // At scale 2 the bitmap has twice the pixels and lands at the same place.
    let double = r.render_text("Placed", &s, 2.0).unwrap();
    let p2 = place_text(&double, Align::Center, VerticalAlign::Bottom, &layer).unwrap();
    assert!((p2.output_bounds().width - bounds.width).abs() <= 1.0);
    assert!(double.bitmap.unwrap().width() >= 2 * text.bitmap.unwrap().width() - 2);
}
