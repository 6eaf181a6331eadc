//! `lor series` and `lor translate` with the flags of `lor aggregate`:
//! `--bezirk`, `--rename-input`, `--round` (issue 22, item 7). The oracle
//! is summed here from the bundled files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common;

use common::{berlin, lor, scratch, stderr, stdout};

/// Σ of `col` over the rows of Bezirk `bez` in a CSV file (key in `key`).
fn bezirk_sum(path: &Path, delimiter: u8, key: &str, col: &str, bez: &str) -> f64 {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap();
    let h = r.headers().unwrap().clone();
    let k = h.iter().position(|x| x == key).unwrap();
    let c = h.iter().position(|x| x == col).unwrap();
    r.records()
        .map(|x| x.unwrap())
        .filter(|x| x[k].starts_with(bez))
        .map(|x| x[c].parse::<f64>().unwrap())
        .sum()
}

/// Rows of a CSV output: the header and every record as name → cell.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|x| {
            let x = x.unwrap();
            h.iter()
                .zip(x.iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

/// The 2020 population file without its percentage columns (the series'
/// rules apply to every file alike; EWR 2018 has none).
fn population_2020(dir: &Path) -> std::path::PathBuf {
    let src = berlin("stats/population-2020-12/t1-planning-areas.csv");
    let mut r = csv::Reader::from_path(&src).unwrap();
    let h = r.headers().unwrap().clone();
    let keep: Vec<usize> = (0..h.len())
        .filter(|&i| !h[i].ends_with("_percentage"))
        .collect();
    let out = dir.join("t1-planning-areas-2020.csv");
    let mut w = csv::Writer::from_path(&out).unwrap();
    w.write_record(keep.iter().map(|&i| &h[i])).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        w.write_record(keep.iter().map(|&i| &rec[i])).unwrap();
    }
    w.flush().unwrap();
    out
}

/// EWR 2018 (`E_E`) and the 2020 planning areas (`inhabitants`) as one
/// column through a per-file rename, in Bezirk 04: its row at each date is
/// the sum of its PLR in that file, and there is no Berlin row.
#[test]
fn series_joins_renamed_columns_within_a_bezirk() {
    let dir = scratch("series_flags_join");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let p2020 = population_2020(&dir);
    let date = format!("{}=2020-12", p2020.display());
    let o = lor(&[
        "series",
        ewr.to_str().unwrap(),
        p2020.to_str().unwrap(),
        "--date",
        &date,
        "--rename-input",
        "*planning*:inhabitants=E_E",
        "--bezirk",
        "04",
        "--levels",
        "pgr,bez,berlin",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = rows(&stdout(&o));
    assert!(rows.iter().all(|r| r["level"] != "berlin"), "a Berlin row");
    let bez: Vec<_> = rows.iter().filter(|r| r["level"] == "bez").collect();
    assert_eq!(bez.len(), 2, "{bez:?}");
    let want = [
        ("2018-12", bezirk_sum(&ewr, b';', "RAUMID", "E_E", "04")),
        (
            "2020-12",
            bezirk_sum(&p2020, b',', "id", "inhabitants", "04"),
        ),
    ];
    for (d, total) in want {
        let r = bez.iter().find(|r| r["date"] == d).unwrap();
        assert_eq!(r["key"], "04");
        assert_eq!(r["E_E"].parse::<f64>().unwrap(), total, "{d}");
        // The Prognoseräume of the date add up to it.
        let pgr: f64 = rows
            .iter()
            .filter(|r| r["level"] == "pgr" && r["date"] == d)
            .map(|r| {
                assert!(r["key"].starts_with("04"), "{r:?}");
                r["E_E"].parse::<f64>().unwrap()
            })
            .sum();
        assert_eq!(pgr, total, "{d}");
    }
    assert!(total_is_real(&want));
}

/// Both files have people in Bezirk 04 (the oracle is not empty).
fn total_is_real(want: &[(&str, f64)]) -> bool {
    want.iter().all(|(_, t)| *t > 100_000.0)
}

/// `translate --bezirk 04 --round 0` through a key table that splits each
/// PLR 3/4 to itself and 1/4 to the next PLR of the Bezirk: the Bezirk row
/// is the file's Bezirk 04 sum, and the rounded PLR and BZR add up to it.
#[test]
fn translate_in_a_bezirk_rounds_to_the_total() {
    let dir = scratch("series_flags_translate");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let text = std::fs::read_to_string(&ewr).unwrap();
    let keys: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(';').nth(1).unwrap())
        .filter(|k| k.starts_with("04"))
        .collect();
    let mut table = String::from("from;to;weight\n");
    for (i, k) in keys.iter().enumerate() {
        let next = keys[(i + 1) % keys.len()];
        table.push_str(&format!("{k};{k};0.75\n{k};{next};0.25\n"));
    }
    let cw = dir.join("split.csv");
    std::fs::write(&cw, table).unwrap();
    let o = lor(&[
        "translate",
        ewr.to_str().unwrap(),
        "--crosswalk",
        cw.to_str().unwrap(),
        "--bezirk",
        "04",
        "--round",
        "0",
        "--levels",
        "plr,bzr,bez,berlin",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = rows(&stdout(&o));
    let total = bezirk_sum(&ewr, b';', "RAUMID", "E_E", "04");
    let at = |level: &str| -> Vec<(String, f64)> {
        rows.iter()
            .filter(|r| r["level"] == level)
            .map(|r| (r["key"].clone(), r["E_E"].parse::<f64>().unwrap()))
            .collect()
    };
    assert!(at("berlin").is_empty());
    assert_eq!(at("bez"), vec![("04".to_string(), total)]);
    let plr = at("plr");
    assert_eq!(plr.len(), keys.len());
    assert!(plr.iter().all(|(_, v)| v.fract() == 0.0), "{plr:?}");
    assert_eq!(plr.iter().map(|r| r.1).sum::<f64>(), total);
    for (bzr, v) in at("bzr") {
        let members: f64 = plr
            .iter()
            .filter(|(k, _)| k.starts_with(&bzr))
            .map(|r| r.1)
            .sum();
        assert_eq!(members, v, "BZR {bzr}");
    }
    // Without --round, some PLR hold quarters: the rounding did something.
    let o = lor(&[
        "translate",
        ewr.to_str().unwrap(),
        "--crosswalk",
        cw.to_str().unwrap(),
        "--bezirk",
        "04",
        "--levels",
        "plr",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let unrounded = self::rows(&stdout(&o));
    assert!(unrounded
        .iter()
        .any(|r| r["E_E"].parse::<f64>().unwrap().fract() != 0.0));
}

/// Usage errors (exit 2) that name what is wrong.
#[test]
fn wrong_renames_and_bezirke_are_usage_errors() {
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let ewr = ewr.to_str().unwrap();
    let refused = |args: &[&str], message: &str| {
        let o = lor(args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(message), "{args:?}: {e}");
    };
    refused(
        &["series", ewr, "--rename-input", "E_EM=E_E"],
        "EWR201812E_Matrix.csv: --rename-input 'E_EM=E_E': the file has both columns 'E_EM' and 'E_E'",
    );
    refused(
        &["series", ewr, "--rename-input", "inhabitants=E_E"],
        "--rename-input 'inhabitants=E_E': no file has a column 'inhabitants'",
    );
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/sample/series/EWR202206E_Matrix.csv"
    );
    let cw = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample/lor-alt-neu.csv");
    refused(
        &[
            "translate",
            sample,
            "--crosswalk",
            cw,
            "--rename-input",
            "*2022*:EW=E_E",
        ],
        "no file matching '*2022*' has a column 'EW'",
    );
    for cmd in ["series", "translate", "aggregate"] {
        refused(
            &[cmd, ewr, "--bezirk", "99"],
            "--bezirk '99': give the two-digit Bezirk number, 01 to 12",
        );
    }
    // A Bezirk the files do not have.
    refused(
        &["series", sample, "--bezirk", "04"],
        "EWR202206E_Matrix.csv: no rows of Bezirk 04",
    );
}

/// `series --bezirk 04 --round 0 --decimals 1 --labels de --change previous`
/// on EWR 2018 and the 2020 planning areas joined by a rename, with the
/// 2021 Prognoseräume of Bezirk 04 as Sozialraum polygons over the 2006 PLR
/// polygons (the whole city given, cut to the Bezirk): only the five
/// Sozialräume of the Bezirk, whole people that add up to the Bezirk's
/// total at each date, and the change is the difference of the numbers
/// shown. `--strict` (the two files' different columns and the overlay's
/// slivers allowed): no warning about the other Bezirke.
#[test]
fn series_in_a_bezirk_rounded_and_labelled_with_sozialraum_polygons() {
    let dir = scratch("series_flags_round");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let p2020 = population_2020(&dir);
    let date = format!("{}=2020-12", p2020.display());
    let pgr = berlin("lor-2021/pgr.geojson.gz");
    let plr = berlin("lor-2006/plr.geojson.gz");
    let o = lor(&[
        "series",
        ewr.to_str().unwrap(),
        p2020.to_str().unwrap(),
        "--date",
        &date,
        "--rename-input",
        "*planning*:inhabitants=E_E",
        "--bezirk",
        "04",
        "--sozialraum",
        pgr.to_str().unwrap(),
        "--units",
        plr.to_str().unwrap(),
        "--assign",
        "area",
        "--levels",
        "bez",
        "--change",
        "previous",
        "--change-columns",
        "E_E",
        "--round",
        "0",
        "--decimals",
        "1",
        "--labels",
        "de",
        "--strict",
        "--allow",
        "columns,slivers",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = rows(&stdout(&o));
    // --labels de heads the identity fields in German too.
    assert!(
        stdout(&o).starts_with("Ebene,Schlüssel,Name,"),
        "{}",
        stdout(&o)
    );
    let e = "Einwohnerinnen und Einwohner insgesamt";
    let change = format!("{e} change previous");
    let pct = format!("{e} change previous %");
    let num = |r: &BTreeMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let mut totals = Vec::new();
    for (d, file, delim, key, col) in [
        ("2018-12", &ewr, b';', "RAUMID", "E_E"),
        ("2020-12", &p2020, b',', "id", "inhabitants"),
    ] {
        let total = bezirk_sum(file, delim, key, col, "04");
        let bez: Vec<_> = rows
            .iter()
            .filter(|r| r["Ebene"] == "bez" && r["date"] == d)
            .collect();
        assert_eq!(bez.len(), 1);
        assert_eq!(num(bez[0], e), total, "{d}");
        let sr: Vec<_> = rows
            .iter()
            .filter(|r| r["Ebene"] == "sozialraum" && r["date"] == d)
            .collect();
        let keys: Vec<&str> = sr.iter().map(|r| r["Schlüssel"].as_str()).collect();
        assert_eq!(keys, ["0410", "0420", "0430", "0440", "0450"], "{d}");
        assert!(sr.iter().all(|r| num(r, e).fract() == 0.0), "{sr:?}");
        assert_eq!(sr.iter().map(|r| num(r, e)).sum::<f64>(), total, "{d}");
        totals.push(total);
    }
    assert!(total_is_real(&[("2018", totals[0]), ("2020", totals[1])]));
    // The change of each row is the difference of its two values shown.
    for r in rows.iter().filter(|r| r["date"] == "2020-12") {
        let before = rows
            .iter()
            .find(|b| {
                b["date"] == "2018-12"
                    && b["Ebene"] == r["Ebene"]
                    && b["Schlüssel"] == r["Schlüssel"]
            })
            .unwrap();
        let diff = num(r, e) - num(before, e);
        assert_eq!(num(r, &change), diff, "{r:?}");
        let rel = (diff / num(before, e) * 1000.0).round() / 10.0;
        assert_eq!(num(r, &pct), rel, "{r:?}");
    }
    let bez_change = rows
        .iter()
        .find(|r| r["Ebene"] == "bez" && r["date"] == "2020-12")
        .map(|r| num(r, &change))
        .unwrap();
    assert_eq!(bez_change, totals[1] - totals[0]);
}
