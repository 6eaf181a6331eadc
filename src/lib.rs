//! `lor`: Berlin LOR statistics, aggregated the way planners need them.
//!
//! Every mapping between two sets of units is a [`weights::WeightTable`]
//! (source unit, target unit, weight). The LOR hierarchy PLR → BZR → PGR →
//! Bezirk → Berlin is the first of them; aggregation applies one to a
//! statistics table column by column, each with its [`rules::Rule`].
//!
//! Modules, in the order data flows through them:
//! - [`key`]: LOR keys, levels and vintages;
//! - [`stats`]: statistics input (CSV dialects, XLSX);
//! - [`names`]: unit names and the reference list of PLR;
//! - [`scope`]: one Bezirk or all of Berlin, and where names come from;
//! - [`catalogue`]: the built-in LOR 2006/2021 key lists and the bundled geometry's short names;
//! - [`check`]: coverage and the file's own totals;
//! - [`rules`]: the aggregation rule of each column;
//! - [`weights`]: weight tables;
//! - [`aggregate`]: applying a weight table with the rules;
//! - [`output`]: CSV, Excel-CSV, JSON, Parquet, XLSX, terminal tables;
//! - [`write`](mod@write): the one output path (files and stdout, all-or-none commits,
//!   never onto an input);
//! - [`jobs`]: job files for unattended runs (`lor run`);
//! - [`sample`]: the bundled invented district.

// The modules, grouped by what they do. Each is also reachable at its old
// path (`lor::stats`, `lor::geometry`, …), which the rest of the code uses.
pub mod aggregation;
pub mod error;
pub mod facilities;
pub mod jobs;
pub mod mapping;
pub mod quality;
pub mod render;
pub mod sample;
pub mod spatial;
pub mod table;

pub use aggregation::{aggregate, expr, rounding, rules, series};
pub use facilities::{point_tables, points};
pub use mapping::{chain, crosswalk, layout, sozialraum, weights};
pub use quality::{check, mismatch, reconcile, report};
pub use render::{atlas, board, classify, labels, map, output, write};
pub use spatial::{crs, geometry, locate, overlay, repair};
pub use table::{catalogue, input, key, names, scope, stats};
