//! Sozialraum layouts built from LOR units: evaluate a layout, and propose
//! the contiguous layout that moves the fewest people away from a reference.
//!
//! The units (PLR) form a rook-adjacency graph ([`graph`]). A layout assigns
//! every unit (or block of units: a PLR, or a whole BZR) to one region.
//! Against a reference (e.g. the youth-welfare Sozialräume) each unit has a
//! share in every reference region (its area share, or the list's weight);
//! the people of a unit that lie outside the region it is assigned to count
//! as moved. A block's reference region is the one holding most of its
//! people (for a PLR: the largest-share rule).
//!
//! [`propose::propose`] minimises the people moved subject to: every region
//! contiguous, every region non-empty, optionally every region's people
//! within a band around the mean. Small instances (a district) are solved
//! exactly by branch and bound; large ones (all of Berlin) by a documented
//! heuristic whose result is reported with a lower bound.
//!
//! One module per step: the graph of the units ([`graph`]), reading the
//! units and regions ([`input`]), evaluating a layout against a reference
//! ([`evaluate`]), the proposal problem ([`problem`]) solved by the
//! heuristic ([`search`]) or exactly by branch and bound ([`exact`]), the
//! proposal over blocks of units ([`propose`]) and the trade-off between
//! balance and people moved ([`tradeoff`]).

pub mod evaluate;
pub mod exact;
pub mod graph;
pub mod input;
pub mod matching;
pub mod problem;
pub mod propose;
pub mod search;
pub mod tradeoff;

/// A layout over units: `region[i]` indexes `ids`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub ids: Vec<String>,
    pub region: Vec<usize>,
}

/// Shares of each unit in the reference regions: `shares[i]` = (region, share).
pub type Shares = Vec<Vec<(usize, f64)>>;

/// How messages and reports name the reference region of units outside
/// every reference region.
pub const NO_REGION: &str = "(none)";
