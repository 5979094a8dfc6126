//! The browser layer (wasm32 only): wasm-bindgen exports used by the worker.
//!
//! It stays thin: a `ByteSource` over a `Blob`, the exported functions, and the
//! conversion of results and errors into plain JS objects. Everything else is
//! the platform-free core.

mod blob_source;
mod error;
mod estimate;
mod extract;
mod fonts;
mod output_file;
mod probe;
mod render;
mod sha256;
mod subtitles;

pub use blob_source::{BlobReads, BlobSource, SharedReads};
pub use extract::extract_ranges;
pub use fonts::load_font;
pub use output_file::OutputFile;
pub use probe::probe;
pub use estimate::estimate_route;
pub use render::{cancel_render, debug_stats, raster_overlays, render, sprite_sheet_export, thumbnail};
pub use sha256::Sha256;
pub use subtitles::parse_subtitles;
