//! Orders packets of several tracks by timestamp before they are written, holding
//! them only until every track has something queued (or a small buffer limit is hit).

use crate::container::Packet;
use std::collections::VecDeque;

/// Packets held at most before the earliest is released even if a track is silent.
const MAX_PACKETS: usize = 2_048;
/// Bytes held at most, likewise.
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// A packet waiting to be written, with its ordering key (decode time in ticks).
pub struct Queued {
    /// Position of its track in the muxer's track list.
    pub track: usize,
    /// Ordering key.
    pub key: i64,
    /// The packet.
    pub packet: Packet,
}

/// Per-track queues merged by key.
pub struct Interleaver {
    queues: Vec<VecDeque<Queued>>,
    packets: usize,
    bytes: usize,
}

impl Interleaver {
    /// Queues for `tracks` tracks.
    pub fn new(tracks: usize) -> Self {
        Self { queues: (0..tracks).map(|_| VecDeque::new()).collect(), packets: 0, bytes: 0 }
    }

    /// Queues a packet (its track index must be valid).
    pub fn push(&mut self, item: Queued) {
        self.packets += 1;
        self.bytes += item.packet.data.len();
        if let Some(queue) = self.queues.get_mut(item.track) {
            queue.push_back(item);
        }
    }

    /// The next packet that may be written now, if any.
    pub fn pop_ready(&mut self) -> Option<Queued> {
        let all_queued = self.queues.iter().all(|q| !q.is_empty());
        if all_queued || self.packets > MAX_PACKETS || self.bytes > MAX_BYTES { self.pop_earliest() } else { None }
    }

    /// The earliest queued packet (ties go to the first track), when flushing at the end.
    pub fn pop_earliest(&mut self) -> Option<Queued> {
        let queue = self.queues.iter_mut().filter(|q| !q.is_empty()).min_by_key(|q| q.front().map_or(i64::MAX, |f| f.key))?;
        let item = queue.pop_front()?;
        self.packets -= 1;
        self.bytes -= item.packet.data.len();
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(track: usize, key: i64) -> Queued {
        Queued { track, key, packet: Packet { track_id: 0, pts_us: key, dts_us: key, duration_us: 0, keyframe: true, data: vec![0] } }
    }

    #[test]
    fn merges_by_key_once_every_track_has_data() {
        let mut il = Interleaver::new(2);
        il.push(queued(0, 0));
        il.push(queued(0, 33));
        assert!(il.pop_ready().is_none());
        il.push(queued(1, 20));
        assert_eq!(il.pop_ready().map(|q| q.key), Some(0));
        assert_eq!(il.pop_ready().map(|q| q.key), Some(20));
        assert!(il.pop_ready().is_none());
        assert_eq!(il.pop_earliest().map(|q| q.key), Some(33));
        assert!(il.pop_earliest().is_none());
    }
}
