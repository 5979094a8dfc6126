//! The worker's text renderer: one per worker, so fonts added with `engine.loadFont(bytes)`
//! serve every later render, and identical captions stay cached between jobs.

use super::error::error_object;
use crate::raster::TextRenderer;
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static RENDERER: RefCell<TextRenderer> = RefCell::new(TextRenderer::new());
}

/// Runs `f` with the worker's text renderer (never held across an `await`).
pub(crate) fn with_renderer<R>(f: impl FnOnce(&mut TextRenderer) -> R) -> R {
    RENDERER.with(|r| f(&mut r.borrow_mut()))
}

/// Adds a TTF/OTF/TTC font for later renders (fallback and families); resolves to its faces
/// `[{ family, weight, italic }]`. Rejects with `{ code: 'font_invalid' | 'font_unsupported' |
/// 'font_too_large' | …, message }`.
#[wasm_bindgen(js_name = loadFont)]
pub fn load_font(bytes: Uint8Array) -> Result<JsValue, JsValue> {
    let added = with_renderer(|r| r.add_font(bytes.to_vec())).map_err(|e| error_object(e.code(), &e.to_string()))?;
    let faces = Array::new();
    for face in added {
        let info = Object::new();
        let _ = Reflect::set(&info, &"family".into(), &face.family.as_str().into());
        let _ = Reflect::set(&info, &"weight".into(), &f64::from(face.weight).into());
        let _ = Reflect::set(&info, &"italic".into(), &face.italic.into());
        faces.push(&info);
    }
    Ok(faces.into())
}
