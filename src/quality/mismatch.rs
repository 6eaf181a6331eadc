//! Comparing two boundary systems: the checks and building blocks behind
//! `lor mismatch` (the report itself is [`crate::report::Mismatch`]).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use crate::error::{examples, usage_error, WarningCode, Warnings};
use crate::geometry::{Layer, LayerOptions};
use crate::overlay::{Tolerance, UnitParts};
use crate::report::thousands;
use crate::scope::Bezirk;
use crate::stats::StatTable;
use crate::weights::{expand_to, ListTable};

/// Layers that do not overlap at all are in different CRS, or not of one
/// place. Each layer comes with the options it was read with, so that the
/// message names the right `-crs` flags.
pub fn check_overlap(a: (&Layer, &LayerOptions), b: (&Layer, &LayerOptions)) -> Result<()> {
    let ((a, a_opts), (b, b_opts)) = (a, b);
    if let (Some(x), Some(y)) = (a.bbox(), b.bbox()) {
        let overlap = x.min().x <= y.max().x
            && y.min().x <= x.max().x
            && x.min().y <= y.max().y
            && y.min().y <= x.max().y;
        if !overlap {
            return Err(crate::error::input_error(format!(
                "{} ({}) and {} ({}) do not overlap at all: is one of them in another CRS than declared ({}/{}), or of another place?",
                a.source,
                a.file_crs,
                b.source,
                b.file_crs,
                a_opts.flag("crs"),
                b_opts.flag("crs")
            )));
        }
    }
    Ok(())
}

/// Units of B by key: (name, area in m²).
pub type BUnits = BTreeMap<String, (String, f64)>;

/// The parts of each unit of A when B is a list "unit of A (or a coarser LOR
/// unit) → unit of B": a listed weight is that share of the unit's area.
/// Also the units of B with their names and the area they receive.
pub fn list_parts(a: &Layer, list: &ListTable, tol: &Tolerance) -> (Vec<UnitParts>, BUnits) {
    let weights = expand_to(&list.table, a.features.iter().map(|f| f.id.as_str()));
    let mut by_src: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for w in weights.rows() {
        by_src
            .entry(w.source.as_str())
            .or_default()
            .push((w.target.as_str(), w.weight));
    }
    let mut b_units = BUnits::new();
    let mut units: Vec<UnitParts> = a
        .features
        .iter()
        .map(|f| {
            let pieces: Vec<(Option<String>, f64)> = by_src
                .get(f.id.as_str())
                .map(|v| {
                    v.iter()
                        .map(|(t, w)| (Some(t.to_string()), w * f.area))
                        .collect()
                })
                .unwrap_or_default();
            for (t, area) in &pieces {
                let t = t.clone().expect("listed");
                let e = b_units.entry(t.clone()).or_insert_with(|| {
                    (list.target_names.get(&t).cloned().unwrap_or_default(), 0.0)
                });
                e.1 += area;
            }
            UnitParts::new(f.id.clone(), f.name.clone(), f.area, pieces, tol)
        })
        .collect();
    units.sort_by(|x, y| x.key.cmp(&y.key));
    (units, b_units)
}

/// People per unit: (the column counted, value by key).
pub type People = (String, BTreeMap<String, f64>);

/// The column that counts people when none is named.
const PEOPLE_COLUMNS: &[&str] = &["E_E", "inhabitants", "EW", "EW 31.12.2020", "Einwohner"];

/// People per unit of A: the column `column` (or the first of E_E,
/// inhabitants, EW, … the table has) by key, for the keys in `scope`.
/// Keys without a polygon in A are reported with the people they hold.
pub fn people_per_unit(
    t: &StatTable,
    column: Option<&str>,
    scope: Option<&Bezirk>,
    a: &Layer,
) -> Result<(People, Warnings)> {
    let col = match column {
        Some(c) => t.column(c).map(|c| c.name.clone()).ok_or_else(|| {
            usage_error(format!(
                "--column '{c}': no such column in {}. Columns: {}",
                t.source,
                examples(
                    &t.columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>(),
                    40
                )
            ))
        })?,
        None => PEOPLE_COLUMNS
            .iter()
            .find(|c| t.column(c).is_some())
            .map(|c| c.to_string())
            .ok_or_else(|| {
                usage_error(format!(
                    "{}: say which column counts people with --column",
                    t.source
                ))
            })?,
    };
    let c = t.column(&col).expect("checked");
    let mut values = BTreeMap::new();
    for (k, cell) in t.keys.iter().zip(&c.cells) {
        if scope.is_some_and(|b| !b.contains(k)) {
            continue;
        }
        if let Some(v) = cell.num() {
            values.insert(k.clone(), v);
        }
    }
    let have: BTreeSet<&str> = a.features.iter().map(|f| f.id.as_str()).collect();
    let without: Vec<(&String, &f64)> = values
        .iter()
        .filter(|(k, _)| !have.contains(k.as_str()))
        .collect();
    let mut warnings = Warnings::default();
    if !without.is_empty() {
        let total: f64 = without.iter().map(|(_, v)| **v).sum();
        let list: Vec<String> = without
            .iter()
            .map(|(k, v)| format!("{k} ({} {col})", thousands(**v)))
            .collect();
        warnings.push(
            WarningCode::NoGeometry,
            format!(
                "{}: {} keys have no geometry in {} ({} {col} not in the report): {}",
                t.source,
                list.len(),
                a.source,
                thousands(total),
                examples(&list, 5)
            ),
        );
    }
    Ok(((col, values), warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::read_geojson_str;

    /// Two 100 m × 100 m squares with PLR keys, in EPSG:25833.
    fn squares() -> Layer {
        let sq = |id: &str, x: f64| {
            format!(
                r#"{{"type":"Feature","properties":{{"id":"{id}","name":"P{id}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},5820000],[{x1},5820000],[{x1},5820100],[{x},5820100],[{x},5820000]]]}}}}"#,
                x1 = x + 100.0
            )
        };
        let text = format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:25833"}}}},"features":[{},{}]}}"#,
            sq("04010101", 390000.0),
            sq("04010102", 390100.0)
        );
        read_geojson_str("t.geojson", &text, &LayerOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn list_parts_split_units_by_the_listed_weights() {
        let a = squares();
        let list = ListTable {
            table: crate::weights::WeightTable::new(
                "b",
                vec![
                    crate::weights::Weight {
                        source: "04010101".into(),
                        target: "S1".into(),
                        weight: 1.0,
                    },
                    crate::weights::Weight {
                        source: "04010102".into(),
                        target: "S1".into(),
                        weight: 0.5,
                    },
                    crate::weights::Weight {
                        source: "04010102".into(),
                        target: "S2".into(),
                        weight: 0.5,
                    },
                ],
            ),
            key_level: crate::key::Level::Plr,
            target_names: [("S1".to_string(), "Nord".to_string())].into(),
        };
        let (units, b) = list_parts(&a, &list, &Tolerance::default());
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].key, "04010101");
        assert_eq!(units[1].parts.len(), 2);
        assert!((b["S1"].1 - 15_000.0).abs() < 1.0, "{:?}", b["S1"]);
        assert_eq!(b["S1"].0, "Nord");
        assert!((b["S2"].1 - 5_000.0).abs() < 1.0);
    }

    #[test]
    fn people_per_unit_in_scope_and_keys_without_polygon() {
        let a = squares();
        let t = crate::point_tables::unit_table(
            "s.csv",
            vec!["04010101".into(), "04010103".into(), "05010101".into()],
            vec![("E_E".into(), vec![Some(10.0), Some(7.0), Some(3.0)])],
        );
        let b = Bezirk::parse("04").unwrap();
        let ((col, v), w) = people_per_unit(&t, None, Some(&b), &a).unwrap();
        assert_eq!(col, "E_E");
        assert_eq!(v.len(), 2);
        assert!(w.has("no-geometry"));
        assert!(w
            .iter()
            .next()
            .unwrap()
            .message
            .contains("04010103 (7 E_E)"));
        assert!(people_per_unit(&t, Some("nope"), None, &a).is_err());
    }
}
