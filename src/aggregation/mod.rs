//! Applying a weight table to a statistics table, column by column, with each column's rule.

pub mod aggregate;
pub mod expr;
pub mod rename;
pub mod rounding;
pub mod rules;
pub mod sozialraum;
pub mod translate;
