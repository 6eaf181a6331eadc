//! Polygon layers: reading (GeoJSON, Shapefile), CRS, repair, spatial index, overlays and point location.

pub mod crs;
pub mod geometry;
pub mod locate;
pub mod overlay;
pub mod repair;
pub mod scope;
