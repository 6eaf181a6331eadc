//! The columns a statistics file must have (`--expect-columns`,
//! `--expect-columns-of`): a quarterly delivery that lost a column is an
//! error naming it, before anything is computed from it; a column that is
//! not expected is a warning.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::Result;

use crate::error::{examples, input_error, WarningCode, Warnings};
use crate::table::stats::{read_stats, ReadOptions, StatTable};

/// The expected columns: a list, or the columns of a reference file (an
/// earlier delivery), read once however many files are checked against it
/// (the dated files of a series).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    List(Vec<String>),
    ColumnsOf(PathBuf, Arc<OnceLock<Vec<String>>>),
}

impl Expected {
    /// The columns of the reference file `path`.
    pub fn columns_of(path: PathBuf) -> Expected {
        Expected::ColumnsOf(path, Arc::default())
    }

    /// The expected column names, and where they come from (for messages).
    fn names(&self) -> Result<(Vec<String>, String)> {
        match self {
            Expected::List(l) => Ok((l.clone(), "--expect-columns".to_string())),
            Expected::ColumnsOf(p, read) => {
                let names = match read.get() {
                    Some(names) => names.clone(),
                    None => {
                        let (reference, _) = read_stats(p, &ReadOptions::default())?;
                        let mut names = vec![reference.key_column.clone()];
                        names.extend(reference.columns.iter().map(|c| c.name.clone()));
                        read.get_or_init(|| names).clone()
                    }
                };
                Ok((names, format!("the columns of {}", p.display())))
            }
        }
    }
}

/// Every expected column must be in `table` (its key column counts);
/// columns that are not expected are a warning.
pub fn check_expected(table: &StatTable, expected: &Expected) -> Result<Warnings> {
    let (names, from) = expected.names()?;
    let norm = |s: &str| s.trim().to_lowercase();
    let have: Vec<String> = std::iter::once(&table.key_column)
        .chain(table.columns.iter().map(|c| &c.name))
        .map(|n| norm(n))
        .collect();
    let wanted: Vec<String> = names.iter().map(|n| norm(n)).collect();
    let missing: Vec<&str> = names
        .iter()
        .zip(&wanted)
        .filter(|(_, w)| !have.contains(w))
        .map(|(n, _)| n.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(input_error(format!(
            "{}: {} expected column{} missing ({from}): {}",
            table.source,
            missing.len(),
            if missing.len() == 1 { " is" } else { "s are" },
            examples(&missing, 20)
        )));
    }
    let extra: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| !wanted.contains(&norm(n)))
        .collect();
    let mut warnings = Warnings::default();
    if !extra.is_empty() {
        warnings.push(
            WarningCode::ExtraColumn,
            format!(
                "{}: {} column{} not expected ({from}): {}",
                table.source,
                extra.len(),
                if extra.len() == 1 { " is" } else { "s are" },
                examples(&extra, 20)
            ),
        );
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::stats::read_stats_bytes;

    fn table(text: &str) -> StatTable {
        read_stats_bytes("q3.csv", text.as_bytes(), &ReadOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn a_missing_column_is_an_error_naming_it_and_an_extra_one_a_warning() {
        let t = table("RAUMID;E_E;E_EW\n04010101;10;6\n04010102;5;2\n");
        let list = |l: &[&str]| Expected::List(l.iter().map(|s| s.to_string()).collect());
        let e = check_expected(&t, &list(&["RAUMID", "E_E", "E_EM", "E_EW"])).unwrap_err();
        assert_eq!(crate::error::exit_code_of(&e), 1);
        assert_eq!(
            e.to_string(),
            "q3.csv: 1 expected column is missing (--expect-columns): E_EM"
        );
        let w = check_expected(&t, &list(&["e_e"])).unwrap();
        assert_eq!(w.len(), 1);
        assert!(w.iter().all(|w| w.code == WarningCode::ExtraColumn));
        assert!(w
            .iter()
            .any(|w| w.message.ends_with("not expected (--expect-columns): E_EW")));
        assert!(check_expected(&t, &list(&["E_E", "E_EW"]))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_columns_of_an_earlier_delivery() {
        let dir = tempfile::tempdir().unwrap();
        let q2 = dir.path().join("q2.csv");
        std::fs::write(&q2, "RAUMID;E_E;E_EM;E_EW\n04010101;10;4;6\n").unwrap();
        let t = table("RAUMID;E_E;E_EW\n04010101;10;6\n");
        let e = check_expected(&t, &Expected::columns_of(q2.clone())).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("q3.csv: 1 expected column is missing (the columns of "),
            "{e}"
        );
        assert!(e.to_string().ends_with("q2.csv): E_EM"), "{e}");
    }
}
