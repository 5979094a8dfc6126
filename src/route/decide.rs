//! The decision: hard rules first, then the cheaper estimate (with a bias for the client, whose
//! work costs the operator nothing), each step explained in a human-readable reason.

use super::estimate::{Estimate, client_estimate, server_estimate};
use super::features::JobFeatures;
use super::profile::{DeviceProfile, NetworkProfile, ServerState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// In this browser.
    Client,
    /// On the render server.
    Server,
}

/// What this browser's WebCodecs cannot do for the job (from `isConfigSupported`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientSupport {
    /// Source id → codec string of a track the browser cannot decode.
    pub undecodable: BTreeMap<String, String>,
    /// The output codec when the browser can encode none of its candidates.
    pub unencodable: Option<String>,
}

/// Tuning of the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RouteOptions {
    /// The client wins while its estimate is at most this many times the server's (≥ 1:
    /// client work costs the operator nothing).
    pub client_bias: f64,
}

impl Default for RouteOptions {
    /// The client keeps jobs up to 1.5× slower than the server.
    fn default() -> Self {
        RouteOptions { client_bias: 1.5 }
    }
}

/// The router's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The client estimate (even when the client cannot do the job).
    pub client: Estimate,
    /// The server estimate, or `None` without a reachable server (or offline).
    pub server: Option<Estimate>,
    /// Where the job goes.
    pub choice: Side,
    /// Why, most important first.
    pub reasons: Vec<String>,
    /// False when this browser cannot render the job (a codec or the memory budget).
    pub client_feasible: bool,
    /// True when the server can take the job now (reachable, online, queue not full).
    pub server_feasible: bool,
}

/// Decides where `job` renders.
pub fn decide(
    job: &JobFeatures,
    device: &DeviceProfile,
    network: &NetworkProfile,
    server: &ServerState,
    support: &ClientSupport,
    options: &RouteOptions,
) -> Decision {
    let client = client_estimate(job, device);
    let blockers = client_blockers(job, device, support);
    let client_feasible = blockers.is_empty();
    let mut decision = Decision {
        client,
        server: None,
        choice: Side::Client,
        reasons: Vec::new(),
        client_feasible,
        server_feasible: false,
    };
    let unavailable = match server {
        _ if !network.online => Some("the browser is offline".to_owned()),
        ServerState::NotConfigured => Some("no server configured".to_owned()),
        ServerState::Unreachable { message } => Some(format!("the server cannot be reached ({message})")),
        ServerState::Available(_) => None,
    };
    if let Some(why) = unavailable {
        decision.reasons.push(format!("{why}: rendering in this browser"));
        if !client_feasible {
            decision.reasons.extend(blockers.into_iter().map(|b| format!("{b}, so the render will likely fail here")));
        }
        return decision;
    }
    let ServerState::Available(capacity) = server else { return decision };
    let estimate = server_estimate(job, network, capacity);
    let (here, there) = (decision.client.seconds, estimate.seconds);
    decision.server = Some(estimate);
    decision.server_feasible = !capacity.is_full();
    if !client_feasible {
        decision.choice = Side::Server;
        decision.reasons.extend(blockers.into_iter().map(|b| format!("{b}: rendering on the server")));
        if capacity.is_full() {
            decision.reasons.push(format!(
                "the server's queue is full ({} waiting); the job will wait for room",
                capacity.queue_depth
            ));
        }
        return decision;
    }
    if capacity.is_full() {
        decision
            .reasons
            .push(format!("the server's queue is full ({} waiting): rendering in this browser", capacity.queue_depth));
        return decision;
    }
    let bias = options.client_bias.max(1.0);
    let compare = format!("about {} here, {} on the server", seconds(here), seconds(there));
    if here <= there * bias {
        let why =
            if here <= there { "this browser is faster" } else { "this browser is nearly as fast and costs nothing" };
        decision.reasons.push(format!("{why} ({compare})"));
    } else {
        decision.choice = Side::Server;
        decision.reasons.push(format!("the server is faster ({compare})"));
    }
    decision
}

/// Hard reasons the browser cannot render the job.
fn client_blockers(job: &JobFeatures, device: &DeviceProfile, support: &ClientSupport) -> Vec<String> {
    let mut blockers: Vec<String> = support
        .undecodable
        .iter()
        .map(|(source, codec)| format!("this browser cannot decode {codec} (source \"{source}\")"))
        .collect();
    if let Some(codec) = &support.unencodable {
        blockers.push(format!("this browser cannot encode {codec}"));
    }
    if job.memory_bytes > device.memory_budget_bytes {
        let mb = |bytes: u64| bytes.div_ceil(1 << 20);
        blockers.push(format!(
            "the job needs about {} MB of frames in flight, over this device's budget of {} MB",
            mb(job.memory_bytes),
            mb(device.memory_budget_bytes)
        ));
    }
    blockers
}

/// `0.4 s`, `12 s`, `3 min 5 s`.
fn seconds(value: f64) -> String {
    match value {
        v if v < 10.0 => format!("{v:.1} s"),
        v if v < 120.0 => format!("{v:.0} s"),
        v => format!("{} min {} s", (v / 60.0).floor(), (v % 60.0).floor()),
    }
}
