//! Errors as seen by JS: plain `{ code, message }` objects.

use crate::container::ContainerError;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Code for failures that are bugs in the engine rather than problems with the input.
pub(crate) const INTERNAL: &str = "internal";

/// Builds the `{ code, message }` object thrown to JS.
pub(crate) fn error_object(code: &str, message: &str) -> JsValue {
    let obj = Object::new();
    // Defining data properties on a fresh plain object cannot fail.
    let _ = Reflect::set(&obj, &"code".into(), &code.into());
    let _ = Reflect::set(&obj, &"message".into(), &message.into());
    obj.into()
}

/// Converts a container error into the object thrown to JS, keeping its stable code.
pub(crate) fn container_error(err: ContainerError) -> JsValue {
    error_object(err.code(), &err.to_string())
}

/// The message of a JS exception (an `Error`/`DOMException`, a string, or anything else).
pub(crate) fn js_message(value: &JsValue) -> String {
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
