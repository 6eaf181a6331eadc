//! The change of the key figures against the previous date of a series:
//! which file is that date, and both dates aggregated alike.

use super::*;

/// The change against the previous date: the report's date and the one
/// before it as a series (`crate::series`, aggregated with the same rules
/// and Sozialraum weights), levels PLR, Bezirk and Sozialraum.
pub struct Change {
    pub series: Series,
    /// The file of the previous date.
    pub previous: PathBuf,
}

pub(super) const PLR: usize = 0;
pub(super) const BEZIRK: usize = 1;
pub(super) const SOZIALRAUM: usize = 2;

impl Change {
    /// The earlier date.
    pub fn since(&self) -> Date {
        self.series.dates[0]
    }

    /// The change of `ind` for unit `key` of level `l` (counts: the
    /// difference, shares: in percentage points); None without both values.
    pub fn of(&self, ind: &Indicator, l: usize, key: &str) -> Option<f64> {
        let now = ind.value(&at_date(&self.series, l, 1), key)?;
        let before = ind.value(&at_date(&self.series, l, 0), key)?;
        Some(now - before)
    }

    /// A change map needs every column of `ind` at both dates: name the
    /// file of the date that lacks one (the report's own file is checked
    /// by `Figures::check_indicator`).
    pub fn check_indicator(&self, ind: &Indicator) -> Result<()> {
        let plr = &self.series.levels[PLR];
        for col in ind.columns() {
            let j = self.series.columns.iter().position(|c| c == col);
            let at_before = j.is_some_and(|j| {
                plr.values
                    .iter()
                    .any(|v| v[0].as_ref().is_some_and(|row| row[j] != Value::Missing))
            });
            if !at_before {
                return Err(input_error(format!(
                    "{}: no column '{col}' (or no value in it) at {}, so the change of '{}' cannot be mapped",
                    self.previous.display(),
                    self.since(),
                    ind.name
                )));
            }
        }
        Ok(())
    }
}

/// Level `l` of a series at date `d`, as a table.
pub(super) fn at_date(s: &Series, l: usize, d: usize) -> LevelTable {
    let ls = &s.levels[l];
    LevelTable {
        level: ls.level.clone(),
        keys: ls.units.iter().map(|u| u.0.clone()).collect(),
        names: ls.units.iter().map(|u| u.1.clone()).collect(),
        columns: s.columns.clone(),
        rows: ls
            .values
            .iter()
            .map(|v| {
                v[d].clone()
                    .unwrap_or_else(|| vec![Value::Missing; s.columns.len()])
            })
            .collect(),
    }
}

/// The date of a statistics file as `lor series` finds it; the report has
/// no flag to give a date, so a file without one must say it in its name.
pub(super) fn date_of(
    table: &crate::table::stats::StatTable,
    path: &std::path::Path,
) -> Result<(Date, Warnings)> {
    match crate::series::dates::date_of(table, path, None) {
        Ok((d, _, w)) => Ok((d, w)),
        Err(e) if e.to_string().contains("no date found") => Err(usage_error(format!(
            "{}: no date found (no ZEIT column, no date such as 201812 or 2020-12 in the file or folder name); for a report with changes, name the file with its date, e.g. EWR202406E_Matrix.csv",
            table.source
        ))),
        Err(e) => Err(e),
    }
}

pub(super) fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The change of the report's figures against the latest date before
/// theirs among `files` (dates as `lor series` finds them: `ZEIT`, the file
/// or folder name). Later dates and the report's own file are not used.
pub fn previous_date(fig: &Figures, files: &[PathBuf], bezirk: &str) -> Result<(Change, Warnings)> {
    let mut warnings = Warnings::default();
    let (_, assignment) = fig.sozialraum.as_ref().ok_or_else(|| {
        input_error("the report is for the Sozialräume of a Bezirk: give their polygons")
    })?;
    let own = &fig.paths[0];
    let (current, w) = date_of(&fig.table, own)?;
    warnings.extend(w);
    let (prev, path, w) = latest_before(files, own, current, bezirk, &fig.table.source)?;
    warnings.extend(w);
    same_vintage(&prev, &path, &fig.table, current)?;
    let plan = crate::series::build::Plan {
        rules: fig.rules.clone(),
        missing: fig.missing,
        levels: vec![Level::Plr, Level::Bezirk],
        names: Some(&fig.names),
        vintage: fig.table.vintage().map(|(v, _)| v),
        translation: None,
        sozialraum: Some(SozialraumWeights {
            weights: assignment.weights.clone(),
            names: assignment.names.clone(),
        }),
    };
    let dated = [
        prev,
        Dated {
            date: current,
            table: fig.table.clone(),
        },
    ];
    let (series, w) = crate::series::build::build(&dated, &plan)?;
    warnings.extend(w);
    Ok((
        Change {
            series,
            previous: path,
        },
        warnings,
    ))
}

/// The report has no crosswalk: both dates must be of one LOR vintage.
pub(super) fn same_vintage(
    prev: &Dated,
    path: &std::path::Path,
    now_table: &crate::table::stats::StatTable,
    current: Date,
) -> Result<()> {
    let vintage = |t: &crate::table::stats::StatTable| t.vintage().map(|(v, _)| v);
    match (vintage(&prev.table), vintage(now_table)) {
        (Some(before), Some(now)) if before != now => Err(input_error(format!(
            "{} ({}) has {} keys and {} ({current}) {} keys: for a change across the LOR reform, translate the earlier file into {} first (with lor translate)",
            path.display(),
            prev.date,
            before.label(),
            now_table.source,
            now.label(),
            now.label()
        ))),
        _ => Ok(()),
    }
}

/// The statistics of the latest date before `current` among `files`
/// (`own`, the report's file, left out), cut to Bezirk `bezirk`, with its
/// path and the warnings of reading it. Two files of that date, or none
/// before `current` (the error names `source`, the report's statistics),
/// are errors.
pub(super) fn latest_before(
    files: &[PathBuf],
    own: &std::path::Path,
    current: Date,
    bezirk: &str,
    source: &str,
) -> Result<(Dated, PathBuf, Warnings)> {
    let mut seen: Vec<String> = Vec::new();
    let mut before: Option<(Dated, PathBuf, Warnings)> = None;
    for p in files {
        if same_file(p, own) {
            continue;
        }
        let (mut table, mut w) =
            crate::table::stats::read_stats(p, &crate::table::stats::ReadOptions::default())?;
        let (date, w2) = date_of(&table, p)?;
        w.extend(w2);
        seen.push(date.to_string());
        if date >= current {
            continue;
        }
        if let Some((b, bp, _)) = &before {
            if b.date == date {
                return Err(input_error(format!(
                    "{} and {} are both of {date}: a series takes one file per date",
                    bp.display(),
                    p.display()
                )));
            }
            if b.date > date {
                continue;
            }
        }
        table.retain_keys(|k| k.starts_with(bezirk));
        if table.is_empty() {
            return Err(input_error(format!(
                "{}: no rows of Bezirk {bezirk}",
                table.source
            )));
        }
        before = Some((Dated { date, table }, p.clone(), w));
    }
    before.ok_or_else(|| {
        seen.sort();
        seen.dedup();
        input_error(format!(
            "the series has no date before {current}, the date of {source}{}",
            if seen.is_empty() {
                String::new()
            } else {
                format!(" (its dates: {})", examples(&seen, 8))
            }
        ))
    })
}
