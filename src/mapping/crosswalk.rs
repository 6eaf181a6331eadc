//! Crosswalks between two layers (LOR 2006 ↔ LOR 2021, or any two):
//! a weight table from the overlay, with an account of how exact it is.
//!
//! Area weighting assumes people are spread evenly over a unit. Digitising
//! noise between vintages is removed first (the sliver tolerance), so a unit
//! that did not really change maps 1:1 and nobody is lost at the city edge.
//! With a finer population layer (points with counts, e.g. addresses) the
//! weights follow the people instead of the area (dasymetric refinement).

use std::collections::BTreeMap;

use crate::error::{examples, Warnings};
use crate::mapping::weights::{from_parts, Assign, Weight, WeightTable};
use crate::spatial::geometry::{Feature, Layer};
use crate::spatial::overlay::{overlay, unit_parts, PartClass, Tolerance, UnitParts, UnitStatus};

/// One row of a crosswalk.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossRow {
    pub from: String,
    pub to: String,
    /// Area of the part, m².
    pub area: f64,
    /// Share of the source unit's area (before slivers are dropped).
    pub area_share: f64,
    /// Share of the source unit's population, when a population layer was given.
    pub population_share: Option<f64>,
    /// The weight applied (renormalised over the real parts).
    pub weight: f64,
}

/// How exact a crosswalk is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub sources: usize,
    /// Source units that are their target unit (alone in it, up to noise).
    pub one_to_one: usize,
    /// Source units that lie in one target together with other sources.
    pub merged: usize,
    /// Source units split between targets.
    pub split: usize,
    /// Source units outside every target.
    pub outside: usize,
    pub slivers: usize,
    /// The largest part dropped as noise: (from, to, m², share).
    pub largest_sliver: Option<(String, String, f64, f64)>,
}

impl Summary {
    pub fn lines(&self) -> Vec<String> {
        let mut v = vec![format!(
            "{} units: {} mapped 1:1, {} merged with others, {} split, {} outside every target",
            self.sources, self.one_to_one, self.merged, self.split, self.outside
        )];
        if let Some((f, t, a, s)) = &self.largest_sliver {
            v.push(format!(
                "{} slivers dropped as digitising noise; the largest: {f} in {t}, {:.0} m² ({:.3} % of {f})",
                self.slivers,
                a,
                s * 100.0
            ));
        }
        v
    }
}

#[derive(Debug, Clone)]
pub struct Crosswalk {
    pub rows: Vec<CrossRow>,
    pub table: WeightTable,
    pub summary: Summary,
    /// Sources (partly) in no target, and the share that goes nowhere.
    pub unassigned: Vec<(String, f64)>,
}

/// The warning for source units (partly) in no target, with the share of
/// each that goes nowhere.
pub fn unassigned_warnings(unassigned: &[(String, f64)]) -> crate::error::Warnings {
    let mut warnings = crate::error::Warnings::default();
    if !unassigned.is_empty() {
        let list: Vec<String> = unassigned
            .iter()
            .map(|(k, s)| format!("{k} ({:.1} %)", s * 100.0))
            .collect();
        warnings.push(
            crate::error::WarningCode::Unassigned,
            format!(
                "{} source units lie wholly or partly outside every target: {}",
                list.len(),
                crate::error::examples(&list, 5)
            ),
        );
    }
    warnings
}

/// Population per (from, to) part, from points with counts located in the
/// intersection pieces.
pub type PartPopulation = BTreeMap<(String, String), f64>;

/// Build the crosswalk FROM → TO. `level` names the target units in outputs.
///
/// `how`: [`Assign::Largest`] gives each source unit wholly to the target
/// holding its largest real part; [`Assign::Area`] apportions by area. With
/// `population` (people per part), split units are apportioned by people.
pub fn build(
    from: &Layer,
    to: &Layer,
    tol: &Tolerance,
    level: &str,
    how: Assign,
    population: Option<&PartPopulation>,
) -> (Crosswalk, Warnings) {
    let mut warnings = Warnings::default();
    let ov = overlay(from, to, false);
    let units = unit_parts(&ov, from, to, tol);
    let how = if population.is_some() {
        Assign::Area
    } else {
        how
    };
    let (area_table, unassigned) = from_parts(level, &units, how);
    let summary = summarise(&units);

    // Dasymetric weights: the population's shares over the real parts; a
    // source with no population in the layer keeps its area weights.
    let mut weights: PartPopulation = area_table
        .rows()
        .iter()
        .map(|w| ((w.source.clone(), w.target.clone()), w.weight))
        .collect();
    let mut pop_share: PartPopulation = BTreeMap::new();
    if let Some(pop) = population {
        let area_only;
        (pop_share, area_only) = population_shares(&units, pop, &mut weights);
        if !area_only.is_empty() {
            warnings.push(
                crate::error::WarningCode::AreaFallback,
                format!(
                    "{} split units have no population in the population layer; their area shares are used: {}",
                    area_only.len(),
                    examples(&area_only, 5)
                ),
            );
        }
    }

    let rows = cross_rows(from, &units, &weights, population.map(|_| &pop_share));
    let table = positive_weights(level, &rows);
    (
        Crosswalk {
            rows,
            table,
            summary,
            unassigned,
        },
        warnings,
    )
}

/// The weight table of the rows with a positive weight.
fn positive_weights(level: &str, rows: &[CrossRow]) -> WeightTable {
    WeightTable::new(
        level,
        rows.iter()
            .filter(|r| r.weight > 0.0)
            .map(|r| Weight {
                source: r.from.clone(),
                target: r.to.clone(),
                weight: r.weight,
            })
            .collect(),
    )
}

/// The population's share of each (source, target) over the real parts of
/// the source, also written into `weights`; and the split sources with no
/// population, which keep their area weights.
fn population_shares(
    units: &[UnitParts],
    pop: &PartPopulation,
    weights: &mut PartPopulation,
) -> (PartPopulation, Vec<String>) {
    let mut pop_share: PartPopulation = BTreeMap::new();
    let mut by_source: BTreeMap<&str, f64> = BTreeMap::new();
    for ((f, t), v) in pop {
        if weights.contains_key(&(f.clone(), t.clone())) {
            *by_source.entry(f.as_str()).or_default() += v;
        }
    }
    let mut area_only = Vec::new();
    for u in units {
        let total = by_source.get(u.key.as_str()).copied().unwrap_or(0.0);
        let real: Vec<&str> = u
            .parts
            .iter()
            .filter(|p| p.class != PartClass::Noise)
            .filter_map(|p| p.target.as_deref())
            .collect();
        if total <= 0.0 {
            if real.len() > 1 {
                area_only.push(u.key.clone());
            }
            continue;
        }
        for t in real {
            let k = (u.key.clone(), t.to_string());
            let v = pop.get(&k).copied().unwrap_or(0.0) / total;
            pop_share.insert(k.clone(), v);
            weights.insert(k, v);
        }
    }
    (pop_share, area_only)
}

/// One row per part with a target, sorted by (from, to). `pop_share` is
/// given when a population layer was.
fn cross_rows(
    from: &Layer,
    units: &[UnitParts],
    weights: &PartPopulation,
    pop_share: Option<&PartPopulation>,
) -> Vec<CrossRow> {
    let area_of = |f: &Feature| f.area;
    let from_area: BTreeMap<&str, f64> = from
        .features
        .iter()
        .map(|f| (f.id.as_str(), area_of(f)))
        .collect();
    let mut rows = Vec::new();
    for u in units {
        for p in &u.parts {
            let Some(t) = &p.target else { continue };
            let k = (u.key.clone(), t.clone());
            rows.push(CrossRow {
                from: u.key.clone(),
                to: t.clone(),
                area: p.area,
                area_share: p.area / from_area.get(u.key.as_str()).copied().unwrap_or(u.area),
                population_share: pop_share.map(|s| s.get(&k).copied().unwrap_or(0.0)),
                weight: weights.get(&k).copied().unwrap_or(0.0),
            });
        }
    }
    rows.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    rows
}

fn summarise(units: &[UnitParts]) -> Summary {
    let mut contributors: BTreeMap<&str, usize> = BTreeMap::new();
    for u in units {
        for p in u.parts.iter().filter(|p| p.class != PartClass::Noise) {
            if let Some(t) = &p.target {
                *contributors.entry(t.as_str()).or_default() += 1;
            }
        }
    }
    let mut s = Summary {
        sources: units.len(),
        ..Summary::default()
    };
    for u in units {
        match u.status {
            UnitStatus::Split => s.split += 1,
            UnitStatus::Outside => s.outside += 1,
            UnitStatus::Inside => {
                let t = u.largest().and_then(|p| p.target.as_deref()).unwrap_or("");
                if contributors.get(t).copied().unwrap_or(0) <= 1 {
                    s.one_to_one += 1;
                } else {
                    s.merged += 1;
                }
            }
        }
        for p in u.parts.iter().filter(|p| p.class == PartClass::Noise) {
            s.slivers += 1;
            if s.largest_sliver.as_ref().is_none_or(|l| p.area > l.2) {
                s.largest_sliver = Some((
                    u.key.clone(),
                    p.target.clone().unwrap_or_else(|| "(outside)".into()),
                    p.area,
                    p.share,
                ));
            }
        }
    }
    s
}

/// Chain crosswalk or key tables (from, to[, weight]) read from `paths`
/// after `start` (e.g. a crosswalk built from polygons): A → B, B → C, … gives
/// A → C. Warns about keys that are both renamed and rename targets (a
/// cycle?) and about units a table produces that the next has no row for.
pub fn read_chain(
    start: Option<WeightTable>,
    paths: &[std::path::PathBuf],
) -> anyhow::Result<(Option<WeightTable>, Warnings)> {
    let mut warnings = Warnings::default();
    let mut chain = start;
    for (i, path) in paths.iter().enumerate() {
        let (list, w) = crate::mapping::weights::read_list(path, "target")?;
        warnings.extend(w);
        let (linked, w) =
            crate::mapping::chain::link(chain, list.table, &path.display().to_string(), i + 1);
        warnings.extend(w);
        chain = Some(linked);
    }
    Ok((chain, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(key: &str, parts: &[(&str, f64, PartClass)]) -> UnitParts {
        UnitParts {
            key: key.into(),
            name: String::new(),
            area: 100.0,
            parts: parts
                .iter()
                .map(|(t, share, class)| crate::spatial::overlay::Part {
                    target: Some(t.to_string()),
                    area: share * 100.0,
                    share: *share,
                    class: *class,
                })
                .collect(),
            status: UnitStatus::Split,
        }
    }

    fn pair(f: &str, t: &str) -> (String, String) {
        (f.to_string(), t.to_string())
    }

    #[test]
    fn population_shares_follow_the_people_over_the_real_parts() {
        let units = vec![
            unit(
                "A",
                &[
                    ("X", 0.6, PartClass::Split),
                    ("Y", 0.375, PartClass::Split),
                    ("Z", 0.025, PartClass::Noise),
                ],
            ),
            unit(
                "B",
                &[("X", 0.5, PartClass::Split), ("Y", 0.5, PartClass::Split)],
            ),
            unit("C", &[("X", 1.0, PartClass::Inside)]),
        ];
        let mut weights: PartPopulation = [
            (pair("A", "X"), 0.6),
            (pair("A", "Y"), 0.4),
            (pair("B", "X"), 0.5),
            (pair("B", "Y"), 0.5),
            (pair("C", "X"), 1.0),
        ]
        .into();
        // People in the noise part (not a weight) do not count.
        let pop: PartPopulation = [
            (pair("A", "X"), 30.0),
            (pair("A", "Y"), 10.0),
            (pair("A", "Z"), 5.0),
        ]
        .into();
        let (share, area_only) = population_shares(&units, &pop, &mut weights);
        let expect: PartPopulation = [(pair("A", "X"), 0.75), (pair("A", "Y"), 0.25)].into();
        assert_eq!(share, expect);
        assert_eq!(area_only, vec!["B".to_string()]);
        assert_eq!(weights[&pair("A", "X")], 0.75);
        assert_eq!(weights[&pair("A", "Y")], 0.25);
        assert_eq!(weights[&pair("B", "X")], 0.5);
        assert_eq!(weights[&pair("C", "X")], 1.0);
    }

    #[test]
    fn sources_outside_every_target_are_one_warning() {
        assert!(unassigned_warnings(&[]).is_empty());
        let w = unassigned_warnings(&[("04030417".into(), 1.0), ("04030418".into(), 0.125)]);
        let m: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            m,
            vec!["2 source units lie wholly or partly outside every target: 04030417 (100.0 %), 04030418 (12.5 %)"]
        );
        assert!(w.has("unassigned"));
    }
}
