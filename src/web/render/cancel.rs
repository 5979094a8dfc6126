//! The job's wake-up signal and cancel flag.
//!
//! Every codec callback (output, `dequeue`, error, flush done) and a cancel request wake the
//! one signal of the job; the render loop re-checks what it waits for after each wake-up, so
//! nothing ever sleeps on a timer. A cancelled signal makes every later wait fail with
//! [`RenderError::Aborted`].

use super::error::RenderError;
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Default)]
struct Inner {
    woken: Cell<bool>,
    cancelled: Cell<bool>,
    resolve: RefCell<Option<Function>>,
}

/// A cloneable handle on one job's signal.
#[derive(Clone, Default)]
pub(crate) struct Signal(Rc<Inner>);

impl Signal {
    /// Wakes the waiting render loop (or the next wait, if none is waiting).
    pub(crate) fn wake(&self) {
        self.0.woken.set(true);
        if let Some(resolve) = self.0.resolve.borrow_mut().take() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    }

    /// Cancels the job: the current and every later wait fail with `Aborted`.
    pub(crate) fn cancel(&self) {
        self.0.cancelled.set(true);
        self.wake();
    }

    /// Fails with `Aborted` once the job is cancelled.
    pub(crate) fn check(&self) -> Result<(), RenderError> {
        if self.0.cancelled.get() { Err(RenderError::Aborted) } else { Ok(()) }
    }

    /// Waits for the next wake-up (returns at once if one came since the last wait).
    pub(crate) async fn wait(&self) -> Result<(), RenderError> {
        self.check()?;
        if !self.0.woken.replace(false) {
            let inner = self.0.clone();
            let promise = Promise::new(&mut |resolve, _reject| {
                *inner.resolve.borrow_mut() = Some(resolve);
            });
            let _ = JsFuture::from(promise).await;
            self.0.woken.set(false);
        }
        self.check()
    }

    /// Awaits `promise` (a codec's `flush()`), waking the loop when it settles; the flag
    /// returned turns true then.
    pub(crate) fn watch(&self, promise: impl JsCast) -> Rc<Cell<bool>> {
        let promise: Promise = promise.unchecked_into();
        let done = Rc::new(Cell::new(false));
        let (flag, signal) = (done.clone(), self.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
            flag.set(true);
            signal.wake();
        });
        done
    }
}
