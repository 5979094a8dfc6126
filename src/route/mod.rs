//! The router: where a render finishes soonest, client or server, and why.
//!
//! Everything here is platform-free arithmetic over measured figures, so the browser, the
//! server and the accuracy bench share one cost model:
//!
//! - [`JobFeatures::from_plan`]: the work a plan asks for (decoded and output pixels per codec,
//!   fast-path frames, audio seconds, bytes to upload and download, memory in flight);
//! - [`DeviceProfile`], [`NetworkProfile`], [`ServerState`]: what the browser measured (a
//!   WebCodecs micro-benchmark, the uplink of real uploads) and what `/capacity` reported;
//! - [`client_estimate`] and [`server_estimate`]: seconds per side, with a breakdown;
//! - [`decide`]: hard rules first (offline or no server → client; a codec the browser cannot
//!   handle or a memory budget it would exceed → server), then the cheaper side wins, with a
//!   [`RouteOptions::client_bias`] in favour of the client; every step adds a human-readable
//!   reason.

mod codec;
mod decide;
mod estimate;
mod features;
mod profile;

pub use codec::CodecFamily;
pub use decide::{ClientSupport, Decision, RouteOptions, Side, decide};
pub use estimate::{CLIENT_OVERLAP, Estimate, OVERLAYS_PER_PASS, client_estimate, server_estimate};
pub use features::{DecodeWork, JobFeatures};
pub use profile::{DeviceProfile, NetworkProfile, ServerCapacity, ServerState};
