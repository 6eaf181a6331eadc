//! `lor`: Berlin LOR statistics, aggregated the way planners need them.
//!
//! Every mapping between two sets of units is a [`weights::WeightTable`]
//! (source unit, target unit, weight). The LOR hierarchy PLR → BZR → PGR →
//! Bezirk → Berlin is the first of them; aggregation applies one to a
//! statistics table column by column, each with its [`rules::Rule`].
//!
//! The folders are layers, from the bottom up (a module never imports from
//! a folder above its own; `tests/it/layers.rs` checks it):
//! - [`error`] and [`text`]: errors, exit codes and warning codes; numbers and names as written;
//! - [`table`]: LOR keys, statistics input, names, scope, the built-in catalogue;
//! - [`spatial`]: layers, CRS, repair, overlay, point location;
//! - [`mapping`]: weight tables, Sozialräume, crosswalks;
//! - [`aggregation`]: rules, applying a weight table, rounding, series;
//! - [`quality`] and [`facilities`]: checks, mismatch, points;
//! - [`render`]: every output format and the one output path;
//! - [`jobs`]: job files for unattended runs (`lor run`);
//! - [`sample`]: the bundled invented district.

pub mod aggregation;
pub mod error;
pub mod jobs;
pub mod layout;
pub mod mapping;
pub mod points;
pub mod quality;
pub mod render;
pub mod sample;
pub mod series;
pub mod spatial;
pub mod table;
pub mod text;
