//! Unit names and the reference list of Planungsräume.
//!
//! A names table has one row per PLR with its key and the names of the PLR
//! and of its BZR, PGR and Bezirk (as `lor-2006/plr-names.csv` and
//! `lor-2021/lor-2021.csv` do). It gives output tables their names and is the
//! reference for coverage: which PLR exist.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;

use crate::error::{examples, input_error, Warnings};
use crate::table::key::{bezirk_name, normalize_key, Level, BERLIN_KEY};
use crate::table::stats::{read_stats, Cell, ColumnType, ReadOptions, StatTable};

#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Where the names come from, for messages.
    pub source: String,
    /// Name of every unit of every level, by key.
    names: BTreeMap<String, String>,
    /// The reference units (normally PLR) in key order.
    pub units: BTreeSet<String>,
}

/// Which level a column header names, if it is a name column.
fn name_level(header: &str) -> Option<Level> {
    let l = header.to_lowercase();
    let is_number = [
        "nummer",
        "schlüssel",
        "schluessel",
        " nr",
        "_nr",
        "_id",
        "uuid",
        "key",
        "fläche",
        "flaeche",
        "area",
        "stand",
    ]
    .iter()
    .any(|w| l.contains(w))
        || l == "id";
    if is_number {
        return None;
    }
    if l.contains("planungsraum") || l.starts_with("plr") || l == "name" || l == "plr_name" {
        Some(Level::Plr)
    } else if l.contains("bezirksregion") || l.starts_with("bzr") {
        Some(Level::Bzr)
    } else if l.contains("prognoseraum") || l.starts_with("pgr") {
        Some(Level::Pgr)
    } else if l.contains("bezirk") || l.starts_with("bez") {
        Some(Level::Bezirk)
    } else {
        None
    }
}

/// Which level a column header gives the key of (`Bezirksregion (Nummer)`).
fn number_level(header: &str) -> Option<Level> {
    let l = header.to_lowercase();
    if !(l.contains("nummer") || l.contains("nr") || l.contains("schlüssel") || l.ends_with("_id"))
    {
        return None;
    }
    if l.contains("bezirksregion") || l.starts_with("bzr") || l.starts_with("district_region") {
        Some(Level::Bzr)
    } else if l.contains("prognoseraum") || l.starts_with("pgr") || l.starts_with("forecast_area") {
        Some(Level::Pgr)
    } else {
        None
    }
}

impl Names {
    /// Read a names table (CSV or XLSX) with a PLR key column.
    pub fn read(path: &Path) -> Result<(Names, Warnings)> {
        let (table, mut warnings) = read_stats(path, &ReadOptions::default())?;
        let (names, w) = Names::from_table(&table)?;
        warnings.extend(w);
        Ok((names, warnings))
    }

    /// Names from a table already read. Checks that the key columns of
    /// higher levels (if present) agree with the levels derived from the
    /// PLR key digits.
    pub fn from_table(table: &StatTable) -> Result<(Names, Warnings)> {
        let mut warnings = Warnings::default();
        let mut names = Names {
            source: table.source.clone(),
            ..Names::default()
        };
        let name_cols: Vec<(Level, usize)> = table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == ColumnType::Text)
            .filter_map(|(i, c)| name_level(&c.name).map(|l| (l, i)))
            .collect();
        if name_cols.is_empty() {
            return Err(input_error(format!(
                "{}: no name columns found (expected columns such as 'Planungsraum', 'Bezirksregion', 'Prognoseraum', 'Bezirk' or 'name')",
                table.source
            )));
        }
        let mut conflicts = Vec::new();
        for (row, key) in table.keys.iter().enumerate() {
            names.units.insert(key.clone());
            for &(level, col) in &name_cols {
                if level < table.level {
                    continue;
                }
                if let Cell::Text(name) = &table.columns[col].cells[row] {
                    let unit = level.parent_of(key).to_string();
                    if let Some(prev) = names.names.get(&unit) {
                        if prev != name {
                            conflicts.push(format!("{unit} ('{prev}' / '{name}')"));
                        }
                        continue;
                    }
                    names.names.insert(unit, name.clone());
                }
            }
        }
        if !conflicts.is_empty() {
            warnings.push(
                crate::error::WarningCode::Names,
                format!(
                    "{}: {} units have different names in different rows (the first is used): {}",
                    table.source,
                    conflicts.len(),
                    examples(&conflicts, 3)
                ),
            );
        }
        // Key columns of the higher levels must agree with the key digits.
        for c in &table.columns {
            let Some(level) = number_level(&c.name) else {
                continue;
            };
            let mut bad = Vec::new();
            for ((key, cell), line) in table.keys.iter().zip(&c.cells).zip(&table.lines) {
                let text = match cell {
                    Cell::Num(v) => format!("{v}"),
                    Cell::Text(s) => s.clone(),
                    _ => continue,
                };
                match normalize_key(&text) {
                    Ok((l, k)) if l == level && k == level.parent_of(key) => {}
                    _ => bad.push(format!("{key}: '{text}' ({} {line})", table.line_word)),
                }
            }
            if !bad.is_empty() {
                warnings.push(
                crate::error::WarningCode::Hierarchy,
                    format!(
                        "{}: column '{}' disagrees with the {} derived from the PLR key in {} rows: {}",
                        table.source,
                        c.name,
                        level.german(),
                        bad.len(),
                        examples(&bad, 3)
                    ),
                );
            }
        }
        Ok((names, warnings))
    }

    /// Names from (key, name) pairs of one level, e.g. geometry properties.
    pub fn from_pairs<'a>(
        source: &str,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Names {
        let mut names = Names {
            source: source.to_string(),
            ..Names::default()
        };
        for (k, n) in pairs {
            names.units.insert(k.to_string());
            if !n.is_empty() {
                names.names.insert(k.to_string(), n.to_string());
            }
        }
        names
    }

    /// Add names from another table where this one has none.
    pub fn merge(&mut self, other: &Names) {
        for (k, v) in &other.names {
            self.names.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }

    /// The name of a unit at any level. Bezirke and the city have names
    /// even without a names table.
    pub fn name(&self, key: &str) -> Option<&str> {
        if let Some(n) = self.names.get(key) {
            return Some(n);
        }
        if key == BERLIN_KEY {
            return Some("Berlin");
        }
        if key.len() == 2 {
            return bezirk_name(key);
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}
