//! Comparing two boundary systems: the checks and building blocks behind
//! `lor mismatch` (the report itself is [`crate::quality::mismatch::report::Mismatch`]).

pub mod report;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use crate::error::{examples, usage_error, WarningCode, Warnings};
use crate::mapping::weights::{expand_to, ListTable};
use crate::quality::mismatch::report::{Mismatch, MismatchInput, PartPeople};
use crate::spatial::geometry::{Layer, LayerOptions};
use crate::spatial::overlay::{Overlay, Tolerance, UnitParts};
use crate::table::key::Level;
use crate::table::names::Names;
use crate::table::scope::Bezirk;
use crate::table::stats::ReadOptions;
use crate::table::stats::StatTable;
use crate::text::thousands;
use std::path::Path;

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
        None => crate::table::population::people_column(|c| t.column(c).is_some())
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

/// What `lor mismatch` compares: layer A, layer B (polygons or a list),
/// optionally statistics for the people affected and a names table.
pub struct Comparison<'a> {
    pub a: &'a Path,
    pub a_options: &'a LayerOptions,
    /// Polygons, or a list "PLR or BZR → unit" (by its extension).
    pub b: &'a Path,
    pub b_options: &'a LayerOptions,
    /// Only this Bezirk: filters both layers, a list and the statistics.
    pub bezirk: Option<&'a Bezirk>,
    /// Statistics per unit of A, read with these options, and the column
    /// that counts people (detected when `None`).
    pub stats: Option<(&'a Path, &'a ReadOptions, Option<&'a str>)>,
    pub names: Option<&'a Path>,
    /// LOR levels of A to roll up to (only those coarser than PLR are used).
    pub levels: &'a [Level],
    pub tol: Tolerance,
    /// Keep the intersection pieces (for a map or GeoJSON of them).
    pub keep_pieces: bool,
}

/// The compared systems: the report, and what maps of it are drawn from.
pub struct Compared {
    pub report: Mismatch,
    pub a: Layer,
    /// B's polygons and the overlay (none when B is a list).
    pub polygons: Option<(Layer, Overlay)>,
    /// Keys of the statistics without a polygon in A.
    pub no_geometry: Vec<String>,
    pub names: Names,
    pub warnings: Warnings,
}

/// Compare two boundary systems: read both, classify the parts of every
/// unit of A, count the people affected and build the report.
pub fn compare(c: &Comparison<'_>) -> Result<Compared> {
    let mut warnings = Warnings::default();
    // Both polygon layers are read at once; units outside the Bezirk are
    // passed over before they are checked and projected.
    let keep = c.bezirk.map(|b| b.code());
    let b_is_list = crate::mapping::weights::is_list_path(c.b);
    let (a_read, b_read) = if b_is_list {
        (
            crate::spatial::geometry::read_layer_in(c.a, c.a_options, keep),
            None,
        )
    } else {
        let (a, b) = crate::spatial::geometry::read_two_layers(
            (c.a, c.a_options, keep),
            (c.b, c.b_options, keep),
        );
        (a, Some(b))
    };
    let a = read_a(c, a_read, &mut warnings)?;
    let (units, b_units, polygons) = if let Some(b_read) = b_read {
        let (b, ov, units) = overlay_b(c, &a, b_read, &mut warnings)?;
        let b_units = b
            .features
            .iter()
            .map(|f| (f.id.clone(), (f.name.clone(), f.area)))
            .collect();
        (units, b_units, Some((b, ov)))
    } else {
        let (mut list, w) = crate::mapping::weights::read_list(c.b, "b")?;
        warnings.extend(w);
        if let Some(bz) = c.bezirk {
            bz.filter_list(&mut list);
        }
        let (units, b_units) = list_parts(&a, &list, &c.tol);
        (units, b_units, None)
    };
    let (people, no_geometry) = match c.stats {
        Some((path, read, column)) => {
            let (t, w) = crate::table::stats::read_stats(path, read)?;
            warnings.extend(w);
            let (p, w) = people_per_unit(&t, column, c.bezirk, &a)?;
            warnings.extend(w);
            let have: BTreeSet<&str> = a.features.iter().map(|f| f.id.as_str()).collect();
            let missing = p.1.keys().filter(|k| !have.contains(k.as_str())).cloned();
            let missing = missing.collect();
            (Some(p), missing)
        }
        None => (None, Vec::new()),
    };
    let (names, w) = crate::spatial::scope::load_names(c.names, None, c.bezirk)?;
    warnings.extend(w);
    let mut names = names.unwrap_or_default();
    if c.names.is_none() {
        // BZR and PGR of A named from the built-in list of A's vintage, as
        // every other command names them without --names.
        let ids = a.features.iter().map(|f| f.id.as_str());
        if let Some((catalogue, w)) = crate::table::catalogue::names_for(&a.source, ids) {
            names.merge(&catalogue);
            warnings.extend(w);
        }
    }
    let rollups: Vec<Level> = crate::table::scope::levels_in(c.bezirk, c.levels)
        .into_iter()
        .filter(|l| *l != Level::Plr)
        .collect();
    let report = Mismatch::new(MismatchInput {
        a_source: &a.source,
        b_source: &c.b.display().to_string(),
        units,
        a_level: a.lor_level(),
        rollups: &rollups,
        name_of: &|k: &str| names.name(k).unwrap_or_default().to_string(),
        b_units,
        people: people.as_ref().map(|(c, v)| (c.as_str(), v)),
        part_people: if b_is_list {
            PartPeople::ListWeights
        } else {
            PartPeople::AreaShare
        },
        tol: c.tol,
    });
    Ok(Compared {
        report,
        a,
        polygons,
        no_geometry,
        names,
        warnings,
    })
}

/// Layer A, cut to the Bezirk; an error when no unit is left.
fn read_a(
    c: &Comparison<'_>,
    read: Result<(Layer, Warnings)>,
    warnings: &mut Warnings,
) -> Result<Layer> {
    let (mut a, w) = read?;
    warnings.extend(w);
    if let Some(bz) = c.bezirk {
        bz.filter_layer(&mut a);
        if a.features.is_empty() {
            // The one refusal of a Bezirk the data does not have (exit 2).
            return Err(bz.nothing_in(&a.source, "units"));
        }
    }
    if a.features.is_empty() {
        return Err(crate::error::input_error(format!(
            "{}: no units to compare",
            a.source
        )));
    }
    Ok(a)
}

/// Layer B's polygons cut to the Bezirk, overlaid on A, A's units classified.
fn overlay_b(
    c: &Comparison<'_>,
    a: &Layer,
    read: Result<(Layer, Warnings)>,
    warnings: &mut Warnings,
) -> Result<(Layer, Overlay, Vec<UnitParts>)> {
    let (mut b, w) = read?;
    warnings.extend(w);
    if let Some(bz) = c.bezirk {
        bz.filter_layer(&mut b);
    }
    check_overlap((a, c.a_options), (&b, c.b_options))?;
    let ov = crate::spatial::overlay::overlay(a, &b, c.keep_pieces);
    let units = crate::spatial::overlay::unit_parts(&ov, a, &b, &c.tol);
    Ok((b, ov, units))
}

impl Compared {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::mismatch::report::PartPeople;

    /// Two 100 m × 100 m squares with PLR keys, in EPSG:25833.
    fn squares() -> Layer {
        crate::spatial::geometry::rectangles(
            "t.geojson",
            &[
                ("04010101", 390000.0, 390100.0),
                ("04010102", 390100.0, 390200.0),
            ],
        )
    }

    #[test]
    fn list_parts_split_units_by_the_listed_weights() {
        let a = squares();
        let list = ListTable {
            table: crate::mapping::weights::WeightTable::new(
                "b",
                vec![
                    crate::mapping::weights::Weight {
                        source: "04010101".into(),
                        target: "S1".into(),
                        weight: 1.0,
                    },
                    crate::mapping::weights::Weight {
                        source: "04010102".into(),
                        target: "S1".into(),
                        weight: 0.5,
                    },
                    crate::mapping::weights::Weight {
                        source: "04010102".into(),
                        target: "S2".into(),
                        weight: 0.5,
                    },
                ],
            ),
            key_level: crate::table::key::Level::Plr,
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
        let t = crate::points::tables::unit_table(
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

    /// Bezirk 04's LOR 2006 PLR against the five 2021 PGR with the people
    /// of 31.12.2018 (the README's example): 2 of 57 PLR split, Droysenstraße
    /// (5,795 people, 19.09 % of its area in 0430) and Forst Grunewald (72,
    /// 14.22 % in 0440): 5,867 people in the split PLR, 1,117 of them in the
    /// smaller parts by area share; the other 55 PLR inside one PGR, 41 of
    /// them with slivers of noise.
    #[test]
    fn bezirk_04_counts_people_in_split_plr_and_in_their_smaller_parts() {
        let berlin = |p: &str| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("data/berlin")
                .join(p)
        };
        let (a, b, stats) = (
            berlin("lor-2006/plr.geojson.gz"),
            berlin("lor-2021/pgr.geojson.gz"),
            berlin("stats/EWR201812E_Matrix.csv"),
        );
        let opts = LayerOptions::default();
        let read = ReadOptions::default();
        let bezirk = Bezirk::parse("04").unwrap();
        let c = compare(&Comparison {
            a: &a,
            a_options: &opts,
            b: &b,
            b_options: &opts,
            bezirk: Some(&bezirk),
            stats: Some((&stats, &read, Some("E_E"))),
            names: None,
            levels: &[Level::Bzr, Level::Pgr],
            tol: Tolerance::default(),
            keep_pieces: false,
        })
        .unwrap();
        let r = &c.report;
        assert_eq!(r.part_people, PartPeople::AreaShare);
        let plr = r.levels[0].counts();
        assert_eq!(
            (
                plr.units,
                plr.split,
                plr.inside,
                plr.inside_with_noise,
                plr.outside
            ),
            (57, 2, 55, 41, 0)
        );
        let all = plr.people_in_split_units.unwrap();
        assert!((all - (5_795.0 + 72.0)).abs() < 0.01, "{all}");
        // 5,795 × 0.190923 + 72 × 0.142249
        let minority = plr.people_in_minority_parts.unwrap();
        assert!((minority - 1_116.64).abs() < 0.05, "{minority}");
        let bzr = r.levels[1].counts();
        assert_eq!(
            (bzr.units, bzr.split, bzr.inside, bzr.inside_with_noise),
            (17, 2, 15, 15)
        );
        assert_eq!(thousands(bzr.people_in_split_units.unwrap()), "24,659");
        assert_eq!(thousands(bzr.people_in_minority_parts.unwrap()), "4,699");
        let pgr = r.levels[2].counts();
        assert_eq!((pgr.units, pgr.split, pgr.inside), (6, 2, 4));
        // German by default: people and units in words, German numbers.
        use crate::text::Lang;
        assert_eq!(
            r.summary(Lang::De),
            [
                "2 von 57 Planungsräumen sind auf mehrere Prognoseräume verteilt; 55 liegen in genau einem der Prognoseräume (41 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 5.867 Einwohnerinnen und Einwohner leben in den verteilten Planungsräumen, 1.117 davon in deren kleineren Teilen",
                "2 von 17 Bezirksregionen sind auf mehrere Prognoseräume verteilt; 15 liegen in genau einem der Prognoseräume (15 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 24.659 Einwohnerinnen und Einwohner leben in den verteilten Bezirksregionen, 4.699 davon in deren kleineren Teilen",
                "2 von 6 Prognoseräumen sind auf mehrere Prognoseräume verteilt; 4 liegen in genau einem der Prognoseräume (4 davon bis auf Splitter aus Digitalisierungsungenauigkeit); 145.575 Einwohnerinnen und Einwohner leben in den verteilten Prognoseräumen, 35.808 davon in deren kleineren Teilen",
                "Einwohnerinnen und Einwohner je Teil verteilter Planungsräume sind nach dem Flächenanteil des Teils geschätzt (die Statistik zählt ganze Planungsräume)",
            ]
        );
        assert_eq!(
            r.summary(Lang::En),
            [
                "2 of 57 Planungsräume are split between the Prognoseräume; 55 lie inside one of them (41 of them with slivers of digitising noise outside it); 5,867 inhabitants live in the split ones, 1,117 of these in their smaller parts",
                "2 of 17 Bezirksregionen are split between the Prognoseräume; 15 lie inside one of them (15 of them with slivers of digitising noise outside it); 24,659 inhabitants live in the split ones, 4,699 of these in their smaller parts",
                "2 of 6 Prognoseräume are split between the Prognoseräume; 4 lie inside one of them (4 of them with slivers of digitising noise outside it); 145,575 inhabitants live in the split ones, 35,808 of these in their smaller parts",
                "inhabitants per part of a split unit are estimated from each part's share of the unit's area (the statistics count whole units)",
            ]
        );
    }
}
