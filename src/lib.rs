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
//! - [`check`]: coverage and the file's own totals;
//! - [`rules`]: the aggregation rule of each column;
//! - [`weights`]: weight tables;
//! - [`aggregate`]: applying a weight table with the rules;
//! - [`output`]: CSV, Excel-CSV, JSON, Parquet, XLSX, terminal tables;
//! - [`sample`]: the bundled invented district.

pub mod aggregate;
pub mod check;
pub mod crosswalk;
pub mod crs;
pub mod error;
pub mod geometry;
pub mod input;
pub mod key;
pub mod layout;
pub mod locate;
pub mod map;
pub mod names;
pub mod output;
pub mod overlay;
pub mod points;
pub mod report;
pub mod rules;
pub mod sample;
pub mod sozialraum;
pub mod stats;
pub mod weights;
