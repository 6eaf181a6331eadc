//! The tables of a series: long (one row per unit and date) or wide (the
//! dates side by side), with the changes beside the values or in sheets
//! of their own.

use crate::series::build::{LevelSeries, Series};
use crate::series::changes::Changes;
use crate::table::level::{LevelTable, Value};

/// How the tables of a series are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One row per unit and date (with the column `translated_from` when
    /// the series has one vintage).
    Long { with_translated: bool },
    /// The dates side by side.
    Wide,
    /// Wide, with the changes in sheets of their own (XLSX).
    Sheets,
}

impl Series {
    /// The tables of the series in `shape`.
    pub fn tables(&self, changes: &Changes, shape: Shape) -> Vec<LevelTable> {
        match shape {
            Shape::Sheets => {
                // Sheet names as the value sheets have them: PGR, Bezirk, …
                let mut t = self.wide_values(None);
                if !changes.against.is_empty() {
                    let named = |l: &str| format!("{} – Veränderung", crate::text::sheet_name(l));
                    t.extend(self.wide_changes(changes, Some(&named)));
                }
                t
            }
            Shape::Wide => self.wide(changes),
            Shape::Long { with_translated } => self.long(changes, with_translated),
        }
    }

    /// Long form: per level a table with one row per unit and date (sorted
    /// by unit, then date): `date`, `translated_from` (with a vintage), the
    /// columns, the changes.
    pub fn long(&self, ch: &Changes, with_translated: bool) -> Vec<LevelTable> {
        let mut header = vec!["date".to_string()];
        if with_translated {
            header.push("translated_from".to_string());
        }
        header.extend(self.columns.iter().cloned());
        header.extend(self.change_header(ch));
        self.levels
            .iter()
            .enumerate()
            .map(|(l, ls)| {
                let mut t = LevelTable {
                    level: ls.level.clone(),
                    keys: Vec::new(),
                    names: Vec::new(),
                    columns: header.clone(),
                    rows: Vec::new(),
                };
                for (u, (key, name)) in ls.units.iter().enumerate() {
                    for (d, date) in self.dates.iter().enumerate() {
                        let Some(vals) = &ls.values[u][d] else {
                            continue;
                        };
                        let mut row = vec![Value::Text(date.to_string())];
                        if with_translated {
                            row.push(match self.translated[d] {
                                Some(v) => Value::Text(v.label().to_string()),
                                None => Value::Missing,
                            });
                        }
                        row.extend(vals.iter().cloned());
                        row.extend(self.change_values(l, u, d, ch));
                        t.keys.push(key.clone());
                        t.names.push(name.clone());
                        t.rows.push(row);
                    }
                }
                t
            })
            .collect()
    }

    fn date_label(&self, d: usize) -> String {
        match self.translated[d] {
            Some(v) => format!("{} ({})", self.dates[d], v.label()),
            None => self.dates[d].to_string(),
        }
    }

    /// Wide form: per level one row per unit; per column the dates side by
    /// side (`E_E 2023-06`, a translated date as `E_E 2020-12 (LOR 2006)`).
    /// The changes, if any, follow the same way.
    pub fn wide(&self, ch: &Changes) -> Vec<LevelTable> {
        let mut out = self.wide_values(None);
        if !ch.against.is_empty() {
            let changes = self.wide_changes(ch, None);
            for (t, c) in out.iter_mut().zip(changes) {
                t.columns.extend(c.columns);
                for (r, cr) in t.rows.iter_mut().zip(c.rows) {
                    r.extend(cr);
                }
            }
        }
        out
    }

    /// The values, wide; `level_name` renames the levels (for sheets).
    pub fn wide_values(&self, level_name: Option<&dyn Fn(&str) -> String>) -> Vec<LevelTable> {
        let mut header = Vec::new();
        for c in &self.columns {
            for d in 0..self.dates.len() {
                header.push(format!("{c} {}", self.date_label(d)));
            }
        }
        self.levels
            .iter()
            .map(|ls| {
                let rows = ls
                    .values
                    .iter()
                    .map(|per_date| {
                        let mut row = Vec::with_capacity(header.len());
                        for j in 0..self.columns.len() {
                            for v in per_date {
                                row.push(
                                    v.as_ref().map(|r| r[j].clone()).unwrap_or(Value::Missing),
                                );
                            }
                        }
                        row
                    })
                    .collect();
                wide_table(ls, level_name, &header, rows)
            })
            .collect()
    }

    /// The changes, wide: per change column the dates side by side.
    pub fn wide_changes(
        &self,
        ch: &Changes,
        level_name: Option<&dyn Fn(&str) -> String>,
    ) -> Vec<LevelTable> {
        let names = self.change_header(ch);
        let mut header = Vec::new();
        for n in &names {
            for d in 0..self.dates.len() {
                header.push(format!("{n} {}", self.date_label(d)));
            }
        }
        self.levels
            .iter()
            .enumerate()
            .map(|(l, ls)| {
                let rows = (0..ls.units.len())
                    .map(|u| {
                        let per_date: Vec<Vec<Value>> = (0..self.dates.len())
                            .map(|d| {
                                if ls.values[u][d].is_some() {
                                    self.change_values(l, u, d, ch)
                                } else {
                                    vec![Value::Missing; names.len()]
                                }
                            })
                            .collect();
                        let mut row = Vec::with_capacity(header.len());
                        for j in 0..names.len() {
                            for pd in &per_date {
                                row.push(pd[j].clone());
                            }
                        }
                        row
                    })
                    .collect();
                wide_table(ls, level_name, &header, rows)
            })
            .collect()
    }
}

/// A wide table of one level: its units, `header` and `rows`; the level
/// named by `level_name` where given.
fn wide_table(
    ls: &LevelSeries,
    level_name: Option<&dyn Fn(&str) -> String>,
    header: &[String],
    rows: Vec<Vec<Value>>,
) -> LevelTable {
    LevelTable {
        level: level_name
            .map(|f| f(&ls.level))
            .unwrap_or_else(|| ls.level.clone()),
        keys: ls.units.iter().map(|u| u.0.clone()).collect(),
        names: ls.units.iter().map(|u| u.1.clone()).collect(),
        columns: header.to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregation::rules::RuleFlags;
    use crate::series::build::build;
    use crate::series::changes::{change_columns, Against};
    use crate::series::fixtures::{bzr_plan, dated};

    #[test]
    fn tables_by_shape() {
        let d = dated(&[
            (2023, 6, "RAUMID;E_E\n13101101;100\n13101102;300\n"),
            (2023, 12, "RAUMID;E_E\n13101101;110\n13101102;330\n"),
        ]);
        let (s, _) = build(&d, &bzr_plan(RuleFlags::default())).unwrap();
        let changes = Changes {
            against: vec![Against::Previous],
            columns: change_columns(&s, &[]).unwrap(),
            ..Changes::default()
        };
        let long = s.tables(
            &changes,
            Shape::Long {
                with_translated: false,
            },
        );
        assert_eq!(long.len(), 1);
        assert_eq!(long[0].keys.len(), 2, "one row per BZR and date");
        let wide = s.tables(&changes, Shape::Wide);
        assert_eq!(wide[0].keys.len(), 1, "one row per BZR");
        let sheets = s.tables(&changes, Shape::Sheets);
        assert_eq!(sheets.len(), 2, "values and changes");
        assert!(
            sheets[1].level.ends_with(" – Veränderung"),
            "{}",
            sheets[1].level
        );
    }
}
