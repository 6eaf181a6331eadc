//! The change of each value against the previous date of the series or
//! the same month a year before: counts absolute and in %, shares in
//! percentage points.

use anyhow::Result;

use crate::aggregation::rounding::round_decimals;
use crate::error::{examples, usage_error};
use crate::series::build::{Kind, Series};
use crate::table::level::Value;

/// Changes against which date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The date before in the series.
    Previous,
    /// The same month one year earlier.
    Year,
}

impl Against {
    pub fn parse(s: &str) -> Option<Against> {
        match s.trim() {
            "previous" | "prev" => Some(Against::Previous),
            "year" => Some(Against::Year),
            _ => None,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Against::Previous => "previous",
            Against::Year => "year",
        }
    }
}

/// The change columns for `column` (of `kind`) against `a`: names and whether
/// each is relative.
fn change_names(column: &str, kind: Kind, a: Against) -> Vec<(String, ChangeKind)> {
    match kind {
        Kind::Share => vec![(
            format!("{column} change {} pp", a.word()),
            ChangeKind::Points,
        )],
        _ => vec![
            (
                format!("{column} change {}", a.word()),
                ChangeKind::Absolute,
            ),
            (
                format!("{column} change {} %", a.word()),
                ChangeKind::Relative,
            ),
        ],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeKind {
    Absolute,
    Relative,
    Points,
}

/// Which columns get changes: the named ones (globs allowed), or every
/// count column.
pub fn change_columns(series: &Series, wanted: &[String]) -> Result<Vec<usize>> {
    if wanted.is_empty() {
        return Ok((0..series.columns.len())
            .filter(|&j| series.kinds[j] == Kind::Count)
            .collect());
    }
    let mut out = Vec::new();
    for w in wanted {
        let hits: Vec<usize> = (0..series.columns.len())
            .filter(|&j| crate::aggregation::rules::glob_match(w, &series.columns[j]))
            .collect();
        if hits.is_empty() {
            return Err(usage_error(format!(
                "--change-columns '{w}': no such column; the series has {}",
                examples(&series.columns, 8)
            )));
        }
        for j in hits {
            if series.kinds[j] == Kind::Label {
                return Err(usage_error(format!(
                    "--change-columns: '{}' is a label (text), it has no change",
                    series.columns[j]
                )));
            }
            if !out.contains(&j) {
                out.push(j);
            }
        }
    }
    Ok(out)
}

/// What to add to the tables.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub against: Vec<Against>,
    /// Column indices of the series.
    pub columns: Vec<usize>,
    /// `--round N`: absolute changes of counts to N decimals. The changes
    /// are taken of the values as shown (rounded by
    /// [`Series::round`](crate::series::build::Series)), so this only
    /// removes the noise of the subtraction.
    pub round: Option<u32>,
    /// `--decimals N`: relative changes (%) and changes of shares (pp) to
    /// N decimals.
    pub decimals: Option<u32>,
}

impl Series {
    /// Index of the date to compare date `t` with.
    fn reference(&self, t: usize, a: Against) -> Option<usize> {
        match a {
            Against::Previous => t.checked_sub(1),
            Against::Year => {
                let want = self.dates[t].year_before();
                self.dates.iter().position(|d| *d == want)
            }
        }
    }

    /// Names of the change columns, in output order.
    pub fn change_header(&self, ch: &Changes) -> Vec<String> {
        let mut h = Vec::new();
        for &j in &ch.columns {
            for &a in &ch.against {
                h.extend(
                    change_names(&self.columns[j], self.kinds[j], a)
                        .into_iter()
                        .map(|(n, _)| n),
                );
            }
        }
        h
    }

    /// The change values of unit `u` of level `l` at date `t`.
    pub(super) fn change_values(&self, l: usize, u: usize, t: usize, ch: &Changes) -> Vec<Value> {
        let vals = &self.levels[l].values[u];
        let get = |t: usize, j: usize| -> Option<f64> { vals[t].as_ref().and_then(|r| r[j].num()) };
        let mut out = Vec::new();
        for &j in &ch.columns {
            for &a in &ch.against {
                let cur = get(t, j);
                let prev = self.reference(t, a).and_then(|r| get(r, j));
                for (_, kind) in change_names(&self.columns[j], self.kinds[j], a) {
                    let v = match (cur, prev) {
                        (Some(c), Some(p)) => match kind {
                            ChangeKind::Absolute | ChangeKind::Points => Some(c - p),
                            ChangeKind::Relative if p != 0.0 => Some((c - p) / p * 100.0),
                            ChangeKind::Relative => None,
                        },
                        _ => None,
                    };
                    let n = match kind {
                        ChangeKind::Absolute => ch.round,
                        ChangeKind::Relative | ChangeKind::Points => ch.decimals,
                    };
                    let v = match n {
                        Some(n) => v.map(|x| round_decimals(x, n)),
                        None => v,
                    };
                    out.push(v.map(Value::Num).unwrap_or(Value::Missing));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregation::rules::RuleFlags;
    use crate::series::build::build;
    use crate::series::fixtures::{bzr_plan, dated};

    #[test]
    fn changes_counts_relative_shares_in_points_and_missing_columns_empty() {
        // Two PLR in one BZR, three dates; the last file has no column X.
        let files = [
            (
                2023,
                6,
                "RAUMID;E_E;X;Q\n13101101;100;40;10\n13101102;300;160;20\n",
            ),
            (
                2023,
                12,
                "RAUMID;E_E;X;Q\n13101101;110;50;10\n13101102;290;150;30\n",
            ),
            (2024, 6, "RAUMID;E_E;Q\n13101101;120;20\n13101102;330;20\n"),
        ];
        let dated = dated(&files);
        let plan = bzr_plan(RuleFlags {
            weighted: vec!["Q=E_E".into()],
            ..Default::default()
        });
        let (s, w) = build(&dated, &plan).unwrap();
        assert!(w.has("columns"), "{w:?}");
        assert_eq!(s.columns, ["E_E", "X", "Q"]);
        assert_eq!(s.kinds, [Kind::Count, Kind::Count, Kind::Share]);
        let ch = Changes {
            against: vec![Against::Previous, Against::Year],
            columns: change_columns(&s, &["E_E".into(), "Q".into()]).unwrap(),
            ..Changes::default()
        };
        let t = &s.long(&ch, false)[0];
        assert_eq!(
            t.columns,
            [
                "date",
                "E_E",
                "X",
                "Q",
                "E_E change previous",
                "E_E change previous %",
                "E_E change year",
                "E_E change year %",
                "Q change previous pp",
                "Q change year pp"
            ]
        );
        assert_eq!(t.keys, ["131011", "131011", "131011"]);
        let n = |r: usize, c: &str| t.rows[r][t.column_index(c).unwrap()].num();
        // 400 → 400 → 450; Q = (10·100+20·300)/400 = 17.5, (1100+8700)/400 = 24.5,
        // (2400+6600)/450 = 20.
        assert_eq!(n(0, "E_E"), Some(400.0));
        assert_eq!(n(1, "Q"), Some(24.5));
        assert_eq!(n(2, "X"), None);
        assert_eq!(n(0, "E_E change previous"), None);
        assert_eq!(n(2, "E_E change previous"), Some(50.0));
        assert_eq!(n(2, "E_E change previous %"), Some(12.5));
        assert_eq!(n(2, "E_E change year"), Some(50.0));
        assert_eq!(n(1, "E_E change year"), None);
        assert_eq!(n(1, "Q change previous pp"), Some(7.0));
        assert_eq!(n(2, "Q change year pp"), Some(2.5));
        let wide = &s.wide(&ch)[0];
        assert_eq!(wide.keys, ["131011"]);
        assert_eq!(wide.columns[0], "E_E 2023-06");
        assert_eq!(wide.num("131011", "E_E 2024-06"), Some(450.0));
        assert_eq!(wide.num("131011", "E_E change year 2024-06"), Some(50.0));
    }
}
