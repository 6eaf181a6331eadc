//! `lor series`: many dates, one vintage, changes.
//!
//! The sample's expected values (tests/expected/series/sample.csv) are made
//! by tests/expected/series/make_expected.py, which reads the sample files
//! with Python's csv module alone (no lor code): see its docstring.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{berlin, lor, published, scratch, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

type Rows = BTreeMap<(String, String, String), BTreeMap<String, String>>;

/// A CSV by (level, key, date) → column → text.
fn read_rows(text: &str) -> Rows {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let row: BTreeMap<String, String> = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        let k = (
            row["level"].clone(),
            row["key"].clone(),
            row["date"].clone(),
        );
        assert!(out.insert(k, row).is_none(), "a unit and date twice");
    }
    out
}

fn close(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}

#[test]
fn sample_series_in_new_keys_with_changes_matches_an_independent_script() {
    let dir = scratch("series_sample");
    let out = dir.join("serie.csv");
    let o = lor(&[
        "series",
        s(&root("data/sample/series")),
        "--vintage",
        "2021",
        "--crosswalk",
        s(&root("data/sample/lor-alt-neu.csv")),
        "--names",
        s(&root("data/sample/plr.csv")),
        "--ratio",
        "Anteil_w=E_EW/E_E*100",
        "--levels",
        "plr,pgr",
        "--change",
        "previous,year",
        "--change-columns",
        "E_E,Anteil_w",
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = read_rows(&std::fs::read_to_string(&out).unwrap());
    let expected =
        read_rows(&std::fs::read_to_string(root("tests/expected/series/sample.csv")).unwrap());
    // 50 PLR and 5 PGR at 6 dates.
    assert_eq!(expected.len(), 330);
    assert_eq!(ours.len(), expected.len());
    for (k, e) in &expected {
        let r = ours.get(k).unwrap_or_else(|| panic!("no row {k:?}"));
        assert_eq!(r["translated_from"], e["translated"], "{k:?}");
        for (c, v) in e {
            if ["level", "key", "date", "translated"].contains(&c.as_str()) {
                continue;
            }
            assert!(close(&r[c], v), "{k:?} {c}: lor {} vs script {v}", r[c]);
        }
    }
    // By hand: the old PLR 13010101 (16 823 people at 2022-06) was split by
    // area into 13100101 and 13100102, half each; the BZR keeps the sum.
    let k = |l: &str, key: &str, d: &str| (l.to_string(), key.to_string(), d.to_string());
    assert_eq!(ours[&k("plr", "13100101", "2022-06")]["E_E"], "8411.5");
    assert_eq!(ours[&k("plr", "13100101", "2022-06")]["name"], "Lindenpark");
    assert_eq!(ours[&k("plr", "13100101", "2022-06")]["PGR"], "");
    // PGR 1310: 73 209 → 73 781 (+572, +0.78 %), and 74 765 at 2023-12 is
    // +984 on 2022-12 (translated): the year change crosses the key change.
    let pgr = &ours[&k("pgr", "1310", "2022-12")];
    assert_eq!(pgr["E_E"], "73781");
    assert_eq!(pgr["E_E change previous"], "572");
    let pgr = &ours[&k("pgr", "1310", "2023-12")];
    assert_eq!(pgr["E_E change year"], "984");
    assert_eq!(pgr["translated_from"], "");
    // The first date has no previous, the first year no year before.
    let first = &ours[&k("pgr", "1310", "2022-06")];
    assert_eq!(first["E_E change previous"], "");
    assert_eq!(ours[&k("pgr", "1310", "2022-12")]["E_E change year"], "");
}

#[test]
fn without_a_vintage_old_and_new_keys_are_different_units_and_said_so() {
    let o = lor(&["series", s(&root("data/sample/series")), "--levels", "pgr"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("different LOR vintages"),
        "{}",
        stderr(&o)
    );
    let rows = read_rows(&stdout(&o));
    // 5 old PGR at 2 dates, 5 new at 4.
    assert_eq!(rows.len(), 5 * 2 + 5 * 4);
    assert!(rows.contains_key(&("pgr".into(), "1301".into(), "2022-06".into())));
    assert!(!rows.contains_key(&("pgr".into(), "1301".into(), "2023-06".into())));
    assert!(!rows.contains_key(&("pgr".into(), "1310".into(), "2022-12".into())));
}

#[test]
fn wide_and_xlsx_put_the_dates_side_by_side() {
    let dir = scratch("series_wide");
    let files = [
        root("data/sample/series/EWR202406E_Matrix.csv"),
        root("data/sample/series/EWR202312E_Matrix.csv"),
        root("data/sample/series/EWR202412E_Matrix.csv"),
    ];
    let mut args = vec!["series"];
    args.extend(files.iter().map(|f| s(f)));
    args.extend([
        "--levels",
        "pgr,bez",
        "--wide",
        "--change",
        "previous",
        "--change-columns",
        "E_E",
    ]);
    let o = lor(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    // Out of order: sorted, with a note.
    assert!(
        stderr(&o).contains("not given in date order"),
        "{}",
        stderr(&o)
    );
    let text = stdout(&o);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|c| c == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let recs: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 6);
    assert!(col("E_E 2023-12") < col("E_E 2024-06"));
    let bez = recs.iter().find(|r| &r[0] == "bez").unwrap();
    // Bezirk 13: the sum of the PLR of each file (read here with csv alone).
    for (d, f) in [
        ("2023-12", &files[1]),
        ("2024-06", &files[0]),
        ("2024-12", &files[2]),
    ] {
        let total: u64 = std::fs::read_to_string(f)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(';').nth(7).unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(bez[col(&format!("E_E {d}"))], total.to_string(), "{d}");
    }
    let a: f64 = bez[col("E_E 2024-06")].parse().unwrap();
    let b: f64 = bez[col("E_E 2024-12")].parse().unwrap();
    let ch: f64 = bez[col("E_E change previous 2024-12")].parse().unwrap();
    assert_eq!(ch, b - a);
    assert_eq!(&bez[col("E_E change previous 2023-12")], "");

    // XLSX: one sheet per level, then the changes in their own sheets.
    let x = dir.join("serie.xlsx");
    let mut xa = args.clone();
    xa.retain(|a| *a != "--wide");
    xa.extend(["--output", s(&x)]);
    let o = lor(&xa);
    assert!(o.status.success(), "{}", stderr(&o));
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&x).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Prognoseräume",
            "Bezirke",
            "Prognoseräume – Veränderung",
            "Bezirke – Veränderung",
            "Hinweise"
        ]
    );
    let r = wb.worksheet_range("Bezirke").unwrap();
    // Two title rows above the header: the period of the series.
    assert!(
        r.rows().next().unwrap()[0]
            .to_string()
            .ends_with(", 31.12.2023 bis 31.12.2024"),
        "{:?}",
        r.rows().next()
    );
    let header: Vec<String> = r
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let j = header.iter().position(|c| c == "E_E 2024-12").unwrap();
    assert_eq!(r.rows().nth(3).unwrap()[j].to_string(), b.to_string());
}

#[test]
fn dates_from_the_folder_or_given_and_differing_columns_named() {
    let dir = scratch("series_dates");
    // The same figures without ZEIT and one column fewer, in a folder named by date.
    let src = std::fs::read_to_string(root("data/sample/series/EWR202312E_Matrix.csv")).unwrap();
    let sub = dir.join("bestand-2023-12");
    std::fs::create_dir_all(&sub).unwrap();
    let cut: String = src
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            // drop ZEIT (0) and E_EW (9)
            let kept: Vec<&str> = f
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 0 && *i != 9)
                .map(|(_, v)| *v)
                .collect();
            kept.join(";") + "\n"
        })
        .collect();
    let a = sub.join("einwohner.csv");
    std::fs::write(&a, &cut).unwrap();
    let b = dir.join("einwohner.csv");
    std::fs::write(&b, &cut).unwrap();
    let next = root("data/sample/series/EWR202406E_Matrix.csv");

    let o = lor(&["series", s(&a), s(&next), "--levels", "bez"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("not all have the same columns"), "{e}");
    assert!(e.contains("2023-12") && e.contains("E_EW"), "{e}");
    let rows = read_rows(&stdout(&o));
    assert_eq!(
        rows[&("bez".into(), "13".into(), "2023-12".into())]["E_EW"],
        ""
    );
    assert_ne!(
        rows[&("bez".into(), "13".into(), "2024-06".into())]["E_EW"],
        ""
    );

    // No date anywhere: an error naming --date; with --date it works.
    let o = lor(&["series", s(&b), s(&next)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--date"), "{}", stderr(&o));
    let given = format!("{}=2023-12", s(&b));
    let o = lor(&[
        "series",
        s(&b),
        s(&next),
        "--date",
        &given,
        "--levels",
        "bez",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_rows(&stdout(&o)).len(), 2);

    // Two files of one date: an error, nothing written.
    let out = dir.join("x.csv");
    let o = lor(&[
        "series",
        s(&a),
        s(&b),
        "--date",
        &given,
        "--output",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("both of 2023-12"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn sozialraum_series_has_an_unassigned_row_per_date() {
    let dir = scratch("series_sozialraum");
    // The sample list without the PLR 13100103 (Lindengrund).
    let list = std::fs::read_to_string(root("data/sample/sozialraum-liste.csv")).unwrap();
    let short: String = list
        .lines()
        .filter(|l| !l.starts_with("13100103;"))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = dir.join("liste.csv");
    std::fs::write(&p, short).unwrap();
    let f1 = root("data/sample/series/EWR202312E_Matrix.csv");
    let f2 = root("data/sample/series/EWR202412E_Matrix.csv");
    let o = lor(&[
        "series",
        s(&f1),
        s(&f2),
        "--sozialraum",
        s(&p),
        "--levels",
        "bez",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_rows(&stdout(&o));
    for (d, f) in [("2023-12", &f1), ("2024-12", &f2)] {
        let text = std::fs::read_to_string(f).unwrap();
        let people = |key: &str| -> f64 {
            text.lines()
                .filter(|l| l.split(';').nth(1) == Some(key))
                .map(|l| l.split(';').nth(7).unwrap().parse::<f64>().unwrap())
                .sum()
        };
        let un = &rows[&("sozialraum".into(), "-".into(), d.into())];
        assert_eq!(un["name"], "nicht zugeordnet");
        assert_eq!(un["E_E"].parse::<f64>().unwrap(), people("13100103"));
        // Sozialräume + unassigned = the Bezirk.
        let sr: f64 = rows
            .iter()
            .filter(|((l, _, dd), _)| l == "sozialraum" && dd == d)
            .map(|(_, r)| r["E_E"].parse::<f64>().unwrap())
            .sum();
        let bez: f64 = rows[&("bez".into(), "13".into(), d.into())]["E_E"]
            .parse()
            .unwrap();
        assert_eq!(sr, bez, "{d}");
    }
    let names: Vec<&String> = rows
        .iter()
        .filter(|((l, _, d), _)| l == "sozialraum" && d == "2024-12")
        .map(|(_, r)| &r["name"])
        .collect();
    assert!(names.iter().any(|n| *n == "Nordwest"), "{names:?}");
}

/// Per Bezirk and for Berlin: inhabitants of a LOR 2006 t1 file, summed
/// here with csv alone.
fn t1_totals(rel: &str) -> BTreeMap<String, f64> {
    let t = published(rel, b',');
    let mut m = BTreeMap::new();
    for (k, r) in &t {
        let v: f64 = r["inhabitants"].parse().unwrap();
        *m.entry(k[..2].to_string()).or_default() += v;
        *m.entry("0".to_string()).or_default() += v;
    }
    m
}

#[test]
fn berlin_2018_and_2020_on_the_58_pgr_of_2021() {
    let dir = scratch("series_berlin");
    let out = dir.join("serie.csv");
    let o = lor(&[
        "series",
        s(&berlin("stats/population-2018-12/t1-planning-areas.csv")),
        s(&berlin("stats/population-2020-12/t1-planning-areas.csv")),
        "--weighted",
        "*_percentage=inhabitants",
        "--vintage",
        "2021",
        "--names",
        s(&berlin("lor-2021/lor-2021.csv")),
        "--levels",
        "pgr,bez,berlin",
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("read as 04030417"), "{}", stderr(&o));
    let rows = read_rows(&std::fs::read_to_string(&out).unwrap());
    let at = |l: &str, d: &str| -> BTreeMap<String, f64> {
        rows.iter()
            .filter(|((ll, _, dd), _)| ll == l && dd == d)
            .map(|((_, k, _), r)| {
                assert_eq!(r["translated_from"], "LOR 2006");
                (k.clone(), r["inhabitants"].parse().unwrap())
            })
            .collect()
    };
    for (d, rel) in [
        ("2018-12", "stats/population-2018-12/t1-planning-areas.csv"),
        ("2020-12", "stats/population-2020-12/t1-planning-areas.csv"),
    ] {
        let pgr = at("pgr", d);
        assert_eq!(pgr.len(), 58, "{d}");
        assert!(pgr.keys().all(|k| k.len() == 4 && &k[2..3] != "0"));
        // Every translated date keeps the city and each Bezirk exactly.
        let truth = t1_totals(rel);
        let mut bez = at("bez", d);
        bez.extend(at("berlin", d));
        assert_eq!(bez.len(), 13);
        for (k, v) in &truth {
            // The published city row has the key 0; lor's is BE.
            let key = if k == "0" { "BE" } else { k.as_str() };
            assert_eq!(bez[key], *v, "{d} {k}");
            let from_pgr: f64 = pgr
                .iter()
                .filter(|(p, _)| k == "0" || p.starts_with(k.as_str()))
                .map(|(_, v)| v)
                .sum();
            assert_eq!(from_pgr, *v, "{d} {k} from PGR");
        }
    }
    assert_eq!(
        t1_totals("stats/population-2018-12/t1-planning-areas.csv")["0"],
        3_748_148.0
    );
    // 2020: within the crosswalk's measured error (largest part: worst
    // 0.79 %, PGR 0520) of the true EW 31.12.2020 per LOR 2021 PGR.
    let mss = published("stats/mss-2021-kontext-plr2021.csv", b';');
    let mut truth: BTreeMap<String, f64> = BTreeMap::new();
    for (k, r) in &mss {
        *truth.entry(k[..4].to_string()).or_default() += r["EW 31.12.2020"].parse::<f64>().unwrap();
    }
    assert_eq!(truth.len(), 58);
    let pgr = at("pgr", "2020-12");
    let mut worst = (0.0, String::new());
    for (k, t) in &truth {
        let e = (pgr[k] - t).abs() / t * 100.0;
        if e > worst.0 {
            worst = (e, k.clone());
        }
    }
    assert!(worst.0 <= 0.80, "worst {} % in {}", worst.0, worst.1);
    assert_eq!(worst.1, "0520");
    assert!(worst.0 > 0.78, "{}", worst.0);
}

#[test]
fn a_job_keeps_a_series_per_level() {
    let dir = scratch("series_job");
    let job = dir.join("serie.toml");
    std::fs::write(
        &job,
        format!(
            "[[series]]\ninputs = [\"{}\"]\nvintage = \"2021\"\ncrosswalk = [\"{}\"]\nlevels = \"pgr\"\nchange = [\"previous\", \"year\"]\nchange-columns = [\"E_E\"]\noutput = \"out/serie.xlsx\"\n",
            s(&root("data/sample/series")),
            s(&root("data/sample/lor-alt-neu.csv")),
        ),
    )
    .unwrap();
    let o = lor(&["run", s(&job)]);
    assert!(o.status.success(), "{}", stderr(&o));
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(dir.join("out/serie.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Prognoseräume", "Prognoseräume – Veränderung", "Hinweise"]
    );
    let r = wb.worksheet_range("Prognoseräume").unwrap();
    assert_eq!(r.rows().count(), 8); // two title rows, header + 5 PGR
    let header: Vec<String> = r
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        header.contains(&"E_E 2022-06 (LOR 2006)".to_string()),
        "{header:?}"
    );
}
