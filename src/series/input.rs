//! The input files of a series: files, folders (their files with a date in
//! the name) and globs expanded, the files read with their dates, and what
//! is checked across them (rows missing at some dates, coverage of the
//! names); the built-in names when there is no names file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::series::dates::{date_of, order, Date, Dated};
use crate::table::key::Vintage;
use crate::table::names::Names;

/// A statistics file by its name: CSV, XLSX or text.
fn is_table(p: &Path) -> bool {
    let n = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    [".csv", ".csv.gz", ".xlsx", ".xls", ".txt"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// The files of a folder, sorted.
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| input_error(format!("{}: cannot read the folder: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    Ok(v)
}

/// Statistics files named by the arguments: files, folders (their CSV and
/// XLSX files with a date in the name) and globs. `date_flag` is the
/// caller's flag that dates a file (`--date` of `lor series`), if it has one.
pub fn expand_inputs(
    inputs: &[String],
    date_flag: Option<&str>,
    warnings: &mut Warnings,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for arg in inputs {
        let p = Path::new(arg);
        if p.is_dir() {
            out.extend(dated_files_in(arg, date_flag, warnings)?);
        } else if arg.contains(['*', '?']) && !p.exists() {
            out.extend(glob_files(arg)?);
        } else {
            out.push(p.to_path_buf());
        }
    }
    Ok(out)
}

/// The statistics files of folder `arg` with a date in their name; the
/// others are reported.
fn dated_files_in(
    arg: &str,
    date_flag: Option<&str>,
    warnings: &mut Warnings,
) -> Result<Vec<PathBuf>> {
    let (dated, other): (Vec<PathBuf>, Vec<PathBuf>) = list_dir(Path::new(arg))?
        .into_iter()
        .filter(|f| is_table(f))
        .partition(|f| {
            f.file_name()
                .and_then(|n| Date::in_name(&n.to_string_lossy()))
                .is_some()
        });
    if !other.is_empty() {
        warnings.push(
            crate::error::WarningCode::SkippedFiles,
            format!(
                "{arg}: {} files without a date in their name are not part of the series: {} ({})",
                other.len(),
                examples(
                    &other
                        .iter()
                        .map(|f| f.display().to_string())
                        .collect::<Vec<_>>(),
                    5
                ),
                match date_flag {
                    Some(flag) => format!("give them as files, with {flag} FILE=YYYY-MM"),
                    None => "name them with their date, e.g. EWR202406E_Matrix.csv".to_string(),
                }
            ),
        );
    }
    if dated.is_empty() {
        return Err(input_error(format!(
            "{arg}: no statistics files with a date in their name (e.g. EWR202312E_Matrix.csv)"
        )));
    }
    Ok(dated)
}

/// The files matched by glob `arg` (the pattern only in the file name).
fn glob_files(arg: &str) -> Result<Vec<PathBuf>> {
    let p = Path::new(arg);
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pattern = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(usage_error(format!(
            "'{arg}': a glob may only match file names, not folders"
        )));
    }
    let hits: Vec<PathBuf> = list_dir(dir)?
        .into_iter()
        .filter(|f| {
            f.file_name().is_some_and(|n| {
                crate::aggregation::rules::glob_match(&pattern, &n.to_string_lossy())
            })
        })
        .collect();
    if hits.is_empty() {
        return Err(input_error(format!("'{arg}': no file matches")));
    }
    Ok(hits)
}

/// The same file, by name or by canonical path.
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// Read the files of a series with their dates (`given`: FILE=DATE for
/// files that do not say it), each checked against its own totals, in
/// date order.
pub fn read_dated(
    files: &[PathBuf],
    read: &crate::table::stats::ReadOptions,
    given: &[(PathBuf, Date)],
) -> Result<(Vec<Dated>, Warnings)> {
    for (f, _) in given {
        if !files.iter().any(|p| same_file(p, f)) {
            return Err(usage_error(format!(
                "--date {}: that file is not one of the series' files",
                f.display()
            )));
        }
    }
    let mut warnings = Warnings::default();
    let mut dated = Vec::with_capacity(files.len());
    for path in files {
        let (table, w) = crate::table::stats::read_stats(path, read)?;
        warnings.extend(w);
        warnings.extend(crate::quality::checks::check_totals(&table));
        let g = given
            .iter()
            .find(|(f, _)| same_file(path, f))
            .map(|(_, d)| *d);
        let (date, _, w) = date_of(&table, path, g)?;
        warnings.extend(w);
        dated.push(Dated { date, table });
    }
    let (dated, w) = order(dated)?;
    warnings.extend(w);
    Ok((dated, warnings))
}

/// Coverage against the names (of the series' vintage): the dates in that
/// vintage (every date without one).
pub fn check_coverage(dated: &[Dated], names: &Names, vintage: Option<Vintage>) -> Warnings {
    let mut warnings = Warnings::default();
    for d in dated {
        let own = d.table.vintage().map(|(v, _)| v);
        if vintage.is_none() || own.is_none() || own == vintage {
            warnings.extend(crate::quality::checks::check_coverage(
                &d.table,
                Some(names),
            ));
        }
    }
    warnings
}

/// Unit names for a series without a names file: the built-in catalogue of
/// the series' vintage (`--vintage`), or of the vintage its keys are in, as
/// `lor aggregate` names its units. None when the keys are no LOR keys.
pub fn catalogue_names(dated: &[Dated], vintage: Option<Vintage>) -> Option<(Names, Warnings)> {
    let source = "the series";
    match vintage {
        Some(v) => {
            crate::table::catalogue::names_for(source, crate::table::catalogue::get(v).plr())
        }
        None => crate::table::catalogue::names_for(
            source,
            dated
                .iter()
                .flat_map(|d| d.table.keys.iter().map(String::as_str)),
        ),
    }
}

/// Units that have a row at some dates of a series and none at others of
/// the same LOR vintage and level: their people would show as a change
/// that is none (a row left out of a file, not people moving), so each
/// such date is named with its missing keys.
pub fn rows_missing_at_dates(dated: &[Dated]) -> Warnings {
    let mut warnings = Warnings::default();
    let group = |d: &Dated| (d.table.vintage().map(|(v, _)| v.label()), d.table.level);
    for d in dated {
        let others: BTreeSet<&str> = dated
            .iter()
            .filter(|o| group(o) == group(d) && o.date != d.date)
            .flat_map(|o| o.table.keys.iter().map(String::as_str))
            .collect();
        let own: BTreeSet<&str> = d.table.keys.iter().map(String::as_str).collect();
        let missing: Vec<&str> = others.difference(&own).copied().collect();
        if !missing.is_empty() {
            warnings.push(
                crate::error::WarningCode::MissingPlr,
                format!(
                    "{} ({}): no row for {} {} of the other dates, so their people are missing from the totals and changes of this date: {}",
                    d.table.source,
                    d.date,
                    missing.len(),
                    if missing.len() == 1 {
                        d.table.level.german()
                    } else {
                        d.table.level.german_plural()
                    },
                    examples(&missing, 8)
                ),
            );
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::fixtures::table;

    #[test]
    fn a_row_missing_at_one_date_is_named() {
        let d = |date, text: &str| Dated {
            date,
            table: table("x.csv", text),
        };
        let (a, b) = (Date::new(2024, 6).unwrap(), Date::new(2024, 12).unwrap());
        let dated = [
            d(a, "RAUMID;E_E\n13100101;6030\n13100102;100\n"),
            d(b, "RAUMID;E_E\n13100101;6030\n13100102;100\n13100103;7\n"),
        ];
        let w = rows_missing_at_dates(&dated);
        let texts: Vec<String> = w.iter().map(|w| w.message.clone()).collect();
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(
            texts[0].contains("(2024-06): no row for 1 Planungsraum of the other dates")
                && texts[0].ends_with(": 13100103"),
            "{}",
            texts[0]
        );
        // The same keys at every date: nothing to say.
        assert!(rows_missing_at_dates(&dated[..1]).is_empty());
    }

    /// A fresh folder under the system's temporary folder.
    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("lor-series-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn inputs_from_folders_globs_and_files() {
        let d = scratch("inputs");
        for f in [
            "EWR201812E_Matrix.csv",
            "bestand-2020-12.csv",
            "notes.csv",
            "readme.md",
        ] {
            std::fs::write(d.join(f), "RAUMID;E_E\n04030417;5\n").unwrap();
        }
        let mut w = Warnings::default();
        let dir = d.display().to_string();
        let files = expand_inputs(std::slice::from_ref(&dir), Some("--date"), &mut w).unwrap();
        assert_eq!(
            files,
            vec![
                d.join("EWR201812E_Matrix.csv"),
                d.join("bestand-2020-12.csv")
            ]
        );
        assert!(w.has("skipped-files"), "{w:?}");
        assert!(w
            .iter()
            .any(|x| x.message.contains("1 files without a date")));
        let glob = format!("{dir}/EWR*.csv");
        let files = expand_inputs(&[glob, "x.csv".into()], None, &mut Warnings::default()).unwrap();
        assert_eq!(
            files,
            vec![d.join("EWR201812E_Matrix.csv"), PathBuf::from("x.csv")]
        );
        let e = expand_inputs(&[format!("{dir}/*.xlsx")], None, &mut w).unwrap_err();
        assert!(e.to_string().ends_with("': no file matches"), "{e}");
        let e = expand_inputs(&[format!("{dir}/*/x.csv")], None, &mut w).unwrap_err();
        assert!(e.to_string().contains("not folders"), "{e}");
        // Dates given for files of the series, in date order.
        let undated = d.join("notes.csv");
        let given = [(undated.clone(), Date::new(2019, 6).unwrap())];
        let files = [d.join("bestand-2020-12.csv"), undated];
        let (v, _) = read_dated(&files, &Default::default(), &given).unwrap();
        let dates: Vec<String> = v.iter().map(|x| x.date.to_string()).collect();
        assert_eq!(dates, vec!["2019-06", "2020-12"]);
        let other = [(d.join("readme.md"), Date::new(2019, 6).unwrap())];
        let e = read_dated(&files, &Default::default(), &other).unwrap_err();
        assert!(
            e.to_string().contains("is not one of the series' files"),
            "{e}"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
