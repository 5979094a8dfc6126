//! One loaded font face: its bytes, what it calls itself, and the metrics layout needs.

use super::{FontError, FontId};
use rustybuzz::ttf_parser::{self, name_id};
use std::sync::Arc;

/// Font bytes: embedded in the binary, or loaded at run time and shared by a collection's faces.
#[derive(Clone)]
pub(crate) enum FontBytes {
    /// Compiled in with `include_bytes!`.
    Static(&'static [u8]),
    /// Handed over at run time.
    Shared(Arc<[u8]>),
}

impl FontBytes {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            FontBytes::Static(b) => b,
            FontBytes::Shared(b) => b,
        }
    }
}

/// What a face is, as reported to callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontInfo {
    /// The id to refer to the face by.
    pub id: FontId,
    /// Family name, e.g. "Noto Sans Arabic" (the typographic family when the font has one).
    pub family: String,
    /// Weight class, 100–900 (400 regular, 700 bold).
    pub weight: u16,
    /// True for an italic or oblique face.
    pub italic: bool,
    /// True when glyphs are colour bitmaps (CBDT/sbix, e.g. Noto Color Emoji).
    pub color: bool,
    /// True when every glyph has the same advance (a monospace font).
    pub monospace: bool,
}

/// A face ready to shape and draw with.
pub(crate) struct FontFace {
    /// The file (a whole collection for `.ttc`).
    pub bytes: FontBytes,
    /// Index of the face in its collection (0 for a single font).
    pub index: u32,
    /// Names and style.
    pub info: FontInfo,
    /// Font units per em.
    pub units_per_em: f32,
    /// Ascender above the baseline, in font units (positive).
    pub ascender: f32,
    /// Descender below the baseline, in font units (positive).
    pub descender: f32,
}

impl FontFace {
    /// Parses face `index` of `bytes`.
    pub fn parse(bytes: FontBytes, index: u32, id: FontId) -> Result<FontFace, FontError> {
        let face = ttf_parser::Face::parse(bytes.as_slice(), index)
            .map_err(|e| FontError::Invalid { reason: e.to_string() })?;
        let tables = face.tables();
        let color = tables.cbdt.is_some() || tables.sbix.is_some();
        let family = family_name(&face).unwrap_or_else(|| format!("font {}", id.0));
        let info = FontInfo {
            id,
            family,
            weight: face.weight().to_number(),
            italic: face.is_italic() || face.is_oblique(),
            color,
            monospace: face.is_monospaced(),
        };
        let (asc, desc) = match (face.typographic_ascender(), face.typographic_descender()) {
            (Some(a), Some(d)) if tables.os2.is_some_and(|os2| os2.use_typographic_metrics()) => (a, d),
            _ => (face.ascender(), face.descender()),
        };
        Ok(FontFace {
            units_per_em: f32::from(face.units_per_em().max(1)),
            ascender: f32::from(asc),
            descender: -f32::from(desc),
            bytes,
            index,
            info,
        })
    }

    /// The parsed tables (cheap: a table directory read).
    pub fn ttf(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(self.bytes.as_slice(), self.index).ok()
    }

    /// A shaper for this face (parses the layout tables; well under a millisecond).
    pub fn shaper(&self) -> Option<rustybuzz::Face<'_>> {
        rustybuzz::Face::from_slice(self.bytes.as_slice(), self.index)
    }
}

/// The typographic family (name id 16) or the legacy family (name id 1), in Unicode.
fn family_name(face: &ttf_parser::Face) -> Option<String> {
    [name_id::TYPOGRAPHIC_FAMILY, name_id::FAMILY].into_iter().find_map(|id| {
        face.names().into_iter().filter(|n| n.name_id == id && n.is_unicode()).find_map(|n| n.to_string())
    })
}
