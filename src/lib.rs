//! `lor`: Berlin LOR statistics, aggregated the way planners need them.
//!
//! Every mapping between two sets of units is a [`mapping::weights::WeightTable`]
//! (source unit, target unit, weight). The LOR hierarchy PLR → BZR → PGR →
//! Bezirk → Berlin is the first of them; aggregation applies one to a
//! statistics table column by column, each with its [`aggregation::rules::Rule`].
//!
//! The folders are layers, from the bottom up; a module never imports from
//! a folder above its own (`ARCHITECTURE.md` lists them, `tests/it/layers.rs`
//! checks it):
//! [`error`], [`text`], [`table`], [`spatial`], [`mapping`], [`aggregation`],
//! [`quality`], [`points`], [`layout`], [`series`], [`sample`], [`render`],
//! [`jobs`], [`pipeline`].

pub mod aggregation;
pub mod error;
pub mod jobs;
pub mod layout;
pub mod mapping;
pub mod pipeline;
pub mod points;
pub mod quality;
pub mod render;
pub mod sample;
pub mod series;
pub mod spatial;
pub mod table;
pub mod text;
