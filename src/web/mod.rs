//! The browser layer (wasm32 only): wasm-bindgen exports used by the worker.
//!
//! It stays thin: a `ByteSource` over a `Blob`, the exported functions, and the
//! conversion of results and errors into plain JS objects. Everything else is
//! the platform-free core.

mod blob_source;
mod error;
mod extract;
mod probe;
mod render;

pub use blob_source::BlobSource;
pub use extract::extract_ranges;
pub use probe::probe;
pub use render::{cancel_render, debug_stats, render};
