//! `lor points` (and the points of `lor report`, the scope of `lor check`)
//! with hostile inputs: a denominator named like another column, statistics
//! PLR without a polygon, MultiPoints, repeated points, null attributes, a
//! CRS declared after the features, an empty FeatureCollection, a Bezirk
//! that is not in the data, and messages that must name the printing
//! command's own flags.

use crate::common;

use std::path::{Path, PathBuf};

use common::{berlin, csv_rows, lor, scratch, stderr, stdout};

/// Six facilities inside the sample district (EPSG:25833), as
/// `lor sample --points` makes them.
const POINTS: &str = "id,x,y,plaetze
P0,434449.39,5827899.78,41
P1,432065.14,5827595.08,130
P2,431310.43,5829501.58,50
P3,433710.89,5828012.25,73
P4,433080.38,5828800.03,99
P5,431220.61,5827758.94,74
";
const PLACES: f64 = 467.0;

fn sample(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(rel)
        .to_str()
        .unwrap()
        .to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The sum of `columns` over the rows of a `;` statistics file whose key
/// (RAUMID, zero-padded to 8 digits) starts with `prefix` (read with the
/// csv crate alone).
fn stats_total(path: &Path, columns: &[&str], prefix: &str) -> f64 {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .unwrap();
    let headers = rdr.headers().unwrap().clone();
    let at = |c: &str| headers.iter().position(|h| h == c).unwrap();
    let key = at("RAUMID");
    let cols: Vec<usize> = columns.iter().map(|c| at(c)).collect();
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| format!("{:0>8}", &r[key]).starts_with(prefix))
        .map(|r| {
            cols.iter()
                .map(|&i| r[i].parse::<f64>().unwrap())
                .sum::<f64>()
        })
        .sum()
}

fn num(row: &common::Row, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: '{}'", row[column]))
}

#[test]
fn a_per_name_taken_by_another_column_is_refused() {
    let dir = scratch("points_hostile_per_name");
    let pts = write(&dir, "points.csv", POINTS);
    let run = |per: &str| {
        lor(&[
            "points",
            s(&pts),
            "--units",
            &sample("plr.geojson"),
            "--crs",
            "EPSG:25833",
            "--stats",
            &sample("EWR202412E_Matrix.csv"),
            "--sum",
            "plaetze",
            "--per",
            per,
            "--levels",
            "bez",
        ])
    };
    for (per, name) in [("plaetze=E_E", "plaetze"), ("count=E_E", "count")] {
        let o = run(per);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(
            e.contains(&format!("the name '{name}' is taken by the output column")),
            "{e}"
        );
        assert!(stdout(&o).is_empty());
    }
    // Another name: the places stay the places, the people are the people.
    let o = run("Einwohner=E_E");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows.len(), 1);
    assert_eq!(num(&rows[0], "count"), 6.0);
    assert_eq!(num(&rows[0], "plaetze"), PLACES);
    let people = stats_total(Path::new(&sample("EWR202412E_Matrix.csv")), &["E_E"], "");
    assert_eq!(people, 217_309.0);
    assert_eq!(num(&rows[0], "Einwohner"), people);
    assert!(!rows[0].contains_key("plaetze_2"));
}

#[test]
fn statistics_plr_without_polygon_keep_their_people() {
    let stats = berlin("stats/EWR201812E_Matrix.csv");
    // `fix`: the value of --units-fix-id, or None for the default.
    let run = |fix: Option<&str>| {
        let mut args = vec![
            "points".to_string(),
            s(&berlin("points/kitas.geojson.gz")).into(),
            "--sum".into(),
            "e_platz".into(),
            "--bezirk".into(),
            "04".into(),
            "--units".into(),
            s(&berlin("lor-2006/plr.geojson.gz")).into(),
            "--levels".into(),
            "bez,plr".into(),
            "--stats".into(),
            s(&stats).into(),
            "--per".into(),
            "Kinder_u6=E_EU1+E_E1U6".into(),
            "--sozialraum".into(),
            s(&berlin("lor-2021/pgr.geojson.gz")).into(),
        ];
        if let Some(fix) = fix {
            args.extend(["--units-fix-id".into(), fix.into()]);
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        lor(&a)
    };
    let children = stats_total(&stats, &["E_EU1", "E_E1U6"], "04");
    assert_eq!(children, 16_262.0);
    // The 2006 layer gives PLR 04030417 a wrong id; without the known
    // correction it has no polygon: its children still count.
    let o = run(Some("none"));
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("1 PLR have no polygon in plr.geojson.gz (578 Kinder_u6)")
            && e.contains("04030417 (578 Kinder_u6)"),
        "{e}"
    );
    // Said once, against the statistics file (not again as a Sozialraum
    // warning naming the points file).
    assert_eq!(
        e.lines().filter(|l| l.contains("04030417")).count(),
        2,
        "the duplicate-id line and the no-polygon line: {e}"
    );
    let rows = csv_rows(&stdout(&o));
    let plr: Vec<&common::Row> = rows.iter().filter(|r| r["level"] == "plr").collect();
    let bez: Vec<&common::Row> = rows.iter().filter(|r| r["level"] == "bez").collect();
    assert_eq!(plr.len(), 57);
    let lost = plr.iter().find(|r| r["key"] == "04030417").unwrap();
    assert_eq!(num(lost, "count"), 0.0);
    assert_eq!(num(lost, "e_platz"), 0.0);
    assert_eq!(num(lost, "Kinder_u6"), 578.0);
    assert_eq!(num(bez[0], "Kinder_u6"), children);
    let sum: f64 = plr.iter().map(|r| num(r, "Kinder_u6")).sum();
    assert_eq!(sum, children);
    // Repaired by hand, or by default (with a note): the same total, and
    // no warning; 04030417 has its Kitas.
    let by_hand = run(Some("124=04030417"));
    let by_default = run(None);
    assert_eq!(stdout(&by_default), stdout(&by_hand));
    for o in [by_hand, by_default] {
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{e}");
        assert!(!e.contains("have no polygon"), "{e}");
        let rows = csv_rows(&stdout(&o));
        let bez = rows.iter().find(|r| r["level"] == "bez").unwrap();
        assert_eq!(num(bez, "Kinder_u6"), children);
        let fixed = rows
            .iter()
            .find(|r| r["level"] == "plr" && r["key"] == "04030417")
            .unwrap();
        assert_eq!(num(fixed, "Kinder_u6"), 578.0);
        assert_eq!(num(fixed, "count"), 7.0);
    }
}

/// A FeatureCollection in EPSG:25833 of these features (JSON text each),
/// with the `crs` member after the features.
fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}],"crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::25833"}}}}}}"#,
        features.join(",")
    )
}

fn feature(id: &str, places: &str, geometry: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"id":"{id}","plaetze":{places}}},"geometry":{geometry}}}"#
    )
}

fn point(x: f64, y: f64) -> String {
    format!(r#"{{"type":"Point","coordinates":[{x},{y}]}}"#)
}

fn geojson_points(path: &Path, extra: &[&str]) -> std::process::Output {
    let units = sample("plr.geojson");
    let mut args = vec![
        "points",
        s(path),
        "--units",
        &units,
        "--sum",
        "plaetze",
        "--levels",
        "bez",
    ];
    args.extend_from_slice(extra);
    lor(&args)
}

#[test]
fn geojson_points_count_each_facility_once_and_say_what_repeats() {
    let dir = scratch("points_hostile_geojson");
    let a = feature("K1", "40", &point(434449.39, 5827899.78));
    let b = feature("K2", "60", &point(432065.14, 5827595.08));
    // The crs member after the features is honoured (no --crs asked for).
    let p = write(
        &dir,
        "crs-last.geojson",
        &collection(&[a.clone(), b.clone()]),
    );
    let o = geojson_points(&p, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(
        (num(&rows[0], "count"), num(&rows[0], "plaetze")),
        (2.0, 100.0)
    );

    // A MultiPoint with two positions is refused, naming the feature.
    let multi = feature(
        "MP",
        "80",
        r#"{"type":"MultiPoint","coordinates":[[434449.39,5827899.78],[432065.14,5827595.08]]}"#,
    );
    let p = write(&dir, "multi.geojson", &collection(&[a.clone(), multi]));
    let o = geojson_points(&p, &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("MP (feature 2): a MultiPoint with 2 positions"),
        "{e}"
    );
    assert!(stdout(&o).is_empty());
    // One position: that point.
    let one = feature(
        "M1",
        "80",
        r#"{"type":"MultiPoint","coordinates":[[432065.14,5827595.08]]}"#,
    );
    let p = write(&dir, "multi1.geojson", &collection(&[a.clone(), one]));
    let o = geojson_points(&p, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = csv_rows(&stdout(&o));
    assert_eq!(
        (num(&rows[0], "count"), num(&rows[0], "plaetze")),
        (2.0, 120.0)
    );

    // An exact repeat and a repeated id are counted as they stand, and said.
    let again = feature("K2", "10", &point(431310.43, 5829501.58));
    let p = write(
        &dir,
        "dup.geojson",
        &collection(&[a.clone(), b.clone(), a.clone(), again]),
    );
    let o = geojson_points(&p, &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("2 points repeat an earlier point or its id")
            && e.contains("K1 (feature 3) repeats K1 (feature 1) exactly")
            && e.contains("id 'K2' on K2 (feature 2) and K2 (feature 4)"),
        "{e}"
    );
    let rows = csv_rows(&stdout(&o));
    assert_eq!(
        (num(&rows[0], "count"), num(&rows[0], "plaetze")),
        (4.0, 150.0)
    );
    let o = geojson_points(&p, &["--strict"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));

    // null is a missing value: counted, nothing added, and said.
    let null = feature("KN", "null", &point(431310.43, 5829501.58));
    let p = write(&dir, "null.geojson", &collection(&[a.clone(), null]));
    let o = geojson_points(&p, &[]);
    let e = stderr(&o);
    assert!(
        e.contains("1 of 2 points have no property 'plaetze' (or it is null)")
            && e.contains("KN (feature 2)"),
        "{e}"
    );
    let rows = csv_rows(&stdout(&o));
    assert_eq!(
        (num(&rows[0], "count"), num(&rows[0], "plaetze")),
        (2.0, 40.0)
    );

    // No features: no points, exit 1.
    let p = write(&dir, "empty.geojson", &collection(&[]));
    let o = geojson_points(&p, &["--crs", "EPSG:25833"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("empty.geojson: the FeatureCollection has no features"),
        "{e}"
    );
}

#[test]
fn csv_ids_on_several_points_are_said() {
    // Quoted names take the general CSV reader.
    let dir = scratch("points_hostile_csv_ids");
    let p = write(
        &dir,
        "kitas.csv",
        "id,name,x,y,plaetze\nP1,\"Kita A, Nord\",434449.39,5827899.78,41\nP2,\"Kita B\",432065.14,5827595.08,130\nP1,\"Kita C\",431310.43,5829501.58,50\n",
    );
    let o = lor(&[
        "points",
        s(&p),
        "--units",
        &sample("plr.geojson"),
        "--crs",
        "EPSG:25833",
        "--sum",
        "plaetze",
        "--levels",
        "bez",
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("1 points repeat an earlier point or its id")
            && e.contains("id 'P1' on P1 (line 2) and P1 (line 4)"),
        "{e}"
    );
    let rows = csv_rows(&stdout(&o));
    assert_eq!(
        (num(&rows[0], "count"), num(&rows[0], "plaetze")),
        (3.0, 221.0)
    );
}

#[test]
fn a_bezirk_that_is_not_in_the_data_is_refused() {
    let o = lor(&["check", "-", &sample("plr.geojson"), "--bezirk", "04"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("plr.geojson: no polygons of Bezirk 04"), "{e}");
    assert!(stdout(&o).is_empty());
    let o = lor(&[
        "check",
        "-",
        "--names",
        &sample("plr.csv"),
        "--bezirk",
        "04",
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("plr.csv: no PLR of Bezirk 04"), "{e}");
    // A Bezirk that is in the data passes.
    let names = berlin("lor-2006/plr-names.csv");
    let o = lor(&["check", "-", "--names", s(&names), "--bezirk", "04"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).contains("PLR)"), "{}", stdout(&o));

    let dir = scratch("points_hostile_bezirk");
    let pts = write(&dir, "points.csv", POINTS);
    let out = dir.join("out.csv");
    let o = lor(&[
        "points",
        s(&pts),
        "--units",
        &sample("plr.geojson"),
        "--crs",
        "EPSG:25833",
        "--bezirk",
        "04",
        "--levels",
        "bez",
        "--output",
        s(&out),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("plr.geojson: no polygons of Bezirk 04"), "{e}");
    assert!(!out.exists());
    // The same message and exit code as `lor aggregate`.
    let o = lor(&[
        "aggregate",
        &sample("EWR202412E_Matrix.csv"),
        "--bezirk",
        "04",
        "--levels",
        "bez",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no rows of Bezirk 04"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn report_messages_name_the_report_flags() {
    let dir = scratch("points_hostile_report");
    let pts = write(&dir, "points.csv", POINTS);
    let out = dir.join("r.html");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "report".to_string(),
            sample("EWR202412E_Matrix.csv"),
            "--units".into(),
            sample("plr.geojson"),
            "--sozialraum".into(),
            sample("sozialraeume.geojson"),
            "--names".into(),
            sample("plr.csv"),
            "--points".into(),
            s(&pts).into(),
            "--output".into(),
            s(&out).into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        lor(&a)
    };
    let o = run(&["--points-sum", "nope"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("no --points-sum column 'nope'"), "{e}");
    let o = run(&["--points-sum", "plaetze"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(e.contains("no --points-crs given"), "{e}");
    assert!(!e.contains("--crs "), "{e}");
    let o = run(&["--points-sum", "plaetze", "--points-crs", "EPSG:25833"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(!e.contains("--points-crs"), "{e}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("plaetze"), "the places are in the report");
}

/// Line numbers in messages are those of the file, in the row-by-row reader
/// too (quoted fields over two lines, CRLF line ends).
#[test]
fn row_by_row_messages_name_the_right_line() {
    let dir = scratch("points_lines");
    for (name, end) in [("crlf.csv", "\r\n"), ("lf.csv", "\n")] {
        let text = [
            "id,x,y,name",
            "P0,391000,5820000,\"a",
            "b\"",
            "P1,391000,5820000,c",
            "P2,1,4,d",
            "",
        ]
        .join(end);
        let f = dir.join(name);
        std::fs::write(&f, text).unwrap();
        let o = lor(&[
            "points",
            s(&f),
            "--units",
            s(&berlin("lor-2006/plr.geojson.gz")),
            "--crs",
            "EPSG:25833",
            "-o",
            s(&dir.join("out.csv")),
        ]);
        assert!(stderr(&o).contains("P2 (line 5)"), "{name}: {}", stderr(&o));
    }
}

/// Points from a pipe (FIFO) are read once and counted like the file; the
/// run never waits for a second writer (it used to hang for ever).
#[cfg(unix)]
#[test]
fn points_from_a_fifo_are_counted_like_the_file() {
    use std::io::Write;
    let dir = scratch("points_fifo");
    let fifo = dir.join("kitas.geojson");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let kitas = berlin("points/kitas.geojson.gz");
    let text = {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&kitas).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let fifo_w = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo_w)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    });
    let args = |input: &Path| {
        vec![
            "points".to_string(),
            input.display().to_string(),
            "--units".into(),
            berlin("lor-2006/plr.geojson.gz").display().to_string(),
            "--bezirk".into(),
            "04".into(),
            "--levels".into(),
            "bez".into(),
            "--sum".into(),
            "e_platz".into(),
        ]
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
        .args(args(&fifo))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("lor points on a FIFO did not finish in 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    writer.join().unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let a: Vec<String> = args(&kitas);
    let from_file = lor(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(stdout(&o), stdout(&from_file));
    assert!(
        stdout(&o).contains("bez,04,Charlottenburg-Wilmersdorf,275,13292"),
        "{}",
        stdout(&o)
    );
}
