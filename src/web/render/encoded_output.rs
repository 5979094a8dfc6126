//! What the `VideoEncoder` and `AudioEncoder` stages share: the queue of encoded
//! [`Packet`]s (copied into wasm memory as they arrive), the stream's codec string and
//! decoder description (from the first output's metadata), error checks and the final flush.

use super::cancel::Signal;
use super::error::RenderError;
use super::owned_codec::{OwnedCodec, WebCodec};
use crate::container::Packet;
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{AudioEncoder, EncodedAudioChunk, EncodedAudioChunkMetadata, EncodedVideoChunk, EncodedVideoChunkMetadata, VideoEncoder};

/// The codec string and decoder description of the encoded stream.
pub(crate) type StreamConfig = (String, Option<Vec<u8>>);

/// What differs between `VideoEncoder` and `AudioEncoder` for [`EncodedOutput`].
pub(crate) trait Encoder: WebCodec {
    /// The encoded chunk type.
    type Chunk;
    /// The output callback running `on_chunk` with each chunk and its metadata.
    fn output(on_chunk: impl FnMut(Self::Chunk, JsValue) + 'static) -> Closure<Self::Output>;
    /// The decoder description in an output's `metadata`, if it has one.
    fn description(metadata: &JsValue) -> Option<Vec<u8>>;
}

macro_rules! encoders {
    ($($encoder:ident: $chunk:ident, $metadata:ident;)*) => {$(
        impl Encoder for $encoder {
            type Chunk = $chunk;
            fn output(on_chunk: impl FnMut($chunk, JsValue) + 'static) -> Closure<Self::Output> {
                Closure::new(on_chunk)
            }
            fn description(metadata: &JsValue) -> Option<Vec<u8>> {
                Some(metadata.unchecked_ref::<$metadata>())
                    .filter(|_| metadata.is_object())
                    .and_then(|m| m.get_decoder_config())
                    .and_then(|c| c.get_description())
                    .map(|d| bytes_of(&d))
            }
        }
    )*};
}

encoders! {
    VideoEncoder: EncodedVideoChunk, EncodedVideoChunkMetadata;
    AudioEncoder: EncodedAudioChunk, EncodedAudioChunkMetadata;
}

/// An encoder and its output queue.
pub(crate) struct EncodedOutput<E: Encoder> {
    encoder: OwnedCodec<E>,
    packets: Rc<RefCell<VecDeque<Packet>>>,
    stream: Rc<RefCell<Option<StreamConfig>>>,
    signal: Signal,
}

impl<E: Encoder> EncodedOutput<E> {
    /// Opens an (unconfigured) encoder for `codec` whose chunks `to_packet` copies into
    /// packets, given the stream config taken from the first output.
    pub(crate) fn new(
        codec: String,
        mut to_packet: impl FnMut(&E::Chunk, &StreamConfig) -> Packet + 'static,
        signal: &Signal,
    ) -> Result<Self, RenderError> {
        let packets: Rc<RefCell<VecDeque<Packet>>> = Rc::default();
        let stream: Rc<RefCell<Option<StreamConfig>>> = Rc::default();
        let (queue, described, woken) = (packets.clone(), stream.clone(), signal.clone());
        let output = E::output(move |chunk, metadata| {
            let packet = {
                let mut described = described.borrow_mut();
                to_packet(&chunk, described.get_or_insert_with(|| (codec.clone(), E::description(&metadata))))
            };
            queue.borrow_mut().push_back(packet);
            woken.wake();
        });
        let encoder = OwnedCodec::open(output, signal)?;
        Ok(EncodedOutput { encoder, packets, stream, signal: signal.clone() })
    }

    /// The encoder.
    pub(crate) fn encoder(&self) -> &E {
        self.encoder.get()
    }

    /// Waits until `ready` holds for the encoder (fails if the job is cancelled or the
    /// encoder reported an error).
    pub(crate) async fn wait_until(&self, mut ready: impl FnMut(&E) -> bool) -> Result<(), RenderError> {
        while !ready(self.encoder()) {
            self.check()?;
            self.signal.wait().await?;
        }
        self.check()
    }

    /// Flushes the encoder and waits until every packet is out.
    pub(crate) async fn finish(&mut self) -> Result<(), RenderError> {
        let flushed = self.start_flush();
        self.wait_until(|_| flushed.get()).await
    }

    /// Starts flushing the encoder without waiting: the flag turns true once every packet is
    /// out (so other work can overlap the flush; see [`EncodedOutput::wait_until`]).
    pub(crate) fn start_flush(&self) -> Rc<Cell<bool>> {
        self.signal.watch(self.encoder().flush_codec())
    }

    /// The codec string and description, once the first packet is out.
    pub(crate) fn stream(&self) -> Option<StreamConfig> {
        self.stream.borrow().clone()
    }

    /// Takes the packets encoded so far.
    pub(crate) fn take_packets(&mut self) -> Vec<Packet> {
        self.packets.borrow_mut().drain(..).collect()
    }

    /// Fails if the job is cancelled or the encoder reported an error.
    pub(crate) fn check(&self) -> Result<(), RenderError> {
        self.signal.check()?;
        self.encoder.error().map_or(Ok(()), |m| Err(RenderError::EncodeFailed(m)))
    }
}

/// The bytes of a `BufferSource` (an `ArrayBuffer` or a view).
fn bytes_of(source: &Object) -> Vec<u8> {
    if let Some(buffer) = source.dyn_ref::<js_sys::ArrayBuffer>() {
        return Uint8Array::new(buffer).to_vec();
    }
    let field = |name: &str| Reflect::get(source, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let offset = field("byteOffset").as_f64().unwrap_or(0.0) as u32;
    let length = field("byteLength").as_f64().unwrap_or(0.0) as u32;
    Uint8Array::new_with_byte_offset_and_length(&field("buffer"), offset, length).to_vec()
}
