//! Weight tables between sets of units: the LOR hierarchy, PLR → Sozialraum lists and overlays, crosswalks between vintages.

pub mod chain;
pub mod crosswalk;
pub mod sozialraum;
pub mod weights;
