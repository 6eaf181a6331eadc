//! Writing results: tables in every format, GeoJSON and SVG maps.

pub mod atlas;
pub mod board;
pub mod classify;
pub mod labels;
pub mod map;
pub mod output;
pub mod write;
