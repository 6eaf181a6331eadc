//! Writing results: tables in every format, GeoJSON and SVG maps.

pub mod map;
pub mod output;
