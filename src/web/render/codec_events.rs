//! The callbacks every codec shares: `error` (kept for the render loop to report) and
//! `dequeue` (backpressure: the loop waits for it instead of sleeping), both waking the job.

use super::cancel::Signal;
use crate::web::error::js_message;
use js_sys::Function;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A codec's error and dequeue callbacks.
pub(crate) struct CodecEvents {
    error: Rc<RefCell<Option<String>>>,
    on_error: Closure<dyn FnMut(JsValue)>,
    on_dequeue: Closure<dyn FnMut()>,
}

impl CodecEvents {
    /// Callbacks that wake `signal`.
    pub(crate) fn new(signal: &Signal) -> Self {
        let error = Rc::new(RefCell::new(None));
        let (slot, woken) = (error.clone(), signal.clone());
        let on_error = Closure::new(move |e: JsValue| {
            slot.borrow_mut().get_or_insert_with(|| js_message(&e));
            woken.wake();
        });
        let woken = signal.clone();
        let on_dequeue = Closure::new(move || woken.wake());
        CodecEvents { error, on_error, on_dequeue }
    }

    /// The `error` callback for the codec's init.
    pub(crate) fn error_fn(&self) -> &Function {
        self.on_error.as_ref().unchecked_ref()
    }

    /// The `ondequeue` handler.
    pub(crate) fn dequeue_fn(&self) -> &Function {
        self.on_dequeue.as_ref().unchecked_ref()
    }

    /// The first error the codec reported, if any.
    pub(crate) fn error(&self) -> Option<String> {
        self.error.borrow().clone()
    }
}
