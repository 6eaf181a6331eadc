//! `lor layout` on hostile input: a PLR listed twice in a layout, keys that
//! are not units, a reference that leaves units out, implausible statistics,
//! a people column that is not a count, and output names that do not say
//! what the file holds.

use crate::common;

use std::path::{Path, PathBuf};

use common::{lor, scratch, stderr, stdout};

fn sample(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `lor layout evaluate LAYOUT` on the sample district (CSV on stdout).
fn evaluate(layout: &str, stats: &str, extra: &[&str]) -> std::process::Output {
    let units = sample("plr.geojson");
    let mut args = vec![
        "layout", "evaluate", layout, "--units", &units, "--stats", stats, "--format", "csv",
    ];
    args.extend_from_slice(extra);
    lor(&args)
}

/// The sample's PLR → Sozialraum list (`;`, 50 PLR on lines 2–51).
fn sample_list() -> String {
    std::fs::read_to_string(sample("sozialraum-liste.csv")).unwrap()
}

#[test]
fn a_plr_listed_twice_is_an_error_naming_both_lines() {
    let dir = scratch("layout_hostile_dup");
    let list = write(
        &dir,
        "dup.csv",
        &format!("{}13100101;SR2;Südwest\n", sample_list()),
    );
    let o = evaluate(
        list.to_str().unwrap(),
        &sample("EWR202412E_Matrix.csv"),
        &[],
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(stdout(&o).is_empty());
    assert!(e.contains("dup.csv"), "{e}");
    assert!(e.contains("13100101 (lines 2 and 52)"), "{e}");
    // The list reader refuses it for every command that reads a list.
    assert!(
        e.contains("1 unit would count people more than once (listed more than once without a weight column)"),
        "{e}"
    );

    // A unit split by weights that add up to 1 is not a duplicate: it goes
    // to the region of its larger share, as without the split.
    let mut split = String::from("PLR;Sozialraum;Anteil\n");
    for line in sample_list().lines().skip(1) {
        let f: Vec<&str> = line.split(';').collect();
        if f[0] == "13100101" {
            split.push_str("13100101;SR1;0.7\n13100101;SR2;0.3\n");
        } else {
            split.push_str(&format!("{};{};1\n", f[0], f[1]));
        }
    }
    let split = write(&dir, "split.csv", &split);
    let stats = sample("EWR202412E_Matrix.csv");
    let a = evaluate(split.to_str().unwrap(), &stats, &[]);
    let b = evaluate(&sample("sozialraum-liste.csv"), &stats, &[]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn a_key_that_is_no_unit_is_warned_about_and_assigns_nothing() {
    let dir = scratch("layout_hostile_unknown");
    let list = write(
        &dir,
        "unknown.csv",
        &format!("{}13999999;SR2;Südwest\n", sample_list()),
    );
    let stats = sample("EWR202412E_Matrix.csv");
    let o = evaluate(list.to_str().unwrap(), &stats, &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("warning: ")
            && e.contains("unknown.csv: LAYOUT lists 1 key that is not among the units")
            && e.contains("13999999 (line 52)"),
        "{e}"
    );
    let plain = evaluate(&sample("sozialraum-liste.csv"), &stats, &[]);
    assert_eq!(stdout(&o), stdout(&plain));
    let sr1 = common::csv_rows(&stdout(&o))
        .into_iter()
        .find(|r| r["key"] == "SR1")
        .expect("SR1");
    assert_eq!(
        (sr1["PLR"].as_str(), sr1["people"].as_str()),
        ("8", "37713")
    );
    // As `aggregate --sozialraum LIST`: a warning with the code unknown-key.
    let units = sample("plr.geojson");
    let o = lor(&[
        "--log-format",
        "json",
        "layout",
        "evaluate",
        list.to_str().unwrap(),
        "--units",
        &units,
        "--stats",
        &stats,
        "--format",
        "csv",
    ]);
    assert!(stderr(&o).contains("unknown-key"), "{}", stderr(&o));
}

#[test]
fn a_block_outside_every_reference_region_moves_from_none_with_its_people() {
    let dir = scratch("layout_hostile_none");
    // The sample Sozialräume without SR5.
    let text = std::fs::read_to_string(sample("sozialraeume.geojson")).unwrap();
    let features: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("{\"type\":\"Feature\"") && !l.contains("\"id\":\"SR5\""))
        .map(|l| l.trim_end_matches(','))
        .collect();
    assert_eq!(features.len(), 4);
    let sr4 = write(
        &dir,
        "sr4.geojson",
        &format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
            features.join(",\n")
        ),
    );
    let report = dir.join("r.json");
    let o = lor(&[
        "layout",
        "propose",
        "--units",
        &sample("plr.geojson"),
        "--stats",
        &sample("EWR202412E_Matrix.csv"),
        "--reference",
        sr4.to_str().unwrap(),
        "--regions",
        "5",
        "--report",
        report.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    // 13401136 (4,252 people) lies in SR5 only: no reference region.
    let line = e
        .lines()
        .find(|l| l.contains("layout: 13401136 moves"))
        .unwrap_or_else(|| panic!("{e}"));
    assert!(
        line.starts_with("layout: 13401136 moves from (none) to ")
            && line.ends_with(" (4,252 people)"),
        "{line}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert!(r["moved_pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["reference"] == "(none)"));
}

#[test]
fn statistics_get_the_checks_of_aggregate_and_no_negative_people() {
    let dir = scratch("layout_hostile_stats");
    let text = std::fs::read_to_string(sample("EWR202412E_Matrix.csv")).unwrap();
    assert!(text.contains("\n202412;13100101;13;10;01;01;1;6067;3050;3017;"));
    // E_E of 13100101 negative: an error naming file, line, column.
    let neg = write(
        &dir,
        "neg.csv",
        &text.replace(
            ";13100101;13;10;01;01;1;6067;",
            ";13100101;13;10;01;01;1;-6067;",
        ),
    );
    let o = evaluate(&sample("sozialraeume.geojson"), neg.to_str().unwrap(), &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(stdout(&o).is_empty());
    assert!(
        e.contains("neg.csv line 2: the E_E of PLR 13100101 is -6067")
            && e.contains("cannot be negative"),
        "{e}"
    );

    // E_E that is not E_EM + E_EW: the same warning as aggregate prints.
    let off = write(
        &dir,
        "off.csv",
        &text.replace(
            ";13100101;13;10;01;01;1;6067;",
            ";13100101;13;10;01;01;1;6167;",
        ),
    );
    let o = evaluate(&sample("sozialraeume.geojson"), off.to_str().unwrap(), &[]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    let totals = |e: &str| -> Vec<String> {
        e.lines()
            .filter(|l| l.contains("is not the sum of the"))
            .map(String::from)
            .collect()
    };
    let a = lor(&["aggregate", off.to_str().unwrap(), "--levels", "bzr"]);
    assert_eq!(totals(&e).len(), 3, "{e}");
    assert_eq!(totals(&e), totals(&stderr(&a)));
    assert!(
        e.contains("13100101 (line 2: E_E = 6167, male + female = 6067)"),
        "{e}"
    );
    // The figures use the file's E_E: 100 more people than the sample.
    let plain = evaluate(
        &sample("sozialraeume.geojson"),
        &sample("EWR202412E_Matrix.csv"),
        &[],
    );
    let people = |o: &std::process::Output| -> f64 {
        common::csv_rows(&stdout(o))
            .iter()
            .map(|r| r["people"].parse::<f64>().unwrap())
            .sum()
    };
    assert_eq!(people(&o) - people(&plain), 100.0);
}

#[test]
fn a_column_that_is_not_a_count_is_refused() {
    let stats = sample("EWR202412E_Matrix.csv");
    for col in ["ZEIT", "BZR", "STADTRAUM"] {
        let o = evaluate(&sample("sozialraeume.geojson"), &stats, &["--column", col]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{col}: {e}");
        assert!(stdout(&o).is_empty());
        assert!(
            e.contains(&format!("column '{col}' is a label"))
                && e.contains("not a count of people"),
            "{e}"
        );
    }
    let o = evaluate(
        &sample("sozialraeume.geojson"),
        &stats,
        &["--column", "E_EW"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn outputs_are_named_for_what_they_hold() {
    let dir = scratch("layout_hostile_outputs");
    let units = sample("plr.geojson");
    let stats = sample("EWR202412E_Matrix.csv");
    let reference = sample("sozialraeume.geojson");
    let propose = |flag: &str, name: &str| {
        let path = dir.join(name);
        let o = lor(&[
            "layout",
            "propose",
            "--units",
            &units,
            "--stats",
            &stats,
            "--reference",
            &reference,
            "--regions",
            "5",
            flag,
            path.to_str().unwrap(),
        ]);
        (o, path)
    };
    for (flag, name, want) in [
        ("-o", "prop.svg", ".csv"),
        ("--keys", "keys.json", ".csv"),
        ("--svg", "x.png", ".svg"),
    ] {
        let (o, path) = propose(flag, name);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag} {name}: {e}");
        assert!(!path.exists(), "{name} was written");
        assert!(stdout(&o).is_empty());
        assert!(
            e.contains(name) && e.contains(&format!("name the file {want}")),
            "{e}"
        );
    }
    let (o, path) = propose("-o", "prop.CSV");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(path)
        .unwrap()
        .starts_with("PLR,Sozialraum\n"));

    let png = dir.join("e.png");
    let o = evaluate(&reference, &stats, &["--svg", png.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!png.exists());

    let rep = dir.join("rep.csv");
    let o = lor(&[
        "report",
        &stats,
        "--units",
        &units,
        "--sozialraum",
        &reference,
        "--output",
        rep.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(!rep.exists());
    assert!(e.contains("name the file .html or .htm"), "{e}");
}
