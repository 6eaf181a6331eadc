//! Aggregation: apply a weight table to a statistics table, column by column
//! with each column's rule.

use std::collections::HashMap;

use crate::aggregation::rules::{ColumnRule, Rule};
use crate::error::{examples, Warnings};
use crate::mapping::weights::WeightTable;
use crate::table::key::Level;
use crate::table::level::{LevelTable, Value};
use crate::table::stats::{Cell, StatTable};

/// How sums and ratios treat members with a missing value (empty cell or a
/// marker such as `.`). Weighted means always skip them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// The aggregate is missing too: a sum over unknown parts is unknown.
    #[default]
    Propagate,
    /// Aggregate the known values only.
    Skip,
}

/// Apply `weights` (source units of `table` → target units) with `rules`.
///
/// Sources in the weight table that are not in `table` contribute nothing
/// (coverage is reported by the caller); rows of `table` not in the weight
/// table are not aggregated.
pub fn aggregate(
    table: &StatTable,
    rules: &[ColumnRule],
    weights: &WeightTable,
    missing: MissingPolicy,
) -> (LevelTable, Warnings) {
    let input = Input::new(table, missing);
    let kept: Vec<&ColumnRule> = rules.iter().filter(|r| r.rule != Rule::Drop).collect();
    let mut keys = Vec::new();
    let mut rows = Vec::new();
    // Per column: target units whose value is missing because a member was.
    let mut propagated: Vec<Vec<String>> = vec![Vec::new(); kept.len()];
    let mut members: Vec<(usize, f64)> = Vec::new();
    for (target, group) in weights.groups() {
        members.clear();
        members.extend(
            group
                .iter()
                .filter_map(|w| input.row_of.get(w.source.as_str()).map(|&i| (i, w.weight)))
                .filter(|(_, w)| *w > 0.0),
        );
        if members.is_empty() {
            continue;
        }
        let row: Vec<Value> = kept
            .iter()
            .zip(&mut propagated)
            .map(|(r, p)| input.value(r, &members, p, target))
            .collect();
        keys.push(target.to_string());
        rows.push(row);
    }
    let warnings = propagated_warning(&kept, &mut propagated, &weights.level);
    let names = vec![String::new(); keys.len()];
    (
        LevelTable {
            level: weights.level.clone(),
            keys,
            names,
            columns: kept.iter().map(|r| r.column.clone()).collect(),
            rows,
        },
        warnings,
    )
}

/// The statistics being aggregated, with its rows and columns by name.
struct Input<'t> {
    table: &'t StatTable,
    row_of: HashMap<&'t str, usize>,
    col_of: HashMap<&'t str, usize>,
    missing: MissingPolicy,
}

impl<'t> Input<'t> {
    fn new(table: &'t StatTable, missing: MissingPolicy) -> Input<'t> {
        Input {
            table,
            row_of: table
                .keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.as_str(), i))
                .collect(),
            col_of: table
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.as_str(), i))
                .collect(),
            missing,
        }
    }

    /// The cells of an input column (rules only name input columns).
    fn cells(&self, name: &str) -> &'t [Cell] {
        &self.table.columns[self.col_of[name]].cells
    }

    /// The value of one column for one target unit from its `members`
    /// (input row, weight); targets left empty by a missing member are
    /// noted in `propagated`.
    fn value(
        &self,
        r: &ColumnRule,
        members: &[(usize, f64)],
        propagated: &mut Vec<String>,
        target: &str,
    ) -> Value {
        // Derived columns (a new ratio) have no cells of their own.
        let x: &[Cell] = match self.col_of.get(r.column.as_str()) {
            Some(&c) => &self.table.columns[c].cells,
            None => &[],
        };
        let missing = self.missing;
        match &r.rule {
            Rule::Sum => {
                let (s, miss, known) = weighted_sum(x, members);
                finish_sum(s, miss, known, missing, propagated, target)
            }
            Rule::Mean { weight } => weighted_mean(x, self.cells(weight), members),
            Rule::Ratio {
                numerator,
                denominator,
                factor,
            } => {
                let (n, nm, nk) = weighted_sum(self.cells(numerator), members);
                let (d, dm, dk) = weighted_sum(self.cells(denominator), members);
                let n = finish_sum(n, nm, nk, missing, propagated, target);
                let d = finish_sum(d, dm, dk, missing, propagated, target);
                match (n, d) {
                    (Value::Num(n), Value::Num(d)) if d != 0.0 => Value::Num(n / d * factor),
                    _ => Value::Missing,
                }
            }
            Rule::Min | Rule::Max => {
                let it = members.iter().filter_map(|&(i, _)| x[i].num());
                let v = if r.rule == Rule::Min {
                    it.reduce(f64::min)
                } else {
                    it.reduce(f64::max)
                };
                v.map(Value::Num).unwrap_or(Value::Missing)
            }
            // Labels are input columns.
            Rule::Label => common_label(
                &self.table.columns[self.col_of[r.column.as_str()]].raw,
                members,
            ),
            Rule::Drop => unreachable!("dropped columns are filtered"),
        }
    }
}

/// Σ w·a·x / Σ w·a over the members with both values (`a`: the weight
/// column); empty when that is 0.
fn weighted_mean(x: &[Cell], a: &[Cell], members: &[(usize, f64)]) -> Value {
    let mut num = 0.0;
    let mut den = 0.0;
    for &(i, w) in members {
        if let (Some(xv), Some(av)) = (x[i].num(), a[i].num()) {
            num += w * av * xv;
            den += w * av;
        }
    }
    if den != 0.0 {
        Value::Num(num / den)
    } else {
        Value::Missing
    }
}

/// The label all members share; empty when they differ or it is empty.
fn common_label(raw: &[String], members: &[(usize, f64)]) -> Value {
    let first = &raw[members[0].0];
    if first.is_empty() || members.iter().any(|&(i, _)| raw[i] != *first) {
        Value::Missing
    } else {
        Value::Text(first.clone())
    }
}

/// One warning per column with target units left empty because a member's
/// value is missing (`--missing propagate`).
fn propagated_warning(
    kept: &[&ColumnRule],
    propagated: &mut [Vec<String>],
    level: &str,
) -> Warnings {
    let mut warnings = Warnings::default();
    for (j, units) in propagated.iter_mut().enumerate() {
        units.dedup();
        if !units.is_empty() {
            warnings.push(
                crate::error::WarningCode::MissingValues,
                format!(
                    "column '{}': {} {} unit{} left empty because a member's value is missing (empty or a marker such as '.'): {}. Use --missing skip to aggregate the known values",
                    kept[j].column,
                    units.len(),
                    level,
                    if units.len() == 1 { "" } else { "s" },
                    examples(units, 5)
                ),
            );
        }
    }
    warnings
}

/// (Σ w·x over known values, number of members with a missing value, number known).
fn weighted_sum(x: &[Cell], members: &[(usize, f64)]) -> (f64, usize, usize) {
    let mut s = 0.0;
    let mut miss = 0;
    let mut known = 0;
    for &(i, w) in members {
        match x[i].num() {
            Some(v) => {
                s += w * v;
                known += 1;
            }
            None => miss += 1,
        }
    }
    (s, miss, known)
}

fn finish_sum(
    s: f64,
    miss: usize,
    known: usize,
    policy: MissingPolicy,
    propagated: &mut Vec<String>,
    target: &str,
) -> Value {
    if known == 0 {
        Value::Missing
    } else if miss > 0 && policy == MissingPolicy::Propagate {
        propagated.push(target.to_string());
        Value::Missing
    } else {
        Value::Num(s)
    }
}

/// Aggregate `table` to each of `levels` through the LOR hierarchy (the key
/// digits), naming units from `names`.
pub fn aggregate_levels(
    table: &StatTable,
    rules: &[ColumnRule],
    levels: &[crate::table::key::Level],
    names: Option<&crate::table::names::Names>,
    missing: MissingPolicy,
) -> (Vec<LevelTable>, Warnings) {
    let mut warnings = Warnings::default();
    let mut out = Vec::with_capacity(levels.len());
    let keys = || table.keys.iter().map(String::as_str);
    for &level in levels {
        if level < table.level {
            warnings.push(
                crate::error::WarningCode::Level,
                format!(
                    "{}: the rows are {} keys; the finer level {} cannot be made from them and is skipped",
                    table.source,
                    table.level.german(),
                    level.german()
                ),
            );
            continue;
        }
        let weights = WeightTable::hierarchy(keys(), level);
        let (mut t, w) = aggregate(table, rules, &weights, missing);
        warnings.extend(w);
        name_units(&mut t, names);
        keep_meaningful_key_parts(&mut t, Some(level));
        out.push(t);
    }
    (out, warnings)
}

/// Key-part label columns (`BEZ`, `PGR`, `BZR`, `PLR`, `RAUMID`) are
/// carried only where they mean something for the row's unit: on a LOR
/// level (`level`), the parts of that level and the coarser ones; on units
/// of another system (`None`: Sozialräume, the units of another vintage),
/// only the Bezirk. The other key parts are left empty, so that a
/// Sozialraum row never shows the PGR or BZR digits of its members.
pub fn keep_meaningful_key_parts(t: &mut LevelTable, level: Option<Level>) {
    use crate::table::columns::key_part_level;
    let foreign: Vec<usize> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| match (key_part_level(c), level) {
            (None, _) => false,
            (Some(part), Some(l)) => part < l,
            (Some(part), None) => part != Level::Bezirk,
        })
        .map(|(j, _)| j)
        .collect();
    for row in &mut t.rows {
        for &j in &foreign {
            row[j] = Value::Missing;
        }
    }
}

/// Fill in the names of the units of `t`.
pub fn name_units(t: &mut LevelTable, names: Option<&crate::table::names::Names>) {
    let fallback = crate::table::names::Names::default();
    let names = names.unwrap_or(&fallback);
    t.names = t
        .keys
        .iter()
        .map(|k| names.name(k).unwrap_or_default().to_string())
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregation::rules::{plan_rules, RuleFlags};
    use crate::table::key::Level;
    use crate::table::stats::{read_stats_bytes, ReadOptions};

    /// A statistics table from CSV text.
    fn table(text: &str) -> StatTable {
        read_stats_bytes("t.csv", text.as_bytes(), &ReadOptions::default())
            .unwrap()
            .0
    }

    fn to_bzr(t: &StatTable, flags: RuleFlags, missing: MissingPolicy) -> (LevelTable, Warnings) {
        let (rules, _) = plan_rules(t, &flags).unwrap();
        let w = WeightTable::hierarchy(t.keys.iter().map(String::as_str), Level::Bzr);
        aggregate(t, &rules, &w, missing)
    }

    #[test]
    fn every_rule_to_the_bzr() {
        let t = table(
            "RAUMID;E_E;E_U6;Q;MAXJ;BEZ\n13101101;100;10;10;1990;13\n13101102;300;30;20;2001;13\n13101201;50;;40;1985;13\n13101202;50;5;40;1985;13\n",
        );
        let flags = RuleFlags {
            weighted: vec!["Q=E_E".into()],
            ratio: vec!["A_U6=E_U6/E_E*100".into()],
            max: vec!["MAXJ".into()],
            carry: vec!["BEZ".into()],
            ..Default::default()
        };
        let (bzr, w) = to_bzr(&t, flags, MissingPolicy::Propagate);
        assert_eq!(bzr.level, "bzr");
        assert_eq!(bzr.keys, ["131011", "131012"]);
        let n = |k: &str, c: &str| bzr.num(k, c);
        assert_eq!(n("131011", "E_E"), Some(400.0));
        assert_eq!(n("131011", "E_U6"), Some(40.0));
        // (10·100 + 20·300) / 400
        assert_eq!(n("131011", "Q"), Some(17.5));
        assert_eq!(n("131011", "A_U6"), Some(10.0));
        assert_eq!(n("131011", "MAXJ"), Some(2001.0));
        assert_eq!(bzr.get("131011", "BEZ"), Some(&Value::Text("13".into())));
        // One PLR of 131012 has no E_U6: the count and the ratio stay empty.
        assert_eq!(n("131012", "E_U6"), None);
        assert_eq!(n("131012", "A_U6"), None);
        assert_eq!(n("131012", "Q"), Some(40.0));
        assert_eq!(n("131012", "E_E"), Some(100.0));
        let messages: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "column 'E_U6': 1 bzr unit left empty because a member's value is missing (empty or a marker such as '.'): 131012. Use --missing skip to aggregate the known values",
                "column 'A_U6': 1 bzr unit left empty because a member's value is missing (empty or a marker such as '.'): 131012. Use --missing skip to aggregate the known values",
            ]
        );
    }

    #[test]
    fn skip_sums_the_known_values() {
        let t = table("RAUMID;E_E;E_U6\n13101101;100;\n13101102;300;30\n");
        let (bzr, w) = to_bzr(&t, RuleFlags::default(), MissingPolicy::Skip);
        assert_eq!(bzr.num("131011", "E_U6"), Some(30.0));
        assert!(w.is_empty());
    }

    #[test]
    fn means_skip_members_without_value_or_weight() {
        let cells = |v: &[Option<f64>]| -> Vec<Cell> {
            v.iter()
                .map(|x| x.map(Cell::Num).unwrap_or(Cell::Empty))
                .collect()
        };
        let x = cells(&[Some(10.0), None, Some(40.0)]);
        let a = cells(&[Some(1.0), Some(5.0), Some(3.0)]);
        // (10·1·1 + 40·3·0.5) / (1·1 + 3·0.5)
        assert_eq!(
            weighted_mean(&x, &a, &[(0, 1.0), (1, 1.0), (2, 0.5)]),
            Value::Num(70.0 / 2.5)
        );
        assert_eq!(weighted_mean(&x, &a, &[(1, 1.0)]), Value::Missing);
        let raw: Vec<String> = ["Mitte", "Mitte", "Nord", ""].map(String::from).to_vec();
        assert_eq!(
            common_label(&raw, &[(0, 1.0), (1, 1.0)]),
            Value::Text("Mitte".into())
        );
        assert_eq!(common_label(&raw, &[(0, 1.0), (2, 1.0)]), Value::Missing);
        assert_eq!(common_label(&raw, &[(3, 1.0)]), Value::Missing);
    }
}
