//! Lets the `gif` crate write into a [`ByteSink`], counting bytes.

use crate::container::ByteSink;
use std::io;

/// An `io::Write` over a byte sink.
pub(crate) struct SinkWriter<'a> {
    /// Where bytes go.
    pub sink: &'a mut dyn ByteSink,
    /// Bytes written so far.
    pub written: u64,
}

impl io::Write for SinkWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sink.write(buf).map_err(|e| io::Error::other(e.to_string()))?;
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
