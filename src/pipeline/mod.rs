//! What each command runs: the one input assembly ([`inputs`]), and one
//! pipeline per command, `run(&Plan) -> Result<Outcome>`.
//!
//! A pipeline reads the inputs its checked plan names, computes, and
//! renders its documents; it writes nothing and prints nothing. The binary
//! parses the flags into the plan, calls the pipeline once, prints the
//! warnings, applies `--strict`, and hands the outputs to
//! [`crate::render::write::Outputs::write`].

pub mod aggregate;
pub mod catalogue;
pub mod check;
pub mod crosswalk;
pub mod inputs;
pub mod layout;
pub mod map;
pub mod mismatch;
pub mod points;
pub mod report;
pub mod sample;
pub mod series;
pub mod translate;

use crate::error::Warnings;
use crate::render::write::Outputs;

/// What a pipeline returns: the documents to write and what to warn about.
pub type Outcome = (Outputs, Warnings);

/// What a checking pipeline returns (`check`, `mismatch
/// --fail-on-split`): its outcome, and why the run fails once its outputs
/// are written (exit code 3), if it does.
pub type Verdict = (Outcome, Option<String>);
