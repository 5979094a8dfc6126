//! Fuzz target: `container::probe` on arbitrary bytes must return, never panic or hang.
#![no_main]

use frameloom::container::{SliceSource, probe, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);
    let _ = probe(&mut SliceSource::new(data));
});
