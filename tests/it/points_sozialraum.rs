//! `lor points` with Sozialräume: Kitas go to the Sozialraum of their PLR
//! through the same PLR → Sozialraum assignment as the children they are
//! divided by, and the Sozialraum rows add up to the Bezirk.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{berlin, lor, scratch, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

use common::Row;

fn num(r: &Row, c: &str) -> f64 {
    r[c].parse()
        .unwrap_or_else(|_| panic!("{c} = '{}' in {r:?}", r[c]))
}

/// Kitas of Bezirk 04 with their places, per PLR, for the Bezirk and per
/// Sozialraum (the five 2021 PGR), with places per 100 children under 6.
fn kitas_b04(extra: &[&str]) -> Vec<Row> {
    let plr = berlin("lor-2006/plr.geojson.gz");
    let pgr = berlin("lor-2021/pgr.geojson.gz");
    let kitas = berlin("points/kitas.geojson.gz");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let mut args = vec![
        "points",
        s(&kitas),
        "--units",
        s(&plr),
        "--sozialraum",
        s(&pgr),
        "--bezirk",
        "04",
        "--levels",
        "plr,bez",
        "--sum",
        "e_platz",
        "--stats",
        s(&ewr),
        "--per",
        "Kinder_u6=E_EU1+E_E1U6",
        "--scale",
        "100",
        "--format",
        "csv",
    ];
    args.extend(extra);
    let o = lor(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    common::csv_rows(&stdout(&o))
}

fn level<'a>(rows: &'a [Row], l: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r["level"] == l).collect()
}

const COUNTS: [&str; 3] = ["count", "e_platz", "Kinder_u6"];

/// Each count summed over the Sozialraum rows equals the Bezirk row.
fn assert_rows_add_up(rows: &[Row], exact: bool) {
    let bez = level(rows, "bez");
    assert_eq!(bez.len(), 1);
    for c in COUNTS {
        let sr: f64 = level(rows, "sozialraum").iter().map(|r| num(r, c)).sum();
        let total = num(bez[0], c);
        if exact {
            assert_eq!(sr, total, "{c}");
        } else {
            assert!((sr - total).abs() < 1e-6, "{c}: {sr} vs {total}");
        }
    }
}

/// PLR → Sozialraum by the largest part, computed with the library from
/// the same layers.
fn largest_assignment() -> BTreeMap<String, String> {
    use lor::spatial::geometry::{read_layer, LayerOptions};
    let (mut plr, _) = read_layer(
        &berlin("lor-2006/plr.geojson.gz"),
        &LayerOptions {
            auto_fix: true,
            ..LayerOptions::default()
        },
    )
    .unwrap();
    plr.filter_prefix("04");
    let (mut pgr, _) =
        read_layer(&berlin("lor-2021/pgr.geojson.gz"), &LayerOptions::default()).unwrap();
    pgr.filter_prefix("04");
    let keys: Vec<String> = plr.features.iter().map(|f| f.id.clone()).collect();
    let table = lor::points::tables::unit_table("plr", keys, Vec::new());
    let (a, _) = lor::mapping::sozialraum::assign(
        &table,
        Some(&plr),
        &lor::mapping::sozialraum::Source::Polygons(pgr),
        lor::mapping::weights::Assign::Largest,
        &lor::spatial::overlay::Tolerance::default(),
    )
    .unwrap();
    assert!(a.unassigned.is_empty());
    a.weights
        .rows()
        .iter()
        .map(|w| {
            assert_eq!(w.weight, 1.0);
            (w.source.clone(), w.target.clone())
        })
        .collect()
}

#[test]
fn kitas_and_children_per_sozialraum_come_from_the_same_plr() {
    let rows = kitas_b04(&["--units-fix-id", "auto"]);
    let bez = level(&rows, "bez")[0];
    assert_eq!(
        (
            num(bez, "count"),
            num(bez, "e_platz"),
            num(bez, "Kinder_u6")
        ),
        (275.0, 13_292.0, 16_262.0)
    );
    // Five Sozialräume, every PLR in one of them: no unassigned row.
    let sr = level(&rows, "sozialraum");
    let keys: Vec<&str> = sr.iter().map(|r| r["key"].as_str()).collect();
    assert_eq!(keys, vec!["0410", "0420", "0430", "0440", "0450"]);
    assert_rows_add_up(&rows, true);

    // Per Sozialraum: the sums of its PLR rows under the assignment, and
    // the ratio of those sums.
    let assignment = largest_assignment();
    let plr = level(&rows, "plr");
    assert_eq!(plr.len(), assignment.len());
    for r in &sr {
        let members: Vec<&&Row> = plr
            .iter()
            .filter(|p| assignment[&p["key"]] == r["key"])
            .collect();
        let sum = |c: &str| members.iter().map(|p| num(p, c)).sum::<f64>();
        for c in COUNTS {
            assert_eq!(num(r, c), sum(c), "{} {c}", r["key"]);
        }
        let ratio = num(r, "e_platz per 100 Kinder_u6");
        let expected = sum("e_platz") / sum("Kinder_u6") * 100.0;
        assert!((ratio - expected).abs() < 1e-9, "{} {ratio}", r["key"]);
    }
    // The figures of 0430 (Charlottenburg Zentrum): 102 Kitas, 4,644
    // places, 5,411 children under 6 = 85.83 places per 100 children.
    let z = sr.iter().find(|r| r["key"] == "0430").unwrap();
    assert_eq!((num(z, "count"), num(z, "e_platz")), (102.0, 4_644.0));
    assert_eq!(num(z, "Kinder_u6"), 5_411.0);
    assert!((num(z, "e_platz per 100 Kinder_u6") - 85.83).abs() < 0.005);
    assert!((num(z, "count per 100 Kinder_u6") - 1.885).abs() < 0.0005);
    // A Kita (30 places) stands in the 0440 polygon but in a PLR whose
    // largest part, and children, are 0420's: it counts in 0420.
    let w = sr.iter().find(|r| r["key"] == "0420").unwrap();
    assert_eq!((num(w, "count"), num(w, "e_platz")), (33.0, 1_701.0));
    let s = sr.iter().find(|r| r["key"] == "0440").unwrap();
    assert_eq!((num(s, "count"), num(s, "e_platz")), (29.0, 1_949.0));
}

#[test]
fn children_per_sozialraum_equal_lor_aggregate() {
    let points = kitas_b04(&["--units-fix-id", "auto"]);
    let o = lor(&[
        "aggregate",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--units",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--units-fix-id",
        "auto",
        "--sozialraum",
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--bezirk",
        "04",
        "--levels",
        "sozialraum",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let agg = common::csv_rows(&stdout(&o));
    let agg = level(&agg, "sozialraum");
    let sr = level(&points, "sozialraum");
    assert_eq!(agg.len(), sr.len());
    for (a, p) in agg.iter().zip(&sr) {
        assert_eq!(a["key"], p["key"]);
        assert_eq!(
            num(a, "E_EU1") + num(a, "E_E1U6"),
            num(p, "Kinder_u6"),
            "{}",
            a["key"]
        );
    }
}

#[test]
fn kitas_of_plr_in_no_sozialraum_are_the_unassigned_row() {
    // A list of the BZR of Bezirk 04 without 040304: its PLR, Kitas and
    // children are 'nicht zugeordnet'.
    let dir = scratch("points_sozialraum_list");
    let list = dir.join("liste.csv");
    let bzr = [
        ("040101", "N"),
        ("040202", "W"),
        ("040203", "W"),
        ("040305", "Z"),
        ("040306", "Z"),
        ("040307", "Z"),
        ("040308", "Z"),
        ("040309", "Z"),
        ("040310", "Z"),
        ("040411", "S"),
        ("040412", "S"),
        ("040413", "S"),
        ("040514", "S"),
        ("040515", "S"),
        ("040516", "S"),
        ("040617", "S"),
    ];
    // The PLR of those BZR, from the bundled key list.
    let names = std::fs::read_to_string(berlin("lor-2006/plr-names.csv")).unwrap();
    let mut text = String::from("PLR;Sozialraum\n");
    for key in names.lines().filter_map(|l| l.split(';').next()) {
        if let Some((_, sr)) = bzr.iter().find(|(b, _)| key.starts_with(b)) {
            text.push_str(&format!("{key};{sr}\n"));
        }
    }
    assert!(text.lines().count() > 50);
    std::fs::write(&list, text).unwrap();
    let rows = {
        let o = lor(&[
            "points",
            s(&berlin("points/kitas.geojson.gz")),
            "--units",
            s(&berlin("lor-2006/plr.geojson.gz")),
            "--units-fix-id",
            "auto",
            "--sozialraum",
            s(&list),
            "--bezirk",
            "04",
            "--levels",
            "plr,bez",
            "--sum",
            "e_platz",
            "--stats",
            s(&berlin("stats/EWR201812E_Matrix.csv")),
            "--per",
            "Kinder_u6=E_EU1+E_E1U6",
            "--scale",
            "100",
            "--format",
            "csv",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("outside every Sozialraum"),
            "{}",
            stderr(&o)
        );
        common::csv_rows(&stdout(&o))
    };
    let sr = level(&rows, "sozialraum");
    let keys: Vec<&str> = sr.iter().map(|r| r["key"].as_str()).collect();
    assert_eq!(keys, vec!["N", "S", "W", "Z", "-"]);
    assert_eq!(sr[4]["name"], "nicht zugeordnet");
    assert_rows_add_up(&rows, true);
    // The unassigned row is the PLR of 040304, numerators and denominator alike.
    let plr = level(&rows, "plr");
    let of_304 = |c: &str| -> f64 {
        plr.iter()
            .filter(|p| p["key"].starts_with("040304"))
            .map(|p| num(p, c))
            .sum()
    };
    for c in COUNTS {
        assert_eq!(num(sr[4], c), of_304(c), "{c}");
    }
    assert!(num(sr[4], "count") > 0.0);
    let ratio = of_304("e_platz") / of_304("Kinder_u6") * 100.0;
    assert!((num(sr[4], "e_platz per 100 Kinder_u6") - ratio).abs() < 1e-9);
}

#[test]
fn apportioned_by_area_the_rows_still_add_up() {
    let rows = kitas_b04(&["--units-fix-id", "auto", "--assign", "area"]);
    assert_rows_add_up(&rows, false);
    // Split PLR give fractions of Kitas to both sides.
    let sr = level(&rows, "sozialraum");
    assert!(sr.iter().any(|r| num(r, "count").fract() != 0.0));
    for r in &sr {
        let ratio = num(r, "e_platz") / num(r, "Kinder_u6") * 100.0;
        assert!((num(r, "e_platz per 100 Kinder_u6") - ratio).abs() < 1e-9);
    }
}

#[test]
fn a_scale_must_be_a_positive_number_and_needs_per() {
    let kitas = berlin("points/kitas.geojson.gz");
    let plr = berlin("lor-2006/plr.geojson.gz");
    for (extra, says) in [
        (
            vec!["--per", "K=E_EU1", "--scale", "0"],
            "not a positive number",
        ),
        (
            vec!["--per", "K=E_EU1", "--scale", "x"],
            "not a positive number",
        ),
        (vec!["--scale", "100"], "--per"),
    ] {
        let mut args = vec![
            "points",
            s(&kitas),
            "--units",
            s(&plr),
            "--stats",
            "data/berlin/stats/EWR201812E_Matrix.csv",
        ];
        args.extend(extra.iter().copied());
        let o = lor(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
    }
}
