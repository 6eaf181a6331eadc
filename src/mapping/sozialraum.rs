//! Sozialräume: units that do not follow LOR, as polygons or as a list.
//!
//! Either way the result is a weight table PLR → Sozialraum that
//! `aggregation::sozialraum` applies like the LOR hierarchy, plus an
//! account of every PLR that is not (fully) assigned.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::{examples, usage_error, Warnings};
use crate::mapping::weights::{
    expand_to, from_parts, is_list_path, read_list, Assign, ListTable, WeightTable,
};
use crate::spatial::geometry::{read_layer, Layer, LayerOptions};
use crate::spatial::overlay::{overlay, unit_parts, Tolerance, UnitParts};
use crate::table::scope::Bezirk;
use crate::table::stats::StatTable;

/// Where the Sozialräume come from.
#[derive(Debug, Clone)]
pub enum Source {
    Polygons(Layer),
    List(ListTable),
}

/// The file of a run's Sozialräume, not read yet: a list "PLR (or BZR) →
/// Sozialraum", or polygons with the options of their layer (the library
/// side of the command line's Sozialraum plan).
#[derive(Debug, Clone)]
pub enum SozialraumFile {
    /// A CSV/XLSX list.
    List(PathBuf),
    /// Polygons (GeoJSON, Shapefile), read with these options.
    Polygons { path: PathBuf, layer: LayerOptions },
}

impl SozialraumFile {
    /// A list by its extension (CSV/XLSX), else polygons read with `layer`.
    pub fn new(path: &Path, layer: LayerOptions) -> SozialraumFile {
        if is_list_path(path) {
            SozialraumFile::List(path.to_path_buf())
        } else {
            SozialraumFile::Polygons {
                path: path.to_path_buf(),
                layer,
            }
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            SozialraumFile::List(p) | SozialraumFile::Polygons { path: p, .. } => p,
        }
    }

    /// Read the Sozialräume and cut them to `bezirk`: a list keeps the
    /// units of the Bezirk; polygons with LOR keys keep those of the
    /// Bezirk, other polygons (Sozialräume with their own ids) stay whole.
    pub fn read(&self, bezirk: Option<&Bezirk>) -> Result<(Source, Warnings)> {
        match self {
            SozialraumFile::List(path) => {
                let (mut list, w) = read_list(path, LEVEL)?;
                if let Some(b) = bezirk {
                    b.filter_list(&mut list);
                }
                Ok((Source::List(list), w))
            }
            SozialraumFile::Polygons { path, layer } => {
                let (mut polygons, w) = read_layer(path, layer)?;
                if let Some(b) = bezirk {
                    b.filter_layer(&mut polygons);
                }
                Ok((Source::Polygons(polygons), w))
            }
        }
    }
}

/// PLR → Sozialraum, with what could not be assigned.
pub struct Assignment {
    pub weights: WeightTable,
    pub names: BTreeMap<String, String>,
    /// PLR (of the statistics) and the share of each that is in no Sozialraum.
    pub unassigned: Vec<(String, f64)>,
    /// Statistics keys without a geometry in the units layer.
    pub without_geometry: Vec<String>,
    /// The classified overlay, for polygons.
    pub parts: Option<Vec<UnitParts>>,
    /// Every Sozialraum, also those that receive no PLR.
    pub targets: Vec<String>,
}

pub const LEVEL: &str = "sozialraum";

/// Key of the row with what is in no target unit.
pub const UNASSIGNED_KEY: &str = "-";
/// Name of the row with what is in no target unit.
pub const UNASSIGNED_NAME: &str = "nicht zugeordnet";

/// Build the PLR → Sozialraum weights for the keys of `table`.
pub fn assign(
    table: &StatTable,
    units: Option<&Layer>,
    source: &Source,
    how: Assign,
    tol: &Tolerance,
) -> Result<(Assignment, Warnings)> {
    let keys: BTreeSet<&str> = table.keys.iter().map(String::as_str).collect();
    match source {
        Source::Polygons(sr) => {
            let units = units.ok_or_else(|| {
                usage_error(
                    "Sozialraum polygons need the PLR polygons too: add --units PLR_GEOMETRY",
                )
            })?;
            Ok(assign_polygons(&keys, units, sr, how, tol))
        }
        Source::List(list) => assign_list(table, &keys, list),
    }
}

/// [`assign`] for Sozialraum polygons: overlay the PLR polygons of `keys`
/// with them.
fn assign_polygons(
    keys: &BTreeSet<&str>,
    units: &Layer,
    sr: &Layer,
    how: Assign,
    tol: &Tolerance,
) -> (Assignment, Warnings) {
    let mut warnings = Warnings::default();
    let ov = overlay(units, sr, false);
    let parts = unit_parts(&ov, units, sr, tol);
    let (all, unassigned_all) = from_parts(LEVEL, &parts, how);
    let have: BTreeSet<&str> = units.features.iter().map(|f| f.id.as_str()).collect();
    let without_geometry: Vec<String> = keys
        .iter()
        .filter(|k| !have.contains(*k))
        .map(|k| k.to_string())
        .collect();
    let weights = WeightTable::new(
        LEVEL,
        all.rows()
            .iter()
            .filter(|w| keys.contains(w.source.as_str()))
            .cloned()
            .collect(),
    );
    let unassigned = polygon_unassigned(keys, unassigned_all, &without_geometry);
    let noise = noise_parts(keys, &parts);
    if noise > 0 && how == Assign::Area {
        warnings.push(
        crate::error::WarningCode::Slivers,
            format!(
                "{noise} slivers below the tolerance (under {} % of their PLR or under {} m²) were dropped as digitising noise; the rest of each PLR was renormalised",
                tol.min_share * 100.0,
                tol.min_area
            ),
        );
    }
    let names = sr
        .features
        .iter()
        .filter(|f| !f.name.is_empty())
        .map(|f| (f.id.clone(), f.name.clone()))
        .collect();
    let assignment = Assignment {
        weights,
        names,
        unassigned,
        without_geometry,
        parts: Some(parts),
        targets: sr.features.iter().map(|f| f.id.clone()).collect(),
    };
    (assignment, warnings)
}

/// The unassigned shares of the PLR in `keys` (those without a geometry
/// count whole), sorted by key.
fn polygon_unassigned(
    keys: &BTreeSet<&str>,
    unassigned_all: Vec<(String, f64)>,
    without_geometry: &[String],
) -> Vec<(String, f64)> {
    let mut unassigned: Vec<(String, f64)> = unassigned_all
        .into_iter()
        .filter(|(k, _)| keys.contains(k.as_str()))
        .collect();
    unassigned.extend(without_geometry.iter().map(|k| (k.clone(), 1.0)));
    unassigned.sort_by(|a, b| a.0.cmp(&b.0));
    unassigned
}

/// How many overlay parts of the PLR in `keys` are slivers dropped as noise.
fn noise_parts(keys: &BTreeSet<&str>, parts: &[UnitParts]) -> usize {
    parts
        .iter()
        .filter(|u| keys.contains(u.key.as_str()))
        .map(|u| {
            u.parts
                .iter()
                .filter(|p| p.class == crate::spatial::overlay::PartClass::Noise)
                .count()
        })
        .sum()
}

/// [`assign`] for a Sozialraum list: expand it to the keys of `table`.
fn assign_list(
    table: &StatTable,
    keys: &BTreeSet<&str>,
    list: &ListTable,
) -> Result<(Assignment, Warnings)> {
    let mut warnings = Warnings::default();
    if list.key_level < table.level {
        return Err(usage_error(format!(
            "the list assigns {} but the statistics are per {}: a finer list cannot be applied to coarser figures",
            list.key_level.german_plural(),
            table.level.german()
        )));
    }
    let weights = expand_to(&list.table, keys.iter().copied());
    let unassigned = list_unassigned(keys, &weights);
    let unknown = unknown_list_units(keys, list);
    if !unknown.is_empty() {
        warnings.push(
            crate::error::WarningCode::UnknownKey,
            format!(
                "{} units of the list have no rows in the statistics: {}",
                unknown.len(),
                examples(&unknown, 5)
            ),
        );
    }
    let assignment = Assignment {
        weights,
        names: list.target_names.clone(),
        unassigned,
        without_geometry: Vec::new(),
        parts: None,
        targets: list.table.targets().iter().map(|t| t.to_string()).collect(),
    };
    Ok((assignment, warnings))
}

/// The keys whose list weights sum to less than 1, with the missing share.
fn list_unassigned(keys: &BTreeSet<&str>, weights: &WeightTable) -> Vec<(String, f64)> {
    let totals = weights.source_totals();
    let mut unassigned: Vec<(String, f64)> = Vec::new();
    for k in keys {
        let t = totals.get(k).copied().unwrap_or(0.0);
        if t < 1.0 - 1e-9 {
            unassigned.push((k.to_string(), 1.0 - t));
        }
    }
    unassigned
}

/// Units of the list that no key of the statistics starts with.
fn unknown_list_units<'a>(keys: &BTreeSet<&str>, list: &'a ListTable) -> Vec<&'a str> {
    let listed: BTreeSet<&str> = list.table.sources();
    listed
        .iter()
        .filter(|l| !keys.iter().any(|k| k.starts_with(*l)))
        .copied()
        .collect()
}

/// Warnings about PLR that are not (fully) in any Sozialraum, with how much
/// of `column` (e.g. `E_E`) that leaves out.
pub fn report_unassigned(table: &StatTable, a: &Assignment, column: Option<&str>) -> Warnings {
    let mut w = Warnings::default();
    let col = column.and_then(|c| table.column(c));
    let value = |key: &str| -> Option<f64> {
        let i = table.keys.iter().position(|k| k == key)?;
        col.and_then(|c| c.cells[i].num())
    };
    let fmt_total = |items: &[(String, f64)]| -> String {
        match (column, col) {
            (Some(name), Some(_)) => {
                let s: f64 = items
                    .iter()
                    .filter_map(|(k, share)| value(k).map(|v| v * share))
                    .sum();
                format!(" ({} {name})", crate::text::thousands(s))
            }
            _ => String::new(),
        }
    };
    if !a.without_geometry.is_empty() {
        let items: Vec<(String, f64)> = a
            .without_geometry
            .iter()
            .map(|k| (k.clone(), 1.0))
            .collect();
        w.push(
                crate::error::WarningCode::NoGeometry,
            format!(
                "{} keys of {} have no geometry in the units layer{}, so they are in no Sozialraum: {}",
                items.len(),
                table.source,
                fmt_total(&items),
                examples(&a.without_geometry, 5)
            ),
        );
    }
    let outside: Vec<(String, f64)> = a
        .unassigned
        .iter()
        .filter(|(k, _)| !a.without_geometry.contains(k))
        .cloned()
        .collect();
    if !outside.is_empty() {
        let list: Vec<String> = outside
            .iter()
            .map(|(k, s)| {
                if *s >= 1.0 - 1e-12 {
                    k.clone()
                } else {
                    format!("{k} ({:.1} %)", s * 100.0)
                }
            })
            .collect();
        w.push(
                crate::error::WarningCode::Unassigned,
            format!(
                "{} PLR lie wholly or partly outside every Sozialraum{}; that part is in no Sozialraum total: {}",
                outside.len(),
                fmt_total(&outside),
                examples(&list, 5)
            ),
        );
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::weights::Weight;
    use crate::table::key::Level;

    fn w(source: &str, target: &str, weight: f64) -> Weight {
        Weight {
            source: source.into(),
            target: target.into(),
            weight,
        }
    }

    #[test]
    fn list_unassigned_names_each_key_with_its_missing_share() {
        let keys: BTreeSet<&str> = ["04010101", "04010102", "04020201"].into();
        let weights = WeightTable::new(
            LEVEL,
            vec![
                w("04010101", "SR1", 1.0),
                w("04010102", "SR1", 0.25),
                w("04010102", "SR2", 0.5),
            ],
        );
        let un = list_unassigned(&keys, &weights);
        assert_eq!(
            un,
            vec![
                ("04010102".to_string(), 0.25),
                ("04020201".to_string(), 1.0)
            ]
        );
    }

    #[test]
    fn unknown_list_units_are_those_no_key_starts_with() {
        let keys: BTreeSet<&str> = ["04010101", "04010102"].into();
        let list = ListTable {
            table: WeightTable::new(
                LEVEL,
                vec![w("040101", "SR1", 1.0), w("040202", "SR2", 1.0)],
            ),
            key_level: Level::Bzr,
            target_names: BTreeMap::new(),
        };
        assert_eq!(unknown_list_units(&keys, &list), vec!["040202"]);
    }

    #[test]
    fn polygon_unassigned_keeps_the_keys_and_counts_missing_geometry_whole() {
        let keys: BTreeSet<&str> = ["04010101", "04010102", "04010103"].into();
        let all = vec![
            ("04010103".to_string(), 0.125),
            ("09999999".to_string(), 0.5),
            ("04010101".to_string(), 0.0625),
        ];
        let un = polygon_unassigned(&keys, all, &["04010102".to_string()]);
        assert_eq!(
            un,
            vec![
                ("04010101".to_string(), 0.0625),
                ("04010102".to_string(), 1.0),
                ("04010103".to_string(), 0.125),
            ]
        );
    }
}
