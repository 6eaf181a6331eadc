//! Point data (Kitas, youth facilities): locating points in units and turning the tallies into unit tables.

pub mod per_unit;
pub mod point_tables;
pub mod points;
