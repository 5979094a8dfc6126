//! The sample table of a progressive file, kept compact while packets arrive
//! (run-length decode and composition times, a size per sample, keyframe
//! numbers, chunks as runs of back-to-back samples) and written as `stbl` boxes.

use super::super::box_writer::BoxWriter;
use super::track_writer::TimedSample;

/// Worst-case `stbl` bytes one sample can add: stts 8, ctts 8, stsz 4, stss 4, stsc 12 and co64 8 (each sample its own chunk).
pub(super) const WORST_CASE_BYTES_PER_SAMPLE: u64 = 44;

/// A growing sample table.
#[derive(Debug, Default)]
pub(super) struct TableWriter {
    stts: Vec<(u32, u32)>,
    ctts: Vec<(u32, i32)>,
    sizes: Vec<u32>,
    sync: Vec<u32>,
    chunks: Vec<(u64, u32)>,
    next_offset: Option<u64>,
}

fn push_run<T: PartialEq + Copy>(runs: &mut Vec<(u32, T)>, value: T) {
    match runs.last_mut() {
        Some((count, v)) if *v == value => *count += 1,
        _ => runs.push((1, value)),
    }
}

impl TableWriter {
    /// Records `sample`, whose bytes were written at file offset `offset`.
    pub fn push(&mut self, sample: &TimedSample, offset: u64) {
        push_run(&mut self.stts, sample.duration);
        push_run(&mut self.ctts, sample.cts_offset);
        self.sizes.push(sample.size);
        if sample.sync {
            self.sync.push(self.sizes.len() as u32);
        }
        match self.chunks.last_mut() {
            Some((_, count)) if self.next_offset == Some(offset) => *count += 1,
            _ => self.chunks.push((offset, 1)),
        }
        self.next_offset = Some(offset + u64::from(sample.size));
    }

    /// Writes `stts`, `ctts` (when needed), `stss` (unless all are keyframes), `stsc`, `stsz` and `stco`/`co64`.
    pub fn write(&self, w: &mut BoxWriter) {
        w.start_full(b"stts", 0, 0).u32(self.stts.len() as u32);
        for &(count, delta) in &self.stts {
            w.u32(count).u32(delta);
        }
        w.end();
        if self.ctts.iter().any(|&(_, offset)| offset != 0) {
            let signed = self.ctts.iter().any(|&(_, offset)| offset < 0);
            w.start_full(b"ctts", u8::from(signed), 0).u32(self.ctts.len() as u32);
            for &(count, offset) in &self.ctts {
                w.u32(count).i32(offset);
            }
            w.end();
        }
        if self.sync.len() != self.sizes.len() {
            w.start_full(b"stss", 0, 0).u32(self.sync.len() as u32);
            for &n in &self.sync {
                w.u32(n);
            }
            w.end();
        }
        self.write_stsc(w);
        let constant = self.sizes.first().filter(|&&s| self.sizes.iter().all(|&x| x == s));
        w.start_full(b"stsz", 0, 0).u32(constant.copied().unwrap_or(0)).u32(self.sizes.len() as u32);
        if constant.is_none() {
            for &s in &self.sizes {
                w.u32(s);
            }
        }
        w.end();
        let wide = self.chunks.iter().any(|&(offset, _)| offset > u64::from(u32::MAX));
        w.start_full(if wide { b"co64" } else { b"stco" }, 0, 0).u32(self.chunks.len() as u32);
        for &(offset, _) in &self.chunks {
            if wide {
                w.u64(offset)
            } else {
                w.u32(offset as u32)
            };
        }
        w.end();
    }

    fn write_stsc(&self, w: &mut BoxWriter) {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for (index, &(_, count)) in self.chunks.iter().enumerate() {
            if runs.last().is_none_or(|&(_, c)| c != count) {
                runs.push((index as u32 + 1, count));
            }
        }
        w.start_full(b"stsc", 0, 0).u32(runs.len() as u32);
        for (first_chunk, count) in runs {
            w.u32(first_chunk).u32(count).u32(1);
        }
        w.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::mp4::box_reader::Children;

    #[test]
    fn runs_and_chunks_are_compact() {
        let mut t = TableWriter::default();
        let s = |dts, sync| TimedSample { dts, duration: 512, cts_offset: 1024, sync, size: 10 };
        t.push(&s(0, true), 100);
        t.push(&s(512, false), 110);
        t.push(&s(1024, false), 500);
        let mut w = BoxWriter::new();
        t.write(&mut w);
        let bytes = w.into_bytes();
        let kinds: Vec<_> = Children::new(&bytes, 0).map(|b| b.unwrap().kind).collect();
        assert_eq!(kinds, [*b"stts", *b"ctts", *b"stss", *b"stsc", *b"stsz", *b"stco"]);
        assert_eq!(t.stts, [(3, 512)]);
        assert_eq!(t.chunks, [(100, 2), (500, 1)]);
    }

    #[test]
    fn reader_gets_back_signed_offsets_and_64_bit_chunks() {
        let mut t = TableWriter::default();
        let far = 5_000_000_000u64;
        let samples = [(0, 1024, true, 7), (512, -512, false, 9), (1024, 0, false, 9)];
        for (i, &(dts, cts_offset, sync, size)) in samples.iter().enumerate() {
            t.push(&TimedSample { dts, duration: 512, cts_offset, sync, size }, far + 100 * i as u64);
        }
        let mut w = BoxWriter::new();
        w.start(b"stbl");
        t.write(&mut w);
        w.end();
        let bytes = w.into_bytes();
        let stbl = Children::new(&bytes, 0).next().unwrap().unwrap();
        let kinds: Vec<_> = Children::of(&stbl).map(|b| b.unwrap().kind).collect();
        assert!(kinds.contains(b"co64") && kinds.contains(b"ctts"));
        let table = crate::container::mp4::sample_table::SampleTable::from_stbl(&stbl, u64::MAX).unwrap();
        let got: Vec<_> = table.iter().map(|s| (s.offset, s.dts, s.cts(), s.record.sync, s.record.size)).collect();
        assert_eq!(got, [(far, 0, 1024, true, 7), (far + 100, 512, 0, false, 9), (far + 200, 1024, 1024, false, 9)]);
    }
}
