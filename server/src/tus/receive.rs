//! Streams one request body onto the end of an upload, chunk by chunk, never holding it whole.

use super::TusError;
use super::checksum::Checksum;
use super::slots::SlotGuard;
use axum::body::Body;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use std::io::{self, SeekFrom};
use std::path::Path;
use tokio::io::{AsyncSeekExt, AsyncWriteExt, BufWriter};

/// Write buffer per request: few, large writes to disk.
const WRITE_BUFFER: usize = 1 << 20;

/// How reading the body ended.
enum Stop {
    /// The body ended normally.
    End,
    /// The client went away mid-body, or another request for the upload asked for it.
    Cut,
    /// The body carried more than `Upload-Length` allows.
    TooLong,
    /// Writing to disk failed.
    Io(io::Error),
}

/// Appends `body` to the upload bytes at `data`, which hold `offset` of `length` bytes.
///
/// Returns the new offset. Without `checksum`, bytes that arrived before the client went away
/// are kept (so it can resume after them); with it, the request's data is kept only when whole
/// and matching. On any error the file is cut back to `offset`. A release request from another
/// request for the upload (see `Slots::lock`) ends the body as if its client had gone away.
pub async fn append(
    slot: &mut SlotGuard,
    data: &Path,
    offset: u64,
    length: u64,
    body: Body,
    checksum: Option<Checksum>,
) -> Result<u64, TusError> {
    let base = slot.hasher_at(data, offset).await?;
    let mut file = tokio::fs::OpenOptions::new().write(true).open(data).await?;
    file.seek(SeekFrom::Start(offset)).await?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut hasher = base.clone();
    let mut request_hasher = checksum.as_ref().map(|_| Sha256::new());
    let room = length.saturating_sub(offset);
    let mut received = 0u64;
    let mut body = body;
    let release = slot.release_requests();
    let released = release.notified();
    tokio::pin!(released);
    released.as_mut().enable();
    let stop = loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            () = released.as_mut() => break Stop::Cut,
        };
        let chunk = match frame {
            None => break Stop::End,
            Some(Err(_)) => break Stop::Cut,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(chunk) => chunk,
                Err(_) => continue, // trailers
            },
        };
        let len = chunk.len() as u64;
        if len > room - received {
            break Stop::TooLong;
        }
        if let Err(e) = writer.write_all(&chunk).await {
            break Stop::Io(e);
        }
        hasher.update(&chunk);
        if let Some(h) = request_hasher.as_mut() {
            h.update(&chunk);
        }
        received += len;
    };
    let stop = match (stop, writer.flush().await) {
        (Stop::End | Stop::Cut, Err(e)) => Stop::Io(e),
        (stop, _) => stop,
    };
    let verdict = match stop {
        Stop::End => match (checksum, request_hasher) {
            (Some(c), Some(h)) => {
                if c.matches(h) {
                    Ok(())
                } else {
                    Err(TusError::ChecksumMismatch)
                }
            }
            _ => Ok(()),
        },
        Stop::Cut if checksum.is_some() => Err(TusError::Incomplete),
        Stop::Cut => Ok(()),
        Stop::TooLong => Err(TusError::BeyondLength { length }),
        Stop::Io(e) => Err(e.into()),
    };
    match verdict {
        Ok(()) => {
            slot.keep(offset + received, hasher);
            Ok(offset + received)
        }
        Err(e) => {
            if let Err(cut) = writer.into_inner().set_len(offset).await {
                tracing::error!("cannot cut upload {} back to {offset} bytes: {cut}", data.display());
            } else {
                slot.keep(offset, base);
            }
            Err(e)
        }
    }
}
