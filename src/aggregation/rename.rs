//! `--rename-input [GLOB:]OLD=NEW`: input columns renamed after reading and
//! before the rules, so that files that name the same figure differently
//! (`E_E`, `inhabitants`, `EW 31.12.2020`) give one column.
//!
//! With `GLOB:` a rename applies to the files whose name matches the glob;
//! without it, to every file that has the column. A rename onto a column the
//! file already has, and an `OLD` that no file has, are usage errors.

use anyhow::Result;

use crate::aggregation::rules::glob_match;
use crate::error::{examples, usage_error};
use crate::table::stats::StatTable;

/// The flag of input renames, for messages.
pub const FLAG: &str = "--rename-input";

/// One `--rename-input` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRename {
    /// Glob on the file name (without folders); every file without it.
    pub glob: Option<String>,
    pub old: String,
    pub new: String,
}

impl InputRename {
    /// Parse `[GLOB:]OLD=NEW`. The glob ends at the first `:` before the
    /// `=` (a column name with `:` needs `*:` in front).
    pub fn parse(s: &str) -> Result<InputRename> {
        let bad = || {
            usage_error(format!(
                "{FLAG} '{s}': write OLD=NEW or GLOB:OLD=NEW, e.g. {FLAG} 'inhabitants=E_E' or {FLAG} '*2020*:inhabitants=E_E'"
            ))
        };
        let (left, new) = s.split_once('=').ok_or_else(bad)?;
        let (glob, old) = match left.split_once(':') {
            Some((g, o)) => (Some(g.trim().to_string()), o),
            None => (None, left),
        };
        let (old, new) = (old.trim(), new.trim());
        if old.is_empty() || new.is_empty() || glob.as_deref() == Some("") {
            return Err(bad());
        }
        Ok(InputRename {
            glob,
            old: old.to_string(),
            new: new.to_string(),
        })
    }

    /// How the flag was written, for messages.
    fn written(&self) -> String {
        match &self.glob {
            Some(g) => format!("{g}:{}={}", self.old, self.new),
            None => format!("{}={}", self.old, self.new),
        }
    }

    /// Whether this rename is for the file of `table`.
    fn applies_to(&self, table: &StatTable) -> bool {
        self.glob.as_deref().is_none_or(|g| {
            let path = std::path::Path::new(&table.source);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| table.source.clone());
            glob_match(g, &name)
        })
    }
}

/// Rename the columns of every table (each the statistics of one file).
/// Renames are applied one after the other in the order given. An `OLD`
/// that no table (of its glob) has is an error, as is a rename onto a
/// column the same table has.
pub fn rename_columns<'a>(
    tables: impl IntoIterator<Item = &'a mut StatTable>,
    renames: &[InputRename],
) -> Result<()> {
    if renames.is_empty() {
        return Ok(());
    }
    let mut used = vec![false; renames.len()];
    let mut seen: Vec<String> = Vec::new();
    for table in tables {
        for (i, r) in renames.iter().enumerate() {
            if !r.applies_to(table) {
                continue;
            }
            let Some(j) = table.column_index(&r.old) else {
                continue;
            };
            if r.new != r.old && (table.column_index(&r.new).is_some() || table.key_column == r.new)
            {
                return Err(usage_error(format!(
                    "{}: {FLAG} '{}': the file has both columns '{}' and '{}'; rename onto a column that is not in the file",
                    table.source,
                    r.written(),
                    r.old,
                    r.new
                )));
            }
            table.columns[j].name = r.new.clone();
            used[i] = true;
        }
        for c in &table.columns {
            if !seen.contains(&c.name) {
                seen.push(c.name.clone());
            }
        }
    }
    if let Some(i) = used.iter().position(|u| !u) {
        let r = &renames[i];
        let which = match &r.glob {
            Some(g) => format!("no file matching '{g}' has"),
            None => "no file has".to_string(),
        };
        return Err(usage_error(format!(
            "{FLAG} '{}': {which} a column '{}'; columns: {}",
            r.written(),
            r.old,
            examples(&seen, 40)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::stats::{read_stats_bytes, ReadOptions};

    fn table(name: &str, text: &str) -> StatTable {
        read_stats_bytes(name, text.as_bytes(), &ReadOptions::default())
            .unwrap()
            .0
    }

    fn names(t: &StatTable) -> Vec<&str> {
        t.columns.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn parse_with_and_without_a_glob() {
        let r = InputRename::parse("*2020*:inhabitants=E_E").unwrap();
        assert_eq!(r.glob.as_deref(), Some("*2020*"));
        assert_eq!((r.old.as_str(), r.new.as_str()), ("inhabitants", "E_E"));
        let r = InputRename::parse("EW 31.12.2020 = E_E").unwrap();
        assert_eq!((r.glob, r.old.as_str()), (None, "EW 31.12.2020"));
        for bad in ["E_E", "=E_E", "E_E=", ":a=b"] {
            assert!(InputRename::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_glob_picks_the_files_and_a_plain_rename_every_file_with_the_column() {
        let mut a = table("dir/t-2018.csv", "RAUMID;inhabitants;x\n01011101;5;1\n");
        let mut b = table("dir/t-2020.csv", "RAUMID;inhabitants;y\n01011101;7;1\n");
        let renames = [
            InputRename::parse("*2020*:inhabitants=E_E").unwrap(),
            InputRename::parse("x=z").unwrap(),
        ];
        rename_columns([&mut a, &mut b], &renames).unwrap();
        assert_eq!(names(&a), ["inhabitants", "z"]);
        assert_eq!(names(&b), ["E_E", "y"]);
    }

    #[test]
    fn onto_an_existing_column_or_an_unknown_column_is_an_error() {
        let mut a = table("a.csv", "RAUMID;E_E;inhabitants\n01011101;5;5\n");
        let e = rename_columns([&mut a], &[InputRename::parse("inhabitants=E_E").unwrap()])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.csv: --rename-input 'inhabitants=E_E': the file has both columns 'inhabitants' and 'E_E'; rename onto a column that is not in the file"
        );
        let mut a = table("a.csv", "RAUMID;E_E\n01011101;5\n");
        let e = rename_columns([&mut a], &[InputRename::parse("EW=E_E").unwrap()])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--rename-input 'EW=E_E': no file has a column 'EW'; columns: E_E"
        );
    }
}
