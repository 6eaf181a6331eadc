//! One expression parser with one precedence for `lor map --column`, `lor
//! report --map`/`--change-map`, `--add` and `--ratio`.

use std::path::Path;

use crate::common::{berlin, lor, scratch, stderr, stdout};
use lor::render::map::Indicator;
use lor::table::level::{LevelTable, Value};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const AMBIGUOUS: &str = "'+' beside '/' without parentheses is ambiguous: write (A+B)/C*100 for the share of a sum, or A+(B/C*100) (at character 8):\n    X=E_EU1+E_E1U6/E_E*100\n           ^";

/// `X=E_EU1+E_E1U6/E_E*100` is refused alike by all four, before any file
/// is read or written.
#[test]
fn a_sum_beside_a_division_is_refused_everywhere() {
    let dir = scratch("expr_refused");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let units = berlin("lor-2006/plr.geojson.gz");
    let sr = berlin("lor-2021/pgr.geojson.gz");
    let spec = "X=E_EU1+E_E1U6/E_E*100";
    let (svg, html) = (dir.join("x.svg"), dir.join("x.html"));
    let runs: [(&str, Vec<&str>); 4] = [
        (
            "--column",
            vec![
                "map",
                s(&ewr),
                "--units",
                s(&units),
                "--column",
                spec,
                "--output",
                s(&svg),
            ],
        ),
        (
            "--map",
            vec![
                "report",
                s(&ewr),
                "--units",
                s(&units),
                "--sozialraum",
                s(&sr),
                "--map",
                spec,
                "--output",
                s(&html),
            ],
        ),
        ("--add", vec!["aggregate", s(&ewr), "--add", spec]),
        ("--ratio", vec!["aggregate", s(&ewr), "--ratio", spec]),
    ];
    for (flag, args) in runs {
        let o = lor(&args);
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains(&format!("{flag} '{spec}': {AMBIGUOUS}")),
            "{flag}: {e}"
        );
    }
    assert!(!svg.exists() && !html.exists());
}

/// With parentheses the share of children under 6 in Charlottenburg Nord
/// (BZR 040101, 31.12.2018) is (178 + 977) / 19,478 × 100 = 5.9298 % as
/// `--ratio`, as `--add` weighted by E_E, and as the map reads it from the
/// same aggregated counts.
#[test]
fn the_share_of_a_sum_is_the_same_in_map_add_and_ratio() {
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let spec = "U6=(E_EU1+E_E1U6)/E_E*100";
    let add = spec.replacen("U6", "V", 1);
    let o = lor(&[
        "aggregate",
        s(&ewr),
        "--bezirk",
        "04",
        "--levels",
        "bzr",
        "--ratio",
        spec,
        "--add",
        &add,
        "--weighted",
        "V=E_E",
        "--format",
        "json",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let nord = rows.iter().find(|r| r["key"] == "040101").unwrap();
    assert_eq!(nord["name"], "Charlottenburg Nord");
    assert_eq!(
        (&nord["E_EU1"], &nord["E_E1U6"], &nord["E_E"]),
        (&178.into(), &977.into(), &19478.into())
    );
    let expected = 1155.0 / 19478.0 * 100.0;
    let ratio = nord["U6"].as_f64().unwrap();
    let added = nord["V"].as_f64().unwrap();
    assert!((ratio - expected).abs() < 1e-12, "{ratio}");
    assert!((added - expected).abs() < 1e-12, "{added}");
    assert_eq!(format!("{ratio:.4}"), "5.9298");
    // The map's indicator on the aggregated counts of the same BZR.
    let cols = ["E_EU1", "E_E1U6", "E_E"];
    let t = LevelTable {
        level: "bzr".into(),
        keys: vec!["040101".into()],
        names: vec!["Charlottenburg Nord".into()],
        columns: cols.iter().map(|c| c.to_string()).collect(),
        rows: vec![cols
            .iter()
            .map(|c| Value::Num(nord[*c].as_f64().unwrap()))
            .collect()],
    };
    let map = Indicator::parse_flag("--column", spec).unwrap();
    assert_eq!(map.numerator, ["E_EU1", "E_E1U6"]);
    let mapped = map.value(&t, "040101").unwrap();
    assert!((mapped - expected).abs() < 1e-12, "{mapped}");
}
