//! Sozialräume on the real data: the LOR 2006 PLR of Bezirk 04 against the
//! five 2021 Prognoseräume of Bezirk 04, which stand in for the Sozialräume.
//!
//! Expected area shares were computed once, independently of lor, with
//! shapely 2 (GEOS) and pyproj 3 (PROJ 9): the 2006 polygons and the 2021
//! PGR transformed from EPSG:4326 to EPSG:25833, `a.intersection(b).area /
//! a.area`. They are written here as constants.

use crate::common;

use common::berlin;
use lor::aggregation::aggregate::{aggregate, aggregate_levels, MissingPolicy};
use lor::aggregation::rules::{plan_rules, RuleFlags};
use lor::mapping::sozialraum::{assign, report_unassigned, Source};
use lor::mapping::weights::Assign;
use lor::spatial::geometry::{read_layer, Layer, LayerOptions};
use lor::spatial::overlay::{
    overlay, roll_up, unit_parts, PartClass, Tolerance, UnitParts, UnitStatus,
};
use lor::table::key::Level;
use lor::table::stats::{read_stats, ReadOptions, StatTable};

fn layer(rel: &str, bezirk: &str, opts: &LayerOptions) -> (Layer, lor::error::Warnings) {
    let (mut l, w) = read_layer(&berlin(rel), opts).unwrap();
    l.filter_prefix(bezirk);
    (l, w)
}

/// Without the known correction (`auto_fix: false`) PLR 04030417 has no
/// polygon: its feature 124 is published under 06010102.
fn without_fix() -> LayerOptions {
    LayerOptions {
        auto_fix: false,
        ..LayerOptions::default()
    }
}

fn b04(opts: &LayerOptions) -> (Layer, Layer, Vec<UnitParts>) {
    let (plr, _) = layer("lor-2006/plr.geojson.gz", "04", opts);
    let (sr, _) = layer("lor-2021/pgr.geojson.gz", "04", &LayerOptions::default());
    assert_eq!(sr.features.len(), 5);
    let ov = overlay(&plr, &sr, false);
    let units = unit_parts(&ov, &plr, &sr, &Tolerance::default());
    (plr, sr, units)
}

fn share(u: &UnitParts, target: &str) -> f64 {
    u.parts
        .iter()
        .find(|p| p.target.as_deref() == Some(target))
        .map(|p| p.share * 100.0)
        .unwrap_or(0.0)
}

fn unit<'a>(units: &'a [UnitParts], key: &str) -> &'a UnitParts {
    units
        .iter()
        .find(|u| u.key == key)
        .unwrap_or_else(|| panic!("{key} missing"))
}

#[test]
fn bezirk_04_real_splits_and_noise() {
    let (plr, _, units) = b04(&LayerOptions::default());
    // 57 PLR in Bezirk 04: 04030417, published under 06010102 in the file,
    // is corrected by default (feature 124).
    assert_eq!(plr.features.len(), 57);
    assert_eq!(plr.get("04030417").unwrap().number, 124);
    let u = unit(&units, "04030417");
    assert_eq!(u.status, UnitStatus::Inside);
    assert!(share(u, "0430") > 99.99, "{}", share(u, "0430"));

    let split: Vec<&str> = units
        .iter()
        .filter(|u| u.status == UnitStatus::Split)
        .map(|u| u.key.as_str())
        .collect();
    assert_eq!(split, vec!["04030726", "04061757"]);
    // Shapely: 04030726 Droysenstraße 80.9077 % in 0450, 19.0923 % in 0430.
    let u = unit(&units, "04030726");
    assert!((share(u, "0450") - 80.9077).abs() < 0.1);
    assert!((share(u, "0430") - 19.0923).abs() < 0.1);
    let u = unit(&units, "04061757");
    assert!((share(u, "0420") - 85.7713).abs() < 0.1);
    assert!((share(u, "0440") - 14.2249).abs() < 0.1);
    // The largest sliver: 04030827, 0.4824 % (2,823 m²) in 0450: noise.
    let u = unit(&units, "04030827");
    assert_eq!(u.status, UnitStatus::Inside);
    assert!((share(u, "0430") - 99.5176).abs() < 0.1);
    let sliver = u
        .parts
        .iter()
        .find(|p| p.target.as_deref() == Some("0450"))
        .unwrap();
    assert_eq!(sliver.class, PartClass::Noise);
    assert!((sliver.share * 100.0 - 0.4824).abs() < 0.01);
    // 04010101: 99.8670 % in 0410, slivers in 0430 and 0420.
    let u = unit(&units, "04010101");
    assert!((share(u, "0410") - 99.8670).abs() < 0.1);
    assert_eq!(u.status, UnitStatus::Inside);
    // Slivers in 0430 and 0420 (and a sliver beyond the Bezirk's 2021 edge).
    let noise: Vec<Option<&str>> = u
        .parts
        .iter()
        .filter(|p| p.class == PartClass::Noise)
        .map(|p| p.target.as_deref())
        .collect();
    assert_eq!(noise, vec![Some("0430"), Some("0420"), None]);
    // Every other PLR lies inside one Sozialraum up to noise.
    assert_eq!(
        units
            .iter()
            .filter(|u| u.status == UnitStatus::Inside)
            .count(),
        55
    );

    // Rolled up: BZR 040307 Neue Kantstraße and PGR 0403 are split.
    let tol = Tolerance::default();
    let bzr = roll_up(&units, Level::Bzr, |_| String::new(), &tol);
    let split_bzr: Vec<&str> = bzr
        .iter()
        .filter(|u| u.status == UnitStatus::Split)
        .map(|u| u.key.as_str())
        .collect();
    assert_eq!(split_bzr, vec!["040307", "040617"]);
    // Shapely on the 2006 BZR polygon: 81.5185 % in 0430, 18.4198 % in 0450.
    let u = unit(&bzr, "040307");
    assert!(
        (share(u, "0430") - 81.5185).abs() < 0.1,
        "{}",
        share(u, "0430")
    );
    assert!((share(u, "0450") - 18.4198).abs() < 0.1);
    let pgr = roll_up(&units, Level::Pgr, |_| String::new(), &tol);
    let split_pgr: Vec<&str> = pgr
        .iter()
        .filter(|u| u.status == UnitStatus::Split)
        .map(|u| u.key.as_str())
        .collect();
    assert_eq!(split_pgr, vec!["0403", "0406"]);
    // Shapely on the 2006 PGR polygon 0406: 85.7713 % / 14.2249 %.
    let u = unit(&pgr, "0406");
    assert!((share(u, "0420") - 85.7713).abs() < 0.1);
    // Shapely on the 2006 PGR polygon 0403: 76.36 % in 0430, 23.62 % in
    // 0450; with 04030417 in the layer its PLR give the same shares.
    let u = unit(&pgr, "0403");
    assert!(
        (share(u, "0430") - 76.36).abs() < 0.1,
        "{}",
        share(u, "0430")
    );
    assert!(
        (share(u, "0450") - 23.62).abs() < 0.1,
        "{}",
        share(u, "0450")
    );

    // Without the correction 04030417 has no polygon: 56 PLR, and PGR 0403
    // is split with other shares (its PLR without 04030417).
    let (plr, _, units) = b04(&without_fix());
    assert_eq!(plr.features.len(), 56);
    assert!(plr.get("04030417").is_none());
    assert!(units.iter().all(|u| u.key != "04030417"));
    let pgr = roll_up(&units, Level::Pgr, |_| String::new(), &tol);
    let u = unit(&pgr, "0403");
    assert!(share(u, "0430") > 70.0 && share(u, "0450") > 20.0);
    assert!((share(u, "0450") - 23.62).abs() > 0.1);
}

#[test]
fn real_file_defects_are_reported() {
    // By default the known wrong id is corrected, with a note naming it.
    let (_, w) = read_layer(&berlin("lor-2006/plr.geojson.gz"), &LayerOptions::default()).unwrap();
    assert!(!w.has("duplicate-id"), "{w:?}");
    let note = &w.iter().find(|x| x.code == "fix-id").unwrap().message;
    assert!(
        note.contains("feature 124 'Schloßstraße'")
            && note.contains("published under 06010102")
            && note.contains("read as 04030417"),
        "{note}"
    );
    assert!(lor::error::is_note(lor::error::WarningCode::FixId));
    // Without the correction the defect is reported as found.
    let (_, w) = read_layer(&berlin("lor-2006/plr.geojson.gz"), &without_fix()).unwrap();
    assert!(w.has("duplicate-id"), "{w:?}");
    assert!(!w.has("fix-id"), "{w:?}");
    let msg = &w.iter().find(|x| x.code == "duplicate-id").unwrap().message;
    assert!(
        msg.contains("06010102") && msg.contains("feature 124") && msg.contains("feature 205"),
        "{msg}"
    );
}

fn ewr_b04() -> StatTable {
    let (mut t, _) = read_stats(
        &berlin("stats/EWR201812E_Matrix.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    t.retain_keys(|k| k.starts_with("04"));
    assert_eq!(t.len(), 57);
    t
}

fn total(t: &lor::table::level::LevelTable, col: &str) -> f64 {
    t.keys.iter().map(|k| t.num(k, col).unwrap()).sum()
}

#[test]
fn ewr_to_five_sozialraeume_adds_up() {
    let table = ewr_b04();
    let (rules, _) = plan_rules(&table, &RuleFlags::default()).unwrap();
    let (bez, _) = aggregate_levels(
        &table,
        &rules,
        &[Level::Bezirk],
        None,
        MissingPolicy::Propagate,
    );
    let bez_total = bez[0].num("04", "E_E").unwrap();
    assert_eq!(bez_total, 341_327.0);
    // By default (04030417 corrected) and without the correction.
    for fixed in [true, false] {
        let opts = if fixed {
            LayerOptions::default()
        } else {
            without_fix()
        };
        let (plr, sr, _) = b04(&opts);
        let source = Source::Polygons(sr);
        for how in [Assign::Largest, Assign::Area] {
            let (a, _) = assign(&table, Some(&plr), &source, how, &Tolerance::default()).unwrap();
            let w = report_unassigned(&table, &a, Some("E_E"));
            if fixed {
                assert!(a.without_geometry.is_empty(), "{:?}", a.without_geometry);
                assert!(a.unassigned.is_empty(), "{:?}", a.unassigned);
                assert!(!w.has("no-geometry"), "{w:?}");
            } else {
                // The PLR without geometry is reported, with its inhabitants.
                assert_eq!(a.without_geometry, vec!["04030417"]);
                assert!(
                    w.iter()
                        .any(|x| x.code == "no-geometry" && x.message.contains("10,976 E_E")),
                    "{w:?}"
                );
            }
            let unassigned: f64 = a
                .unassigned
                .iter()
                .map(|(k, s)| {
                    s * table.column("E_E").unwrap().cells
                        [table.keys.iter().position(|x| x == k).unwrap()]
                    .num()
                    .unwrap()
                })
                .sum();
            assert_eq!(unassigned, if fixed { 0.0 } else { 10_976.0 });
            let (t, _) = aggregate(&table, &rules, &a.weights, MissingPolicy::Propagate);
            assert_eq!(t.keys, vec!["0410", "0420", "0430", "0440", "0450"]);
            let five = total(&t, "E_E");
            match how {
                Assign::Largest => {
                    assert_eq!(five + unassigned, bez_total);
                    // Whole people.
                    assert!(t
                        .keys
                        .iter()
                        .all(|k| t.num(k, "E_E").unwrap().fract() == 0.0));
                    assert_eq!(t.num("0410", "E_E"), Some(19_478.0));
                }
                Assign::Area => {
                    assert!(((five + unassigned) - bez_total).abs() / bez_total < 1e-9);
                    // Droysenstraße's 5,795 people are shared 81/19 between 0450 and 0430.
                    assert!(t.num("0430", "E_E").unwrap().fract() != 0.0);
                }
            }
        }
    }
}

#[test]
fn sample_sozialraeume_polygons_and_list_agree_where_nothing_is_halved() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let (plr, w) = read_layer(&dir.join("plr.geojson"), &LayerOptions::default()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(plr.file_crs, lor::spatial::crs::Crs::Utm33);
    let (sr, _) = read_layer(&dir.join("sozialraeume.geojson"), &LayerOptions::default()).unwrap();
    assert_eq!(sr.file_crs, lor::spatial::crs::Crs::Wgs84);
    // The PLR tile the district: 10 × 5 cells of 600 m × 500 m.
    let area: f64 = plr.features.iter().map(|f| f.area).sum();
    assert!((area - 15_000_000.0).abs() < 1.0, "{area}");
    let (table, _) =
        read_stats(&dir.join("EWR202412E_Matrix.csv"), &ReadOptions::default()).unwrap();
    let (rules, _) = plan_rules(&table, &RuleFlags::default()).unwrap();
    let (poly, _) = assign(
        &table,
        Some(&plr),
        &Source::Polygons(sr),
        Assign::Largest,
        &Tolerance::default(),
    )
    .unwrap();
    let (list, _) =
        lor::mapping::weights::read_list(&dir.join("sozialraum-liste.csv"), "sozialraum").unwrap();
    let (by_list, _) = assign(
        &table,
        None,
        &Source::List(list),
        Assign::Largest,
        &Tolerance::default(),
    )
    .unwrap();
    assert!(poly.unassigned.is_empty() && by_list.unassigned.is_empty());
    let (tp, _) = aggregate(&table, &rules, &poly.weights, MissingPolicy::Propagate);
    let (tl, _) = aggregate(&table, &rules, &by_list.weights, MissingPolicy::Propagate);
    // Both give every inhabitant to exactly one Sozialraum.
    assert_eq!(total(&tp, "E_E"), total(&tl, "E_E"));
    // SR1 and SR2 contain no halved PLR: identical.
    for k in ["SR1", "SR2"] {
        assert_eq!(tp.num(k, "E_E"), tl.num(k, "E_E"), "{k}");
    }
    assert_eq!(by_list.names.get("SR3").map(String::as_str), Some("Mitte"));
}
