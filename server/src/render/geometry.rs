//! A picture's placement as ffmpeg filters: turn upright (`transpose`), crop, scale to the
//! plan's fitted size, cut to the box when the plan clips, turn with the box (`rotate`), and
//! the whole-pixel position to `overlay` at.
//!
//! Unrotated boxes (the common case) are cut to what is visible in the output frame *before*
//! scaling, so a huge `cover` box never makes huge frames: the source crop is widened to whole
//! source pixels, scaled, then cut to the visible whole output pixels. Positions and sizes are
//! rounded to whole output pixels (the browser draws with sub-pixel precision; the difference
//! is at most half a pixel at each edge).

use super::argv::num;
use super::error::RenderError;
use frameloom::plan::{LayerBox, Placement, Point, Rect, Rotation};

/// Largest side, in pixels, of a scaled picture in a rotated box.
const MAX_ROTATED_SIDE: f64 = 16384.0;

/// The filters that draw a picture, and where its top-left corner lands.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// Filters from the decoded (coded, un-rotated) frame to the placed picture.
    pub filters: Vec<String>,
    /// Whether the last step is a box rotation (it needs an alpha format before it).
    pub rotated: bool,
    /// Left edge in output pixels.
    pub x: i64,
    /// Top edge in output pixels.
    pub y: i64,
}

/// The upright crop in source pixels (the whole upright picture when `crop` is `None`).
pub fn upright_crop(crop: Option<frameloom::project::Crop>, width: u32, height: u32, rotation: Rotation) -> Rect {
    let (w, h) = rotation.upright_size(width, height);
    match crop {
        Some(c) => Rect::new(c.x.into(), c.y.into(), c.width.into(), c.height.into()),
        None => Rect::new(0.0, 0.0, w.into(), h.into()),
    }
}

/// How to draw a picture placed by `placement` in `layer_box`, cropped to `crop` (upright
/// pixels), on a `frame_w × frame_h` output; `None` when nothing of it is visible.
pub fn draw(
    placement: &Placement,
    crop: Rect,
    layer_box: &LayerBox,
    frame_w: u32,
    frame_h: u32,
) -> Result<Option<Drawn>, RenderError> {
    let mut filters = upright_filters(placement.source_rotation);
    let f = placement.fitted;
    if crop.width <= 0.0 || crop.height <= 0.0 || f.width <= 0.0 || f.height <= 0.0 {
        return Ok(None);
    }
    if layer_box.rotation.rem_euclid(360.0) == 0.0 {
        let placed = Rect::new(layer_box.x + f.x, layer_box.y + f.y, f.width, f.height);
        let mut visible = intersect(placed, Rect::new(0.0, 0.0, frame_w.into(), frame_h.into()));
        if placement.clip.is_some() {
            visible = visible
                .and_then(|v| intersect(v, Rect::new(layer_box.x, layer_box.y, layer_box.width, layer_box.height)));
        }
        let Some(visible) = visible else { return Ok(None) };
        let Some((x, y)) = cut_and_scale(&mut filters, crop, placed, visible) else { return Ok(None) };
        return Ok(Some(Drawn { filters, rotated: false, x, y }));
    }
    // A turned box: scale the picture, cut it to the box if the plan clips, turn it around
    // its centre (which is the box centre in box-local coordinates, then mapped to output).
    let mut shown = Rect::new(f.x, f.y, f.width, f.height);
    if placement.clip.is_some() {
        match intersect(shown, Rect::new(0.0, 0.0, layer_box.width, layer_box.height)) {
            Some(r) => shown = r,
            None => return Ok(None),
        }
    }
    if f.width > MAX_ROTATED_SIDE || f.height > MAX_ROTATED_SIDE {
        return Err(RenderError::Unsupported(format!(
            "a turned layer scaled to {:.0}×{:.0} pixels is too large (the limit is {MAX_ROTATED_SIDE} per side); make its box smaller or use fit \"contain\"",
            f.width, f.height
        )));
    }
    let (sw, sh) = (round_side(f.width), round_side(f.height));
    filters.push(crop_filter(crop.width as i64, crop.height as i64, crop.x as i64, crop.y as i64));
    filters.push(format!("scale={sw}:{sh}:flags=bicubic"));
    let (cw, ch) = (round_side(shown.width).min(sw), round_side(shown.height).min(sh));
    let (ox, oy) =
        (((shown.x - f.x).round() as i64).clamp(0, sw - cw), ((shown.y - f.y).round() as i64).clamp(0, sh - ch));
    if (cw, ch) != (sw, sh) {
        filters.push(crop_filter(cw, ch, ox, oy));
    }
    let radians = layer_box.rotation.to_radians();
    let (sin, cos) = (radians.sin().abs(), radians.cos().abs());
    let ow = even_ceil(cw as f64 * cos + ch as f64 * sin);
    let oh = even_ceil(cw as f64 * sin + ch as f64 * cos);
    filters.push(format!("rotate=a={}:ow={ow}:oh={oh}:c=none:bilinear=1", num(radians)));
    let centre = layer_box.transform().apply(Point::new(shown.x + shown.width / 2.0, shown.y + shown.height / 2.0));
    let (x, y) = ((centre.x - ow as f64 / 2.0).round() as i64, (centre.y - oh as f64 / 2.0).round() as i64);
    Ok(Some(Drawn { filters, rotated: true, x, y }))
}

/// Filters turning a coded frame upright.
fn upright_filters(rotation: Rotation) -> Vec<String> {
    match rotation {
        Rotation::R0 => Vec::new(),
        Rotation::R90 => vec!["transpose=clock".to_owned()],
        Rotation::R180 => vec!["hflip".to_owned(), "vflip".to_owned()],
        Rotation::R270 => vec!["transpose=cclock".to_owned()],
    }
}

/// Adds crop → scale → crop so `crop` (source) shown over `placed` (output) is cut to the
/// whole output pixels of `visible`; returns the top-left, or `None` if under a pixel shows.
fn cut_and_scale(filters: &mut Vec<String>, crop: Rect, placed: Rect, visible: Rect) -> Option<(i64, i64)> {
    let (x0, x1) = (visible.x.round(), (visible.x + visible.width).round());
    let (y0, y1) = (visible.y.round(), (visible.y + visible.height).round());
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let (kx, ky) = (placed.width / crop.width, placed.height / crop.height);
    // Source pixels covering the visible part, widened to whole pixels.
    let sx0 = (crop.x + (x0 - placed.x) / kx).floor().max(crop.x);
    let sx1 = (crop.x + (x1 - placed.x) / kx).ceil().min(crop.x + crop.width);
    let sy0 = (crop.y + (y0 - placed.y) / ky).floor().max(crop.y);
    let sy1 = (crop.y + (y1 - placed.y) / ky).ceil().min(crop.y + crop.height);
    if sx1 <= sx0 || sy1 <= sy0 {
        return None;
    }
    filters.push(crop_filter((sx1 - sx0) as i64, (sy1 - sy0) as i64, sx0 as i64, sy0 as i64));
    let (sw, sh) = (round_side((sx1 - sx0) * kx), round_side((sy1 - sy0) * ky));
    filters.push(format!("scale={sw}:{sh}:flags=bicubic"));
    // Where the scaled piece's top-left lands, and the visible whole pixels inside it.
    let (px, py) = (placed.x + (sx0 - crop.x) * kx, placed.y + (sy0 - crop.y) * ky);
    let (w, h) = (((x1 - x0) as i64).min(sw), ((y1 - y0) as i64).min(sh));
    let (ox, oy) = (((x0 - px).round() as i64).clamp(0, sw - w), ((y0 - py).round() as i64).clamp(0, sh - h));
    if (w, h) != (sw, sh) {
        filters.push(crop_filter(w, h, ox, oy));
    }
    Some((x0 as i64, y0 as i64))
}

fn crop_filter(w: i64, h: i64, x: i64, y: i64) -> String {
    format!("crop={w}:{h}:{x}:{y}:exact=1")
}

/// A side in whole pixels, at least 1.
fn round_side(x: f64) -> i64 {
    (x.round() as i64).max(1)
}

/// The even whole number at or above `x` (ignoring float noise such as cos 90° ≠ 0).
fn even_ceil(x: f64) -> i64 {
    let v = ((x - 1e-6).ceil() as i64).max(2);
    v + v % 2
}

fn intersect(a: Rect, b: Rect) -> Option<Rect> {
    let (x0, y0) = (a.x.max(b.x), a.y.max(b.y));
    let (x1, y1) = ((a.x + a.width).min(b.x + b.width), (a.y + a.height).min(b.y + b.height));
    (x1 > x0 && y1 > y0).then(|| Rect::new(x0, y0, x1 - x0, y1 - y0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use frameloom::plan::placement;
    use frameloom::project::Fit;

    fn full_box(w: f64, h: f64) -> LayerBox {
        LayerBox { x: 0.0, y: 0.0, width: w, height: h, rotation: 0.0 }
    }

    #[test]
    fn contain_of_4_3_in_16_9_is_pillarboxed() {
        let b = full_box(1280.0, 720.0);
        let p = placement(&b, Fit::Contain, None, 640, 480, Rotation::R0).unwrap();
        let d = draw(&p, upright_crop(None, 640, 480, Rotation::R0), &b, 1280, 720).unwrap().unwrap();
        assert_eq!(d.filters, ["crop=640:480:0:0:exact=1", "scale=960:720:flags=bicubic"]);
        assert_eq!((d.x, d.y), (160, 0));
    }

    #[test]
    fn cover_is_cut_to_the_frame_before_scaling() {
        let b = full_box(320.0, 320.0);
        let p = placement(&b, Fit::Cover, None, 640, 320, Rotation::R0).unwrap();
        let d = draw(&p, upright_crop(None, 640, 320, Rotation::R0), &b, 320, 320).unwrap().unwrap();
        assert_eq!(d.filters, ["crop=320:320:160:0:exact=1", "scale=320:320:flags=bicubic"]);
        assert_eq!((d.x, d.y), (0, 0));
    }

    #[test]
    fn rotated_sources_are_turned_first_and_offscreen_layers_vanish() {
        let b = full_box(240.0, 320.0);
        let p = placement(&b, Fit::Fill, None, 320, 240, Rotation::R270).unwrap();
        let d = draw(&p, upright_crop(None, 320, 240, Rotation::R270), &b, 240, 320).unwrap().unwrap();
        assert_eq!(d.filters[0], "transpose=cclock");
        assert_eq!(d.filters[1], "crop=240:320:0:0:exact=1");
        let away = LayerBox { x: 5000.0, ..b };
        let p = placement(&away, Fit::Fill, None, 320, 240, Rotation::R0).unwrap();
        assert_eq!(draw(&p, upright_crop(None, 320, 240, Rotation::R0), &away, 240, 320).unwrap(), None);
    }

    #[test]
    fn turned_boxes_rotate_around_their_centre() {
        let b = LayerBox { x: 100.0, y: 100.0, width: 200.0, height: 100.0, rotation: 90.0 };
        let p = placement(&b, Fit::Fill, None, 200, 100, Rotation::R0).unwrap();
        let d = draw(&p, upright_crop(None, 200, 100, Rotation::R0), &b, 640, 480).unwrap().unwrap();
        assert!(d.rotated && d.filters.last().unwrap().starts_with("rotate=a=1.570796327:ow=100:oh=200"));
        assert_eq!((d.x, d.y), (150, 50));
    }
}
