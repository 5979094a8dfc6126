//! Fonts: the embedded Noto Sans, fonts loaded at run time, and per-character fallback.
//!
//! Only Noto Sans Regular and Bold (Latin, Greek, Cyrillic; OFL, `assets/fonts/`) are compiled
//! in (cargo feature `embed-fonts`, on by default; without it, as in the wasm build, they are
//! added at run time first, by the worker). Every other script comes from fonts added at run
//! time with [`FontLibrary::add_font`]:
//! the browser engine's `engine.loadFont(bytes)` and the server (which loads
//! [`FALLBACK_FILES`] from disk at startup) hand over the *same files*, so text renders to the
//! same pixels on both sides. Fallback is per character: the style's own face when it has the
//! glyph, else the first loaded face that does (colour fonts first for emoji), preferring the
//! requested weight and slant.
//!
//! Generic families map to faces by family name: `sans-serif` → "Noto Sans" (embedded),
//! `serif` → "Noto Serif", `monospace` → "Noto Sans Mono" — each when loaded, else Noto Sans.

mod face;
mod files;

pub use face::FontInfo;
pub use files::{FALLBACK_FILES, FontFile};

use face::FontBytes;
pub(crate) use face::FontFace;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use thiserror::Error;

/// Noto Sans Regular and Bold, embedded (feature `embed-fonts`, on by default).
#[cfg(feature = "embed-fonts")]
const EMBEDDED: [&[u8]; 2] =
    [include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf"), include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf")];
/// No embedded fonts: add `assets/fonts/NotoSans-*.ttf` at run time.
#[cfg(not(feature = "embed-fonts"))]
const EMBEDDED: [&[u8]; 0] = [];
/// The family of the embedded faces, used for `sans-serif` and as the last resort.
pub const DEFAULT_FAMILY: &str = "Noto Sans";
/// Largest font file accepted by [`FontLibrary::add_font`] (64 MiB; Noto Sans CJK is 20 MB).
pub const MAX_FONT_BYTES: usize = 64 * 1024 * 1024;
/// Most faces a library holds.
pub const MAX_FACES: usize = 256;

/// A face in a [`FontLibrary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub(crate) u32);

/// Why a font could not be loaded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FontError {
    /// The bytes are not a TrueType/OpenType font or collection.
    #[error("not a usable font file ({reason}); use a TTF, OTF or TTC file")]
    Invalid {
        /// What the parser said.
        reason: String,
    },
    /// A web font container this build does not unpack.
    #[error("{format} fonts are not supported; convert the font to TTF or OTF")]
    Unsupported {
        /// "WOFF" or "WOFF2".
        format: &'static str,
    },
    /// The file is bigger than [`MAX_FONT_BYTES`].
    #[error("the font file is {bytes} bytes, above the limit of {limit}; use a smaller font or a subset")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The library already holds [`MAX_FACES`] faces.
    #[error("too many fonts loaded (limit {limit} faces); load only the fonts the project uses")]
    TooMany {
        /// The limit.
        limit: usize,
    },
}

impl FontError {
    /// A stable identifier for JS and logs.
    pub fn code(&self) -> &'static str {
        match self {
            FontError::Invalid { .. } => "font_invalid",
            FontError::Unsupported { .. } => "font_unsupported",
            FontError::TooLarge { .. } => "font_too_large",
            FontError::TooMany { .. } => "font_too_many",
        }
    }
}

/// Every face text can be drawn with: the embedded Noto Sans plus fonts added at run time.
pub struct FontLibrary {
    faces: Vec<FontFace>,
    /// Hash and length of each added file, to ignore a file added twice.
    loaded: Vec<(u64, usize, Vec<FontId>)>,
}

impl Default for FontLibrary {
    fn default() -> Self {
        FontLibrary::new()
    }
}

impl FontLibrary {
    /// A library with the embedded Noto Sans Regular and Bold (empty without the
    /// `embed-fonts` feature).
    pub fn new() -> FontLibrary {
        let mut library = FontLibrary { faces: Vec::new(), loaded: Vec::new() };
        for bytes in EMBEDDED {
            let id = FontId(library.faces.len() as u32);
            if let Ok(face) = FontFace::parse(FontBytes::Static(bytes), 0, id) {
                library.faces.push(face);
                library.loaded.push((file_hash(bytes), bytes.len(), vec![id]));
            }
        }
        library
    }

    /// Adds a TTF/OTF font, or every face of a TTC collection, and returns what was added.
    /// Adding the same file again adds nothing and returns its faces.
    pub fn add_font(&mut self, bytes: Vec<u8>) -> Result<Vec<FontInfo>, FontError> {
        if bytes.len() > MAX_FONT_BYTES {
            return Err(FontError::TooLarge { bytes: bytes.len(), limit: MAX_FONT_BYTES });
        }
        match bytes.get(..4) {
            Some(b"wOFF") => return Err(FontError::Unsupported { format: "WOFF" }),
            Some(b"wOF2") => return Err(FontError::Unsupported { format: "WOFF2" }),
            _ => {}
        }
        let key = (file_hash(&bytes), bytes.len());
        if let Some((_, _, ids)) = self.loaded.iter().find(|(h, n, _)| (*h, *n) == key) {
            return Ok(ids.iter().filter_map(|id| self.info(*id).cloned()).collect());
        }
        let count = rustybuzz::ttf_parser::fonts_in_collection(&bytes).unwrap_or(1);
        if self.faces.len() + count as usize > MAX_FACES {
            return Err(FontError::TooMany { limit: MAX_FACES });
        }
        let shared = FontBytes::Shared(Arc::from(bytes));
        let mut added = Vec::new();
        for index in 0..count {
            let id = FontId((self.faces.len() + added.len()) as u32);
            added.push(FontFace::parse(shared.clone(), index, id)?);
        }
        let infos: Vec<FontInfo> = added.iter().map(|f| f.info.clone()).collect();
        self.loaded.push((key.0, key.1, infos.iter().map(|i| i.id).collect()));
        self.faces.extend(added);
        Ok(infos)
    }

    /// Every face, in the order added (the embedded ones first).
    pub fn fonts(&self) -> impl Iterator<Item = &FontInfo> {
        self.faces.iter().map(|f| &f.info)
    }

    /// The face with `id`.
    pub fn info(&self, id: FontId) -> Option<&FontInfo> {
        self.face(id).map(|f| &f.info)
    }

    /// True when a face of `family` (compared without case) is loaded.
    pub fn has_family(&self, family: &str) -> bool {
        self.faces.iter().any(|f| f.info.family.eq_ignore_ascii_case(family))
    }

    /// The face with `id`, for shaping and drawing.
    pub(crate) fn face(&self, id: FontId) -> Option<&FontFace> {
        self.faces.get(id.0 as usize)
    }

    /// The face of `family` closest to `weight` and `italic` (slant first, then weight; on a tie
    /// the heavier face for weights above 500, else the lighter).
    pub(crate) fn best_in_family(&self, family: &str, weight: u16, italic: bool) -> Option<FontId> {
        self.faces
            .iter()
            .filter(|f| f.info.family.eq_ignore_ascii_case(family))
            .min_by_key(|f| style_distance(&f.info, weight, italic))
            .map(|f| f.info.id)
    }

    /// The face to draw `c` with when the style's own faces lack it: among loaded faces that
    /// have the glyph, colour faces first when `emoji`, then the closest in slant and weight,
    /// then the first loaded.
    pub(crate) fn fallback(&self, c: char, emoji: bool, weight: u16, italic: bool) -> Option<FontId> {
        self.faces
            .iter()
            .filter(|f| f.ttf().is_some_and(|t| t.glyph_index(c).is_some()))
            .min_by_key(|f| (emoji != f.info.color, style_distance(&f.info, weight, italic)))
            .map(|f| f.info.id)
    }
}

/// A hash of a font file, to notice the same file added twice.
fn file_hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// How far a face is from the wanted slant and weight (smaller is closer).
fn style_distance(info: &FontInfo, weight: u16, italic: bool) -> (bool, u16, bool) {
    let lighter = info.weight < weight;
    (info.italic != italic, info.weight.abs_diff(weight), if weight > 500 { lighter } else { !lighter })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "embed-fonts")]
    fn embedded_faces_and_weight_matching() {
        let fonts = FontLibrary::new();
        let faces: Vec<_> = fonts.fonts().map(|f| (f.family.as_str(), f.weight)).collect();
        assert_eq!(faces, [("Noto Sans", 400), ("Noto Sans", 700)]);
        let regular = fonts.best_in_family("noto sans", 400, false).unwrap();
        let bold = fonts.best_in_family("Noto Sans", 650, false).unwrap();
        assert_eq!((fonts.info(regular).unwrap().weight, fonts.info(bold).unwrap().weight), (400, 700));
        assert_eq!(fonts.info(fonts.best_in_family("Noto Sans", 500, true).unwrap()).unwrap().weight, 400);
        assert!(fonts.fallback('ж', false, 400, false).is_some());
        assert_eq!(fonts.fallback('\u{5d0}', false, 400, false), None, "no Hebrew without a loaded font");
    }

    #[test]
    fn rejects_junk_web_fonts_and_duplicates() {
        let mut fonts = FontLibrary::new();
        assert_eq!(fonts.add_font(b"not a font at all".to_vec()).unwrap_err().code(), "font_invalid");
        assert_eq!(fonts.add_font(b"wOF2rest".to_vec()).unwrap_err().code(), "font_unsupported");
        let before = fonts.fonts().count();
        let bold = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/NotoSans-Bold.ttf")).unwrap();
        let added = fonts.add_font(bold.clone()).unwrap();
        assert_eq!((added.len(), added[0].weight), (1, 700));
        assert_eq!(fonts.add_font(bold).unwrap(), added, "the same file is not added twice");
        assert_eq!(fonts.fonts().count(), if cfg!(feature = "embed-fonts") { before } else { before + 1 });
    }
}
