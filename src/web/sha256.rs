//! The `Sha256` export: a streaming SHA-256 for the worker (WebCrypto has no streaming digest),
//! fed with `Blob` slices to name sources on the server by content.

use sha2::{Digest, Sha256 as Hasher};
use wasm_bindgen::prelude::*;

/// A running SHA-256: `update` with each chunk in order, then `finish` once.
#[wasm_bindgen]
#[derive(Default)]
pub struct Sha256(Hasher);

#[wasm_bindgen]
impl Sha256 {
    /// A hasher over no bytes yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sha256 {
        Sha256::default()
    }

    /// Adds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The digest of everything added, as 64 lowercase hex digits; the hasher starts over.
    pub fn finish(&mut self) -> String {
        self.0.finalize_reset().iter().map(|b| format!("{b:02x}")).collect()
    }
}
