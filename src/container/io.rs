//! Byte sources and sinks: the only way container code touches bytes.
//!
//! Sources are random-access and synchronous (a `Blob` through `FileReaderSync`
//! in a worker, a file natively). Sinks are append-only, optionally seekable
//! (OPFS sync access handles and files are; a network stream is not).

use super::ContainerError;

/// A random-access, read-only byte source.
pub trait ByteSource {
    /// Total length in bytes.
    fn len(&self) -> u64;

    /// Fills `buf` from `offset`; errors with [`ContainerError::Truncated`] if the source is shorter.
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ContainerError>;

    /// True when the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads `len` bytes at `offset` into a new vector, checking bounds before allocating.
    fn read_vec(&mut self, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, ContainerError> {
        check_range(self.len(), offset, len, what)?;
        let mut buf = vec![0u8; len as usize];
        self.read_at(offset, &mut buf)?;
        Ok(buf)
    }
}

/// Errors with [`ContainerError::Truncated`] unless `offset..offset+len` lies inside `total`.
pub fn check_range(total: u64, offset: u64, len: u64, what: &str) -> Result<(), ContainerError> {
    match offset.checked_add(len) {
        Some(end) if end <= total => Ok(()),
        _ => Err(ContainerError::Truncated { what: what.to_string(), offset, len: total }),
    }
}

/// An append-only byte sink, optionally able to patch bytes it already wrote.
pub trait ByteSink {
    /// Appends `data`.
    fn write(&mut self, data: &[u8]) -> Result<(), ContainerError>;

    /// True when [`ByteSink::write_at`] works.
    fn seekable(&self) -> bool {
        false
    }

    /// Overwrites already-written bytes at `offset` (seekable sinks only).
    fn write_at(&mut self, _offset: u64, _data: &[u8]) -> Result<(), ContainerError> {
        Err(ContainerError::SinkNotSeekable)
    }
}

/// A source over bytes already in memory.
pub struct SliceSource<'a> {
    bytes: &'a [u8],
}

impl<'a> SliceSource<'a> {
    /// Wraps `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }
}

impl ByteSource for SliceSource<'_> {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ContainerError> {
        check_range(self.len(), offset, buf.len() as u64, "read")?;
        let start = offset as usize;
        buf.copy_from_slice(&self.bytes[start..start + buf.len()]);
        Ok(())
    }
}

/// A seekable sink that collects everything in memory (tests and small outputs).
#[derive(Default)]
pub struct VecSink {
    /// The bytes written so far.
    pub bytes: Vec<u8>,
}

impl ByteSink for VecSink {
    fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
        self.bytes.extend_from_slice(data);
        Ok(())
    }

    fn seekable(&self) -> bool {
        true
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), ContainerError> {
        check_range(self.bytes.len() as u64, offset, data.len() as u64, "patch")?;
        let start = offset as usize;
        self.bytes[start..start + data.len()].copy_from_slice(data);
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::{FileSink, FileSource};

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{ByteSink, ByteSource, check_range};
    use crate::container::ContainerError;
    use std::fs::File;
    use std::io::{BufWriter, Seek, SeekFrom, Write};
    use std::os::unix::fs::FileExt;
    use std::path::Path;

    /// A source over a file on disk.
    pub struct FileSource {
        file: File,
        len: u64,
    }

    impl FileSource {
        /// Opens `path` for reading.
        pub fn open(path: &Path) -> Result<Self, ContainerError> {
            let file = File::open(path)?;
            let len = file.metadata()?.len();
            Ok(Self { file, len })
        }
    }

    impl ByteSource for FileSource {
        fn len(&self) -> u64 {
            self.len
        }

        fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ContainerError> {
            check_range(self.len, offset, buf.len() as u64, "read")?;
            self.file.read_exact_at(buf, offset)?;
            Ok(())
        }
    }

    /// A buffered, seekable sink writing to a file on disk.
    pub struct FileSink {
        out: BufWriter<File>,
    }

    impl FileSink {
        /// Creates (or truncates) `path`.
        pub fn create(path: &Path) -> Result<Self, ContainerError> {
            Ok(Self { out: BufWriter::new(File::create(path)?) })
        }

        /// Flushes buffered bytes to disk.
        pub fn flush(&mut self) -> Result<(), ContainerError> {
            self.out.flush()?;
            Ok(())
        }
    }

    impl ByteSink for FileSink {
        fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
            self.out.write_all(data)?;
            Ok(())
        }

        fn seekable(&self) -> bool {
            true
        }

        fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), ContainerError> {
            self.out.flush()?;
            let file = self.out.get_mut();
            let end = file.seek(SeekFrom::End(0))?;
            file.write_all_at(data, offset)?;
            file.seek(SeekFrom::Start(end))?;
            Ok(())
        }
    }
}
