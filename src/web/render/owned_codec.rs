//! The owner every WebCodecs codec shares: it creates the codec with its `error`/`dequeue`
//! callbacks ([`CodecEvents`]) and output callback, counts it while open, and on drop clears
//! `ondequeue` and closes the codec (if the browser has not already) before the callbacks go.

use super::cancel::Signal;
use super::codec_events::CodecEvents;
use super::counters::{Counted, closed, opened};
use super::error::RenderError;
use js_sys::{Function, Promise, Undefined};
use wasm_bindgen::closure::WasmClosure;
use wasm_bindgen::prelude::*;
use web_sys::{
    AudioData, AudioDecoder, AudioDecoderInit, AudioEncoder, AudioEncoderInit, CodecState, EncodedAudioChunk, EncodedVideoChunk,
    VideoDecoder, VideoDecoderInit, VideoEncoder, VideoEncoderInit, VideoFrame,
};

/// What [`OwnedCodec`] needs of `VideoDecoder`, `AudioDecoder`, `VideoEncoder` and `AudioEncoder`.
pub(crate) trait WebCodec: Sized {
    /// The output callback's signature.
    type Output: ?Sized + WasmClosure;
    /// The counter of open codecs of this kind.
    const COUNTED: Counted;
    /// The codec's name, for errors.
    const NAME: &'static str;
    /// A new (unconfigured) codec calling `error` and `output`.
    fn create(error: &Function, output: &Function) -> Result<Self, JsValue>;
    /// Sets (or, with `None`, clears) the `dequeue` handler.
    fn set_dequeue(&self, handler: Option<&Function>);
    /// True once the codec is closed.
    fn is_closed(&self) -> bool;
    /// Closes the codec.
    fn close_codec(&self) -> Result<(), JsValue>;
    /// Flushes the codec; the promise settles once every output is out.
    fn flush_codec(&self) -> Promise<Undefined>;
}

macro_rules! web_codecs {
    ($($codec:ident($init:ident): $output:ty;)*) => {$(
        impl WebCodec for $codec {
            type Output = $output;
            const COUNTED: Counted = Counted::$codec;
            const NAME: &'static str = stringify!($codec);
            fn create(error: &Function, output: &Function) -> Result<Self, JsValue> {
                $codec::new(&$init::new(error, output))
            }
            fn set_dequeue(&self, handler: Option<&Function>) {
                self.set_ondequeue(handler);
            }
            fn is_closed(&self) -> bool {
                self.state() == CodecState::Closed
            }
            fn close_codec(&self) -> Result<(), JsValue> {
                self.close()
            }
            fn flush_codec(&self) -> Promise<Undefined> {
                self.flush()
            }
        }
    )*};
}

web_codecs! {
    VideoDecoder(VideoDecoderInit): dyn FnMut(VideoFrame);
    AudioDecoder(AudioDecoderInit): dyn FnMut(AudioData);
    VideoEncoder(VideoEncoderInit): dyn FnMut(EncodedVideoChunk, JsValue);
    AudioEncoder(AudioEncoderInit): dyn FnMut(EncodedAudioChunk, JsValue);
}

/// An open codec with its callbacks, closed and uncounted on drop.
pub(crate) struct OwnedCodec<C: WebCodec> {
    codec: C,
    events: CodecEvents,
    _output: Closure<C::Output>,
}

impl<C: WebCodec> OwnedCodec<C> {
    /// Creates a codec calling `output` and waking `signal` on errors and `dequeue` events.
    pub(crate) fn open(output: Closure<C::Output>, signal: &Signal) -> Result<Self, RenderError> {
        let events = CodecEvents::new(signal);
        let codec = C::create(events.error_fn(), output.as_ref().unchecked_ref()).map_err(|e| RenderError::internal(C::NAME, &e))?;
        opened(C::COUNTED);
        codec.set_dequeue(Some(events.dequeue_fn()));
        Ok(OwnedCodec { codec, events, _output: output })
    }

    /// The codec.
    pub(crate) fn get(&self) -> &C {
        &self.codec
    }

    /// The first error the codec reported, if any.
    pub(crate) fn error(&self) -> Option<String> {
        self.events.error()
    }
}

impl<C: WebCodec> Drop for OwnedCodec<C> {
    fn drop(&mut self) {
        // A `dequeue` event already queued must not reach the callback dropped with this.
        self.codec.set_dequeue(None);
        if !self.codec.is_closed() {
            let _ = self.codec.close_codec();
        }
        closed(C::COUNTED);
    }
}
