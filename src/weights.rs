//! Weight tables: every mapping between two sets of units.
//!
//! A weight table lists `(source unit, target unit, weight)`: the share of the
//! source unit that belongs to the target unit. The LOR hierarchy (all weights
//! 1), a PLR → Sozialraum list, an area overlay and a crosswalk between LOR
//! vintages are all weight tables; aggregation applies one to a statistics
//! table.

use std::collections::{BTreeMap, BTreeSet};

use crate::key::Level;

#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    pub source: String,
    pub target: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeightTable {
    /// Name of the target level as written in the `level` output column
    /// (`bzr`, `pgr`, `bez`, `berlin`, `sozialraum`, …).
    pub level: String,
    /// Rows sorted by (target, source): the order in which sums are taken, so
    /// that results never depend on the order of the input.
    rows: Vec<Weight>,
}

impl WeightTable {
    pub fn new(level: impl Into<String>, mut rows: Vec<Weight>) -> WeightTable {
        rows.sort_by(|a, b| {
            (a.target.as_str(), a.source.as_str()).cmp(&(b.target.as_str(), b.source.as_str()))
        });
        WeightTable {
            level: level.into(),
            rows,
        }
    }

    /// The LOR hierarchy from the key digits: every source key to its parent
    /// at `level`, weight 1.
    pub fn hierarchy<'a>(keys: impl IntoIterator<Item = &'a str>, level: Level) -> WeightTable {
        let rows = keys
            .into_iter()
            .map(|k| Weight {
                source: k.to_string(),
                target: level.parent_of(k).to_string(),
                weight: 1.0,
            })
            .collect();
        WeightTable::new(level.code(), rows)
    }

    pub fn rows(&self) -> &[Weight] {
        &self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Target units in key order.
    pub fn targets(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.rows.iter().map(|w| w.target.as_str()).collect();
        set.into_iter().collect()
    }

    /// Source units in key order.
    pub fn sources(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|w| w.source.as_str()).collect()
    }

    /// Rows grouped by target, in key order (each group sorted by source).
    pub fn groups(&self) -> impl Iterator<Item = (&str, &[Weight])> {
        self.rows
            .chunk_by(|a, b| a.target == b.target)
            .map(|g| (g[0].target.as_str(), g))
    }

    /// Total weight per source unit. For a table that neither loses nor
    /// invents anything each is 1.
    pub fn source_totals(&self) -> BTreeMap<&str, f64> {
        let mut m: BTreeMap<&str, f64> = BTreeMap::new();
        for w in &self.rows {
            *m.entry(w.source.as_str()).or_default() += w.weight;
        }
        m
    }

    /// Sources whose weights do not add up to 1 (within `tol`).
    pub fn incomplete_sources(&self, tol: f64) -> Vec<(&str, f64)> {
        self.source_totals()
            .into_iter()
            .filter(|(_, t)| (t - 1.0).abs() > tol)
            .collect()
    }

    /// Chain two tables: `self` maps A → B, `next` maps B → C; the result maps
    /// A → C with weight Σ_b w(a,b)·w(b,c).
    pub fn then(&self, next: &WeightTable) -> WeightTable {
        let mut by_source: BTreeMap<&str, Vec<&Weight>> = BTreeMap::new();
        for w in &next.rows {
            by_source.entry(w.source.as_str()).or_default().push(w);
        }
        let mut acc: BTreeMap<(String, String), f64> = BTreeMap::new();
        for a in &self.rows {
            if let Some(nexts) = by_source.get(a.target.as_str()) {
                for b in nexts {
                    *acc.entry((a.source.clone(), b.target.clone())).or_default() +=
                        a.weight * b.weight;
                }
            }
        }
        let rows = acc
            .into_iter()
            .map(|((source, target), weight)| Weight {
                source,
                target,
                weight,
            })
            .collect();
        WeightTable::new(next.level.clone(), rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_and_chain() {
        let keys = ["04030417", "04030418", "04020101"];
        let bzr = WeightTable::hierarchy(keys, Level::Bzr);
        assert_eq!(bzr.targets(), vec!["040201", "040304"]);
        let pgr = WeightTable::hierarchy(bzr.targets(), Level::Pgr);
        let chained = bzr.then(&pgr);
        assert_eq!(chained, WeightTable::hierarchy(keys, Level::Pgr));
        assert!(chained.incomplete_sources(1e-12).is_empty());
    }
}
