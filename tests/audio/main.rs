//! Signal tests of `frameloom::audio`: measured frequencies, levels, exact lengths,
//! chunking independence, timeline envelopes and long-run sync.

mod chain;
#[path = "../common/mod.rs"]
mod common;
mod mixer;
mod reference;
mod resample;
mod signal;
mod stretch;
