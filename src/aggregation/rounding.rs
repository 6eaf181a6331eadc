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

use crate::aggregation::rules::{ColumnRule, Rule};
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::level::Value;

fn round_to(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

/// `x` rounded (half away from zero) to `n` decimals; -0 is 0.
pub fn round_decimals(x: f64, n: u32) -> f64 {
    round_to(x, 10f64.powi(n as i32)) + 0.0
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
        round_shares(tables, &kind, 10f64.powi(d as i32));
    }
    let Some(n) = round else { return };
    let scale = 10f64.powi(n as i32);
    let order = coarse_to_fine(tables);
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
        // The levels done so far (their values in `tables` rounded).
        let mut done: Vec<(usize, Option<Level>)> = Vec::new();
        for &(ti, level) in &order {
            let Some(j) = tables[ti].column_index(col) else {
                continue;
            };
            let c = CountColumn { tables, col, scale };
            let new = c.round_level(ti, level, j, &done);
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

/// Shares, ratios and means (by `kind` of their column), each value on its
/// own to `1/scale`.
fn round_shares<'r>(
    tables: &mut [LevelTable],
    kind: &dyn Fn(&str) -> Option<&'r Rule>,
    scale: f64,
) {
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

/// The tables in rounding order (index and LOR level): LOR levels coarse to
/// fine, other levels (Sozialräume) after them, ties in table order.
fn coarse_to_fine(tables: &[LevelTable]) -> Vec<(usize, Option<Level>)> {
    let mut order: Vec<(usize, Option<Level>)> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (i, Level::parse(&t.level)))
        .collect();
    order.sort_by_key(|(i, l)| match l {
        Some(l) => (0, std::cmp::Reverse(*l), *i),
        None => (1, std::cmp::Reverse(Level::Plr), *i),
    });
    order
}

/// Units of one level grouped by their parent, in order of first member.
type Groups = Vec<(Parent, Vec<usize>)>;

/// One count column being rounded, level by level.
struct CountColumn<'a> {
    tables: &'a [LevelTable],
    col: &'a str,
    scale: f64,
}

impl CountColumn<'_> {
    /// The rounded values of column `j` of table `ti` (at `level`, None for
    /// Sozialräume), given the levels `done` before it.
    fn round_level(
        &self,
        ti: usize,
        level: Option<Level>,
        j: usize,
        done: &[(usize, Option<Level>)],
    ) -> Vec<Option<f64>> {
        let raw: Vec<Option<f64>> = self.tables[ti].rows.iter().map(|r| r[j].num()).collect();
        let parent_table = match level {
            Some(l) => done
                .iter()
                .rev()
                .find(|(_, pl)| pl.is_some_and(|pl| pl > l))
                .map(|&(pi, pl)| (pi, pl.expect("LOR level"))),
            None => self.sozialraum_parent(done, &raw),
        };
        let groups = self.groups(ti, level, parent_table);
        self.allocate_groups(ti, level, &raw, &groups)
    }

    /// Sozialräume: within the city (or the one Bezirk) when they add up to
    /// it, else None (within their own sum).
    fn sozialraum_parent(
        &self,
        done: &[(usize, Option<Level>)],
        raw: &[Option<f64>],
    ) -> Option<(usize, Level)> {
        let top = done
            .iter()
            .find(|(pi, pl)| pl.is_some() && self.tables[*pi].keys.len() == 1)
            .map(|&(pi, pl)| (pi, pl.expect("LOR level")));
        top.filter(|&(pi, _)| {
            let pj = self.tables[pi].column_index(self.col);
            let parent_raw = pj.and_then(|pj| self.tables[pi].rows[0][pj].num());
            let sum: Option<f64> = raw.iter().copied().sum();
            match (parent_raw, sum) {
                (Some(p), Some(s)) => (p - s).abs() <= 1e-6 * p.abs().max(1.0),
                _ => false,
            }
        })
    }

    /// The units of table `ti` grouped by their parent unit in
    /// `parent_table` (key prefix; Sozialräume: its one unit).
    fn groups(
        &self,
        ti: usize,
        level: Option<Level>,
        parent_table: Option<(usize, Level)>,
    ) -> Groups {
        let mut groups: Groups = Vec::new();
        let mut group_of: HashMap<Parent, usize> = HashMap::new();
        for (i, key) in self.tables[ti].keys.iter().enumerate() {
            let parent = parent_table.map(|(pi, pl)| {
                let pk = match level {
                    Some(_) => pl.parent_of(key).to_string(),
                    None => self.tables[pi].keys[0].clone(),
                };
                (pi, pk)
            });
            let g = *group_of.entry(parent.clone()).or_insert_with(|| {
                groups.push((parent.clone(), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(i);
        }
        groups
    }

    /// The (rounded) value of unit `key` of table `ti`.
    fn value(&self, ti: usize, key: &str) -> Option<f64> {
        let pt = &self.tables[ti];
        let pj = pt.column_index(self.col)?;
        let r = pt.keys.iter().position(|k| k == key)?;
        pt.rows[r][pj].num()
    }

    /// Each group allocated within its parent's rounded value (or, with a
    /// missing value or without parent, within the rounded sum of its known
    /// values); the top LOR level rounded unit by unit.
    fn allocate_groups(
        &self,
        ti: usize,
        level: Option<Level>,
        raw: &[Option<f64>],
        groups: &Groups,
    ) -> Vec<Option<f64>> {
        let scale = self.scale;
        let mut new: Vec<Option<f64>> = raw.to_vec();
        for (parent, members) in groups {
            let known: Vec<(&str, f64)> = members
                .iter()
                .filter_map(|&i| raw[i].map(|v| (self.tables[ti].keys[i].as_str(), v)))
                .collect();
            let all_known = known.len() == members.len();
            let parent_value = parent.as_ref().and_then(|(pi, pk)| self.value(*pi, pk));
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
            let mut it = allocate(&known, target, scale).into_iter();
            for &i in members {
                if raw[i].is_some() {
                    new[i] = it.next();
                }
            }
        }
        new
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
            origin: crate::aggregation::rules::Origin::Count,
        }];
        round_tables(&mut tables, &rules, Some(0), None);
        let v =
            |t: &LevelTable| -> Vec<f64> { t.rows.iter().map(|r| r[0].num().unwrap()).collect() };
        assert_eq!(v(&tables[1]), vec![5.0]);
        assert_eq!(v(&tables[2]), vec![3.0, 2.0]);
        // 0101 = 3 = 1.5 + 1.5: one goes up (the smaller key), one down.
        assert_eq!(v(&tables[0]), vec![2.0, 1.0, 2.0]);
    }

    fn table(level: &str, keys: &[&str], vals: &[f64]) -> LevelTable {
        LevelTable {
            level: level.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            names: vec![String::new(); keys.len()],
            columns: vec!["E".into()],
            rows: vals.iter().map(|v| vec![Value::Num(*v)]).collect(),
        }
    }

    #[test]
    fn levels_are_rounded_coarse_to_fine_sozialraeume_last() {
        let tables = [
            table("sozialraum", &["S1"], &[1.0]),
            table("bzr", &["010101"], &[1.0]),
            table("berlin", &["BE"], &[1.0]),
            table("bez", &["01"], &[1.0]),
        ];
        assert_eq!(
            coarse_to_fine(&tables),
            [
                (2, Some(Level::Berlin)),
                (3, Some(Level::Bezirk)),
                (1, Some(Level::Bzr)),
                (0, None)
            ]
        );
    }

    #[test]
    fn sozialraeume_are_rounded_within_the_city_only_when_they_add_up_to_it() {
        let mut tables = vec![
            table("berlin", &["BE"], &[10.0]),
            table("sozialraum", &["S1", "S2", "S3"], &[3.4, 3.3, 3.3]),
        ];
        let done = [(0, Some(Level::Berlin))];
        let c = CountColumn {
            tables: &tables,
            col: "E",
            scale: 1.0,
        };
        let raw = [Some(3.4), Some(3.3), Some(3.3)];
        assert_eq!(c.sozialraum_parent(&done, &raw), Some((0, Level::Berlin)));
        let groups = c.groups(1, None, Some((0, Level::Berlin)));
        assert_eq!(groups, [(Some((0, "BE".to_string())), vec![0, 1, 2])]);
        // 3 + 3 + 3 = 9: the one unit left goes to the largest remainder.
        assert_eq!(
            c.allocate_groups(1, None, &raw, &groups),
            [Some(4.0), Some(3.0), Some(3.0)]
        );
        // Part of the city is in no Sozialraum: within their own sum (10.0
        // rounded), one group without parent.
        let raw = [Some(3.4), Some(3.3), Some(2.3)];
        assert_eq!(c.sozialraum_parent(&done, &raw), None);
        tables[1].rows[2][0] = Value::Num(2.3);
        let c = CountColumn {
            tables: &tables,
            col: "E",
            scale: 1.0,
        };
        let groups = c.groups(1, None, None);
        assert_eq!(groups, [(None, vec![0, 1, 2])]);
        assert_eq!(
            c.allocate_groups(1, None, &raw, &groups),
            [Some(4.0), Some(3.0), Some(2.0)]
        );
    }

    #[test]
    fn shares_are_rounded_each_on_its_own() {
        let mut tables = vec![table("bez", &["01", "02"], &[12.345, -0.04])];
        let rules = vec![ColumnRule {
            column: "E".into(),
            rule: Rule::Mean { weight: "W".into() },
            origin: crate::aggregation::rules::Origin::Explicit,
        }];
        round_tables(&mut tables, &rules, Some(0), Some(1));
        let v: Vec<f64> = tables[0].rows.iter().map(|r| r[0].num().unwrap()).collect();
        assert_eq!(v, [12.3, -0.0]);
    }
}
