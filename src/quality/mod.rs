//! Findings about the data: coverage, totals, values, layer topology, and where two boundary systems disagree.

pub mod check;
pub mod delivery;
pub mod mismatch;
pub mod reconcile;
pub mod report;
