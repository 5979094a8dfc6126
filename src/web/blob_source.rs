//! A [`ByteSource`] over a `Blob` (or `File`), read synchronously with `FileReaderSync`.
//!
//! `FileReaderSync` exists only in dedicated workers, which is where the engine runs.
//! Demuxers issue many small reads (box and element headers), so reads smaller than
//! [`READ_AHEAD`] are served from one cached window fetched in a single slice.

use super::error::js_message;
use crate::container::{ByteSource, ContainerError, check_range};
use js_sys::Uint8Array;
use web_sys::{Blob, FileReaderSync};

/// Bytes fetched at once for small reads.
const READ_AHEAD: u64 = 64 * 1024;

/// A random-access source over a `Blob`, with a small read-ahead window.
pub struct BlobSource {
    blob: Blob,
    reader: FileReaderSync,
    len: u64,
    window_start: u64,
    window: Vec<u8>,
}

impl BlobSource {
    /// Wraps `blob`; fails outside a dedicated worker, where `FileReaderSync` is missing.
    pub fn new(blob: Blob) -> Result<Self, ContainerError> {
        let reader = FileReaderSync::new().map_err(|e| {
            ContainerError::Io(format!(
                "FileReaderSync is unavailable ({}): run the engine in a dedicated worker",
                js_message(&e)
            ))
        })?;
        // Blob sizes are integral and below 2^53, so the conversion is exact.
        let len = blob.size() as u64;
        Ok(Self { blob, reader, len, window_start: 0, window: Vec::new() })
    }

    /// The cached bytes for `offset..offset+len`, when the window holds all of them.
    fn cached(&self, offset: u64, len: usize) -> Option<&[u8]> {
        let from = usize::try_from(offset.checked_sub(self.window_start)?).ok()?;
        self.window.get(from..from.checked_add(len)?)
    }

    /// Reads `start..end` of the blob as a typed array of exactly that length.
    fn fetch(&self, start: u64, end: u64) -> Result<Uint8Array, ContainerError> {
        let unreadable = |e: wasm_bindgen::JsValue| {
            ContainerError::Io(format!(
                "could not read the file ({}); if it was moved or changed, choose it again",
                js_message(&e)
            ))
        };
        let slice = self.blob.slice_with_f64_and_f64(start as f64, end as f64).map_err(unreadable)?;
        let buffer = self.reader.read_as_array_buffer(&slice).map_err(unreadable)?;
        let bytes = Uint8Array::new(&buffer);
        if u64::from(bytes.length()) != end - start {
            return Err(ContainerError::Io(format!(
                "read {} bytes at offset {start} instead of {}; the file changed while reading, choose it again",
                bytes.length(),
                end - start
            )));
        }
        Ok(bytes)
    }
}

impl ByteSource for BlobSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ContainerError> {
        let want = buf.len() as u64;
        check_range(self.len, offset, want, "read")?;
        if want > READ_AHEAD {
            // check_range proved offset + want <= len, and fetch proved the length matches buf.
            self.fetch(offset, offset + want)?.copy_to(buf);
            return Ok(());
        }
        if self.cached(offset, buf.len()).is_none() {
            let end = offset.saturating_add(READ_AHEAD).min(self.len);
            self.window = self.fetch(offset, end)?.to_vec();
            self.window_start = offset;
        }
        let bytes = self
            .cached(offset, buf.len())
            .ok_or_else(|| ContainerError::Io(format!("read-ahead window misses offset {offset}")))?;
        buf.copy_from_slice(bytes);
        Ok(())
    }
}
