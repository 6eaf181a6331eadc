//! Weight tables between sets of units: the LOR hierarchy, PLR → Sozialraum lists and overlays, crosswalks between vintages and their chains.

pub mod chain;
pub mod crosswalk;
pub mod layout;
pub mod layout_report;
pub mod sozialraum;
pub mod weights;
