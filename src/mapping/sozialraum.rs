//! Sozialräume: units that do not follow LOR, as polygons or as a list.
//!
//! Either way the result is a weight table PLR → Sozialraum that
//! [`crate::aggregation::aggregate::aggregate`] applies like the LOR hierarchy, plus an
//! account of every PLR that is not (fully) assigned.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use crate::aggregation::aggregate::{aggregate, MissingPolicy};
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::aggregation::rules::{ColumnRule, Rule};
use crate::error::{examples, usage_error, Warnings};
use crate::mapping::weights::{expand_to, from_parts, Assign, ListTable, Weight, WeightTable};
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::{overlay, unit_parts, Tolerance, UnitParts};
use crate::table::stats::StatTable;

/// Where the Sozialräume come from.
pub enum Source {
    Polygons(Layer),
    List(ListTable),
}

/// PLR → Sozialraum, with what could not be assigned.
pub struct Assignment {
    pub weights: WeightTable,
    pub names: BTreeMap<String, String>,
    /// PLR (of the statistics) and the share of each that is in no Sozialraum.
    pub unassigned: Vec<(String, f64)>,
    /// Statistics keys without a geometry in the units layer.
    pub without_geometry: Vec<String>,
    /// The classified overlay, for polygons.
    pub parts: Option<Vec<UnitParts>>,
    /// Every Sozialraum, also those that receive no PLR.
    pub targets: Vec<String>,
}

pub const LEVEL: &str = "sozialraum";

/// Key of the row with what is in no target unit.
pub const UNASSIGNED_KEY: &str = "-";
/// Name of the row with what is in no target unit.
pub const UNASSIGNED_NAME: &str = "nicht zugeordnet";

/// Build the PLR → Sozialraum weights for the keys of `table`.
pub fn assign(
    table: &StatTable,
    units: Option<&Layer>,
    source: &Source,
    how: Assign,
    tol: &Tolerance,
) -> Result<(Assignment, Warnings)> {
    let keys: BTreeSet<&str> = table.keys.iter().map(String::as_str).collect();
    match source {
        Source::Polygons(sr) => {
            let units = units.ok_or_else(|| {
                usage_error(
                    "Sozialraum polygons need the PLR polygons too: add --units PLR_GEOMETRY",
                )
            })?;
            Ok(assign_polygons(&keys, units, sr, how, tol))
        }
        Source::List(list) => assign_list(table, &keys, list),
    }
}

/// [`assign`] for Sozialraum polygons: overlay the PLR polygons of `keys`
/// with them.
fn assign_polygons(
    keys: &BTreeSet<&str>,
    units: &Layer,
    sr: &Layer,
    how: Assign,
    tol: &Tolerance,
) -> (Assignment, Warnings) {
    let mut warnings = Warnings::default();
    let ov = overlay(units, sr, false);
    let parts = unit_parts(&ov, units, sr, tol);
    let (all, unassigned_all) = from_parts(LEVEL, &parts, how);
    let have: BTreeSet<&str> = units.features.iter().map(|f| f.id.as_str()).collect();
    let without_geometry: Vec<String> = keys
        .iter()
        .filter(|k| !have.contains(*k))
        .map(|k| k.to_string())
        .collect();
    let weights = WeightTable::new(
        LEVEL,
        all.rows()
            .iter()
            .filter(|w| keys.contains(w.source.as_str()))
            .cloned()
            .collect(),
    );
    let unassigned = polygon_unassigned(keys, unassigned_all, &without_geometry);
    let noise = noise_parts(keys, &parts);
    if noise > 0 && how == Assign::Area {
        warnings.push(
        crate::error::WarningCode::Slivers,
            format!(
                "{noise} slivers below the tolerance (under {} % of their PLR or under {} m²) were dropped as digitising noise; the rest of each PLR was renormalised",
                tol.min_share * 100.0,
                tol.min_area
            ),
        );
    }
    let names = sr
        .features
        .iter()
        .filter(|f| !f.name.is_empty())
        .map(|f| (f.id.clone(), f.name.clone()))
        .collect();
    let assignment = Assignment {
        weights,
        names,
        unassigned,
        without_geometry,
        parts: Some(parts),
        targets: sr.features.iter().map(|f| f.id.clone()).collect(),
    };
    (assignment, warnings)
}

/// The unassigned shares of the PLR in `keys` (those without a geometry
/// count whole), sorted by key.
fn polygon_unassigned(
    keys: &BTreeSet<&str>,
    unassigned_all: Vec<(String, f64)>,
    without_geometry: &[String],
) -> Vec<(String, f64)> {
    let mut unassigned: Vec<(String, f64)> = unassigned_all
        .into_iter()
        .filter(|(k, _)| keys.contains(k.as_str()))
        .collect();
    unassigned.extend(without_geometry.iter().map(|k| (k.clone(), 1.0)));
    unassigned.sort_by(|a, b| a.0.cmp(&b.0));
    unassigned
}

/// How many overlay parts of the PLR in `keys` are slivers dropped as noise.
fn noise_parts(keys: &BTreeSet<&str>, parts: &[UnitParts]) -> usize {
    parts
        .iter()
        .filter(|u| keys.contains(u.key.as_str()))
        .map(|u| {
            u.parts
                .iter()
                .filter(|p| p.class == crate::spatial::overlay::PartClass::Noise)
                .count()
        })
        .sum()
}

/// [`assign`] for a Sozialraum list: expand it to the keys of `table`.
fn assign_list(
    table: &StatTable,
    keys: &BTreeSet<&str>,
    list: &ListTable,
) -> Result<(Assignment, Warnings)> {
    let mut warnings = Warnings::default();
    if list.key_level < table.level {
        return Err(usage_error(format!(
            "the list assigns {} but the statistics are per {}: a finer list cannot be applied to coarser figures",
            list.key_level.german_plural(),
            table.level.german()
        )));
    }
    let weights = expand_to(&list.table, keys.iter().copied());
    let unassigned = list_unassigned(keys, &weights);
    let unknown = unknown_list_units(keys, list);
    if !unknown.is_empty() {
        warnings.push(
            crate::error::WarningCode::UnknownKey,
            format!(
                "{} units of the list have no rows in the statistics: {}",
                unknown.len(),
                examples(&unknown, 5)
            ),
        );
    }
    let assignment = Assignment {
        weights,
        names: list.target_names.clone(),
        unassigned,
        without_geometry: Vec::new(),
        parts: None,
        targets: list.table.targets().iter().map(|t| t.to_string()).collect(),
    };
    Ok((assignment, warnings))
}

/// The keys whose list weights sum to less than 1, with the missing share.
fn list_unassigned(keys: &BTreeSet<&str>, weights: &WeightTable) -> Vec<(String, f64)> {
    let totals = weights.source_totals();
    let mut unassigned: Vec<(String, f64)> = Vec::new();
    for k in keys {
        let t = totals.get(k).copied().unwrap_or(0.0);
        if t < 1.0 - 1e-9 {
            unassigned.push((k.to_string(), 1.0 - t));
        }
    }
    unassigned
}

/// Units of the list that no key of the statistics starts with.
fn unknown_list_units<'a>(keys: &BTreeSet<&str>, list: &'a ListTable) -> Vec<&'a str> {
    let listed: BTreeSet<&str> = list.table.sources();
    listed
        .iter()
        .filter(|l| !keys.iter().any(|k| k.starts_with(*l)))
        .copied()
        .collect()
}

/// Warnings about PLR that are not (fully) in any Sozialraum, with how much
/// of `column` (e.g. `E_E`) that leaves out.
pub fn report_unassigned(table: &StatTable, a: &Assignment, column: Option<&str>) -> Warnings {
    let mut w = Warnings::default();
    let col = column.and_then(|c| table.column(c));
    let value = |key: &str| -> Option<f64> {
        let i = table.keys.iter().position(|k| k == key)?;
        col.and_then(|c| c.cells[i].num())
    };
    let fmt_total = |items: &[(String, f64)]| -> String {
        match (column, col) {
            (Some(name), Some(_)) => {
                let s: f64 = items
                    .iter()
                    .filter_map(|(k, share)| value(k).map(|v| v * share))
                    .sum();
                format!(" ({} {name})", crate::text::thousands(s))
            }
            _ => String::new(),
        }
    };
    if !a.without_geometry.is_empty() {
        let items: Vec<(String, f64)> = a
            .without_geometry
            .iter()
            .map(|k| (k.clone(), 1.0))
            .collect();
        w.push(
                crate::error::WarningCode::NoGeometry,
            format!(
                "{} keys of {} have no geometry in the units layer{}, so they are in no Sozialraum: {}",
                items.len(),
                table.source,
                fmt_total(&items),
                examples(&a.without_geometry, 5)
            ),
        );
    }
    let outside: Vec<(String, f64)> = a
        .unassigned
        .iter()
        .filter(|(k, _)| !a.without_geometry.contains(k))
        .cloned()
        .collect();
    if !outside.is_empty() {
        let list: Vec<String> = outside
            .iter()
            .map(|(k, s)| {
                if *s >= 1.0 - 1e-12 {
                    k.clone()
                } else {
                    format!("{k} ({:.1} %)", s * 100.0)
                }
            })
            .collect();
        w.push(
                crate::error::WarningCode::Unassigned,
            format!(
                "{} PLR lie wholly or partly outside every Sozialraum{}; that part is in no Sozialraum total: {}",
                outside.len(),
                fmt_total(&outside),
                examples(&list, 5)
            ),
        );
    }
    w
}

/// Aggregate `table` into the Sozialräume of `a` so that every person is
/// in the table: one row per Sozialraum (those that receive no PLR with 0
/// in their sums), and a row `-` "nicht zugeordnet" with what is in no
/// Sozialraum, so that the rows add up to the statistics' total.
pub fn aggregate_complete(
    table: &StatTable,
    rules: &[ColumnRule],
    a: &Assignment,
    missing: MissingPolicy,
) -> (LevelTable, Warnings) {
    let (t, mut warnings) = aggregate(table, rules, &a.weights, missing);
    let (mut t, w) = complete(t, table, rules, &a.targets, &a.unassigned, missing);
    warnings.extend(w);
    t.names = t
        .keys
        .iter()
        .map(|k| match a.names.get(k) {
            Some(n) => n.clone(),
            None if k == UNASSIGNED_KEY => UNASSIGNED_NAME.to_string(),
            None => String::new(),
        })
        .collect();
    (t, warnings)
}

/// Complete an aggregated table of target units: a row with 0 in its sums
/// for every target in `targets` that received nothing, in key order, and
/// after them a row [`UNASSIGNED_KEY`] with the shares of source units in
/// `unassigned` (none when everything is assigned).
pub fn complete(
    mut t: LevelTable,
    table: &StatTable,
    rules: &[ColumnRule],
    targets: &[String],
    unassigned: &[(String, f64)],
    missing: MissingPolicy,
) -> (LevelTable, Warnings) {
    let kept: Vec<&ColumnRule> = rules.iter().filter(|r| r.rule != Rule::Drop).collect();
    let have: BTreeSet<String> = t.keys.iter().cloned().collect();
    for target in targets {
        if have.contains(target) {
            continue;
        }
        t.keys.push(target.clone());
        t.names.push(String::new());
        t.rows.push(
            kept.iter()
                .map(|r| match r.rule {
                    Rule::Sum => Value::Num(0.0),
                    _ => Value::Missing,
                })
                .collect(),
        );
    }
    let mut order: Vec<usize> = (0..t.keys.len()).collect();
    order.sort_by(|&i, &j| t.keys[i].cmp(&t.keys[j]));
    t.keys = order.iter().map(|&i| t.keys[i].clone()).collect();
    t.names = order.iter().map(|&i| t.names[i].clone()).collect();
    let mut rows: Vec<Option<Vec<Value>>> = t.rows.into_iter().map(Some).collect();
    t.rows = order
        .iter()
        .map(|&i| rows[i].take().expect("each row once"))
        .collect();
    let mut warnings = Warnings::default();
    let rest: Vec<Weight> = unassigned
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .map(|(k, share)| Weight {
            source: k.clone(),
            target: UNASSIGNED_KEY.to_string(),
            weight: *share,
        })
        .collect();
    if !rest.is_empty() {
        let (u, w) = aggregate(
            table,
            rules,
            &WeightTable::new(t.level.clone(), rest),
            missing,
        );
        warnings.extend(w);
        for (i, key) in u.keys.into_iter().enumerate() {
            t.keys.push(key);
            t.names.push(UNASSIGNED_NAME.to_string());
            t.rows.push(u.rows[i].clone());
        }
    }
    (t, warnings)
}

/// The Sozialraum level of a statistics table: its units assigned to the
/// Sozialräume of `source` ([`assign`]), every unit accounted for
/// ([`aggregate_complete`]), and the unassigned ones reported with the
/// people of the first summed column ([`report_unassigned`]).
pub fn aggregate_sozialraum(
    table: &StatTable,
    rules: &[ColumnRule],
    units: Option<&Layer>,
    source: &Source,
    how: (Assign, &Tolerance),
    missing: MissingPolicy,
) -> Result<(LevelTable, Warnings)> {
    let (assignment, mut warnings) = assign(table, units, source, how.0, how.1)?;
    let people = rules
        .iter()
        .find(|r| r.rule == Rule::Sum)
        .map(|r| r.column.as_str());
    warnings.extend(report_unassigned(table, &assignment, people));
    let (t, w) = aggregate_complete(table, rules, &assignment, missing);
    warnings.extend(w);
    Ok((t, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::key::Level;

    fn w(source: &str, target: &str, weight: f64) -> Weight {
        Weight {
            source: source.into(),
            target: target.into(),
            weight,
        }
    }

    #[test]
    fn list_unassigned_names_each_key_with_its_missing_share() {
        let keys: BTreeSet<&str> = ["04010101", "04010102", "04020201"].into();
        let weights = WeightTable::new(
            LEVEL,
            vec![
                w("04010101", "SR1", 1.0),
                w("04010102", "SR1", 0.25),
                w("04010102", "SR2", 0.5),
            ],
        );
        let un = list_unassigned(&keys, &weights);
        assert_eq!(
            un,
            vec![
                ("04010102".to_string(), 0.25),
                ("04020201".to_string(), 1.0)
            ]
        );
    }

    #[test]
    fn unknown_list_units_are_those_no_key_starts_with() {
        let keys: BTreeSet<&str> = ["04010101", "04010102"].into();
        let list = ListTable {
            table: WeightTable::new(
                LEVEL,
                vec![w("040101", "SR1", 1.0), w("040202", "SR2", 1.0)],
            ),
            key_level: Level::Bzr,
            target_names: BTreeMap::new(),
        };
        assert_eq!(unknown_list_units(&keys, &list), vec!["040202"]);
    }

    #[test]
    fn polygon_unassigned_keeps_the_keys_and_counts_missing_geometry_whole() {
        let keys: BTreeSet<&str> = ["04010101", "04010102", "04010103"].into();
        let all = vec![
            ("04010103".to_string(), 0.125),
            ("09999999".to_string(), 0.5),
            ("04010101".to_string(), 0.0625),
        ];
        let un = polygon_unassigned(&keys, all, &["04010102".to_string()]);
        assert_eq!(
            un,
            vec![
                ("04010101".to_string(), 0.0625),
                ("04010102".to_string(), 1.0),
                ("04010103".to_string(), 0.125),
            ]
        );
    }

    #[test]
    fn a_listed_sozialraum_level_with_the_unassigned_row() {
        let text = "RAUMID;E_E\n04010101;100\n04010102;50\n04020201;30\n";
        let opts = crate::table::stats::ReadOptions::default();
        let (mut t, _) =
            crate::table::stats::read_stats_bytes("st.csv", text.as_bytes(), &opts).unwrap();
        let flags = crate::aggregation::rules::RuleFlags::default();
        let (rules, _) =
            crate::aggregation::rules::plan_table(&mut t, &flags, MissingPolicy::Propagate)
                .unwrap();
        // BZR 040101 → Nord; 04020201 is in no Sozialraum.
        let list = ListTable {
            table: WeightTable::new(
                LEVEL,
                vec![Weight {
                    source: "040101".into(),
                    target: "SR1".into(),
                    weight: 1.0,
                }],
            ),
            key_level: Level::Bzr,
            target_names: [("SR1".to_string(), "Nord".to_string())].into(),
        };
        let tol = Tolerance::default();
        let (sr, w) = aggregate_sozialraum(
            &t,
            &rules,
            None,
            &Source::List(list),
            (Assign::Largest, &tol),
            MissingPolicy::Propagate,
        )
        .unwrap();
        assert!(w.has("unassigned"), "{w:?}");
        let c = sr.columns.iter().position(|c| c == "E_E").unwrap();
        let rows: Vec<(&str, &Value)> = sr
            .keys
            .iter()
            .map(String::as_str)
            .zip(sr.rows.iter().map(|r| &r[c]))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("SR1", &Value::Num(150.0)),
                (crate::series::UNASSIGNED_KEY, &Value::Num(30.0))
            ]
        );
    }
}
