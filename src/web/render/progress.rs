//! Progress events: `{ stage, fraction, fps, eta }` sent through the job's callback at most
//! every [`INTERVAL_MS`] per stage, except that no stage's news is lost to the throttle:
//! the first event of a stage that knows its speed (fps and ETA) is always sent, and the last
//! event a stage held back is sent before the next stage's first.

use super::timings::now_ms;
use js_sys::{Function, Object, Reflect};
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

/// One event's values.
#[derive(Clone, Copy)]
struct Event {
    stage: Stage,
    fraction: f64,
    fps: f64,
    /// Seconds left, when the speed is known.
    eta: Option<f64>,
}

/// The last event sent.
#[derive(Clone, Copy)]
struct Sent {
    stage: Stage,
    at_ms: f64,
    /// It carried a speed (fps > 0 and an ETA).
    timed: bool,
}

/// Sends progress events for one job.
pub(crate) struct Progress {
    callback: Option<Function>,
    started_ms: f64,
    frames_started_ms: Option<f64>,
    last: Option<Sent>,
    /// The latest event the throttle held back (sent on the next stage change).
    held: Option<Event>,
    fraction: f64,
}

impl Progress {
    /// Events go to `callback` (if it is a function).
    pub(crate) fn new(callback: JsValue) -> Self {
        Progress {
            callback: callback.dyn_into::<Function>().ok(),
            started_ms: now_ms(),
            frames_started_ms: None,
            last: None,
            held: None,
            fraction: 0.0,
        }
    }

    /// Milliseconds since the job started.
    pub(crate) fn elapsed_ms(&self) -> f64 {
        now_ms() - self.started_ms
    }

    /// Starts the speed clock: frames reported from now on count towards fps and ETA (called
    /// as a pass starts on its frames; without it the clock starts at the first event after
    /// probing).
    pub(crate) fn begin_frames(&mut self) {
        self.frames_started_ms = Some(now_ms());
    }

    /// Reports `stage` at `fraction` (0–1) of the whole job, after `frames` of `total` frames.
    pub(crate) fn report(&mut self, stage: Stage, fraction: f64, frames: u64, total: u64) {
        let now = now_ms();
        // Speed counts from the first frame work, not from probing.
        let started = if stage == Stage::Probe { now } else { *self.frames_started_ms.get_or_insert(now) };
        let seconds = (now - started) / 1000.0;
        let fps = if seconds > 0.0 { frames as f64 / seconds } else { 0.0 };
        let eta = (fps > 0.0).then(|| total.saturating_sub(frames) as f64 / fps);
        // Never backwards, even when a job renders a second pass.
        let fraction = fraction.clamp(self.fraction, 1.0);
        self.fraction = fraction;
        let event = Event { stage, fraction, fps, eta };
        if let Some(last) = self.last.filter(|l| l.stage == stage) {
            let newly_timed = !last.timed && event.eta.is_some();
            if now - last.at_ms < INTERVAL_MS && fraction < 1.0 && !newly_timed {
                self.held = Some(event);
                return;
            }
        } else if let Some(held) = self.held.take() {
            self.send(held, now);
        }
        self.held = None;
        self.send(event, now);
    }

    fn send(&mut self, event: Event, now: f64) {
        let timed = event.eta.is_some() || self.last.is_some_and(|l| l.stage == event.stage && l.timed);
        self.last = Some(Sent { stage: event.stage, at_ms: now, timed });
        let Some(callback) = &self.callback else { return };
        let object = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&object, &k.into(), &v);
        };
        set("stage", event.stage.name().into());
        set("fraction", event.fraction.into());
        set("fps", event.fps.into());
        set("eta", event.eta.map_or(JsValue::NULL, JsValue::from));
        let _ = callback.call1(&JsValue::UNDEFINED, &object);
    }
}
