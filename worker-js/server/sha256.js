// Streaming SHA-256 of a Blob in the worker (the wasm `Sha256`; WebCrypto has no streaming
// digest), read in slices so memory stays flat. Hashes are remembered per Blob.
import { Sha256 } from '../wasm/frameloom.js';

const SLICE = 4 * 1024 * 1024;
const known = new WeakMap();

/** The SHA-256 of `blob` as 64 lowercase hex digits. */
export async function sha256Blob(blob, signal) {
  if (known.has(blob)) return known.get(blob);
  const hasher = new Sha256();
  try {
    for (let offset = 0; offset < blob.size; offset += SLICE) {
      signal?.throwIfAborted();
      hasher.update(new Uint8Array(await blob.slice(offset, offset + SLICE).arrayBuffer()));
    }
    const digest = hasher.finish();
    known.set(blob, digest);
    return digest;
  } finally {
    hasher.free();
  }
}
