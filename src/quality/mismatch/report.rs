//! Reports: where two boundary systems disagree (`lor mismatch`).
//!
//! The report reads the classified overlay of layer A (e.g. LOR PLR) on
//! layer B (e.g. Sozialräume): per unit of A the units of B it falls into,
//! rolled up to the LOR levels of A; per unit of B the units of A that
//! compose it; and, with statistics, the people in the split parts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::spatial::overlay::{PartClass, Tolerance, UnitParts, UnitStatus};
use crate::table::key::Level;
use crate::text::{short, thousands};

/// One level of the report (the units of A, or a roll-up to BZR/PGR).
#[derive(Debug, Clone)]
pub struct LevelReport {
    /// `plr`, `bzr`, `pgr`, … or `unit` for layers without LOR keys.
    pub level: String,
    pub title: &'static str,
    pub units: Vec<UnitParts>,
    /// People per unit and target (`None` = outside every target), when
    /// statistics were given.
    pub people: BTreeMap<String, BTreeMap<Option<String>, f64>>,
}

impl LevelReport {
    pub fn split(&self) -> impl Iterator<Item = &UnitParts> {
        self.units.iter().filter(|u| u.status == UnitStatus::Split)
    }

    /// People of unit `key` in target `t`.
    pub fn people_in(&self, key: &str, t: &Option<String>) -> Option<f64> {
        self.people
            .get(key)
            .map(|m| m.get(t).copied().unwrap_or(0.0))
    }

    pub fn people_total(&self, key: &str) -> Option<f64> {
        self.people.get(key).map(|m| m.values().sum())
    }

    /// People in the real parts of split units other than each unit's largest part.
    pub fn people_in_split_parts(&self) -> Option<f64> {
        if self.people.is_empty() {
            return None;
        }
        Some(
            self.split()
                .map(|u| {
                    u.parts
                        .iter()
                        .filter(|p| p.class != PartClass::Noise)
                        .skip(1)
                        .filter_map(|p| self.people_in(&u.key, &p.target))
                        .sum::<f64>()
                })
                .sum(),
        )
    }
}

/// The whole mismatch report.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub a_source: String,
    pub b_source: String,
    pub tolerance: Tolerance,
    /// Finest first.
    pub levels: Vec<LevelReport>,
    /// Units of B: key → (name, area).
    pub b_units: BTreeMap<String, (String, f64)>,
    pub people_column: Option<String>,
}

fn title(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::Plr) => "Planungsräume",
        Some(Level::Bzr) => "Bezirksregionen",
        Some(Level::Pgr) => "Prognoseräume",
        Some(Level::Bezirk) => "Bezirke",
        Some(Level::Berlin) => "Berlin",
        None => "units",
    }
}

/// What a mismatch report is built from.
pub struct MismatchInput<'a> {
    /// The names of the two layers, for the report.
    pub a_source: &'a str,
    pub b_source: &'a str,
    /// The classified units of A.
    pub units: Vec<UnitParts>,
    /// The LOR level of A's units, if they have LOR keys.
    pub a_level: Option<Level>,
    /// Coarser LOR levels to roll A's units up to.
    pub rollups: &'a [Level],
    /// The name of a unit of A or of a roll-up unit.
    pub name_of: &'a dyn Fn(&str) -> String,
    /// The units of B: (name, area in m²) by key.
    pub b_units: BTreeMap<String, (String, f64)>,
    /// People per unit of A: (column, value by key).
    pub people: Option<(&'a str, &'a BTreeMap<String, f64>)>,
    pub tol: Tolerance,
}

impl Mismatch {
    /// Build the report from the classified units of A. `people` are the
    /// values per unit of A (e.g. `E_E` per PLR); they are apportioned to
    /// parts by area.
    pub fn new(input: MismatchInput<'_>) -> Mismatch {
        let MismatchInput {
            a_source,
            b_source,
            units,
            a_level,
            rollups,
            name_of,
            b_units,
            people,
            tol,
        } = input;
        // People of each A unit by target, apportioned by area share.
        let mut base_people: BTreeMap<String, BTreeMap<Option<String>, f64>> = BTreeMap::new();
        if let Some((_, values)) = people {
            for u in &units {
                if let Some(v) = values.get(&u.key) {
                    let m = base_people.entry(u.key.clone()).or_default();
                    for p in &u.parts {
                        *m.entry(p.target.clone()).or_default() += v * p.share;
                    }
                }
            }
        }
        let mut levels = vec![LevelReport {
            level: a_level
                .map(|l| l.code().to_string())
                .unwrap_or_else(|| "unit".into()),
            title: title(a_level),
            units: units.clone(),
            people: base_people.clone(),
        }];
        if let Some(al) = a_level {
            for &l in rollups.iter().filter(|l| **l > al && **l != Level::Berlin) {
                let rolled = crate::spatial::overlay::roll_up(&units, l, name_of, &tol);
                let mut ppl: BTreeMap<String, BTreeMap<Option<String>, f64>> = BTreeMap::new();
                for (k, m) in &base_people {
                    let e = ppl.entry(l.parent_of(k).to_string()).or_default();
                    for (t, v) in m {
                        *e.entry(t.clone()).or_default() += v;
                    }
                }
                levels.push(LevelReport {
                    level: l.code().to_string(),
                    title: title(Some(l)),
                    units: rolled,
                    people: ppl,
                });
            }
        }
        Mismatch {
            a_source: a_source.to_string(),
            b_source: b_source.to_string(),
            tolerance: tol,
            levels,
            b_units,
            people_column: people.map(|(c, _)| c.to_string()),
        }
    }

    pub fn any_split(&self) -> bool {
        self.levels.iter().any(|l| l.split().next().is_some())
    }

    pub(crate) fn b_name(&self, t: &Option<String>) -> String {
        match t {
            None => "(outside every unit)".into(),
            Some(k) => match self.b_units.get(k) {
                Some((n, _)) if !n.is_empty() => format!("{k} {n}"),
                _ => k.clone(),
            },
        }
    }

    /// One line per level a planner can quote.
    pub fn summary(&self) -> Vec<String> {
        self.levels
            .iter()
            .map(|l| {
                let n = l.units.len();
                let s = l.split().count();
                let mut line = format!(
                    "{s} of {n} {} {} split between the units of {}",
                    l.title,
                    if s == 1 { "is" } else { "are" },
                    short(&self.b_source)
                );
                if let (Some(p), Some(col)) = (l.people_in_split_parts(), &self.people_column) {
                    let _ = write!(line, "; {} {col} live in the split parts", thousands(p));
                }
                let outside = l
                    .units
                    .iter()
                    .filter(|u| u.status == UnitStatus::Outside)
                    .count();
                if outside > 0 {
                    let _ = write!(line, "; {outside} outside every unit");
                }
                line
            })
            .collect()
    }

    /// People as a suffix for a text line: ", 1.234 E_E" (`format`
    /// places value and column), nothing without statistics.
    pub(crate) fn people_text(
        &self,
        people: Option<f64>,
        format: fn(&str, &str) -> String,
    ) -> String {
        people
            .map(|p| format(&thousands(p), self.people_column.as_deref().unwrap_or("")))
            .unwrap_or_default()
    }

    /// One row per unit and part, at every level.
    pub fn rows(&self) -> Vec<MismatchRow> {
        let mut rows = Vec::new();
        for l in &self.levels {
            for u in &l.units {
                for p in &u.parts {
                    rows.push(MismatchRow {
                        level: l.level.clone(),
                        key: u.key.clone(),
                        name: u.name.clone(),
                        status: u.status.label(),
                        area_m2: u.area,
                        target: p.target.clone().unwrap_or_default(),
                        target_name: p
                            .target
                            .as_ref()
                            .and_then(|t| self.b_units.get(t))
                            .map(|x| x.0.clone())
                            .unwrap_or_default(),
                        part_m2: p.area,
                        share: p.share,
                        class: p.class.label(),
                        people: l.people_in(&u.key, &p.target),
                    });
                }
            }
        }
        rows
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MismatchRow {
    pub level: String,
    pub key: String,
    pub name: String,
    pub status: &'static str,
    pub area_m2: f64,
    pub target: String,
    pub target_name: String,
    pub part_m2: f64,
    pub share: f64,
    pub class: &'static str,
    pub people: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(12345.4), "12,345");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(3769962.0), "3,769,962");
        assert_eq!(thousands(-1000.0), "-1,000");
    }
}
