//! The built-in LOR catalogue: keys, names, areas and hierarchy of LOR 2006
//! and LOR 2021, compiled into the binary from the bundled key lists
//! (`data/berlin/lor-2006/plr-names.csv`, `data/berlin/lor-2021/lor-2021.csv`)
//! and parsed at first use with the same reader as `--names`.
//!
//! Also: the short names of the bundled geometry (`lor2006:plr`, `bezirke`,
//! …), which every layer argument accepts, resolved in [`resolve_layer_path`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Result;

use crate::error::{input_error, Warnings};
use crate::table::key::{Level, Vintage};
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::table::names::Names;
use crate::table::stats::{read_stats_bytes, ReadOptions};

const LOR_2006_CSV: &str = include_str!("../../data/berlin/lor-2006/plr-names.csv");
const LOR_2021_CSV: &str = include_str!("../../data/berlin/lor-2021/lor-2021.csv");

/// Warning code of the note that says which catalogue named the units.
pub const NOTE_CODE: crate::error::WarningCode = crate::error::WarningCode::Catalogue;

/// The built-in key list of one LOR vintage.
#[derive(Debug)]
pub struct Catalogue {
    pub vintage: Vintage,
    /// Where the list comes from (the bundled file), for messages.
    pub source: &'static str,
    /// Names of every unit of every level.
    pub names: Names,
    /// Area of every PLR in m², as published.
    pub areas: BTreeMap<String, f64>,
    /// Every key of every level (PLR, BZR, PGR, Bezirk).
    pub keys: BTreeSet<String>,
}

fn parse(vintage: Vintage, source: &'static str, text: &str) -> Catalogue {
    // The bundled files are part of the source tree; a test reads both, so a
    // failure here is a broken build, not bad user input.
    let (table, _) = read_stats_bytes(source, text.as_bytes(), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("built-in catalogue {source}: {e:#}"));
    let (names, _) =
        Names::from_table(&table).unwrap_or_else(|e| panic!("built-in catalogue {source}: {e:#}"));
    let area_col = table.columns.iter().find(|c| {
        let l = c.name.to_lowercase();
        l.contains("fläche")
    });
    let mut areas = BTreeMap::new();
    let mut keys = BTreeSet::new();
    for (i, k) in table.keys.iter().enumerate() {
        for level in [Level::Plr, Level::Bzr, Level::Pgr, Level::Bezirk] {
            keys.insert(level.parent_of(k).to_string());
        }
        if let Some(a) = area_col.and_then(|c| c.cells[i].num()) {
            areas.insert(k.clone(), a);
        }
    }
    Catalogue {
        vintage,
        source,
        names,
        areas,
        keys,
    }
}

/// The catalogue of one vintage (parsed once, at first use).
pub fn get(vintage: Vintage) -> &'static Catalogue {
    static C2006: OnceLock<Catalogue> = OnceLock::new();
    static C2021: OnceLock<Catalogue> = OnceLock::new();
    match vintage {
        Vintage::Lor2006 => C2006.get_or_init(|| {
            parse(
                Vintage::Lor2006,
                "built-in LOR 2006 (lor-2006/plr-names.csv)",
                LOR_2006_CSV,
            )
        }),
        Vintage::Lor2021 => C2021.get_or_init(|| {
            parse(
                Vintage::Lor2021,
                "built-in LOR 2021 (lor-2021/lor-2021.csv)",
                LOR_2021_CSV,
            )
        }),
    }
}

impl Catalogue {
    /// The PLR keys in key order.
    pub fn plr(&self) -> impl Iterator<Item = &str> {
        self.names.units.iter().map(String::as_str)
    }

    /// The published area of a unit in m² (of a BZR, PGR or Bezirk: the sum
    /// of its PLR), when the list gives areas.
    pub fn area(&self, key: &str) -> Option<f64> {
        let mut it = self
            .areas
            .range(key.to_string()..)
            .take_while(|(k, _)| k.starts_with(key))
            .map(|(_, a)| *a)
            .peekable();
        it.peek()?;
        Some(it.sum())
    }

    /// The units of one level: (key, name).
    pub fn units(&self, level: Level) -> Vec<(&str, &str)> {
        self.keys
            .iter()
            .filter(|k| k.len() == level.digits())
            .map(|k| (k.as_str(), self.names.name(k).unwrap_or("")))
            .collect()
    }

    /// The units of `level` in the Bezirke that `keys` lie in: the units a
    /// file with rows in those Bezirke should have (a file of one Bezirk is
    /// complete without the units of the others).
    pub fn units_in_bezirke_of<'a>(
        &self,
        level: Level,
        keys: impl IntoIterator<Item = &'a str>,
    ) -> BTreeSet<String> {
        let bezirke: BTreeSet<&str> = keys
            .into_iter()
            .filter(|k| k.len() >= Level::Bezirk.digits())
            .map(|k| Level::Bezirk.parent_of(k))
            .collect();
        self.keys
            .iter()
            .filter(|k| k.len() == level.digits() && bezirke.contains(Level::Bezirk.parent_of(k)))
            .cloned()
            .collect()
    }

    /// The catalogue of `levels` as output tables: key, name, the keys of
    /// the parent units, and the published area of each PLR (summed upwards).
    pub fn tables(&self, levels: &[Level]) -> Vec<LevelTable> {
        let parents = [Level::Bezirk, Level::Pgr, Level::Bzr];
        let columns: Vec<String> = ["vintage", "bez", "pgr", "bzr", "area_m2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let year = match self.vintage {
            Vintage::Lor2006 => 2006.0,
            Vintage::Lor2021 => 2021.0,
        };
        levels
            .iter()
            .map(|&level| {
                let units = self.units(level);
                let mut t = LevelTable {
                    level: level.code().to_string(),
                    keys: Vec::with_capacity(units.len()),
                    names: Vec::with_capacity(units.len()),
                    columns: columns.clone(),
                    rows: Vec::with_capacity(units.len()),
                };
                for (key, name) in units {
                    let mut row = vec![Value::Num(year)];
                    for p in parents {
                        row.push(if p < level || p.digits() > key.len() {
                            Value::Missing
                        } else {
                            Value::Text(p.parent_of(key).to_string())
                        });
                    }
                    // Summed in key order, rounded to cm² so that the
                    // output does not carry float noise.
                    row.push(match self.area(key) {
                        Some(a) => Value::Num((a * 100.0).round() / 100.0),
                        None => Value::Missing,
                    });
                    t.keys.push(key.to_string());
                    t.names.push(name.to_string());
                    t.rows.push(row);
                }
                t
            })
            .collect()
    }
}

/// Which built-in catalogue names the units of `keys`: the vintage with the
/// most keys in its list (any level). `None` when no key is in either.
/// Returns the catalogue, how many keys it knows and how many there are.
pub fn for_keys<'a>(
    keys: impl IntoIterator<Item = &'a str>,
) -> Option<(&'static Catalogue, usize, usize)> {
    let keys: Vec<&str> = keys.into_iter().collect();
    let c06 = get(Vintage::Lor2006);
    let c21 = get(Vintage::Lor2021);
    let n06 = keys.iter().filter(|k| c06.keys.contains(**k)).count();
    let n21 = keys.iter().filter(|k| c21.keys.contains(**k)).count();
    if n06 == 0 && n21 == 0 {
        return None;
    }
    let pick = if n21 > n06 {
        (c21, n21)
    } else if n06 > n21 {
        (c06, n06)
    } else {
        // As many matches in both: the digits decide (2021 numbers its
        // Prognoseräume in tens).
        match Vintage::detect(keys.iter().copied()) {
            Some((Vintage::Lor2021, _)) => (c21, n21),
            _ => (c06, n06),
        }
    };
    Some((pick.0, pick.1, keys.len()))
}

/// Names for statistics keyed by `keys` from the built-in catalogue, with a
/// note saying which vintage was used. `None` when no key is a LOR key of
/// either vintage.
pub fn names_for<'a>(
    source: &str,
    keys: impl IntoIterator<Item = &'a str>,
) -> Option<(Names, Warnings)> {
    let (c, matched, total) = for_keys(keys)?;
    let mut w = Warnings::default();
    w.push(
        NOTE_CODE,
        format!(
            "{source}: unit names from the {} catalogue ({matched} of {total} keys are {} keys); give --names FILE for other names",
            c.vintage.label(),
            c.vintage.label()
        ),
    );
    // Names only: the catalogue is not the coverage reference (a file of
    // one Bezirk, or per BZR, is complete without every PLR of Berlin).
    let mut names = c.names.clone();
    names.units.clear();
    names.source = c.source.to_string();
    Some((names, w))
}

/// The bundled geometry by short name: (short name, file under the data
/// folder, what it is).
pub const SHORT_NAMES: &[(&str, &str, &str)] = &[
    (
        "lor2006:plr",
        "lor-2006/plr.geojson.gz",
        "LOR 2006 Planungsräume",
    ),
    (
        "lor2006:bzr",
        "lor-2006/bzr.geojson.gz",
        "LOR 2006 Bezirksregionen",
    ),
    (
        "lor2006:pgr",
        "lor-2006/pgr.geojson.gz",
        "LOR 2006 Prognoseräume",
    ),
    (
        "lor2021:pgr",
        "lor-2021/pgr.geojson.gz",
        "LOR 2021 Prognoseräume",
    ),
    ("bezirke", "districts.geojson.gz", "the 12 Bezirke"),
];

/// Environment variable naming the folder with the bundled Berlin data (the
/// repository's `data/berlin`), for a binary run away from its source tree.
pub const DATA_DIR_ENV: &str = "LOR_DATA_DIR";

/// The folder with the bundled Berlin data: `$LOR_DATA_DIR`, else the
/// repository's `data/berlin` the binary was built from.
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("data/berlin"),
    }
}

/// A layer argument as a path: a short name of the bundled geometry
/// (`lor2006:plr`, `lor2006:bzr`, `lor2006:pgr`, `lor2021:pgr`, `bezirke`)
/// becomes its file in the data folder; anything else is a path as given.
/// A file that exists under the given name always wins.
pub fn resolve_layer_path(given: &Path) -> Result<PathBuf> {
    let Some(s) = given.to_str() else {
        return Ok(given.to_path_buf());
    };
    let Some((_, file, what)) = SHORT_NAMES
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(s.trim()))
    else {
        return Ok(given.to_path_buf());
    };
    if given.exists() {
        return Ok(given.to_path_buf());
    }
    let dir = data_dir();
    let path = dir.join(file);
    if !path.exists() {
        return Err(input_error(format!(
            "{s} ({what}): the bundled Berlin data is not at {}; set {DATA_DIR_ENV} to the folder data/berlin of the lor repository, or give the file's path",
            path.display()
        )));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_vintages_are_complete() {
        let c = get(Vintage::Lor2006);
        assert_eq!(c.units(Level::Bezirk).len(), 12);
        assert_eq!(c.units(Level::Pgr).len(), 60);
        assert_eq!(c.units(Level::Bzr).len(), 138);
        assert_eq!(c.names.name("04030417"), Some("Schloßstraße"));
        assert_eq!(c.names.name("0403"), Some("CW 3"));
        let c = get(Vintage::Lor2021);
        assert_eq!(c.units(Level::Bezirk).len(), 12);
        assert_eq!(c.units(Level::Pgr).len(), 58);
        assert_eq!(c.units(Level::Bzr).len(), 143);
        assert_eq!(c.names.name("0110"), Some("Zentrum"));
    }

    #[test]
    fn vintage_by_matching_keys() {
        let (c, m, n) = for_keys(["04030417", "040304", "99999999"]).unwrap();
        assert_eq!((c.vintage, m, n), (Vintage::Lor2006, 2, 3));
        let (c, _, _) = for_keys(["01100101", "01100102"]).unwrap();
        assert_eq!(c.vintage, Vintage::Lor2021);
        assert!(for_keys(["10115"]).is_none());
    }

    #[test]
    fn short_names_resolve_into_the_data_folder() {
        let p = resolve_layer_path(Path::new("lor2006:plr")).unwrap();
        assert!(p.ends_with("data/berlin/lor-2006/plr.geojson.gz"), "{p:?}");
        assert!(p.exists());
        let p = resolve_layer_path(Path::new("some/file.geojson")).unwrap();
        assert_eq!(p, Path::new("some/file.geojson"));
    }
}
