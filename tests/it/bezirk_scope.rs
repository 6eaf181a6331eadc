//! A Bezirk the data does not have is one refusal in every command: exit 2
//! (the `--bezirk` value is wrong for these files), the file named, nothing
//! written.

use crate::common;

use common::{lor, scratch, stderr};

#[test]
fn a_bezirk_not_in_the_data_is_refused_alike_everywhere() {
    let dir = scratch("bezirk_scope");
    let out = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let (stats, plr, sr) = (
        "data/sample/EWR202412E_Matrix.csv",
        "data/sample/plr.geojson",
        "data/sample/sozialraeume.geojson",
    );
    let root = env!("CARGO_MANIFEST_DIR");
    let runs: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["aggregate".into(), stats.into(), "-o".into(), out("a.csv")],
            "EWR202412E_Matrix.csv: no rows of Bezirk 04",
        ),
        (
            vec![
                "mismatch".into(),
                plr.into(),
                sr.into(),
                "-o".into(),
                out("m.csv"),
            ],
            "plr.geojson: no units of Bezirk 04",
        ),
        (
            vec![
                "layout".into(),
                "evaluate".into(),
                sr.into(),
                "--units".into(),
                plr.into(),
                "--stats".into(),
                stats.into(),
                "-o".into(),
                out("l.csv"),
            ],
            // The one input assembly reads the statistics first, as in aggregate.
            "EWR202412E_Matrix.csv: no rows of Bezirk 04",
        ),
        (
            vec!["check".into(), "-".into(), plr.into()],
            "plr.geojson: no polygons of Bezirk 04",
        ),
    ];
    for (mut args, message) in runs {
        args.extend(["--bezirk".to_string(), "04".to_string()]);
        let args: Vec<String> = args
            .into_iter()
            .map(|a| {
                if a.starts_with("data/") {
                    format!("{root}/{a}")
                } else {
                    a
                }
            })
            .collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = lor(&refs);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    assert!(common::listing(&dir).is_empty(), "nothing written");
}

/// A PLR twice in a Sozialraum list counts its people twice: refused in
/// aggregate and points alike, naming the lines. A weight column is read in
/// one unit for the whole file (percent when any weight is above 1).
#[test]
fn a_list_that_counts_people_twice_is_refused() {
    let dir = scratch("list_twice");
    let root = env!("CARGO_MANIFEST_DIR");
    let list = std::fs::read_to_string(format!("{root}/data/sample/sozialraum-liste.csv")).unwrap();
    let first = list.lines().nth(1).unwrap().to_string();
    let key = first.split(';').next().unwrap().to_string();
    let twice = dir.join("twice.csv");
    std::fs::write(&twice, format!("{list}{key};SR5;Mitte\n")).unwrap();
    let stats = format!("{root}/data/sample/EWR202412E_Matrix.csv");
    let o = lor(&[
        "aggregate",
        &stats,
        "--sozialraum",
        twice.to_str().unwrap(),
        "-o",
        dir.join("a.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{key} (lines 2 and ")) && stderr(&o).contains("Σ 2"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("a.csv").exists());

    // Percent: 99 and 1 are 0.99 and 0.01 (not 1 read as 100 %).
    let mut pct = String::from("PLR;Sozialraum;Gewicht\n");
    for (i, line) in list.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(';').collect();
        if i == 0 {
            pct.push_str(&format!("{};SR1;99\n{};SR2;1\n", f[0], f[0]));
        } else {
            pct.push_str(&format!("{};{};100\n", f[0], f[1]));
        }
    }
    let pct_path = dir.join("pct.csv");
    std::fs::write(&pct_path, pct).unwrap();
    let out = dir.join("p.csv");
    let o = lor(&[
        "aggregate",
        &stats,
        "--sozialraum",
        pct_path.to_str().unwrap(),
        "--levels",
        "bez,sozialraum",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = common::csv_rows(&std::fs::read_to_string(&out).unwrap());
    let people = |level: &str| -> f64 {
        rows.iter()
            .filter(|r| r["level"] == level)
            .map(|r| r["E_E"].parse::<f64>().unwrap())
            .sum()
    };
    assert!(
        (people("sozialraum") - people("bez")).abs() < 1e-6,
        "{rows:?}"
    );
    assert_eq!(people("bez"), 217309.0);
}
