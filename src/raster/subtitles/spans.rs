//! Cues shown at the same time with the same settings form one block, in list order: the
//! timeline is cut wherever the set of visible cues changes.

use super::Cue;
use std::collections::{BTreeSet, HashMap};

/// A stretch of time during which the same cues show together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSpan {
    /// Start, in microseconds.
    pub start_us: i64,
    /// End, in microseconds.
    pub end_us: i64,
    /// The cues shown (indices into the cue list, in list order); they share their settings.
    pub cues: Vec<usize>,
}

/// Cuts `cues` into spans: one per cue when none overlap; overlapping cues with equal settings
/// share a span (their texts are drawn as one block); cues with other settings get their own.
/// Spans come sorted by start, then by first cue.
pub fn spans(cues: &[Cue]) -> Vec<CueSpan> {
    let mut events: Vec<(i64, bool, usize)> = Vec::with_capacity(cues.len() * 2);
    for (i, c) in cues.iter().enumerate().filter(|(_, c)| c.end_us > c.start_us) {
        events.push((c.start_us, true, i));
        events.push((c.end_us, false, i));
    }
    events.sort_unstable();
    let mut active: BTreeSet<usize> = BTreeSet::new();
    let mut open: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut out: Vec<CueSpan> = Vec::new();
    let mut e = 0;
    while let Some(&(time, _, _)) = events.get(e) {
        while let Some(&(_, starts, i)) = events.get(e).filter(|ev| ev.0 == time) {
            if starts {
                active.insert(i);
            } else {
                active.remove(&i);
            }
            e += 1;
        }
        let next = events.get(e).map_or(time, |ev| ev.0);
        let mut still_open = HashMap::new();
        for group in groups(cues, &active) {
            let index = match open.remove(&group) {
                Some(index) => index,
                None => {
                    out.push(CueSpan { start_us: time, end_us: next, cues: group.clone() });
                    out.len() - 1
                }
            };
            if let Some(span) = out.get_mut(index) {
                span.end_us = next;
            }
            still_open.insert(group, index);
        }
        open = still_open;
    }
    out.retain(|s| s.end_us > s.start_us);
    out.sort_by_key(|s| (s.start_us, s.cues.first().copied()));
    out
}

/// The active cues grouped by equal settings, each group in list order.
fn groups(cues: &[Cue], active: &BTreeSet<usize>) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in active {
        let settings = cues.get(i).map(|c| c.settings);
        match groups.iter_mut().find(|g| g.first().and_then(|&f| cues.get(f)).map(|c| c.settings) == settings) {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}
