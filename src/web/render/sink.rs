//! Where the output goes, chunk by chunk: a file in the origin-private file system written
//! through a `FileSystemSyncAccessHandle` (dedicated workers only), or, where OPFS is
//! unavailable, a list of in-memory parts. Both are seekable, as the MP4 fast-start and the
//! WebM seekable layouts need.
//!
//! An OPFS file holds its first [`SPILL_BYTES`] in memory and writes nothing until the output
//! grows past them: a short render's file never touches the disk (writing costs the worker
//! about 10 ms per MB, as much as encoding several frames) and comes back as an in-memory
//! `Blob`, while a long render's memory stays flat. Once spilled, writes are gathered in a
//! [`BATCH_BYTES`] buffer (patches of bytes still in it land there too) and written in one call.
//!
//! A sink dropped before [`Sink::finish`] (a failed or cancelled job) removes its file.

use super::error::RenderError;
use crate::container::{ByteSink, ContainerError};
use crate::web::error::js_message;
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions, FileSystemReadWriteOptions,
    FileSystemSyncAccessHandle, WorkerGlobalScope,
};

/// Size of one in-memory part.
const PART_BYTES: usize = 1 << 20;
/// Bytes an OPFS file keeps in memory before its first write (a smaller output is never written).
const SPILL_BYTES: usize = 16 << 20;
/// Bytes gathered before one OPFS write, once the file has spilled.
const BATCH_BYTES: usize = 1 << 20;

/// Where the muxer writes.
pub(crate) enum Sink {
    /// A file in the origin-private file system.
    Opfs(OpfsFile),
    /// In-memory parts (when OPFS is unavailable, or asked for).
    Memory(MemoryParts),
}

impl Sink {
    /// A sink in OPFS folder `dir` named `name`, or in memory when `memory` is set or OPFS
    /// cannot be used here.
    pub(crate) async fn open(dir: &str, name: &str, memory: bool) -> Sink {
        if !memory && let Ok(file) = OpfsFile::create(dir, name).await {
            return Sink::Opfs(file);
        }
        Sink::Memory(MemoryParts::default())
    }

    /// Where the bytes are now: `opfs` (a file that spilled to disk) or `memory`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Sink::Opfs(f) if f.spilled => "opfs",
            Sink::Opfs(_) | Sink::Memory(_) => "memory",
        }
    }

    /// Bytes written.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Sink::Opfs(f) => f.len,
            Sink::Memory(m) => m.len,
        }
    }

    /// Closes the sink and returns its bytes as a `Blob` of type `mime`.
    pub(crate) async fn finish(self, mime: &str) -> Result<Blob, RenderError> {
        let parts = Array::new();
        match self {
            Sink::Opfs(f) if !f.spilled => {
                // Never written: the bytes are all pending (from offset 0); the file goes on drop.
                parts.push(&Uint8Array::from(f.pending.as_slice()));
            }
            Sink::Opfs(mut f) => {
                parts.push(&f.close().await?.into());
            }
            Sink::Memory(m) => {
                for part in &m.parts {
                    parts.push(&Uint8Array::from(part.as_slice()));
                }
            }
        }
        let options = BlobPropertyBag::new();
        options.set_type(mime);
        Blob::new_with_blob_sequence_and_options(&parts, &options).map_err(|e| RenderError::Output(js_message(&e)))
    }
}

impl ByteSink for Sink {
    fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
        let at = self.len();
        self.write_at(at, data)
    }

    fn seekable(&self) -> bool {
        true
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), ContainerError> {
        match self {
            Sink::Opfs(f) => f.write_at(offset, data),
            Sink::Memory(m) => m.write_at(offset, data),
        }
    }
}

/// An OPFS file open for synchronous writing.
pub(crate) struct OpfsFile {
    dir: FileSystemDirectoryHandle,
    name: String,
    file: FileSystemFileHandle,
    handle: FileSystemSyncAccessHandle,
    len: u64,
    /// Bytes not written yet, for file offset `pending_at` onwards.
    pending: Vec<u8>,
    pending_at: u64,
    /// Bytes were written to the file (the output outgrew [`SPILL_BYTES`]).
    spilled: bool,
    finished: bool,
}

async fn resolve<T: JsCast>(promise: Promise) -> Result<T, JsValue> {
    JsFuture::from(promise).await?.dyn_into::<T>()
}

impl OpfsFile {
    async fn create(dir: &str, name: &str) -> Result<Self, JsValue> {
        let scope: WorkerGlobalScope = js_sys::global().dyn_into()?;
        let root: FileSystemDirectoryHandle = resolve(scope.navigator().storage().get_directory()).await?;
        let create = web_sys::FileSystemGetDirectoryOptions::new();
        create.set_create(true);
        let dir: FileSystemDirectoryHandle = resolve(root.get_directory_handle_with_options(dir, &create)).await?;
        let options = FileSystemGetFileOptions::new();
        options.set_create(true);
        let file: FileSystemFileHandle = resolve(dir.get_file_handle_with_options(name, &options)).await?;
        let handle: FileSystemSyncAccessHandle = resolve(file.create_sync_access_handle()).await?;
        handle.truncate_with_f64(0.0)?;
        let pending = Vec::with_capacity(BATCH_BYTES);
        Ok(OpfsFile { dir, name: name.to_owned(), file, handle, len: 0, pending, pending_at: 0, spilled: false, finished: false })
    }

    /// Buffers `data` for `offset` when it starts inside or right after the pending bytes;
    /// otherwise writes those out first and starts a new batch at `offset`.
    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), ContainerError> {
        let within = offset.checked_sub(self.pending_at).and_then(|d| usize::try_from(d).ok()).filter(|&d| d <= self.pending.len());
        let within = match within {
            Some(within) => within,
            None => {
                self.flush()?;
                self.pending_at = offset;
                0
            }
        };
        overwrite(&mut self.pending, within, data);
        self.len = self.len.max(offset + data.len() as u64);
        if self.pending.len() >= if self.spilled { BATCH_BYTES } else { SPILL_BYTES } {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending bytes to the file.
    fn flush(&mut self) -> Result<(), ContainerError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let options = FileSystemReadWriteOptions::new();
        options.set_at(self.pending_at as f64);
        let written = self
            .handle
            .write_with_u8_array_and_options(&self.pending, &options)
            .map_err(|e| ContainerError::Io(format!("{}; free some disk space and try again", js_message(&e))))?;
        if written as usize != self.pending.len() {
            return Err(ContainerError::Io(format!("wrote {written} of {} bytes; the disk may be full", self.pending.len())));
        }
        self.pending_at += self.pending.len() as u64;
        self.pending.clear();
        self.spilled = true;
        Ok(())
    }

    /// Flushes and closes the handle; the file stays as the result.
    async fn close(&mut self) -> Result<Blob, RenderError> {
        self.flush().map_err(|e| RenderError::Output(e.to_string()))?;
        let fail = |e: JsValue| RenderError::Output(js_message(&e));
        self.handle.flush().map_err(fail)?;
        self.handle.close();
        self.finished = true;
        resolve(self.file.get_file()).await.map_err(fail)
    }
}

impl Drop for OpfsFile {
    fn drop(&mut self) {
        if !self.finished {
            self.handle.close();
            let removal = self.dir.remove_entry(&self.name);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(removal).await;
            });
        }
    }
}

/// Output bytes held in memory, in parts of [`PART_BYTES`].
#[derive(Default)]
pub(crate) struct MemoryParts {
    parts: Vec<Vec<u8>>,
    len: u64,
}

impl MemoryParts {
    fn write_at(&mut self, offset: u64, mut data: &[u8]) -> Result<(), ContainerError> {
        if offset > self.len {
            return Err(ContainerError::InvalidInput(format!("write at {offset} past the end ({})", self.len)));
        }
        let mut at = offset as usize;
        while !data.is_empty() {
            let (index, within) = (at / PART_BYTES, at % PART_BYTES);
            if index == self.parts.len() {
                self.parts.push(Vec::with_capacity(PART_BYTES));
            }
            let Some(part) = self.parts.get_mut(index) else {
                return Err(ContainerError::InvalidInput(format!("write at {at} leaves a gap")));
            };
            let n = data.len().min(PART_BYTES - within);
            overwrite(part, within, &data[..n]);
            data = &data[n..];
            at += n;
        }
        self.len = self.len.max(at as u64);
        Ok(())
    }
}

/// Writes `data` into `buf` at `at` (at most `buf.len()`), overwriting what is there and
/// extending past the end.
fn overwrite(buf: &mut Vec<u8>, at: usize, data: &[u8]) {
    let overlap = data.len().min(buf.len().saturating_sub(at));
    buf[at..at + overlap].copy_from_slice(&data[..overlap]);
    buf.extend_from_slice(&data[overlap..]);
}
