//! The browser layer (wasm32 only): wasm-bindgen exports used by the worker.
