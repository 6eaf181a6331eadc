//! Findings about the data: coverage, totals, values, layer topology (`checks`), what `lor check` reads and checks (`check`), where two boundary systems disagree (`mismatch`), and published tables (`reconcile`).

pub mod check;
pub mod checks;
pub mod mismatch;
pub mod reconcile;
