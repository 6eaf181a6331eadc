//! The shared command-line layer: layer options (`--units-fix-id`, …) in
//! every command that reads a layer, one meaning of `--bezirk`, typed
//! warning codes and JSON on stderr.

use crate::common;

use std::path::Path;

use common::{berlin, lor, scratch, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn num(row: &std::collections::BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col}: {:?}", row[col]))
}

/// `fix`: the value of `--units-fix-id`, or `None` for the default.
fn aggregate_b04(fix: Option<&str>) -> std::process::Output {
    let mut args = vec![
        "aggregate".to_string(),
        s(&berlin("stats/EWR201812E_Matrix.csv")).into(),
        "--units".into(),
        s(&berlin("lor-2006/plr.geojson.gz")).into(),
        "--sozialraum".into(),
        s(&berlin("lor-2021/pgr.geojson.gz")).into(),
        "--bezirk".into(),
        "04".into(),
        "--format".into(),
        "csv".into(),
    ];
    if let Some(fix) = fix {
        args.extend(["--units-fix-id".into(), fix.into()]);
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    lor(&a)
}

#[test]
fn fixed_units_layer_makes_the_sozialraeume_add_up_to_the_bezirk() {
    let o = aggregate_b04(Some("124=04030417"));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = common::csv_rows(&stdout(&o));
    let sr: Vec<_> = rows.iter().filter(|r| r["level"] == "sozialraum").collect();
    assert_eq!(
        sr.iter().map(|r| r["key"].as_str()).collect::<Vec<_>>(),
        vec!["0410", "0420", "0430", "0440", "0450"]
    );
    let sr_sum: f64 = sr.iter().map(|r| num(r, "E_E")).sum();
    let bez = rows.iter().find(|r| r["level"] == "bez").unwrap();
    assert_eq!(bez["key"], "04");
    assert_eq!(num(bez, "E_E"), 341_327.0);
    assert_eq!(sr_sum, 341_327.0);
    // The Bezirk is the top row; nothing is labelled Berlin.
    assert!(rows
        .iter()
        .all(|r| r["level"] != "berlin" && r["name"] != "Berlin"));
    // The wrong id no longer leaves features out.
    assert!(!stderr(&o).contains("06010102"), "{}", stderr(&o));

    // The same correction is the default: the same table, with a note.
    let d = aggregate_b04(None);
    assert!(d.status.success(), "{}", stderr(&d));
    assert_eq!(stdout(&d), stdout(&o));
    let e = stderr(&d);
    assert!(
        e.contains("note (fix-id)")
            && e.contains("feature 124 'Schloßstraße'")
            && e.contains("published under 06010102")
            && e.contains("read as 04030417"),
        "{e}"
    );
    assert!(!e.contains("more than once"), "{e}");
}

#[test]
fn without_the_fix_the_sozialraeume_miss_04030417() {
    let o = aggregate_b04(Some("none"));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = common::csv_rows(&stdout(&o));
    let sr_sum: f64 = rows
        .iter()
        .filter(|r| r["level"] == "sozialraum" && r["key"] != "-")
        .map(|r| num(r, "E_E"))
        .sum();
    assert_eq!(sr_sum, 330_351.0);
    // The people without a Sozialraum are in the table: the unassigned row.
    let unassigned: f64 = rows
        .iter()
        .filter(|r| r["level"] == "sozialraum" && r["key"] == "-")
        .map(|r| num(r, "E_E"))
        .sum();
    assert_eq!(unassigned, 10_976.0);
    let e = stderr(&o);
    assert!(e.contains("--units-fix-id"), "{e}");
    assert!(!e.contains("--fix-id FEATURE"), "{e}");
}

/// `fix`: the value of `--units-fix-id`, or `None` for the default.
fn kita_places(fix: Option<&str>) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut args = vec![
        "points".to_string(),
        s(&berlin("points/kitas.geojson.gz")).into(),
        "--units".into(),
        s(&berlin("lor-2006/plr.geojson.gz")).into(),
        "--sozialraum".into(),
        s(&berlin("lor-2021/pgr.geojson.gz")).into(),
        "--bezirk".into(),
        "04".into(),
        "--levels".into(),
        "bez".into(),
        "--sum".into(),
        "e_platz".into(),
        "--stats".into(),
        s(&berlin("stats/EWR201812E_Matrix.csv")).into(),
        "--per".into(),
        "Kinder_u6=E_EU1+E_E1U6".into(),
        "--format".into(),
        "csv".into(),
    ];
    if let Some(fix) = fix {
        args.extend(["--units-fix-id".into(), fix.into()]);
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = lor(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    // Kitas of other Bezirke are out of scope, not "outside".
    assert!(e.contains("out of scope"), "{e}");
    if fix != Some("none") {
        assert!(!e.contains("outside every PLR"), "{e}");
    }
    common::csv_rows(&stdout(&o))
}

#[test]
fn kita_places_per_child_in_0430_from_the_fixed_layer() {
    let fixed = kita_places(Some("124=04030417"));
    let r = fixed
        .iter()
        .find(|r| r["level"] == "sozialraum" && r["key"] == "0430")
        .unwrap();
    let ratio = num(r, "e_platz per Kinder_u6");
    assert!((ratio - 0.86).abs() < 0.005, "{ratio}");
    // Only the five Sozialräume of Bezirk 04, and the Bezirk on top.
    let keys: Vec<&str> = fixed.iter().map(|r| r["key"].as_str()).collect();
    assert_eq!(keys, vec!["04", "0410", "0420", "0430", "0440", "0450"]);
    // The correction is the default: the same figures without the flag.
    assert_eq!(kita_places(None), fixed);

    // Without the fix 04030417 has no polygon: its children and its Kitas
    // (outside every PLR then) are both missing from 0430. Before Kitas went
    // through the PLR assignment they were still counted there, against
    // fewer children: 0.96.
    let unfixed = kita_places(Some("none"));
    let r = unfixed
        .iter()
        .find(|r| r["level"] == "sozialraum" && r["key"] == "0430")
        .unwrap();
    let ratio = num(r, "e_platz per Kinder_u6");
    assert!((ratio - 0.88).abs() < 0.005, "{ratio}");
}

#[test]
fn mismatch_takes_the_fix_for_layer_a() {
    let o = lor(&[
        "mismatch",
        s(&berlin("lor-2006/plr.geojson.gz")),
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--bezirk",
        "04",
        "--a-fix-id",
        "124=04030417",
        "--stats",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(!e.contains("more than once"), "{e}");
    assert!(!e.contains("no geometry"), "{e}");
    assert!(stdout(&o).contains("04030417"));
}

#[test]
fn a_fix_by_the_wrong_id_must_name_one_feature() {
    let o = lor(&[
        "crosswalk",
        s(&berlin("lor-2006/plr.geojson.gz")),
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--from-fix-id",
        "06010102=04030417",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("--from-fix-id 06010102=04030417"), "{e}");
    assert!(e.contains("features 124"), "{e}");
}

#[test]
fn bezirk_cuts_the_names_reference_too() {
    let o = lor(&[
        "aggregate",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--names",
        s(&berlin("lor-2006/plr-names.csv")),
        "--bezirk",
        "04",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(!e.contains("missing"), "{e}");
    let rows = common::csv_rows(&stdout(&o));
    assert_eq!(rows.last().unwrap()["level"], "bez");
    assert_eq!(rows.last().unwrap()["name"], "Charlottenburg-Wilmersdorf");
}

#[test]
fn unknown_allow_codes_are_refused_with_the_list() {
    let o = lor(&["--allow", "no-such-code", "aggregate", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no-such-code") && e.contains("missing-plr") && e.contains("chain-gap"),
        "{e}"
    );
    let o = lor(&["--allow", "missing-plr,gap", "aggregate", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn every_stderr_line_is_json_with_log_format_json() {
    let dir = scratch("cli-layer-json");
    let runs: Vec<Vec<String>> = vec![
        vec![
            "crosswalk".into(),
            "data/sample/plr.geojson".into(),
            "data/sample/sozialraeume.geojson".into(),
        ],
        vec![
            "mismatch".into(),
            "data/sample/plr.geojson".into(),
            "data/sample/sozialraeume.geojson".into(),
            "--format".into(),
            "csv".into(),
        ],
        vec!["sample".into(), "--output-dir".into(), s(&dir).into()],
        vec![
            "translate".into(),
            "data/sample/EWR202412E_Matrix.csv".into(),
            "--from".into(),
            "data/sample/plr.geojson".into(),
            "--to".into(),
            "data/sample/sozialraeume.geojson".into(),
        ],
    ];
    for run in runs {
        let mut args: Vec<&str> = vec!["--log-format", "json"];
        args.extend(run.iter().map(String::as_str));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let e = stderr(&o);
        assert!(!e.trim().is_empty(), "{run:?}: nothing on stderr");
        for line in e.lines() {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|_| panic!("{run:?}: not JSON: {line}"));
            assert!(v["level"].is_string(), "{line}");
        }
    }
}

#[test]
fn documented_table_of_warning_codes_matches_the_enum() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/warnings.md"))
            .unwrap();
    let start = doc.find("# Warning codes").expect("docs/warnings.md title");
    let table: Vec<(String, String)> = doc[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| code"))
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            (
                cells[0].trim().trim_matches('`').to_string(),
                cells[1].trim().to_string(),
            )
        })
        .collect();
    let codes: Vec<(String, String)> = lor::error::WarningCode::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.doc().to_string()))
        .collect();
    assert_eq!(table, codes);
}

/// The subcommands `lor --help` lists (without `help`), with their
/// continuation lines skipped.
fn subcommands() -> Vec<String> {
    let o = lor(&["--help"]);
    let h = stdout(&o);
    h.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every stderr line of `o` is a JSON error line with exit code 2, and the
/// process exited with 2. Returns the messages.
fn json_usage_error(args: &[&str], o: &std::process::Output) -> Vec<String> {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
    assert!(!e.trim().is_empty(), "{args:?}: nothing on stderr");
    e.lines()
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|_| panic!("{args:?}: not JSON: {line}"));
            assert_eq!(v["level"], "error", "{line}");
            assert_eq!(v["exit_code"], 2, "{line}");
            v["message"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn usage_errors_clap_finds_are_json_lines_with_log_format_json() {
    // A bad value of one of its own flags, for every subcommand.
    let bad: &[(&str, &[&str], &str)] = &[
        ("aggregate", &["--decimal", "x"], "--decimal"),
        (
            "mismatch",
            &["a.geojson", "b.geojson", "--levels", "kiez"],
            "--levels",
        ),
        (
            "points",
            &["p.geojson", "--units", "u.geojson", "--scale", "0"],
            "--scale",
        ),
        (
            "crosswalk",
            &["a.geojson", "b.geojson", "--method", "nearest"],
            "--method",
        ),
        ("translate", &["st.csv", "--delimiter", "ab"], "--delimiter"),
        ("sample", &["--extent", "mars"], "--extent"),
        ("series", &["st.csv", "--vintage", "1999"], "--vintage"),
        ("check", &["st.csv", "--decimal", ";"], "--decimal"),
        ("catalogue", &["--vintage", "2010"], "--vintage"),
        ("run", &["job.toml", "--strict=maybe"], "--strict"),
        (
            "map",
            &[
                "st.csv",
                "--units",
                "u.geojson",
                "--column",
                "E_E",
                "-k",
                "12",
            ],
            "-k",
        ),
        (
            "report",
            &[
                "st.csv",
                "--units",
                "u.geojson",
                "--sozialraum",
                "s.geojson",
                "-o",
                "r.html",
                "--classes",
                "median",
            ],
            "--classes",
        ),
        (
            "layout",
            &[
                "propose",
                "--units",
                "u.geojson",
                "--stats",
                "st.csv",
                "--reference",
                "r.csv",
                "--regions",
                "3",
                "--blocks",
                "pgr",
            ],
            "--blocks",
        ),
    ];
    let subs = subcommands();
    let covered: Vec<String> = bad.iter().map(|(c, _, _)| c.to_string()).collect();
    assert_eq!(subs, covered, "a bad value for every subcommand");
    for (sub, rest, flag) in bad {
        let mut args = vec!["--log-format", "json", sub];
        args.extend(rest.iter());
        let messages = json_usage_error(&args, &lor(&args));
        assert_eq!(messages.len(), 1, "{args:?}");
        assert!(messages[0].contains(flag), "{args:?}: {}", messages[0]);
        // The same with the flag after the subcommand, and an unknown flag.
        let mut args = vec![*sub, "--log-format=json"];
        args.extend(rest.iter());
        json_usage_error(&args, &lor(&args));
        let args = [*sub, "--log-format", "json", "--no-such-flag"];
        let m = json_usage_error(&args, &lor(&args));
        assert!(m[0].contains("--no-such-flag"), "{}", m[0]);
    }
    // A missing argument, and a missing subcommand.
    let args = [
        "--log-format",
        "json",
        "map",
        "st.csv",
        "--units",
        "u.geojson",
    ];
    let m = json_usage_error(&args, &lor(&args));
    assert!(m[0].contains("--column"), "{}", m[0]);
    let args = ["--log-format", "json", "layout"];
    json_usage_error(&args, &lor(&args));
    // Text by default, as clap writes it.
    let o = lor(&["aggregate", "--decimal", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: invalid value 'x' for '--decimal"));
    // Help and version print as usual, on stdout.
    let o = lor(&["--log-format", "json", "aggregate", "--help"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("--vintage"));
    let o = lor(&["--log-format", "json", "--version"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("lor "));
}

/// `--vintage` (and its old spelling `--lor`) is one flag of the
/// statistics reader: every command that reads statistics warns about
/// keys of the other vintage, naming `--vintage`.
#[test]
fn vintage_is_checked_by_every_statistics_command() {
    let st = "data/sample/EWR202412E_Matrix.csv";
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "aggregate",
            st,
            "--vintage",
            "2006",
            "--levels",
            "bez",
            "--format",
            "csv",
        ],
        vec![
            "aggregate",
            st,
            "--lor",
            "2006",
            "--levels",
            "bez",
            "--format",
            "csv",
        ],
        vec!["check", st, "--vintage", "2006"],
        vec![
            "map",
            st,
            "--units",
            "data/sample/plr.geojson",
            "--column",
            "E_E",
            "--vintage",
            "2006",
        ],
        vec![
            "mismatch",
            "data/sample/plr.geojson",
            "data/sample/sozialraeume.geojson",
            "--stats",
            st,
            "--vintage",
            "2006",
            "--format",
            "csv",
        ],
        vec![
            "translate",
            st,
            "--from",
            "data/sample/plr.geojson",
            "--to",
            "data/sample/sozialraeume.geojson",
            "--vintage",
            "2006",
        ],
    ];
    for run in runs {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
            .args(&run)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let out = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            out.contains("--vintage LOR 2006 but 50 keys look like keys of the other vintage"),
            "{run:?}: {out}"
        );
    }
    // The right vintage: no such warning.
    let o = lor(&[
        "aggregate",
        "--vintage",
        "2021",
        "--levels",
        "bez",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("other vintage"), "{}", stderr(&o));
}

/// Closed value sets are clap's usage errors (exit 2) with the meaning
/// they had: -k 1 to 9, --classes, --blocks plr|bzr, --assign.
#[test]
fn closed_value_sets_are_usage_errors() {
    let map = |extra: &[&str]| {
        let mut a = vec![
            "map",
            "data/sample/EWR202412E_Matrix.csv",
            "--units",
            "data/sample/plr.geojson",
            "--column",
            "E_E",
        ];
        a.extend(extra);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
            .args(&a)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        (o.status.code(), stderr(&o), stdout(&o))
    };
    for (extra, want) in [
        (vec!["-k", "0"], "give 1 to 9 classes"),
        (vec!["-k", "10"], "give 1 to 9 classes"),
        (
            vec!["--classes", "median"],
            "use quantiles, equal, jenks or breaks:1,2,3",
        ),
        (vec!["--classes", "breaks:3,1"], "the breaks must increase"),
        (
            vec!["--assign", "nearest"],
            "[possible values: largest, area, list]",
        ),
        (vec!["--level", "bez"], "use plr, bzr, pgr or sozialraum"),
        (
            vec!["--sozialraum", "data/sample/sozialraum-liste.csv"],
            "needs their polygons",
        ),
        (
            vec![
                "--sozialraum",
                "data/sample/sozialraeume.geojson",
                "--assign",
                "list",
            ],
            "--assign list needs --sozialraum to be a CSV/XLSX list",
        ),
    ] {
        let (code, err, _) = map(&extra);
        assert_eq!(code, Some(2), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
    }
    // The accepted values still work: natural breaks by an alias, 9 classes,
    // Sozialraum polygons apportioned by area.
    let (code, err, svg) = map(&[
        "--classes",
        "natural",
        "-k",
        "3",
        "--sozialraum",
        "data/sample/sozialraeume.geojson",
        "--assign",
        "area",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..50]
    );
    let o = lor(&[
        "layout",
        "propose",
        "--units",
        "u.geojson",
        "--stats",
        "st.csv",
        "--reference",
        "r.csv",
        "--regions",
        "3",
        "--blocks",
        "pgr",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("[possible values: plr, bzr]"),
        "{}",
        stderr(&o)
    );
}
