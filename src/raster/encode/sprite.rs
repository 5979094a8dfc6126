//! Sprite sheets: thumbnails packed in a grid, with each cell's rectangle (for a WebVTT
//! thumbnails track's `#xywh=` or CSS sprites).

use super::EncodeError;
use crate::plan::Rect;
use crate::raster::bitmap::Bitmap;

/// Largest sprite sheet side, in pixels.
pub const MAX_SHEET_SIDE: u32 = 16_384;

/// Thumbnails in one picture.
#[derive(Debug, Clone, PartialEq)]
pub struct SpriteSheet {
    /// The sheet.
    pub bitmap: Bitmap,
    /// Each frame's cell, in input order (`columns` per row, `cell_width × cell_height`).
    pub cells: Vec<Rect>,
}

/// Packs `frames` left to right, top to bottom, `columns` per row, each scaled to fit its
/// `cell_width × cell_height` cell keeping proportions and centred (transparent bands).
pub fn sprite_sheet(
    frames: &[Bitmap],
    columns: u32,
    cell_width: u32,
    cell_height: u32,
) -> Result<SpriteSheet, EncodeError> {
    if frames.is_empty() || columns == 0 || cell_width == 0 || cell_height == 0 {
        return Err(EncodeError::InvalidOptions("a sprite sheet needs frames, columns and a cell size".into()));
    }
    let count = u32::try_from(frames.len()).unwrap_or(u32::MAX);
    let columns = columns.min(count);
    let rows = count.div_ceil(columns);
    let (width, height) = (u64::from(columns) * u64::from(cell_width), u64::from(rows) * u64::from(cell_height));
    if width > u64::from(MAX_SHEET_SIDE) || height > u64::from(MAX_SHEET_SIDE) {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        return Err(EncodeError::TooLarge { width: clamp(width), height: clamp(height), limit: MAX_SHEET_SIDE });
    }
    let too_large = || EncodeError::TooLarge { width: width as u32, height: height as u32, limit: MAX_SHEET_SIDE };
    let mut sheet = Bitmap::new(width as u32, height as u32).ok_or_else(too_large)?;
    let mut cells = Vec::with_capacity(frames.len());
    for (i, frame) in (0u32..).zip(frames) {
        let (cx, cy) = ((i % columns) * cell_width, (i / columns) * cell_height);
        let (w, h) = fit(frame.width(), frame.height(), cell_width, cell_height);
        if let Some(thumb) = frame.resize(w, h) {
            sheet.draw(&thumb, (cx + (cell_width - w) / 2) as i32, (cy + (cell_height - h) / 2) as i32);
        }
        cells.push(Rect::new(f64::from(cx), f64::from(cy), f64::from(cell_width), f64::from(cell_height)));
    }
    Ok(SpriteSheet { bitmap: sheet, cells })
}

/// The size of a `w × h` picture scaled to fit in `max_w × max_h` keeping proportions
/// (at least 1 × 1).
pub fn fit(w: u32, h: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    let scale = (f64::from(max_w) / f64::from(w.max(1))).min(f64::from(max_h) / f64::from(h.max(1)));
    let side = |v: u32, max: u32| ((f64::from(v) * scale).round() as u32).clamp(1, max.max(1));
    (side(w, max_w), side(h, max_h))
}
