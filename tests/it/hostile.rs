//! Hostile and sloppy input (issue 10): every case asserts the exit code,
//! the key words of the message, and that no output file appeared.
use crate::common;

use std::path::{Path, PathBuf};

use common::{berlin, lor, scratch, stderr};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sample(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(rel)
}

/// Run `lor` with `args` (`IN` and `OUT` replaced by the input file and an
/// output path) and check exit code, message and that no output appeared.
fn refused(dir: &Path, name: &str, content: &[u8], args: &[&str], code: i32, needles: &[&str]) {
    let input = dir.join(name);
    std::fs::write(&input, content).unwrap();
    let out = dir.join(format!("{name}.out.csv"));
    let args: Vec<&str> = args
        .iter()
        .map(|a| match *a {
            "IN" => s(&input),
            "OUT" => s(&out),
            a => a,
        })
        .collect();
    let o = lor(&args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{name}: {e}");
    assert!(!e.contains("panicked"), "{name}: {e}");
    for n in needles {
        assert!(e.contains(n), "{name}: expected '{n}' in: {e}");
    }
    assert!(!out.exists(), "{name}: output written");
}

const AGG: &[&str] = &["aggregate", "IN", "--levels", "bez", "--output", "OUT"];

#[test]
fn numbers_that_are_not_numbers_are_errors() {
    let dir = scratch("hostile_numbers");
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "viele.csv",
            "RAUMID;E_E\n13100101;viele\n",
            vec!["line 2", "column 'E_E'", "'viele' is not a number"],
        ),
        (
            "nan.csv",
            "RAUMID;E_E\n13100101;NaN\n",
            vec!["line 2", "column 'E_E'", "'NaN'", "not a number"],
        ),
        (
            "inf_half.csv",
            "RAUMID;E_E\n13100101;inf\n13100102;inf\n13100103;5\n",
            vec!["line 2", "'inf'", "infinite"],
        ),
        (
            "overflow.csv",
            "RAUMID;E_E\n13100101;1e400\n13100102;7\n",
            vec!["line 2", "'1e400'", "too large"],
        ),
        (
            "label_nan.csv",
            "RAUMID;Wert\n13100101;NaN\n13100102;NaN\n",
            vec!["column 'Wert'", "'NaN'"],
        ),
        (
            "mostly_text.csv",
            "RAUMID;Anzahl\n13100101;viel\n13100102;wenig\n13100103;3\n",
            vec![
                "line 2",
                "column 'Anzahl'",
                "'viel' is not a number",
                "1 more cells",
            ],
        ),
        (
            "nul.csv",
            "RAUMID;E_E\n13100101;1\x002\n13100102;3\n",
            vec!["line 2", "control character"],
        ),
        (
            "newline.csv",
            "RAUMID;E_E\n13100101;\"1\n2\"\n13100102;3\n",
            vec!["line 2", "control character"],
        ),
        (
            "sum_overflow.csv",
            "RAUMID;E_E\n13100101;1e308\n13100102;1e308\n",
            vec!["line 3", "column 'E_E'", "add up"],
        ),
        (
            "ambiguous.csv",
            "RAUMID;E_E;E_EM\n13100101;123.456;234.567\n13100102;987;1\n",
            vec!["'123.456' could be 123456", "--decimal"],
        ),
    ];
    for (name, content, needles) in cases {
        refused(&dir, name, content.as_bytes(), AGG, 1, &needles);
    }
    // Comma data read with a decimal point.
    refused(
        &dir,
        "comma_as_point.csv",
        b"RAUMID;E_E\n13100101;12,5\n13100102;13,5\n",
        &[
            "aggregate",
            "IN",
            "--levels",
            "bez",
            "--decimal",
            ".",
            "--output",
            "OUT",
        ],
        1,
        &["line 2", "'12,5' is not a number", "decimal point"],
    );
    // A rule naming a column of text.
    refused(
        &dir,
        "weighted_text.csv",
        b"RAUMID;EW;Quote\n13100101;10;hoch\n13100102;20;niedrig\n",
        &[
            "aggregate",
            "IN",
            "--levels",
            "bez",
            "--weighted",
            "Quote=EW",
            "--output",
            "OUT",
        ],
        1,
        &["line 2", "column 'Quote'", "'hoch' is not a number"],
    );
    // `lor check` reports them too (and has --decimal).
    refused(
        &dir,
        "check_nan.csv",
        b"RAUMID;E_E\n13100101;NaN\n",
        &["check", "IN"],
        1,
        &["'NaN'"],
    );
    refused(
        &dir,
        "check_ambiguous.csv",
        b"RAUMID;E_E\n13100101;123.456\n",
        &["check", "IN"],
        1,
        &["--decimal"],
    );
}

#[test]
fn german_thousands_without_decimal_comma() {
    let dir = scratch("hostile_thousands");
    let input = dir.join("t.csv");
    std::fs::write(&input, "RAUMID;E_E\n13100101;3.769.962\n13100102;1.000\n").unwrap();
    let o = lor(&["aggregate", s(&input), "--levels", "bez", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::stdout(&o);
    assert!(out.contains(",3770962"), "{out}");
    let o = lor(&["check", s(&input)]);
    assert!(!stderr(&o).contains("panicked"));
    // `123.456;234.567;987` is refused above; with --decimal , it is read as thousands.
    std::fs::write(&input, "RAUMID;A;B;C\n13100101;123.456;234.567;987\n").unwrap();
    let o = lor(&[
        "aggregate",
        s(&input),
        "--levels",
        "bez",
        "--decimal",
        ",",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::stdout(&o);
    assert!(out.contains(",123456,234567,987"), "{out}");
    let o = lor(&["check", s(&input), "--decimal", ","]);
    assert!(!stderr(&o).contains("could be"), "{}", stderr(&o));
    assert_ne!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn identity_fields_are_never_overwritten() {
    let dir = scratch("hostile_identity");
    let input = dir.join("id.csv");
    std::fs::write(
        &input,
        "RAUMID;key;Name;LEVEL;E_E\n13100101;1;2;3;4\n13100102;10;20;30;40\n",
    )
    .unwrap();
    let o = lor(&[
        "aggregate",
        s(&input),
        "--levels",
        "bez",
        "--sum",
        "key,Name,LEVEL",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = &v[0];
    assert_eq!(row["level"], "bez");
    assert_eq!(row["key"], "13");
    assert_eq!(row["key_2"], 11);
    assert_eq!(row["Name_2"], 22);
    assert_eq!(row["LEVEL_2"], 33);
    assert_eq!(row["E_E"], 44);
}

fn points_gj(crs: &str, features: &[(&str, &str)]) -> String {
    let feats: Vec<String> = features
        .iter()
        .map(|(geom, props)| {
            format!("{{\"type\":\"Feature\",\"properties\":{{{props}}},\"geometry\":{geom}}}")
        })
        .collect();
    format!(
        "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{crs}\"}}}},\"features\":[{}]}}",
        feats.join(",")
    )
}

#[test]
fn points_hostile() {
    let dir = scratch("hostile_points");
    let units = sample("plr.geojson");
    let u = s(&units).to_string();
    let pts = |a: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = ["points", "IN", "--units", u.as_str(), "--output", "OUT"]
            .iter()
            .map(|x| x.to_string())
            .collect();
        v.extend(a.iter().map(|x| x.to_string()));
        v
    };
    // One coordinate in a MultiPoint position.
    let g = points_gj(
        "EPSG:25833",
        &[(
            "{\"type\":\"MultiPoint\",\"coordinates\":[[390000]]}",
            "\"id\":\"A\"",
        )],
    );
    refused(
        &dir,
        "one_coord.geojson",
        g.as_bytes(),
        &as_strs(&pts(&[])),
        1,
        &["A (feature 1)", "1 coordinate"],
    );
    let g = points_gj(
        "EPSG:25833",
        &[(
            "{\"type\":\"Point\",\"coordinates\":[390000]}",
            "\"id\":\"A\"",
        )],
    );
    refused(
        &dir,
        "point_one_coord.geojson",
        g.as_bytes(),
        &as_strs(&pts(&[])),
        1,
        &["feature 0", "two or more elements"],
    );
    // All points outside every unit: a CRS mistake (UTM 32 coordinates declared as UTM 33).
    let csv = "id,x,y\nA,390000,5810000\nB,391000,5811000\n";
    refused(
        &dir,
        "outside.csv",
        csv.as_bytes(),
        &as_strs(&pts(&["--crs", "EPSG:25833"])),
        1,
        &[
            "all 2 points lie outside every unit",
            "CRS",
            "points (390000, 5810000) – (391000, 5811000)",
            "units",
        ],
    );
    // `--by` on an id: more than 1000 categories.
    let mut many = String::from("id,x,y\n");
    let (x0, y0) = first_unit_point(&units);
    for i in 0..1200 {
        many.push_str(&format!("P{i},{x0},{y0}\n"));
    }
    refused(
        &dir,
        "by_id.csv",
        many.as_bytes(),
        &as_strs(&pts(&["--crs", "EPSG:25833", "--by", "id"])),
        2,
        &["--by 'id' has 1200 different values", "1000"],
    );
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A point inside the first sample unit (its centroid-ish: mean of vertices).
fn first_unit_point(units: &Path) -> (f64, f64) {
    let (l, _) =
        lor::spatial::geometry::read_layer(units, &lor::spatial::geometry::LayerOptions::default())
            .unwrap();
    use geo::Centroid;
    let c = l.features[0].geometry.centroid().unwrap();
    (c.x(), c.y())
}

#[test]
fn points_sum_count_and_missing_attributes() {
    let dir = scratch("hostile_points_sum");
    let units = sample("plr.geojson");
    let (x, y) = first_unit_point(&units);
    let g = points_gj(
        "EPSG:25833",
        &[
            (
                &format!("{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}"),
                "\"id\":\"A\",\"count\":5",
            ),
            (
                &format!("{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}"),
                "\"id\":\"B\",\"count\":7",
            ),
            (
                &format!("{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}"),
                "\"id\":\"C\"",
            ),
        ],
    );
    let input = dir.join("p.geojson");
    std::fs::write(&input, g).unwrap();
    let o = lor(&[
        "points",
        s(&input),
        "--units",
        s(&units),
        "--sum",
        "count",
        "--levels",
        "plr",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["count"] == 3)
        .expect("a unit with the 3 points");
    assert_eq!(row["count_2"], 12);
    let e = stderr(&o);
    assert!(e.contains("1 of 3 points have no property 'count'"), "{e}");
    assert!(e.contains("C (feature 3)"), "{e}");
}

#[test]
fn geometry_hostile() {
    let dir = scratch("hostile_geometry");
    let utm = "urn:ogc:def:crs:EPSG::25833";
    let layer = |polys: &[&str]| -> String {
        let feats: Vec<String> = polys
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!("{{\"type\":\"Feature\",\"properties\":{{\"id\":\"0101110{}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{p}}}}}", i + 1)
            })
            .collect();
        format!(
            "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{utm}\"}}}},\"features\":[{}]}}",
            feats.join(",")
        )
    };
    let sq = |x: f64, y: f64, d: f64| {
        format!(
            "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
            x + d,
            x + d,
            y + d,
            y + d
        )
    };
    let ok = sq(390_000.0, 5_810_000.0, 1000.0);
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("hole_outside.geojson", layer(&[&format!("[{ok},{}]", sq(395_000.0, 5_810_000.0, 100.0))]), vec!["feature 1", "hole 1 lies outside its outer ring"]),
        ("hole_larger.geojson", layer(&[&format!("[{ok},{}]", sq(380_000.0, 5_800_000.0, 30_000.0))]), vec!["feature 1", "larger than its outer ring"]),
        ("lonlat_vertex.geojson", layer(&[&format!("[{ok}]"), "[[[391000,5810000],[392000,5810000],[13.4,52.5],[391000,5811000],[391000,5810000]]]"]), vec!["feature 2", "(13.4, 52.5) cannot be in EPSG:25833", "EPSG:4326"]),
        ("huge_vertex.geojson", layer(&["[[[390000,5810000],[1e308,5810000],[391000,5811000],[390000,5810000]]]"]), vec!["feature 1", "cannot be in EPSG:25833"]),
        ("two_positions.geojson", layer(&["[[[390000,5810000],[391000,5810000]]]"]), vec!["feature 1", "at least 4"]),
    ];
    for (name, content, needles) in cases {
        refused(
            &dir,
            name,
            content.as_bytes(),
            &["check", "-", "IN"],
            1,
            &needles,
        );
        refused(
            &dir,
            name,
            content.as_bytes(),
            &["mismatch", "IN", "IN", "--output", "OUT"],
            1,
            &needles,
        );
    }
    // A feature in lon/lat in a file without a declared CRS (so WGS84) whose other feature is UTM.
    let mixed = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"01011101\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[13.40,52.50],[13.41,52.50],[13.41,52.51],[13.40,52.50]]]}},{\"type\":\"Feature\",\"properties\":{\"id\":\"01011102\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[390000,5810000],[391000,5810000],[391000,5811000],[390000,5810000]]]}}]}";
    refused(
        &dir,
        "mixed_crs.geojson",
        mixed.as_bytes(),
        &["check", "-", "IN"],
        1,
        &["feature 2", "cannot be in EPSG:4326", "another CRS"],
    );
}

#[test]
fn star_polygon_is_checked_in_well_under_a_second_per_step() {
    let dir = scratch("hostile_star");
    let n = 20_000;
    let pts: Vec<String> = (0..=n)
        .map(|i| {
            let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
            let r = if i % 2 == 0 { 0.01 } else { 0.002 };
            format!("[{},{}]", 13.4 + r * a.cos(), 52.5 + 0.6 * r * a.sin())
        })
        .collect();
    let text = format!("{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"id\":\"01011101\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}]}}", pts.join(","));
    let input = dir.join("star.geojson");
    std::fs::write(&input, text).unwrap();
    let t = std::time::Instant::now();
    let o = lor(&["check", "-", s(&input)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(t.elapsed().as_secs_f64() < 10.0, "{:?}", t.elapsed());
}

#[test]
fn resource_bounds() {
    let dir = scratch("hostile_resources");
    // An XLSX with one far cell: refused, no gigabytes.
    let xlsx = dir.join("far.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "RAUMID").unwrap();
    ws.write_string(0, 1, "E_E").unwrap();
    ws.write_string(1, 0, "13100101").unwrap();
    ws.write_number(1, 1, 5.0).unwrap();
    ws.write_number(1_048_575, 16_383, 1.0).unwrap();
    wb.save(&xlsx).unwrap();
    assert!(std::fs::metadata(&xlsx).unwrap().len() < 10_000);
    let out = dir.join("far.out.csv");
    let e = common::aggregate_refused(&xlsx, &out);
    assert!(
        e.contains("XFD1048576") && e.contains("at most 10000000 cells"),
        "{e}"
    );
    // A header of 100,000 columns: linear, seconds at most.
    let mut head = String::from("RAUMID");
    let mut row = String::from("13100101");
    for i in 0..100_000 {
        head.push_str(&format!(";E_E{i}"));
        row.push_str(";1");
    }
    let wide = dir.join("wide.csv");
    std::fs::write(&wide, format!("{head}\n{row}\n")).unwrap();
    let t = std::time::Instant::now();
    let o = lor(&["check", s(&wide)]);
    assert!(!stderr(&o).contains("panicked"));
    assert!(t.elapsed().as_secs_f64() < 15.0, "{:?}", t.elapsed());
}

/// Every numeric flag has a range; NaN, infinities and more decimals than a
/// double holds are usage errors (exit 2) naming the flag and the range,
/// also inside a job file.
#[test]
fn numeric_flags_refuse_nan_infinity_and_out_of_range() {
    let sample = berlin("stats/EWR201812E_Matrix.csv");
    for (flag, value, says) in [
        ("--round", "17", "at most 6 decimals"),
        ("--round", "308", "at most 6 decimals"),
        ("--decimals", "309", "at most 10 decimals"),
        ("--decimals", "2.5", "not a whole number from 0 to 10"),
        ("--check-tolerance", "NaN", "not a finite number"),
        ("--check-tolerance", "inf", "not a finite number"),
        ("--min-share", "1.5", "outside 0–1"),
        ("--min-area", "-inf", "not a finite number"),
    ] {
        let arg = format!("{flag}={value}");
        let o = lor(&["aggregate", sample.to_str().unwrap(), &arg]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        let e = stderr(&o);
        assert!(e.contains(flag) && e.contains(says), "{flag} {value}: {e}");
    }
    let o = lor(&[
        "map",
        sample.to_str().unwrap(),
        "--units",
        berlin("lor-2006/plr.geojson.gz").to_str().unwrap(),
        "--classes",
        "breaks:NaN,inf",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'NaN' is not a finite number"),
        "{}",
        stderr(&o)
    );
    // The same range in a job file.
    let dir = scratch("numeric_flags_job");
    let job = dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "[[aggregate]]\nstats = {:?}\nround = 17\noutput = \"out/a.csv\"\n",
            sample.to_str().unwrap()
        ),
    )
    .unwrap();
    let o = lor(&["run", job.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("at most 6 decimals"), "{}", stderr(&o));
    assert!(!dir.join("out").exists());
}
