//! Progress events: `{ stage, fraction, fps, eta }` sent through the job's callback at most
//! every [`INTERVAL_MS`] (and always on a stage change).

use js_sys::{Date, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Least time between two events of the same stage.
const INTERVAL_MS: f64 = 100.0;

/// A render stage as shown to the user.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Reading the sources' headers.
    Probe,
    /// Opening a segment's decoders and decoding from its keyframe up to its first frame.
    Decode,
    /// Decoding, compositing and encoding frames.
    Render,
    /// Flushing the encoders.
    Encode,
    /// Writing the file's index.
    Mux,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Probe => "probe",
            Stage::Decode => "decode",
            Stage::Render => "render",
            Stage::Encode => "encode",
            Stage::Mux => "mux",
        }
    }
}

/// Sends progress events for one job.
pub(crate) struct Progress {
    callback: Option<Function>,
    started_ms: f64,
    render_started_ms: Option<f64>,
    last: Option<(Stage, f64)>,
    fraction: f64,
}

impl Progress {
    /// Events go to `callback` (if it is a function).
    pub(crate) fn new(callback: JsValue) -> Self {
        Progress {
            callback: callback.dyn_into::<Function>().ok(),
            started_ms: Date::now(),
            render_started_ms: None,
            last: None,
            fraction: 0.0,
        }
    }

    /// Milliseconds since the job started.
    pub(crate) fn elapsed_ms(&self) -> f64 {
        Date::now() - self.started_ms
    }

    /// Reports `stage` at `fraction` (0–1) of the whole job, after `frames` of `total` frames.
    pub(crate) fn report(&mut self, stage: Stage, fraction: f64, frames: u64, total: u64) {
        let now = Date::now();
        if matches!(self.last, Some((s, at)) if s == stage && now - at < INTERVAL_MS && fraction < 1.0) {
            return;
        }
        self.last = Some((stage, now));
        // Speed counts from the first frame work, not from probing.
        let started = if stage == Stage::Probe { now } else { *self.render_started_ms.get_or_insert(now) };
        let seconds = (now - started) / 1000.0;
        let fps = if seconds > 0.0 { frames as f64 / seconds } else { 0.0 };
        let eta = if fps > 0.0 { total.saturating_sub(frames) as f64 / fps } else { f64::NAN };
        // Never backwards, even when a job renders a second pass.
        let fraction = fraction.clamp(self.fraction, 1.0);
        self.fraction = fraction;
        let Some(callback) = &self.callback else { return };
        let event = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&event, &k.into(), &v);
        };
        set("stage", stage.name().into());
        set("fraction", fraction.into());
        set("fps", fps.into());
        set("eta", if eta.is_finite() { eta.into() } else { JsValue::NULL });
        let _ = callback.call1(&JsValue::UNDEFINED, &event);
    }
}
