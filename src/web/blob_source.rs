//! A [`ByteSource`] over a `Blob` (or `File`), read synchronously with `FileReaderSync`.
//!
//! `FileReaderSync` exists only in dedicated workers, which is where the engine runs.
//! Each read is a round trip to the browser's blob store (a slice and a read, about a
//! millisecond each), so reads are served from cached windows fetched in a single slice. A
//! source's window starts at [`MIN_WINDOW`] (probes jump between scattered headers) and grows
//! [`WINDOW_GROWTH`]-fold up to [`MAX_WINDOW`] while its reads move forward through the file
//! (demuxing), so a whole source costs a handful of round trips. The sources of one job that read the same
//! file at once (its video and audio demuxers) share its last [`SHARED_WINDOWS`] windows
//! ([`SharedReads`]), so the file is read about once.

use super::error::js_message;
use crate::container::{ByteSource, ContainerError, check_range};
use js_sys::Uint8Array;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use web_sys::{Blob, FileReaderSync};

/// The first window, and the window after a jump.
const MIN_WINDOW: u64 = 64 * 1024;
/// The largest window; longer reads are fetched on their own.
const MAX_WINDOW: u64 = 4 * 1024 * 1024;
/// How much a source's next window grows while it reads forward (64 KiB, 256 KiB, 1 MiB, 4 MiB).
const WINDOW_GROWTH: u64 = 4;
/// Windows kept per `Blob` for the sources reading it at once (a video and an audio demuxer
/// of one file read the same bytes, a little apart).
const SHARED_WINDOWS: usize = 3;

/// The windows read from one `Blob`, shared by every [`BlobSource`] over it.
pub struct BlobReads {
    blob: Blob,
    reader: FileReaderSync,
    len: u64,
    /// Least recently used first.
    windows: VecDeque<(u64, Vec<u8>)>,
}

/// A handle on the reads of one `Blob`, for sources that read it at the same time.
pub type SharedReads = Rc<RefCell<BlobReads>>;

impl BlobReads {
    /// The reads of `blob`; fails outside a dedicated worker, where `FileReaderSync` is missing.
    pub fn new(blob: Blob) -> Result<SharedReads, ContainerError> {
        let reader = FileReaderSync::new().map_err(|e| {
            ContainerError::Io(format!(
                "FileReaderSync is unavailable ({}): run the engine in a dedicated worker",
                js_message(&e)
            ))
        })?;
        // Blob sizes are integral and below 2^53, so the conversion is exact.
        let len = blob.size() as u64;
        Ok(Rc::new(RefCell::new(BlobReads { blob, reader, len, windows: VecDeque::new() })))
    }

    /// Copies `offset..offset+buf.len()` from a window that holds all of it (the window
    /// becomes the most recently used) and returns that window's range; `None` when none does.
    fn copy_cached(&mut self, offset: u64, buf: &mut [u8]) -> Option<(u64, u64)> {
        let within = |(start, bytes): &(u64, Vec<u8>)| {
            let from = usize::try_from(offset.checked_sub(*start)?).ok()?;
            bytes.get(from..from.checked_add(buf.len())?).map(|_| from)
        };
        let (index, from) = self.windows.iter().enumerate().find_map(|(i, w)| within(w).map(|f| (i, f)))?;
        let window = self.windows.remove(index)?;
        buf.copy_from_slice(&window.1[from..from + buf.len()]);
        let range = (window.0, window.0 + window.1.len() as u64);
        self.windows.push_back(window);
        Some(range)
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

/// A random-access source over a `Blob`, reading ahead in windows that grow while it reads
/// forward; sources over the same [`SharedReads`] reuse each other's windows.
pub struct BlobSource {
    reads: SharedReads,
    len: u64,
    /// This source's last fetched window, for its read-ahead.
    last: (u64, u64),
    /// Bytes the next window fetch asks for.
    window_size: u64,
}

impl BlobSource {
    /// A source with reads of its own; fails outside a dedicated worker, where `FileReaderSync` is missing.
    pub fn new(blob: Blob) -> Result<Self, ContainerError> {
        Ok(Self::shared(BlobReads::new(blob)?))
    }

    /// A source over reads that other sources of the same `Blob` share.
    pub fn shared(reads: SharedReads) -> Self {
        let len = reads.borrow().len;
        Self { reads, len, last: (0, 0), window_size: MIN_WINDOW }
    }
}

impl ByteSource for BlobSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ContainerError> {
        let want = buf.len() as u64;
        check_range(self.len, offset, want, "read")?;
        let mut reads = self.reads.borrow_mut();
        if want > MAX_WINDOW {
            // check_range proved offset + want <= len, and fetch proved the length matches buf.
            reads.fetch(offset, offset + want)?.copy_to(buf);
            return Ok(());
        }
        if let Some(window) = reads.copy_cached(offset, buf) {
            // A window another source fetched counts as this one's for its read-ahead.
            self.last = window;
            return Ok(());
        }
        let (start, end) = self.last;
        let forward = offset >= start && offset <= end.saturating_add(self.window_size);
        self.window_size = if forward { (self.window_size * WINDOW_GROWTH).min(MAX_WINDOW) } else { MIN_WINDOW };
        let end = offset.saturating_add(self.window_size.max(want)).min(self.len);
        let bytes = reads.fetch(offset, end)?;
        // fetch proved the length is end - offset (at least `want`, at most MAX_WINDOW).
        let mut window = vec![0; bytes.length() as usize];
        bytes.copy_to(&mut window);
        buf.copy_from_slice(&window[..buf.len()]);
        self.last = (offset, end);
        if reads.windows.len() == SHARED_WINDOWS {
            reads.windows.pop_front();
        }
        reads.windows.push_back((offset, window));
        Ok(())
    }
}
