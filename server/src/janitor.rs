//! The janitor: one periodic task that keeps the data dir tidy. Each pass runs the jobs sweep
//! ([`jobs::janitor::sweep`]: scratch folders, expired outputs, unused sources) and the
//! uploads sweep ([`expiration::sweep`]: expired uploads, stale temp files).

use crate::jobs::{self, Jobs};
use crate::tus::{TusState, expiration};
use std::sync::Arc;
use std::time::Duration;

/// Runs both sweeps every `interval`, starting at once, until the runtime stops.
pub async fn run(jobs: Arc<Jobs>, uploads: TusState, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let jobs = Arc::clone(&jobs);
        if let Err(e) = tokio::task::spawn_blocking(move || jobs::janitor::sweep(&jobs)).await {
            tracing::error!("janitor: the jobs sweep stopped unexpectedly: {e}");
        }
        if let Err(e) = expiration::sweep(&uploads).await {
            tracing::warn!("janitor: sweeping expired uploads: {e}");
        }
    }
}

/// The pause between passes: `--janitor-interval`, shortened to the shortest TTL so nothing
/// outlives its TTL by more than one TTL.
pub fn interval(janitor_interval: Duration, ttls: &[Duration]) -> Duration {
    ttls.iter().copied().fold(janitor_interval, Duration::min).max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_is_capped_by_the_shortest_ttl() {
        let s = Duration::from_secs;
        assert_eq!(interval(s(60), &[s(86_400), s(3600)]), s(60));
        assert_eq!(interval(s(60), &[s(86_400), s(2)]), s(2));
        assert_eq!(interval(s(60), &[]), s(60));
    }
}
