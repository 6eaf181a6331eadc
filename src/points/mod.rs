//! Point data (Kitas, youth facilities), `lor points`: reading and locating points (`read`), turning the tallies into unit tables (`tables`), and the whole run per unit (`per_unit`).

pub mod per_unit;
pub mod population;
pub mod read;
pub mod tables;
