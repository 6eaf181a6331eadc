//! Point data: Kitas and youth facilities per PLR, checked against an
//! independent point-in-polygon computation (shapely 2 + pyproj 3, run once;
//! the results are kept in tests/expected/*.csv, with how they were made in
//! their first line).

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{berlin, listing, lor, scratch, stderr, stdout};
use lor::points::read::{tally_points, PointOptions};
use lor::spatial::geometry::{read_layer, LayerOptions};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Expected {
    per_plr: BTreeMap<String, (f64, f64)>,
    outside: Vec<String>,
}

fn expected(name: &str) -> Expected {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/expected")
            .join(name),
    )
    .unwrap();
    let mut per_plr = BTreeMap::new();
    let mut outside = Vec::new();
    for line in text.lines().skip(2) {
        let f: Vec<&str> = line.split(',').collect();
        if f[0] == "outside" {
            outside = f[2]
                .split(' ')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            assert_eq!(outside.len(), f[1].parse::<usize>().unwrap());
        } else {
            per_plr.insert(
                f[0].to_string(),
                (f[1].parse().unwrap(), f[2].parse().unwrap()),
            );
        }
    }
    Expected { per_plr, outside }
}

/// Points per PLR (count, sum of `e_platz`) of `plr`, and the ids of the
/// points outside every PLR, sorted.
fn per_plr(
    plr: &lor::spatial::geometry::Layer,
    file: &str,
    n_points: u64,
) -> (BTreeMap<String, (f64, f64)>, Vec<String>) {
    let opts = PointOptions {
        sum: vec!["e_platz".into()],
        ..Default::default()
    };
    let (run, w) = tally_points(&berlin(file), &opts, &[plr], |_, _| {}).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(run.total, n_points);
    assert_eq!(run.crs, lor::spatial::crs::Crs::Utm33);
    let t = &run.tallies[0];
    let mut ours = BTreeMap::new();
    for (i, f) in plr.features.iter().enumerate() {
        if t.count[i] > 0.0 {
            ours.insert(f.id.clone(), (t.count[i], t.sums[0][i]));
        }
    }
    // Totals: every point inside a PLR is counted once; the rest listed.
    let inside: f64 = t.count.iter().sum();
    assert_eq!(inside as u64 + t.outside, n_points);
    assert_eq!(t.overlap, 0);
    let mut ids: Vec<String> = t
        .outside_ids
        .iter()
        .map(|s| s.split(' ').next().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids.len() as u64, t.outside);
    (ours, ids)
}

#[test]
fn kitas_and_youth_facilities_per_plr_equal_independent_computation() {
    // The independent computation left out both features under the
    // duplicate id 06010102; lor without the known correction does too.
    let unfixed = LayerOptions {
        auto_fix: false,
        ..LayerOptions::default()
    };
    let (plr, _) = read_layer(&berlin("lor-2006/plr.geojson.gz"), &unfixed).unwrap();
    // By default feature 124 is read as 04030417 and feature 205 keeps
    // 06010102.
    let (fixed, _) =
        read_layer(&berlin("lor-2006/plr.geojson.gz"), &LayerOptions::default()).unwrap();
    for (file, exp, n_points) in [
        ("points/kitas.geojson.gz", "kitas-plr2006.csv", 2880u64),
        (
            "points/jugendfreizeiteinrichtungen.geojson.gz",
            "jugendfreizeiteinrichtungen-plr2006.csv",
            407,
        ),
    ] {
        let e = expected(exp);
        let (ours, outside) = per_plr(&plr, file, n_points);
        assert_eq!(ours, e.per_plr, "{file}");
        assert_eq!(outside, e.outside, "{file}");

        // With the correction every other PLR has the same figures; the
        // points the computation found outside every PLR now lie in the two
        // Schloßstraßen: those of Bezirk 04 (their ids begin with the
        // Bezirk) in 04030417, those of Bezirk 06 in 06010102.
        let (ours, outside) = per_plr(&fixed, file, n_points);
        let mut rest = ours.clone();
        let a = rest.remove("04030417").unwrap_or_default();
        let b = rest.remove("06010102").unwrap_or_default();
        assert_eq!(rest, e.per_plr, "{file}");
        assert!(outside.is_empty(), "{file}: {outside:?}");
        let from = |bez: &str| e.outside.iter().filter(|i| i.starts_with(bez)).count() as f64;
        assert_eq!((a.0, b.0), (from("04"), from("06")), "{file}");
        assert_eq!(a.0 + b.0, e.outside.len() as f64, "{file}");
    }
}

/// Children under 6 (`E_EU1 + E_E1U6`) per PLR of Bezirk 04, read from
/// the EWR CSV itself.
fn children_under_6_b04() -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(berlin("stats/EWR201812E_Matrix.csv")).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (key, u1, u6) = (col("RAUMID"), col("E_EU1"), col("E_E1U6"));
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| r[key].starts_with("04"))
        .map(|r| {
            let n = |j: usize| r[j].trim().parse::<f64>().unwrap();
            (r[key].to_string(), n(u1) + n(u6))
        })
        .collect()
}

#[test]
fn kita_places_per_child_under_6_in_bezirk_04() {
    let run = |extra: &[&str]| {
        let (kitas, plr, ewr, names) = (
            berlin("points/kitas.geojson.gz"),
            berlin("lor-2006/plr.geojson.gz"),
            berlin("stats/EWR201812E_Matrix.csv"),
            berlin("lor-2006/plr-names.csv"),
        );
        let mut args = vec![
            "points",
            s(&kitas),
            "--units",
            s(&plr),
            "--sum",
            "e_platz",
            "--bezirk",
            "04",
            "--levels",
            "bzr,bez",
            "--stats",
            s(&ewr),
            "--per",
            "Kinder_u6=E_EU1+E_E1U6",
            "--names",
            s(&names),
            "--format",
            "csv",
        ];
        args.extend(extra);
        let o = lor(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        (stdout(&o), stderr(&o))
    };
    let row = |out: &str, key: &str| -> Vec<String> {
        out.lines()
            .find(|l| l.split(',').nth(1) == Some(key))
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect()
    };
    let num = |r: &[String], i: usize| r[i].parse::<f64>().unwrap();
    let kids = children_under_6_b04();
    assert_eq!(kids.len(), 57);

    // Without the known correction, as the independent computation: the
    // Kitas in the PLR of Bezirk 04 with a polygon (7 lie in 04030417,
    // which has none then).
    let (out, err) = run(&["--units-fix-id", "none"]);
    let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header,
        vec![
            "level",
            "key",
            "name",
            "count",
            "e_platz",
            "Kinder_u6",
            "count per Kinder_u6",
            "e_platz per Kinder_u6"
        ]
    );
    let e = expected("kitas-plr2006.csv");
    let (n, places): (f64, f64) = e
        .per_plr
        .iter()
        .filter(|(k, _)| k.starts_with("04"))
        .fold((0.0, 0.0), |a, (_, v)| (a.0 + v.0, a.1 + v.1));
    let b = row(&out, "04");
    assert_eq!(num(&b, 3), n);
    assert_eq!(num(&b, 4), places);
    // Children under 6 of all 57 PLR of the Bezirk (EWR 2018: the
    // statistics need no polygon), and the ratio.
    let all: f64 = kids.values().sum();
    assert_eq!(num(&b, 5), all);
    assert!((num(&b, 7) - places / all).abs() < 1e-12);
    let r = row(&out, "040307");
    assert_eq!(r[2], "Neue Kantstraße");
    assert!(err.contains("04030417") || err.contains("outside every PLR"));

    // By default 04030417 has its polygon: its Kitas (the 7 of Bezirk 04
    // the computation found outside every PLR) count too.
    let (out, err) = run(&[]);
    let d = row(&out, "04");
    let in_0417 = e.outside.iter().filter(|i| i.starts_with("04")).count() as f64;
    assert_eq!(in_0417, 7.0);
    assert_eq!(num(&d, 3), n + in_0417);
    assert!(num(&d, 4) > places);
    assert_eq!(num(&d, 5), all);
    assert!((num(&d, 7) - num(&d, 4) / all).abs() < 1e-12);
    assert!(err.contains("read as 04030417"), "{err}");
    assert!(!err.contains("outside every PLR"), "{err}");
}

/// Points in the sample district, written as CSV in EPSG:25833.
fn sample_points_csv(dir: &Path, shuffled: bool) -> std::path::PathBuf {
    let mut rows: Vec<String> = Vec::new();
    let mut rng = lor::sample::Rng::new(7);
    for i in 0..2000 {
        let x = 430_000.0 + rng.range(-200.0, 6200.0);
        let y = 5_827_500.0 + rng.range(-200.0, 2700.0);
        let places = (rng.range(10.0, 120.0)).round();
        let art = if i % 3 == 0 { "Kita" } else { "Tagespflege" };
        rows.push(format!("K{i:05};{x:.2};{y:.2};{places};{art}"));
    }
    if shuffled {
        rows.reverse();
        let n = rows.len();
        rows.swap(0, n / 2);
    }
    let path = dir.join(if shuffled {
        "shuffled.csv"
    } else {
        "points.csv"
    });
    std::fs::write(&path, format!("id;x;y;plaetze;art\n{}\n", rows.join("\n"))).unwrap();
    path
}

#[test]
fn csv_points_any_order_same_bytes_and_totals() {
    let dir = scratch("points_csv");
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/plr.geojson");
    let sr = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/sozialraeume.geojson");
    let mut outs = Vec::new();
    for shuffled in [false, true] {
        let pts = sample_points_csv(&dir, shuffled);
        let out = dir.join(format!("out-{shuffled}.csv"));
        let o = lor(&[
            "points",
            s(&pts),
            "--units",
            s(&units),
            "--sozialraum",
            s(&sr),
            "--crs",
            "EPSG:25833",
            "--sum",
            "plaetze",
            "--by",
            "art",
            "--output",
            s(&out),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("points lie outside every PLR"));
        outs.push(std::fs::read_to_string(&out).unwrap());
    }
    assert_eq!(outs[0], outs[1], "input order changed the result");
    let text = &outs[0];
    assert!(
        text.starts_with("level,key,name,count,plaetze,art: Kita,art: Tagespflege\n"),
        "{text}"
    );
    // Berlin total = PLR total = Sozialraum total + those outside every Sozialraum.
    let total = |level: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with(&format!("{level},")))
            .map(|l| l.split(',').nth(3).unwrap().parse::<f64>().unwrap())
            .sum()
    };
    assert_eq!(total("plr"), total("berlin"));
    assert_eq!(total("plr"), total("bzr"));
    assert!(
        (total("sozialraum") - total("plr")).abs() <= 5.0,
        "{} vs {}",
        total("sozialraum"),
        total("plr")
    );
    assert!(total("plr") > 1500.0 && total("plr") < 2000.0);
}

#[test]
fn bad_points_are_refused() {
    let dir = scratch("bad_points");
    let units = berlin("lor-2006/plr.geojson.gz");
    let gj = |geom: &str, props: &str| {
        format!(
            "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::25833\"}}}},\"features\":[{{\"type\":\"Feature\",\"properties\":{{{props}}},\"geometry\":{geom}}}]}}"
        )
    };
    type Case<'a> = (&'a str, String, Vec<&'a str>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        ("null.geojson", gj("null", "\"e_nr\":\"K1\""), vec![], vec!["K1 (feature 1): no geometry"]),
        ("poly.geojson", gj("{\"type\":\"Polygon\",\"coordinates\":[[[390000,5810000],[390100,5810000],[390100,5810100],[390000,5810000]]]}", "\"e_nr\":\"K1\""), vec![], vec!["a Polygon where a Point is expected"]),
        ("wgs.geojson", gj("{\"type\":\"Point\",\"coordinates\":[13.4,52.5]}", "\"e_nr\":\"K1\""), vec![], vec!["K1 (feature 1)", "cannot be in EPSG:25833", "look like EPSG:4326"]),
        ("nosum.geojson", gj("{\"type\":\"Point\",\"coordinates\":[390000,5810000]}", "\"e_nr\":\"K1\""), vec!["--sum", "e_platz"], vec!["--sum 'e_platz'", "no property 'e_platz'", "e_nr"]),
        ("nan.csv", "id,x,y\nA,390000,5810000\nB,NaN,5810000\n".into(), vec!["--crs", "EPSG:25833"], vec!["line 3", "not finite"]),
        ("nocoords.csv", "id,rw,hw\nA,390000,5810000\n".into(), vec![], vec!["no coordinate columns", "--x and --y", "id, rw, hw"]),
        ("textcoords.csv", "id,x,y\nA,390000,fünf\n".into(), vec!["--crs", "EPSG:25833"], vec!["line 2", "'fünf') are not numbers"]),
        ("badx.csv", "id,x,y\nA,390000,5810000\n".into(), vec!["--x", "rechts"], vec!["no --x column 'rechts'"]),
    ];
    for (name, content, extra, needles) in cases {
        let input = dir.join(name);
        std::fs::write(&input, content).unwrap();
        let out = dir.join(format!("{name}.out.csv"));
        let mut args = vec![
            "points",
            s(&input),
            "--units",
            s(&units),
            "--output",
            s(&out),
        ];
        args.extend(extra.iter().copied());
        let o = lor(&args);
        let e = stderr(&o);
        assert!(!o.status.success(), "{name}: {e}");
        for n in needles {
            assert!(e.contains(n), "{name}: expected '{n}' in: {e}");
        }
        assert!(!out.exists(), "{name}: output written");
        assert!(!e.contains("panicked"), "{name}: {e}");
    }
    assert!(listing(&dir).iter().all(|f| !f.starts_with(".lor-")));
}

/// `lor points` takes `--decimals`, `--round`, `--labels`, `--rename` and
/// writes the workbook title rows like `aggregate`: Kita places per 100
/// children under 6 in Charlottenburg Nord (BZR 040101) are 702 / 1,155 ×
/// 100 = 60.779…, written 60.8 with --decimals 1.
#[test]
fn points_round_label_and_title_like_aggregate() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let kitas = berlin("points/kitas.geojson.gz");
    let units = berlin("lor-2006/plr.geojson.gz");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "points",
            s(&kitas),
            "--sum",
            "e_platz",
            "--units",
            s(&units),
            "--bezirk",
            "04",
            "--levels",
            "bzr,bez",
            "--stats",
            s(&ewr),
            "--per",
            "Kinder_u6=E_EU1+E_E1U6",
            "--scale",
            "100",
            "-q",
        ];
        a.extend_from_slice(extra);
        lor(&a)
    };
    let o = args(&["--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "\nbzr,040101,Charlottenburg Nord,7,702,1155,0.6060606060606061,60.77922077922078\n"
        ),
        "{out}"
    );
    let o = args(&["--decimals", "1", "--labels", "de", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Ebene,Schlüssel,Name,Anzahl,Genehmigte Plätze,Kinder_u6,Anzahl je 100 Kinder_u6,Genehmigte Plätze je 100 Kinder_u6"
    );
    assert_eq!(
        lines.next().unwrap(),
        "bzr,040101,Charlottenburg Nord,7,702,1155,0.6,60.8"
    );
    // The Bezirk: 275 Kitas, 13,292 places.
    assert!(
        out.contains("\nbez,04,Charlottenburg-Wilmersdorf,275,13292,"),
        "{out}"
    );
    // --rename names the identity fields too.
    let o = args(&[
        "--rename",
        "key=Nummer",
        "--rename",
        "count=Kitas",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("level,Nummer,name,Kitas,e_platz,"),
        "{}",
        stdout(&o)
    );
    // The workbook: title rows above the header.
    let dir = scratch("points_title");
    let xlsx = dir.join("kitas.xlsx");
    let o = args(&["--decimals", "1", "--labels", "de", "--output", s(&xlsx)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let r = wb.worksheet_range("Bezirksregionen").unwrap();
    assert_eq!(
        r.get((0, 0)),
        Some(&Data::String(
            "Einrichtungen nach Bezirksregionen im Bezirk Charlottenburg-Wilmersdorf".into()
        ))
    );
    let source = r.get((1, 0)).unwrap().to_string();
    assert!(
        source.starts_with("Quelle: ") && source.ends_with(" · Raumbezug: LOR 2006"),
        "{source}"
    );
    assert!(
        source.contains("Amt für Statistik Berlin-Brandenburg"),
        "{source}"
    );
    assert_eq!(r.get((2, 1)), Some(&Data::String("Bezirksregion".into())));
    let c = (0..r.width())
        .find(|&c| {
            r.get((2, c)) == Some(&Data::String("Genehmigte Plätze je 100 Kinder_u6".into()))
        })
        .unwrap();
    assert_eq!(
        r.get((3, c)),
        Some(&Data::String("e_platz per 100 Kinder_u6".into()))
    );
    assert_eq!(r.get((4, c)), Some(&Data::Float(60.8)));
}
