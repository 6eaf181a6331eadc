//! Tables in: statistics (CSV dialects, XLSX), LOR keys, unit names, and the scope of a run (one Bezirk, names precedence).

pub mod catalogue;
pub mod columns;
pub mod input;
pub mod key;
pub mod level;
pub mod names;
pub mod population;
pub mod scope;
pub mod stats;
pub mod vintage;
