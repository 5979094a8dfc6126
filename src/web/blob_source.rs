//! A [`ByteSource`] over a `Blob` (or `File`), read synchronously with `FileReaderSync`.
//!
//! `FileReaderSync` exists only in dedicated workers, which is where the engine runs.
//! Each read is a round trip to the browser's blob store (around a millisecond), so reads
//! are served from one cached window fetched in a single slice. The window starts at
//! [`MIN_WINDOW`] (probes jump between scattered headers) and doubles up to [`MAX_WINDOW`]
//! while reads move forward through the file (demuxing), so a whole source costs a handful
//! of round trips.

use super::error::js_message;
use crate::container::{ByteSource, ContainerError, check_range};
use js_sys::Uint8Array;
use web_sys::{Blob, FileReaderSync};

/// The first window, and the window after a jump.
const MIN_WINDOW: u64 = 64 * 1024;
/// The largest window; longer reads are fetched on their own.
const MAX_WINDOW: u64 = 4 * 1024 * 1024;

/// A random-access source over a `Blob`, with a read-ahead window.
pub struct BlobSource {
    blob: Blob,
    reader: FileReaderSync,
    len: u64,
    window_start: u64,
    window: Vec<u8>,
    /// Bytes the next window fetch asks for.
    window_size: u64,
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
        Ok(Self { blob, reader, len, window_start: 0, window: Vec::new(), window_size: MIN_WINDOW })
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
        if want > MAX_WINDOW {
            // check_range proved offset + want <= len, and fetch proved the length matches buf.
            self.fetch(offset, offset + want)?.copy_to(buf);
            return Ok(());
        }
        if self.cached(offset, buf.len()).is_none() {
            let window_end = self.window_start + self.window.len() as u64;
            let forward = offset >= self.window_start && offset <= window_end.saturating_add(self.window_size);
            self.window_size = if forward { (self.window_size * 2).min(MAX_WINDOW) } else { MIN_WINDOW };
            let end = offset.saturating_add(self.window_size.max(want)).min(self.len);
            let bytes = self.fetch(offset, end)?;
            // fetch proved the length is end - offset, at most MAX_WINDOW.
            self.window.resize(bytes.length() as usize, 0);
            bytes.copy_to(&mut self.window);
            self.window_start = offset;
        }
        let bytes = self
            .cached(offset, buf.len())
            .ok_or_else(|| ContainerError::Io(format!("read-ahead window misses offset {offset}")))?;
        buf.copy_from_slice(bytes);
        Ok(())
    }
}
