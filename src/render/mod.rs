//! Writing results: tables in every format, the one output path, SVG/PNG maps and the HTML report.

pub mod classify;
pub mod crosswalk;
pub mod draw;
pub mod labels;
pub mod layout;
pub mod map;
pub mod mismatch;
pub mod notes;
pub mod output;
pub mod report;
pub mod write;
