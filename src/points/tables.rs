//! From point tallies to unit tables: the counts and sums of
//! [`crate::points::read::tally_points`] as a statistics-shaped table per unit,
//! so that the aggregation machinery (levels, Sozialräume, ratios) applies
//! unchanged; and the denominators (`--per`) from a statistics file.

use anyhow::Result;

use crate::aggregation::rules::{ColumnRule, Origin, Rule};
use crate::error::{examples, usage_error, Warnings};
use crate::mapping::weights::{Weight, WeightTable};
use crate::points::read::Tally;
use crate::spatial::geometry::Layer;
use crate::table::stats::{Cell, Column, ColumnType, Dialect, StatTable};

/// A statistics-shaped table from per-unit values.
pub fn unit_table(
    source: &str,
    keys: Vec<String>,
    columns: Vec<(String, Vec<Option<f64>>)>,
) -> StatTable {
    let n = keys.len();
    StatTable {
        source: source.to_string(),
        dialect: Dialect {
            format: "points",
            delimiter: b',',
            encoding: "UTF-8",
            bom: false,
            decimal_comma: false,
        },
        key_column: "key".into(),
        line_word: "unit",
        level: crate::table::key::Level::Plr,
        lines: (1..=n).collect(),
        columns: columns
            .into_iter()
            .map(|(name, vals)| Column {
                name,
                kind: ColumnType::Numeric,
                cells: vals
                    .into_iter()
                    .map(|v| v.map(Cell::Num).unwrap_or(Cell::Empty))
                    .collect(),
                raw: vec![String::new(); n],
            })
            .collect(),
        keys,
    }
}

/// The count columns of a tally (count, one per summed attribute, one per
/// category), for the units `order` (feature indexes).
pub fn tally_columns(
    t: &Tally,
    order: &[usize],
    sum_names: &[String],
    by: Option<&str>,
) -> Vec<(String, Vec<Option<f64>>)> {
    let pick = |v: &Vec<f64>| order.iter().map(|&i| Some(v[i])).collect::<Vec<_>>();
    let mut cols = vec![("count".to_string(), pick(&t.count))];
    for (name, v) in sum_names.iter().zip(&t.sums) {
        cols.push((name.clone(), pick(v)));
    }
    if let Some(b) = by {
        for (cat, v) in &t.by {
            cols.push((format!("{b}: {cat}"), pick(v)));
        }
    }
    // `--sum count` must not replace the real count.
    let names: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
    let safe = crate::text::safe_column_names(&names[1..], &["level", "key", "name", "count"]);
    for (c, n) in cols[1..].iter_mut().zip(safe) {
        c.0 = n;
    }
    cols
}

/// The indexes of the features whose id passes `keep`, in id order.
pub fn scoped_order(layer: &Layer, keep: impl Fn(&str) -> bool) -> Vec<usize> {
    let mut o: Vec<usize> = (0..layer.features.len())
        .filter(|&i| keep(&layer.features[i].id))
        .collect();
    o.sort_by(|&a, &b| layer.features[a].id.cmp(&layer.features[b].id));
    o
}

/// How many points a tally counted in the units left out of `order`.
pub fn counted_outside_of(t: &Tally, order: &[usize]) -> f64 {
    let total: f64 = t.count.iter().sum();
    total - order.iter().map(|&i| t.count[i]).sum::<f64>()
}

/// A denominator: `NAME=COL+COL+…` (e.g. `Kinder_u6=E_EU1+E_E1U6`), and
/// the scale of the ratios (1: places per child; 100: places per 100
/// children).
#[derive(Debug, Clone, PartialEq)]
pub struct Per {
    pub name: String,
    pub columns: Vec<String>,
    pub scale: f64,
}

impl Per {
    pub fn parse(s: &str) -> Result<Per> {
        let (name, expr) = match s.split_once('=') {
            Some((n, e)) => (n.trim().to_string(), e.to_string()),
            None => (s.trim().to_string(), s.to_string()),
        };
        let columns: Vec<String> = expr
            .split('+')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        if name.is_empty() || columns.is_empty() {
            return Err(usage_error(format!(
                "--per '{s}': write NAME=COLUMN+COLUMN+…"
            )));
        }
        Ok(Per {
            name,
            columns,
            scale: 1.0,
        })
    }

    /// The denominator's column must not take the name of another output
    /// column: `level`, `key`, `name`, `count`, a `--sum` attribute or a
    /// `--by` category column (it would replace it, or be renamed).
    pub fn check_name(&self, sums: &[String], by: Option<&str>) -> Result<()> {
        let clash = ["level", "key", "name", "count"]
            .iter()
            .map(|c| c.to_string())
            .chain(sums.iter().cloned())
            .find(|c| c.eq_ignore_ascii_case(&self.name));
        let clash = clash.or_else(|| {
            by.filter(|b| {
                self.name
                    .to_lowercase()
                    .starts_with(&format!("{}: ", b.to_lowercase()))
            })
            .map(|b| format!("{b}: …"))
        });
        match clash {
            Some(c) => Err(usage_error(format!(
                "--per '{}={}': the name '{}' is taken by the output column '{c}'; give the denominator another name (e.g. --per 'Einwohner={}')",
                self.name,
                self.columns.join("+"),
                self.name,
                self.columns.join("+")
            ))),
            None => Ok(()),
        }
    }

    /// The same denominator with ratios per `scale` units of it (e.g. 100
    /// for places per 100 children).
    pub fn scaled(self, scale: f64) -> Per {
        Per { scale, ..self }
    }

    /// The name of the ratio column of `value`: `e_platz per Kinder_u6`, or
    /// with a scale `e_platz per 100 Kinder_u6`.
    pub fn ratio_column(&self, value: &str) -> String {
        if self.scale == 1.0 {
            format!("{value} per {}", self.name)
        } else {
            format!("{value} per {} {}", self.scale, self.name)
        }
    }

    /// The denominator of each key from the statistics: the sum of the
    /// columns (empty when a cell is empty or the key has no row); keys
    /// without a row are reported.
    pub fn values(&self, t: &StatTable, keys: &[String]) -> Result<(Vec<Option<f64>>, Warnings)> {
        for p in &self.columns {
            if t.column(p).is_none() {
                return Err(usage_error(format!(
                    "--per: no column '{p}' in {}. Columns: {}",
                    t.source,
                    examples(
                        &t.columns
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>(),
                        40
                    )
                )));
            }
        }
        let mut warnings = Warnings::default();
        let row: std::collections::HashMap<&str, usize> = t
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let missing: Vec<&str> = keys
            .iter()
            .filter(|k| !row.contains_key(k.as_str()))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            warnings.push(
                crate::error::WarningCode::MissingPlr,
                format!(
                    "{}: {} PLR of the units layer have no row; their ratios are empty: {}",
                    t.source,
                    missing.len(),
                    examples(&missing, 5)
                ),
            );
        }
        let values = keys
            .iter()
            .map(|k| {
                let i = *row.get(k.as_str())?;
                self.columns
                    .iter()
                    .map(|p| t.column(p).expect("checked").cells[i].num())
                    .sum()
            })
            .collect();
        Ok((values, warnings))
    }
}

/// The rules of a point table: every column summed; with a denominator,
/// `<value> per NAME` ratios (`<value> per SCALE NAME`, times the scale)
/// for each of `value_columns`.
pub fn point_rules(
    table: &StatTable,
    value_columns: &[String],
    per: Option<&Per>,
) -> Vec<ColumnRule> {
    let mut rules: Vec<ColumnRule> = table
        .columns
        .iter()
        .map(|c| ColumnRule {
            column: c.name.clone(),
            rule: Rule::Sum,
            origin: Origin::Count,
        })
        .collect();
    if let Some(per) = per {
        for v in value_columns {
            rules.push(ColumnRule {
                column: per.ratio_column(v),
                rule: Rule::Ratio {
                    numerator: v.clone(),
                    denominator: per.name.clone(),
                    factor: per.scale,
                },
                origin: Origin::Explicit,
            });
        }
    }
    rules
}

/// Each unit to itself: a weight table that keeps units as they are.
pub fn identity(level: &str, keys: &[String]) -> WeightTable {
    WeightTable::new(
        level,
        keys.iter()
            .map(|k| Weight {
                source: k.clone(),
                target: k.clone(),
                weight: 1.0,
            })
            .collect(),
    )
}

/// The first ids kept, and how many more there are.
pub fn some_ids(ids: &[String], total: u64) -> String {
    let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
    let rest = total.saturating_sub(shown.len() as u64);
    if rest > 0 {
        format!(
            "{} and {} more",
            shown.join(", "),
            crate::text::thousands(rest as f64)
        )
    } else {
        shown.join(", ")
    }
}

/// The `--sum` attributes become output columns: each once (an attribute
/// named like a column of the table itself, e.g. `count`, gets `_2`).
pub fn check_sums(sums: &[String]) -> Result<()> {
    for (i, s) in sums.iter().enumerate() {
        if sums[..i].iter().any(|t| t.eq_ignore_ascii_case(s)) {
            return Err(usage_error(format!(
                "--sum {s} is given twice: each attribute is summed once"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tally(count: Vec<f64>) -> Tally {
        Tally {
            sums: vec![count.iter().map(|c| c * 10.0).collect()],
            count,
            by: BTreeMap::new(),
            outside: 0,
            outside_ids: Vec::new(),
            overlap: 0,
        }
    }

    #[test]
    fn a_sum_is_given_once_and_not_as_a_table_column() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_sums(&v(&["plaetze", "e_platz"])).is_ok());
        let e = check_sums(&v(&["plaetze", "Plaetze"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--sum Plaetze is given twice: each attribute is summed once"
        );
        assert!(check_sums(&v(&["count"])).is_ok());
    }

    #[test]
    fn per_parses_name_and_columns() {
        let p = Per::parse("Kinder_u6=E_EU1+E_E1U6").unwrap();
        assert_eq!(p.name, "Kinder_u6");
        assert_eq!(p.columns, vec!["E_EU1", "E_E1U6"]);
        assert!(Per::parse("=").is_err());
    }

    #[test]
    fn per_values_sum_columns_and_report_missing_keys() {
        let t = unit_table(
            "s",
            vec!["04010101".into(), "04010102".into()],
            vec![
                ("a".into(), vec![Some(2.0), Some(3.0)]),
                ("b".into(), vec![Some(1.0), None]),
            ],
        );
        let p = Per::parse("n=a+b").unwrap();
        let (v, w) = p
            .values(
                &t,
                &["04010101".into(), "04010102".into(), "04010103".into()],
            )
            .unwrap();
        assert_eq!(v, vec![Some(3.0), None, None]);
        assert!(w.has("missing-plr"));
        assert!(Per::parse("n=zz").unwrap().values(&t, &[]).is_err());
    }

    #[test]
    fn per_name_must_not_take_another_column() {
        let sums = vec!["plaetze".to_string()];
        for name in ["plaetze", "count", "Key", "name"] {
            let e = Per::parse(&format!("{name}=E_E"))
                .unwrap()
                .check_name(&sums, Some("typ"))
                .unwrap_err();
            assert!(
                e.to_string().contains("is taken by the output column"),
                "{e}"
            );
            assert_eq!(crate::error::exit_code_of(&e), 2);
        }
        let by = Per::parse("typ: Kita=E_E").unwrap();
        assert!(by.check_name(&sums, Some("typ")).is_err());
        assert!(by.check_name(&sums, None).is_ok());
        assert!(Per::parse("Einwohner=E_E")
            .unwrap()
            .check_name(&sums, None)
            .is_ok());
    }

    #[test]
    fn columns_follow_the_order_and_out_of_scope_counts() {
        let t = tally(vec![1.0, 2.0, 4.0]);
        let cols = tally_columns(&t, &[2, 0], &["places".into()], None);
        assert_eq!(cols[0].1, vec![Some(4.0), Some(1.0)]);
        assert_eq!(cols[1].0, "places");
        assert_eq!(cols[1].1, vec![Some(40.0), Some(10.0)]);
        assert_eq!(counted_outside_of(&t, &[2, 0]), 2.0);
    }

    #[test]
    fn rules_sum_counts_and_divide_by_the_denominator() {
        let t = unit_table(
            "s",
            vec!["1".into()],
            vec![("count".into(), vec![Some(1.0)])],
        );
        let per = Per::parse("kids=a").unwrap();
        let r = point_rules(&t, &["count".into()], Some(&per));
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].column, "count per kids");
        let r = point_rules(&t, &["count".into()], Some(&per.scaled(100.0)));
        assert_eq!(r[1].column, "count per 100 kids");
        assert!(matches!(r[1].rule, Rule::Ratio { factor, .. } if factor == 100.0));
    }
}
