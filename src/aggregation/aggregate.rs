//! Aggregation: apply a weight table to a statistics table, column by column
//! with each column's rule.

use std::collections::HashMap;

use crate::error::{examples, Warnings};
use crate::rules::{ColumnRule, Rule};
use crate::stats::{Cell, StatTable};
use crate::weights::WeightTable;

/// A cell of an aggregated table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Num(f64),
    Text(String),
    Missing,
}

impl Value {
    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(v) => Some(*v),
            _ => None,
        }
    }
}

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

/// One aggregated table: the units of one target level.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelTable {
    /// `bzr`, `pgr`, `bez`, `berlin`, `sozialraum`, …
    pub level: String,
    pub keys: Vec<String>,
    pub names: Vec<String>,
    /// Output column names (the input columns that are not dropped).
    pub columns: Vec<String>,
    /// `rows[i][j]`: unit `i`, column `j`.
    pub rows: Vec<Vec<Value>>,
}

impl LevelTable {
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The value of `column` for unit `key`.
    pub fn get(&self, key: &str, column: &str) -> Option<&Value> {
        let j = self.column_index(column)?;
        let i = self.keys.iter().position(|k| k == key)?;
        Some(&self.rows[i][j])
    }

    /// Numeric value of `column` for unit `key`.
    pub fn num(&self, key: &str, column: &str) -> Option<f64> {
        self.get(key, column).and_then(Value::num)
    }
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
    let mut warnings = Warnings::default();
    let row_of: HashMap<&str, usize> = table
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let col_of: HashMap<&str, usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let kept: Vec<&ColumnRule> = rules.iter().filter(|r| r.rule != Rule::Drop).collect();
    let cells = |name: &str| -> &[Cell] { &table.columns[col_of[name]].cells };
    let empty: Vec<Cell> = Vec::new();

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
                .filter_map(|w| row_of.get(w.source.as_str()).map(|&i| (i, w.weight)))
                .filter(|(_, w)| *w > 0.0),
        );
        if members.is_empty() {
            continue;
        }
        let mut row = Vec::with_capacity(kept.len());
        for (j, r) in kept.iter().enumerate() {
            // Derived columns (a new ratio) have no cells of their own.
            let x: &[Cell] = match col_of.get(r.column.as_str()) {
                Some(&c) => &table.columns[c].cells,
                None => &empty,
            };
            let v = match &r.rule {
                Rule::Sum => {
                    let (s, miss, known) = weighted_sum(x, &members);
                    finish_sum(s, miss, known, missing, &mut propagated[j], target)
                }
                Rule::Mean { weight } => {
                    let a = cells(weight);
                    let mut num = 0.0;
                    let mut den = 0.0;
                    for &(i, w) in &members {
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
                Rule::Ratio {
                    numerator,
                    denominator,
                    factor,
                } => {
                    let (n, nm, nk) = weighted_sum(cells(numerator), &members);
                    let (d, dm, dk) = weighted_sum(cells(denominator), &members);
                    let n = finish_sum(n, nm, nk, missing, &mut propagated[j], target);
                    let d = finish_sum(d, dm, dk, missing, &mut propagated[j], target);
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
                Rule::Label => {
                    let raw = &table.columns[col_of[r.column.as_str()]].raw; // labels are input columns
                    let first = &raw[members[0].0];
                    if first.is_empty() || members.iter().any(|&(i, _)| raw[i] != *first) {
                        Value::Missing
                    } else {
                        Value::Text(first.clone())
                    }
                }
                Rule::Drop => unreachable!("dropped columns are filtered"),
            };
            row.push(v);
        }
        keys.push(target.to_string());
        rows.push(row);
    }
    for (j, units) in propagated.iter_mut().enumerate() {
        units.dedup();
        if !units.is_empty() {
            warnings.push(
                crate::error::WarningCode::MissingValues,
                format!(
                    "column '{}': {} {} unit{} left empty because a member's value is missing (empty or a marker such as '.'): {}. Use --missing skip to aggregate the known values",
                    kept[j].column,
                    units.len(),
                    weights.level,
                    if units.len() == 1 { "" } else { "s" },
                    examples(units, 5)
                ),
            );
        }
    }
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
    levels: &[crate::key::Level],
    names: Option<&crate::names::Names>,
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
        out.push(t);
    }
    (out, warnings)
}

/// Fill in the names of the units of `t`.
pub fn name_units(t: &mut LevelTable, names: Option<&crate::names::Names>) {
    let fallback = crate::names::Names::default();
    let names = names.unwrap_or(&fallback);
    t.names = t
        .keys
        .iter()
        .map(|k| names.name(k).unwrap_or_default().to_string())
        .collect();
}
