//! One input assembly (`lor::pipeline::inputs`): the same defective
//! statistics through every command that reads statistics with PLR
//! polygons, names or Sozialräume give the same finding, and with
//! `--strict` the same exit code.
//!
//! The input: the bundled population register of 31.12.2018
//! (`data/berlin/stats/EWR201812E_Matrix.csv`) without the row of PLR
//! 04010102 Plötzensee (Bezirk 04), read with `--bezirk 04`, the 2006 PLR
//! polygons (their wrong id fixed) and the 2006 names table.

use crate::common;

use std::path::{Path, PathBuf};

use common::{berlin, lor, scratch, stderr, stdout};

/// The PLR whose row is removed.
const REMOVED: &str = "04010102";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The bundled statistics without the row of [`REMOVED`], in `dir`.
fn defective(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(berlin("stats/EWR201812E_Matrix.csv")).unwrap();
    let kept: String = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with(&format!("201812;{REMOVED};")))
        .collect();
    assert_eq!(
        kept.lines().count() + 1,
        text.lines().count(),
        "one row removed"
    );
    let p = dir.join("EWR201812E_Matrix.csv");
    std::fs::write(&p, kept).unwrap();
    p
}

/// Each command with the statistics `stats`, writing into `out`: its name
/// and arguments (`--bezirk 04`, the PLR polygons with their fix, the names
/// table where the command has them).
fn commands(stats: &Path, out: &Path) -> Vec<(&'static str, Vec<String>)> {
    let plr = berlin("lor-2006/plr.geojson.gz");
    let names = berlin("lor-2006/plr-names.csv");
    let pgr2021 = berlin("lor-2021/pgr.geojson.gz");
    let kitas = berlin("points/kitas.geojson.gz");
    let st = s(stats).to_string();
    let common = |units_flag: &str| -> Vec<String> {
        vec![
            "--bezirk".into(),
            "04".into(),
            units_flag.into(),
            "124=04030417".into(),
        ]
    };
    let with_units = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        v.extend(["--units".into(), s(&plr).into()]);
        v.extend(common("--units-fix-id"));
        v
    };
    let file = |name: &str| s(&out.join(name)).to_string();
    let mut aggregate = with_units(&["aggregate", &st, "--names", s(&names)]);
    aggregate.extend(["-o".into(), file("a.csv")]);
    let mut points = with_units(&[
        "points",
        s(&kitas),
        "--sum",
        "e_platz",
        "--stats",
        &st,
        "--per",
        "Kinder_u6=E_EU1+E_E1U6",
        "--names",
        s(&names),
    ]);
    points.extend(["-o".into(), file("p.csv")]);
    let mut map = with_units(&["map", &st, "--column", "E_E", "--names", s(&names)]);
    map.extend(["-o".into(), file("m.svg")]);
    let mut report = with_units(&[
        "report",
        &st,
        "--sozialraum",
        s(&pgr2021),
        "--names",
        s(&names),
    ]);
    report.extend(["-o".into(), file("r.html")]);
    let mut check: Vec<String> = ["check", &st, s(&plr), "--names", s(&names)]
        .iter()
        .map(|a| a.to_string())
        .collect();
    check.extend(common("--geometry-fix-id"));
    check.extend(["--format".into(), "json".into()]);
    vec![
        ("aggregate", aggregate),
        ("points", points),
        ("map", map),
        ("report", report),
        ("check", check),
    ]
}

/// The findings of a run: (code, message) from the JSON lines on stderr,
/// and for `check` from its JSON report on stdout.
fn findings(o: &std::process::Output) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in stderr(o).lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("a JSON line: {line}"));
        if v["level"] == "warning" {
            out.push((
                v["code"].as_str().unwrap().to_string(),
                v["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    if let Ok(report) = serde_json::from_str::<serde_json::Value>(&stdout(o)) {
        for f in report["findings"].as_array().into_iter().flatten() {
            out.push((
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

fn run(name: &str, args: &[String], strict: bool) -> std::process::Output {
    let mut a: Vec<&str> = vec!["--log-format", "json"];
    a.extend(args.iter().map(String::as_str));
    if strict && name != "check" {
        a.push("--strict");
    }
    lor(&a)
}

/// The finding of the removed row: `missing-plr` naming its key.
fn names_the_missing_plr(f: &[(String, String)]) -> bool {
    f.iter()
        .any(|(code, message)| code == "missing-plr" && message.contains(REMOVED))
}

#[test]
fn one_missing_plr_is_the_same_finding_in_every_command() {
    let dir = scratch("input_assembly");
    let stats = defective(&dir);
    let out = dir.join("out");
    for (name, args) in commands(&stats, &out) {
        // The finding, and the output written all the same.
        let o = run(name, &args, false);
        let f = findings(&o);
        assert!(names_the_missing_plr(&f), "lor {name}: {f:?}");
        if name == "check" {
            assert_eq!(o.status.code(), Some(3), "lor check: {}", stderr(&o));
            continue;
        }
        assert_eq!(o.status.code(), Some(0), "lor {name}: {}", stderr(&o));
        // With --strict: exit code 3 and nothing written.
        let _ = std::fs::remove_dir_all(&out);
        let o = run(name, &args, true);
        assert_eq!(
            o.status.code(),
            Some(3),
            "lor {name} --strict: {}",
            stderr(&o)
        );
        assert!(
            names_the_missing_plr(&findings(&o)),
            "lor {name} --strict: {}",
            stderr(&o)
        );
        assert!(!out.exists(), "lor {name} --strict wrote {}", out.display());
    }
    // `lor layout` (no --strict) reads its units through the same
    // assembly: the same finding against the PLR polygons.
    let o = run(
        "layout",
        &[
            "layout",
            "evaluate",
            s(&berlin("lor-2021/pgr.geojson.gz")),
            "--stats",
            s(&stats),
            "--units",
            s(&berlin("lor-2006/plr.geojson.gz")),
            "--units-fix-id",
            "124=04030417",
            "--bezirk",
            "04",
            "-o",
            s(&out.join("l.csv")),
        ]
        .map(String::from),
        false,
    );
    assert_eq!(o.status.code(), Some(0), "lor layout: {}", stderr(&o));
    let f = findings(&o);
    assert!(names_the_missing_plr(&f), "lor layout: {f:?}");
}

#[test]
fn the_complete_file_has_no_missing_plr_in_any_command() {
    // The bundled file lacks a PLR of Bezirk 09 only: out of scope here.
    let dir = scratch("input_assembly_complete");
    let stats = berlin("stats/EWR201812E_Matrix.csv");
    for (name, args) in commands(&stats, &dir.join("out")) {
        let o = run(name, &args, false);
        let f = findings(&o);
        assert!(
            !f.iter().any(|(code, _)| code == "missing-plr"),
            "lor {name}: {f:?}"
        );
    }
}
