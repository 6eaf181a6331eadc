//! Rounding that keeps the totals: rounded children add up to their rounded
//! parent.
//!
//! Counts (`--round N`): the coarsest level present is rounded as usual
//! (half away from zero, to `N` decimals). Every finer level is rounded
//! within its parent unit of the next coarser level present (key prefix) by
//! the largest-remainder method: each child gets its value rounded down,
//! then the units still missing to reach the parent's rounded value go to
//! the children with the largest remainders; ties go to the smaller key.
//! (Were the children's rounded-down values too many, the units are taken
//! from the smallest remainders first, ties again by key.)
//!
//! Units that are not LOR units (Sozialräume) form one group: if their raw
//! values add up to the city's (or the single Bezirk's) raw value, they are
//! allocated within its rounded value; otherwise (units not assigned to any
//! Sozialraum) within their own rounded raw sum.
//!
//! Where a value is missing, the group of its siblings is allocated within
//! the rounded sum of the known values.
//!
//! Shares, ratios and means (`--decimals N`) are rounded each on its own.

use std::collections::HashMap;

use crate::aggregate::{LevelTable, Value};
use crate::key::Level;
use crate::rules::{ColumnRule, Rule};

fn round_to(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

/// Integer number of `1/scale` units in `x`, with tiny float noise removed.
fn scaled(x: f64, scale: f64) -> f64 {
    let y = x * scale;
    if (y - y.round()).abs() < 1e-6 {
        y.round()
    } else {
        y
    }
}

/// Largest-remainder allocation of `target` (in units of `1/scale`) among
/// `values` (each with its key for ties). Returns the rounded values.
pub fn allocate(values: &[(&str, f64)], target: f64, scale: f64) -> Vec<f64> {
    let ys: Vec<f64> = values.iter().map(|(_, x)| scaled(*x, scale)).collect();
    let mut out: Vec<f64> = ys.iter().map(|y| y.floor()).collect();
    let rem: Vec<f64> = ys.iter().zip(&out).map(|(y, f)| y - f).collect();
    let target = target * scale;
    let mut k = (target.round() - out.iter().sum::<f64>()).round() as i64;
    let mut order: Vec<usize> = (0..values.len()).collect();
    if k >= 0 {
        order.sort_by(|&a, &b| {
            rem[b]
                .total_cmp(&rem[a])
                .then_with(|| values[a].0.cmp(values[b].0))
        });
    } else {
        order.sort_by(|&a, &b| {
            rem[a]
                .total_cmp(&rem[b])
                .then_with(|| values[a].0.cmp(values[b].0))
        });
    }
    let n = order.len() as i64;
    if n > 0 {
        let mut i = 0usize;
        while k != 0 {
            let idx = order[i % order.len()];
            if k > 0 {
                out[idx] += 1.0;
                k -= 1;
            } else {
                out[idx] -= 1.0;
                k += 1;
            }
            i += 1;
        }
    }
    out.into_iter().map(|v| v / scale).collect()
}

/// The parent unit of a group: (table, key); `None` for the top level.
type Parent = Option<(usize, String)>;

/// Round `tables` in place: count columns (rule `sum`) to `round` decimals
/// so that every level adds up to its parent; shares, ratios and means to
/// `decimals` decimals. `None` leaves those columns as they are.
pub fn round_tables(
    tables: &mut [LevelTable],
    rules: &[ColumnRule],
    round: Option<u32>,
    decimals: Option<u32>,
) {
    let kind = |col: &str| rules.iter().find(|r| r.column == col).map(|r| &r.rule);
    if let Some(d) = decimals {
        let scale = 10f64.powi(d as i32);
        for t in tables.iter_mut() {
            for (j, c) in t.columns.clone().iter().enumerate() {
                if matches!(kind(c), Some(Rule::Mean { .. } | Rule::Ratio { .. })) {
                    for row in &mut t.rows {
                        if let Value::Num(x) = row[j] {
                            row[j] = Value::Num(round_to(x, scale));
                        }
                    }
                }
            }
        }
    }
    let Some(n) = round else { return };
    let scale = 10f64.powi(n as i32);
    // LOR levels present, coarse to fine; other levels after them.
    let mut order: Vec<(usize, Option<Level>)> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (i, Level::parse(&t.level)))
        .collect();
    order.sort_by_key(|(i, l)| match l {
        Some(l) => (0, std::cmp::Reverse(*l), *i),
        None => (1, std::cmp::Reverse(Level::Plr), *i),
    });
    let count_cols: Vec<String> = tables
        .first()
        .map(|t| {
            t.columns
                .iter()
                .filter(|c| kind(c) == Some(&Rule::Sum))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for col in &count_cols {
        // The rounded values of the levels done so far: (table, key) → value.
        let mut done: Vec<(usize, Option<Level>)> = Vec::new();
        for &(ti, level) in &order {
            let Some(j) = tables[ti].column_index(col) else {
                continue;
            };
            let raw: Vec<Option<f64>> = tables[ti].rows.iter().map(|r| r[j].num()).collect();
            // Group the units by their parent: (parent table, parent key).
            let mut groups: Vec<(Parent, Vec<usize>)> = Vec::new();
            let mut group_of: HashMap<Parent, usize> = HashMap::new();
            let parent_table = match level {
                Some(l) => done
                    .iter()
                    .rev()
                    .find(|(_, pl)| pl.is_some_and(|pl| pl > l))
                    .map(|&(pi, pl)| (pi, pl.expect("LOR level"))),
                None => {
                    // Sozialräume: within the city (or the one Bezirk) when
                    // they add up to it.
                    let top = done
                        .iter()
                        .find(|(pi, pl)| pl.is_some() && tables[*pi].keys.len() == 1)
                        .map(|&(pi, pl)| (pi, pl.expect("LOR level")));
                    top.filter(|&(pi, _)| {
                        let pj = tables[pi].column_index(col);
                        let parent_raw = pj.and_then(|pj| tables[pi].rows[0][pj].num());
                        let sum: Option<f64> = raw.iter().copied().sum();
                        match (parent_raw, sum) {
                            (Some(p), Some(s)) => (p - s).abs() <= 1e-6 * p.abs().max(1.0),
                            _ => false,
                        }
                    })
                }
            };
            for (i, key) in tables[ti].keys.iter().enumerate() {
                let parent = parent_table.map(|(pi, pl)| {
                    let pk = match level {
                        Some(_) => pl.parent_of(key).to_string(),
                        None => tables[pi].keys[0].clone(),
                    };
                    (pi, pk)
                });
                let g = *group_of.entry(parent.clone()).or_insert_with(|| {
                    groups.push((parent.clone(), Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(i);
            }
            let mut new: Vec<Option<f64>> = raw.clone();
            for (parent, members) in &groups {
                let known: Vec<(&str, f64)> = members
                    .iter()
                    .filter_map(|&i| raw[i].map(|v| (tables[ti].keys[i].as_str(), v)))
                    .collect();
                let all_known = known.len() == members.len();
                let parent_value = parent.as_ref().and_then(|(pi, pk)| {
                    let pt = &tables[*pi];
                    let pj = pt.column_index(col)?;
                    let r = pt.keys.iter().position(|k| k == pk)?;
                    pt.rows[r][pj].num()
                });
                let target = match (parent, parent_value) {
                    // The top level: each unit rounded on its own.
                    (None, _) if level.is_some() => {
                        for &i in members {
                            new[i] = raw[i].map(|x| round_to(scaled(x, scale) / scale, scale));
                        }
                        continue;
                    }
                    (Some(_), Some(p)) if all_known => p,
                    _ => round_to(known.iter().map(|(_, v)| v).sum::<f64>(), scale),
                };
                let vals = allocate(&known, target, scale);
                let mut it = vals.into_iter();
                for &i in members {
                    if raw[i].is_some() {
                        new[i] = it.next();
                    }
                }
            }
            for (r, v) in tables[ti].rows.iter_mut().zip(new) {
                if let Some(v) = v {
                    // -0 is shown as 0.
                    r[j] = Value::Num(v + 0.0);
                }
            }
            done.push((ti, level));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder() {
        // 1.4 + 1.4 + 1.2 = 4.0: floors 3, one unit to the largest remainder;
        // the tie between a and b goes to the smaller key.
        let v = allocate(&[("b", 1.4), ("a", 1.4), ("c", 1.2)], 4.0, 1.0);
        assert_eq!(v, vec![1.0, 2.0, 1.0]);
        // Too many after flooring cannot happen with floors, but a parent
        // rounded down takes units from the smallest remainders.
        let v = allocate(&[("a", 2.0), ("b", 2.0)], 3.0, 1.0);
        assert_eq!(v, vec![1.0, 2.0]);
        // Decimals.
        let v = allocate(&[("a", 0.333), ("b", 0.333), ("c", 0.334)], 1.0, 10.0);
        assert_eq!(v.iter().sum::<f64>(), 1.0);
        assert_eq!(v, vec![0.3, 0.3, 0.4]);
    }

    #[test]
    fn levels_add_up() {
        let t = |level: &str, keys: &[&str], vals: &[f64]| LevelTable {
            level: level.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            names: vec![String::new(); keys.len()],
            columns: vec!["E".into()],
            rows: vals.iter().map(|v| vec![Value::Num(*v)]).collect(),
        };
        let mut tables = vec![
            t("bzr", &["010101", "010102", "010201"], &[1.5, 1.5, 1.6]),
            t("bez", &["01"], &[4.6]),
            t("pgr", &["0101", "0102"], &[3.0, 1.6]),
        ];
        let rules = vec![ColumnRule {
            column: "E".into(),
            rule: Rule::Sum,
            origin: crate::rules::Origin::Count,
        }];
        round_tables(&mut tables, &rules, Some(0), None);
        let v =
            |t: &LevelTable| -> Vec<f64> { t.rows.iter().map(|r| r[0].num().unwrap()).collect() };
        assert_eq!(v(&tables[1]), vec![5.0]);
        assert_eq!(v(&tables[2]), vec![3.0, 2.0]);
        // 0101 = 3 = 1.5 + 1.5: one goes up (the smaller key), one down.
        assert_eq!(v(&tables[0]), vec![2.0, 1.0, 2.0]);
    }
}
