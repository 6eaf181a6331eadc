//! Statistics aggregated into Sozialräume so that every person is in the
//! table: the Sozialraum weight table of `mapping::sozialraum` applied with
//! the rules, the Sozialräume that receive nothing with 0, and a row `-`
//! "nicht zugeordnet" with what lies in no Sozialraum.

use std::collections::BTreeSet;

use anyhow::Result;

use crate::aggregation::aggregate::{aggregate, keep_meaningful_key_parts, MissingPolicy};
use crate::aggregation::rules::{ColumnRule, Rule};
use crate::error::Warnings;
use crate::mapping::sozialraum::{
    assign, report_unassigned, Assignment, Source, UNASSIGNED_KEY, UNASSIGNED_NAME,
};
use crate::mapping::weights::{Assign, Weight, WeightTable};
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::Tolerance;
use crate::table::level::{LevelTable, Value};
use crate::table::stats::StatTable;

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
    keep_meaningful_key_parts(&mut t, None);
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
    use crate::mapping::sozialraum::LEVEL;
    use crate::mapping::weights::ListTable;
    use crate::table::key::Level;

    #[test]
    fn a_listed_sozialraum_level_with_the_unassigned_row() {
        let text = "RAUMID;E_E\n04010101;100\n04010102;50\n04020201;30\n";
        let (t, rules) = crate::aggregation::rules::planned(text);
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
                (crate::series::sozialraum::UNASSIGNED_KEY, &Value::Num(30.0))
            ]
        );
    }
}
