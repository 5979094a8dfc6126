//! Fuzz target: open a demuxer on arbitrary bytes, drain its packets, and remux
//! them into MP4 and WebM. Everything must return, never panic or hang.
#![no_main]

use frameloom::container::mp4::{Mp4Muxer, Mp4Options};
use frameloom::container::webm::{WebmMuxer, WebmOptions};
use frameloom::container::{MuxTrack, Muxer, Packet, SliceSource, VecSink, open_demuxer, probe};
use libfuzzer_sys::fuzz_target;

/// Stop draining after this many packets (a hostile index may declare millions of tiny samples).
const MAX_PACKETS: usize = 100_000;
/// Stop draining after this many packet bytes (samples may overlap, so the total can exceed the input).
const MAX_BYTES: usize = 64 << 20;

/// A muxer that is dropped at its first error: the fuzzer only cares that it returns.
struct Remux {
    mp4: Option<Mp4Muxer<VecSink>>,
    webm: Option<WebmMuxer<VecSink>>,
}

impl Remux {
    fn new(tracks: &[MuxTrack]) -> Self {
        Self {
            mp4: Mp4Muxer::new(VecSink::default(), tracks, Mp4Options::default()).ok(),
            webm: WebmMuxer::new(VecSink::default(), tracks, WebmOptions::default()).ok(),
        }
    }

    fn write(&mut self, index: usize, packet: &Packet) {
        if self.mp4.as_mut().is_some_and(|m| m.write_packet(index, packet).is_err()) {
            self.mp4 = None;
        }
        if self.webm.as_mut().is_some_and(|m| m.write_packet(index, packet).is_err()) {
            self.webm = None;
        }
    }

    /// Finishes both files and probes what was written (the demuxers must cope with muxer output too).
    fn finish(self) {
        if let Some(mut m) = self.mp4
            && m.finish().is_ok()
        {
            let _ = probe(&mut SliceSource::new(&m.into_sink().bytes));
        }
        if let Some(mut m) = self.webm
            && m.finish().is_ok()
        {
            let _ = probe(&mut SliceSource::new(&m.into_sink().bytes));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut demuxer) = open_demuxer(Box::new(SliceSource::new(data))) else { return };
    let ids: Vec<u32> = demuxer.tracks().iter().map(|t| t.id).collect();
    let tracks: Vec<MuxTrack> = demuxer.tracks().iter().map(MuxTrack::from).collect();
    let mut remux = Remux::new(&tracks);
    let mut bytes = 0usize;
    for _ in 0..MAX_PACKETS {
        let Ok(Some(packet)) = demuxer.next_packet() else { break };
        bytes = bytes.saturating_add(packet.data.len());
        if bytes > MAX_BYTES {
            break;
        }
        if let Some(index) = ids.iter().position(|&id| id == packet.track_id) {
            remux.write(index, &packet);
        }
    }
    remux.finish();
    // Seeking back (through sample tables, Cues or a Cluster scan) must not panic or hang either.
    if let Some(&id) = ids.first()
        && demuxer.seek(id, 1_000_000).is_ok()
    {
        for _ in 0..64 {
            let Ok(Some(_)) = demuxer.next_packet() else { break };
        }
    }
});
