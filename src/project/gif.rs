//! `output.gif`: how an animated GIF is made (palette, dithering, size cap).

use super::error::ErrorCode;
use super::keyword::keyword_enum;
use super::limits::{MAX_TARGET_SIZE_BYTES, MIN_TARGET_SIZE_BYTES};
use super::reader::{Bounds, Fields, Report};
use serde::{Deserialize, Serialize};

keyword_enum! {
    /// Where a GIF's colour palettes come from.
    pub enum GifPalette {
        /// One palette for the whole animation.
        Global = "global",
        /// A palette per scene (each scene's frames get their own colours).
        Scene = "scene",
    }
}

/// GIF settings; defaults when `output.gif` is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GifSettings {
    /// Global or per-scene palettes.
    pub palette: GifPalette,
    /// Error-diffusion dithering (smoother gradients, larger files).
    pub dither: bool,
    /// The file must come out at most this big: the frame rate is lowered, then the GIF cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
}

impl Default for GifSettings {
    fn default() -> Self {
        GifSettings { palette: GifPalette::Global, dither: true, max_bytes: None }
    }
}

/// Reads `output.gif`.
pub(crate) fn read_gif(mut f: Fields, r: &mut Report) -> Option<GifSettings> {
    let palette = f.keyword::<GifPalette>("palette", r).or(GifPalette::Global);
    let dither = f.boolean("dither", r).or(true);
    let cap = Bounds::between(MIN_TARGET_SIZE_BYTES as f64, MAX_TARGET_SIZE_BYTES as f64, " bytes");
    let max_bytes = f.integer("maxBytes", cap, r).optional();
    f.finish(r);
    Some(GifSettings { palette: palette?, dither: dither?, max_bytes: max_bytes? })
}

/// Reports `output.gif` given for a format other than GIF.
pub(crate) fn not_gif(path: String, format: &str, r: &mut Report) {
    let message = format!("GIF settings do not apply to {format} output; remove \"gif\" or set \"format\": \"gif\"");
    r.add(path, ErrorCode::Conflict, message);
}
