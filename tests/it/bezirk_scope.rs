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
            "plr.geojson: no polygons of Bezirk 04",
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
