//! What each command runs: the one input assembly ([`inputs`]) now, one
//! pipeline per command later.

pub mod inputs;
