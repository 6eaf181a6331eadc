//! Facilities per unit: the whole of `lor points` as one library call.
//!
//! Points (Kitas, youth facilities) are counted, and their attributes
//! summed, per PLR of the units layer; the PLR table then goes through the
//! same aggregation as statistics: the LOR hierarchy to BZR, PGR, Bezirk and
//! Berlin, and a PLR → Sozialraum weight table to the Sozialräume. With a
//! denominator from the statistics (`--per`, e.g. children under 6) every
//! level gets ratios of sums (`e_platz per Kinder_u6`, or with a scale
//! `e_platz per 100 Kinder_u6`), never sums of ratios.
//!
//! # Facilities and people go through one assignment
//!
//! A facility is located in a **PLR**, never directly in a Sozialraum
//! polygon. Its PLR row (counts, sums, and the denominator from the
//! statistics in the same row) is given to the Sozialräume by the one
//! PLR → Sozialraum weight table that `lor aggregate` builds for the same
//! `--sozialraum` input: for polygons the whole PLR to the Sozialraum with
//! its largest part (`Assign::Largest`, the default) or apportioned by area
//! (`Assign::Area`, counts become fractions), for a list as listed. So a
//! Kita always counts in the Sozialraum where the children of its PLR count,
//! even when it stands on the far side of a Sozialraum border that cuts its
//! PLR: numerator and denominator of every Sozialraum ratio are sums over
//! the same PLR with the same weights.
//!
//! What is in no Sozialraum (PLR outside every polygon, or missing from the
//! list) is the row `-` "nicht zugeordnet", and Sozialräume that receive no
//! PLR are listed with 0, so the Sozialraum rows add up to the Bezirk (or
//! Berlin) row. Points outside every PLR are in no total at all; they are
//! reported.

use std::path::PathBuf;

use anyhow::Result;

use crate::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use crate::aggregation::rules::ColumnRule;
use crate::error::{WarningCode, Warnings};
use crate::mapping::sozialraum::{self, Source};
use crate::mapping::weights::Assign;
use crate::points::read::{tally_points, PointOptions, PointRun};
use crate::points::tables::{
    counted_outside_of, point_rules, scoped_order, some_ids, tally_columns, unit_table, Per,
};
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::Tolerance;
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::names::Names;
use crate::table::scope::Bezirk;
use crate::table::stats::StatTable;
use crate::text::short;
use crate::text::thousands;

/// How PLR are given to Sozialraum polygons (a list is applied as listed).
#[derive(Debug, Clone, Copy)]
pub struct SozialraumHow {
    /// Largest part or area shares.
    pub assign: Assign,
    /// What part of a PLR is digitising noise.
    pub tolerance: Tolerance,
}

/// A checked `lor points` run: every flag validated, no file read yet.
#[derive(Debug, Clone)]
pub struct Plan {
    pub points: PathBuf,
    pub point_options: PointOptions,
    /// How PLR go to the Sozialräume, when there are Sozialräume.
    pub sozialraum: Option<SozialraumHow>,
    /// The denominator of the ratios, from the statistics.
    pub per: Option<Per>,
    pub missing: MissingPolicy,
    pub bezirk: Option<Bezirk>,
    /// LOR levels (the Bezirk is the top with a Bezirk).
    pub levels: Vec<Level>,
}

/// What a run reads besides the points, read and cut to the Bezirk by the
/// one input assembly (`lor::pipeline::inputs`).
#[derive(Debug, Clone, Copy)]
pub struct UnitInputs<'a> {
    /// The PLR polygons, whole: points in other Bezirke are out of scope,
    /// not outside every PLR.
    pub units: &'a Layer,
    /// The PLR polygons of the Bezirk (all without one).
    pub scoped_units: &'a Layer,
    /// The unit names.
    pub names: Option<&'a Names>,
    /// The Sozialräume.
    pub sozialraum: Option<&'a Source>,
    /// The statistics with the denominator (with [`Plan::per`]).
    pub stats: Option<&'a StatTable>,
}

/// What a run produced: one table per level (the Sozialräume last), and
/// how many points went where.
#[derive(Debug, Clone)]
pub struct Counted {
    pub tables: Vec<LevelTable>,
    /// The rule of each column (counts summed, ratios to the denominator),
    /// for rounding.
    pub rules: Vec<ColumnRule>,
    /// Points read.
    pub total: u64,
    /// Points in a PLR of the layer (any Bezirk).
    pub in_units: u64,
    /// Of those, points in PLR of other Bezirke than `--bezirk`.
    pub out_of_scope: f64,
    /// The units layer, for the summary.
    pub units_source: String,
    pub bezirk: Option<Bezirk>,
}

impl Counted {
    /// One line: how many points there were and how many were counted.
    pub fn summary(&self) -> String {
        match &self.bezirk {
            None => format!(
                "{} points, {} in PLR of {}",
                thousands(self.total as f64),
                thousands(self.in_units as f64),
                short(&self.units_source)
            ),
            Some(b) => format!(
                "{} points, {} in PLR of Bezirk {} ({} in other Bezirke are out of scope)",
                thousands(self.total as f64),
                thousands(self.in_units as f64 - self.out_of_scope),
                b.code(),
                thousands(self.out_of_scope)
            ),
        }
    }
}

/// Run a plan on its read inputs: locate the points in the PLR, and
/// aggregate the PLR table to every level and the Sozialräume. `progress`
/// gets (bytes read, file size) now and then.
pub fn count_per_unit(
    plan: &Plan,
    read: &UnitInputs,
    progress: impl FnMut(u64, u64),
) -> Result<(Counted, Warnings)> {
    let mut warnings = Warnings::default();
    let units = read.units;
    let denominator = plan.per.as_ref().zip(read.stats);
    // A wrong column stops the run before the long part.
    if let Some((per, stats)) = denominator {
        per.values(stats, &[])?;
    }
    let run = locate(plan, units, progress, &mut warnings)?;
    let plr = plr_table(
        &run,
        units,
        plan.bezirk.as_ref(),
        denominator,
        &mut warnings,
    )?;
    let per = plan.per.as_ref();
    let rules = point_rules(&plr.table, &plr.value_columns, per);
    let (mut tables, w) =
        aggregate_levels(&plr.table, &rules, &plan.levels, read.names, plan.missing);
    warnings.extend(w);
    if let (Some(source), Some(input)) = (read.sozialraum, &plan.sozialraum) {
        let how = SozialraumRule {
            assign: input.assign,
            tolerance: input.tolerance,
            report_column: per.map(|p| p.name.as_str()),
        };
        let (t, w) = sozialraum_table(
            &plr.table,
            &rules,
            read.scoped_units,
            source,
            &how,
            plan.missing,
        )?;
        warnings.extend(w);
        tables.push(t);
    }
    let counted = Counted {
        tables,
        rules,
        total: run.total,
        in_units: run.total - run.tallies[0].outside,
        out_of_scope: plr.out_of_scope,
        units_source: units.source.clone(),
        bezirk: plan.bezirk.clone(),
    };
    Ok((counted, warnings))
}

/// Locate every point in the PLR of the whole layer; points outside every
/// PLR, or where two PLR overlap, are reported.
fn locate(
    plan: &Plan,
    units: &Layer,
    progress: impl FnMut(u64, u64),
    warnings: &mut Warnings,
) -> Result<PointRun> {
    let (run, w) = tally_points(&plan.points, &plan.point_options, &[units], progress)?;
    warnings.extend(w);
    warnings.extend(location_warnings(&run, units));
    Ok(run)
}

/// Warnings about points outside every PLR and points in two PLR.
pub fn location_warnings(run: &PointRun, units: &Layer) -> Warnings {
    let mut warnings = Warnings::default();
    let t = &run.tallies[0];
    if t.outside > 0 {
        warnings.push(
            WarningCode::Outside,
            format!(
                "{}: {} of {} points lie outside every PLR of {} and are in no total: {}",
                run.source,
                thousands(t.outside as f64),
                thousands(run.total as f64),
                short(&units.source),
                some_ids(&t.outside_ids, t.outside)
            ),
        );
    }
    if t.overlap > 0 {
        warnings.push(
            WarningCode::Overlap,
            format!(
                "{}: {} points lie where two PLR polygons overlap; each went to the PLR with the smaller key",
                run.source, t.overlap
            ),
        );
    }
    warnings
}

/// The PLR of a run as a statistics-shaped table.
#[derive(Debug, Clone)]
pub struct PlrCounts {
    /// One row per PLR in scope (key order): count, sums, categories, and
    /// the denominator.
    pub table: StatTable,
    /// The columns that get a ratio to the denominator: count and the sums.
    pub value_columns: Vec<String>,
    /// Points counted in PLR outside the scope (other Bezirke).
    pub out_of_scope: f64,
}

/// The point table per PLR of the Bezirk (or all PLR), with the
/// denominator from the statistics when there is one.
pub fn plr_table(
    run: &PointRun,
    units: &Layer,
    bezirk: Option<&Bezirk>,
    denominator: Option<(&Per, &StatTable)>,
    warnings: &mut Warnings,
) -> Result<PlrCounts> {
    let tally = &run.tallies[0];
    let order = scoped_order(units, |k| bezirk.is_none_or(|b| b.contains(k)));
    let mut keys: Vec<String> = order
        .iter()
        .map(|&i| units.features[i].id.clone())
        .collect();
    let mut cols = tally_columns(tally, &order, &run.sum_names, run.by_name.as_deref());
    let value_columns = cols[..1 + run.sum_names.len()]
        .iter()
        .map(|c| c.0.clone())
        .collect();
    if let Some((per, stats)) = denominator {
        // PLR of the statistics without a polygon: no facilities, but their
        // people are in the table.
        let extra = plr_without_polygon(&keys, stats, bezirk);
        for c in &mut cols {
            c.1.extend(extra.iter().map(|_| Some(0.0)));
        }
        keys.extend(extra.iter().cloned());
        let (values, w) = per.values(stats, &keys)?;
        warnings.extend(w);
        warnings.extend(without_polygon_warning(
            &extra,
            &values[values.len() - extra.len()..],
            per,
            stats,
            units,
        ));
        cols.push((per.name.clone(), values));
        sort_rows(&mut keys, &mut cols);
    }
    Ok(PlrCounts {
        table: unit_table(&run.source, keys, cols),
        value_columns,
        out_of_scope: counted_outside_of(tally, &order),
    })
}

/// The PLR keys of the statistics (in the Bezirk) that have no polygon
/// among `keys`, in key order.
fn plr_without_polygon(keys: &[String], stats: &StatTable, bezirk: Option<&Bezirk>) -> Vec<String> {
    if stats.level != Level::Plr {
        return Vec::new();
    }
    let have: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
    let mut extra: Vec<String> = stats
        .keys
        .iter()
        .filter(|k| !have.contains(k.as_str()) && bezirk.is_none_or(|b| b.contains(k)))
        .cloned()
        .collect();
    extra.sort();
    extra.dedup();
    extra
}

/// The warning about PLR of the statistics without a polygon: their keys
/// and people, who are in the table in rows without facilities.
fn without_polygon_warning(
    extra: &[String],
    people: &[Option<f64>],
    per: &Per,
    stats: &StatTable,
    units: &Layer,
) -> Warnings {
    let mut w = Warnings::default();
    if extra.is_empty() {
        return w;
    }
    let total: f64 = people.iter().flatten().sum();
    let list: Vec<String> = extra
        .iter()
        .zip(people)
        .map(|(k, v)| match v {
            Some(v) => format!("{k} ({} {})", thousands(*v), per.name),
            None => k.clone(),
        })
        .collect();
    w.push(
        WarningCode::NoGeometry,
        format!(
            "{}: {} PLR have no polygon in {} ({} {}); they are rows without facilities (a wrong id in the layer? see --units-fix-id): {}",
            stats.source,
            extra.len(),
            short(&units.source),
            thousands(total),
            per.name,
            crate::error::examples(&list, 5)
        ),
    );
    w
}

/// Rows (keys and every column alike) in key order.
fn sort_rows(keys: &mut Vec<String>, cols: &mut [(String, Vec<Option<f64>>)]) {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    *keys = order.iter().map(|&i| keys[i].clone()).collect();
    for c in cols.iter_mut() {
        c.1 = order.iter().map(|&i| c.1[i]).collect();
    }
}

/// How the PLR table goes to the Sozialräume.
#[derive(Debug, Clone, Copy)]
pub struct SozialraumRule<'a> {
    pub assign: Assign,
    pub tolerance: Tolerance,
    /// The column whose unassigned amount the warnings name (the denominator).
    pub report_column: Option<&'a str>,
}

/// The Sozialraum table: the PLR table through the PLR → Sozialraum weight
/// table, with a row for every Sozialraum and the row `-` for what is in
/// none. Numerators (facilities) and denominators (people) of a row come
/// from the same PLR with the same weights.
pub fn sozialraum_table(
    plr: &StatTable,
    rules: &[ColumnRule],
    units: &Layer,
    source: &Source,
    how: &SozialraumRule,
    missing: MissingPolicy,
) -> Result<(LevelTable, Warnings)> {
    let units = matches!(source, Source::Polygons(_)).then_some(units);
    let (a, mut warnings) = sozialraum::assign(plr, units, source, how.assign, &how.tolerance)?;
    // PLR without polygon were named with their people when the PLR table
    // was made (against the statistics file); only the rest is said here.
    for w in sozialraum::report_unassigned(plr, &a, how.report_column).iter() {
        if w.code != crate::error::WarningCode::NoGeometry {
            warnings.push(w.code, w.message.clone());
        }
    }
    let (t, w) = crate::aggregation::sozialraum::aggregate_complete(plr, rules, &a, missing);
    warnings.extend(w);
    Ok((t, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::read::Tally;
    use std::collections::BTreeMap;

    fn layer(name: &str, rects: &[(&str, f64, f64)]) -> Layer {
        crate::spatial::geometry::rectangles(name, rects)
    }

    /// Three PLR side by side, 100 m wide; the third in Bezirk 05.
    fn plr() -> Layer {
        layer(
            "plr.geojson",
            &[
                ("04010101", 390000.0, 390100.0),
                ("04010102", 390100.0, 390200.0),
                ("05010101", 390200.0, 390300.0),
            ],
        )
    }

    /// A run: per PLR (layer order) the count and the places.
    fn run(counts: &[f64], places: &[f64]) -> PointRun {
        PointRun {
            source: "kitas.geojson".into(),
            crs: crate::spatial::crs::Crs::Utm33,
            total: counts.iter().sum::<f64>() as u64 + 1,
            tallies: vec![Tally {
                count: counts.to_vec(),
                sums: vec![places.to_vec()],
                by: BTreeMap::new(),
                outside: 1,
                outside_ids: vec!["K9".into()],
                overlap: 0,
            }],
            sum_names: vec!["e_platz".into()],
            by_name: None,
        }
    }

    /// Children per PLR, as the statistics give them.
    fn children(values: &[(&str, f64)]) -> StatTable {
        unit_table(
            "ewr.csv",
            values.iter().map(|(k, _)| k.to_string()).collect(),
            vec![(
                "E_U6".into(),
                values.iter().map(|(_, v)| Some(*v)).collect(),
            )],
        )
    }

    fn plr_counts(bezirk: Option<&Bezirk>, per: &Per) -> PlrCounts {
        let stats = children(&[("04010101", 40.0), ("04010102", 60.0), ("05010101", 10.0)]);
        let mut w = Warnings::default();
        plr_table(
            &run(&[2.0, 3.0, 4.0], &[20.0, 90.0, 50.0]),
            &plr(),
            bezirk,
            Some((per, &stats)),
            &mut w,
        )
        .unwrap()
    }

    #[test]
    fn plr_table_keeps_the_bezirk_and_counts_the_rest_out_of_scope() {
        let per = Per::parse("Kinder=E_U6").unwrap();
        let b = Bezirk::parse("04").unwrap();
        let p = plr_counts(Some(&b), &per);
        assert_eq!(p.table.keys, vec!["04010101", "04010102"]);
        assert_eq!(p.value_columns, vec!["count", "e_platz"]);
        assert_eq!(p.out_of_scope, 4.0);
        assert_eq!(p.table.column("Kinder").unwrap().cells[1].num(), Some(60.0));
        assert_eq!(plr_counts(None, &per).table.keys.len(), 3);
        let w = location_warnings(&run(&[1.0, 0.0, 0.0], &[0.0; 3]), &plr());
        assert!(w.has("outside"));
    }

    #[test]
    fn plr_of_the_statistics_without_polygon_keep_their_people() {
        // 04010103 has children but no polygon: a row with 0 Kitas.
        let stats = children(&[
            ("04010101", 40.0),
            ("04010102", 60.0),
            ("04010103", 25.0),
            ("05010101", 10.0),
        ]);
        let per = Per::parse("Kinder=E_U6").unwrap();
        let b = Bezirk::parse("04").unwrap();
        let mut w = Warnings::default();
        let p = plr_table(
            &run(&[2.0, 3.0, 4.0], &[20.0, 90.0, 50.0]),
            &plr(),
            Some(&b),
            Some((&per, &stats)),
            &mut w,
        )
        .unwrap();
        assert_eq!(p.table.keys, vec!["04010101", "04010102", "04010103"]);
        let col = |c: &str| -> Vec<Option<f64>> {
            p.table
                .column(c)
                .unwrap()
                .cells
                .iter()
                .map(|x| x.num())
                .collect()
        };
        assert_eq!(col("Kinder"), vec![Some(40.0), Some(60.0), Some(25.0)]);
        assert_eq!(col("count"), vec![Some(2.0), Some(3.0), Some(0.0)]);
        assert_eq!(col("e_platz"), vec![Some(20.0), Some(90.0), Some(0.0)]);
        assert!(w.has("no-geometry"), "{w:?}");
        let text = format!("{w:?}");
        assert!(text.contains("04010103 (25 Kinder)"), "{text}");
    }

    fn value(t: &LevelTable, key: &str, column: &str) -> f64 {
        t.num(key, column)
            .unwrap_or_else(|| panic!("{key} {column}"))
    }

    #[test]
    fn facilities_follow_their_plr_into_the_sozialraum_of_its_children() {
        // S1 covers the first PLR and 30 % of the second; S2 70 % of the
        // second. With the largest part, the second PLR (3 Kitas, 90 places,
        // 60 children) is S2's, wherever in it the Kitas stand.
        let sr = layer(
            "sr.geojson",
            &[("S1", 390000.0, 390130.0), ("S2", 390130.0, 390200.0)],
        );
        let per = Per::parse("Kinder=E_U6").unwrap().scaled(100.0);
        let b = Bezirk::parse("04").unwrap();
        let p = plr_counts(Some(&b), &per);
        let rules = point_rules(&p.table, &p.value_columns, Some(&per));
        let mut units = plr();
        b.filter_layer_checked(&mut units).unwrap();
        let how = SozialraumRule {
            assign: Assign::Largest,
            tolerance: Tolerance::default(),
            report_column: Some("Kinder"),
        };
        let source = Source::Polygons(sr);
        let (t, w) = sozialraum_table(
            &p.table,
            &rules,
            &units,
            &source,
            &how,
            MissingPolicy::Propagate,
        )
        .unwrap();
        assert!(w.is_empty(), "{:?}", w);
        assert_eq!(t.keys, vec!["S1", "S2"]);
        assert_eq!(value(&t, "S1", "count"), 2.0);
        assert_eq!(value(&t, "S2", "e_platz"), 90.0);
        assert_eq!(value(&t, "S2", "Kinder"), 60.0);
        assert_eq!(value(&t, "S2", "e_platz per 100 Kinder"), 150.0);
        assert_eq!(value(&t, "S1", "e_platz per 100 Kinder"), 50.0);

        // By area shares, the second PLR is split 30 : 70, places and children alike.
        let how = SozialraumRule {
            assign: Assign::Area,
            ..how
        };
        let (t, _) = sozialraum_table(
            &p.table,
            &rules,
            &units,
            &source,
            &how,
            MissingPolicy::Propagate,
        )
        .unwrap();
        assert!((value(&t, "S1", "e_platz") - 47.0).abs() < 1e-6);
        assert!((value(&t, "S1", "Kinder") - 58.0).abs() < 1e-6);
        assert!((value(&t, "S2", "count") - 2.1).abs() < 1e-6);
        let ratio = value(&t, "S1", "e_platz per 100 Kinder");
        assert!((ratio - 4700.0 / 58.0).abs() < 1e-6, "{ratio}");
    }

    #[test]
    fn what_is_in_no_sozialraum_is_a_row_so_the_rows_add_up() {
        // A list that names only the first PLR, and a Sozialraum with none.
        let list = crate::mapping::weights::ListTable {
            table: crate::mapping::weights::WeightTable::new(
                sozialraum::LEVEL,
                vec![
                    crate::mapping::weights::Weight {
                        source: "04010101".into(),
                        target: "S1".into(),
                        weight: 1.0,
                    },
                    crate::mapping::weights::Weight {
                        source: "04019999".into(),
                        target: "S3".into(),
                        weight: 1.0,
                    },
                ],
            ),
            target_names: BTreeMap::from([("S1".to_string(), "Eins".to_string())]),
            key_level: Level::Plr,
        };
        let per = Per::parse("Kinder=E_U6").unwrap();
        let b = Bezirk::parse("04").unwrap();
        let p = plr_counts(Some(&b), &per);
        let rules = point_rules(&p.table, &p.value_columns, Some(&per));
        let how = SozialraumRule {
            assign: Assign::Largest,
            tolerance: Tolerance::default(),
            report_column: Some("Kinder"),
        };
        let (t, w) = sozialraum_table(
            &p.table,
            &rules,
            &plr(),
            &Source::List(list),
            &how,
            MissingPolicy::Propagate,
        )
        .unwrap();
        assert!(w.has("unassigned"), "{:?}", w);
        assert_eq!(t.keys, vec!["S1", "S3", "-"]);
        assert_eq!(t.names, vec!["Eins", "", "nicht zugeordnet"]);
        assert_eq!(value(&t, "S3", "count"), 0.0);
        assert_eq!(value(&t, "-", "count"), 3.0);
        assert_eq!(value(&t, "-", "Kinder"), 60.0);
        assert_eq!(value(&t, "-", "e_platz per Kinder"), 1.5);
        let sum = |c: &str| {
            t.keys
                .iter()
                .map(|k| t.num(k, c).unwrap_or(0.0))
                .sum::<f64>()
        };
        assert_eq!(
            (sum("count"), sum("e_platz"), sum("Kinder")),
            (5.0, 110.0, 100.0)
        );
    }

    #[test]
    fn summary_names_the_bezirk_and_what_is_out_of_scope() {
        let c = Counted {
            tables: Vec::new(),
            rules: Vec::new(),
            total: 2_000,
            in_units: 1_990,
            out_of_scope: 1_500.0,
            units_source: "data/plr.geojson".into(),
            bezirk: Some(Bezirk::parse("04").unwrap()),
        };
        assert_eq!(
            c.summary(),
            "2,000 points, 490 in PLR of Bezirk 04 (1,500 in other Bezirke are out of scope)"
        );
    }
}
