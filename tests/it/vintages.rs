//! LOR vintage safety on the real data: the statistics office's 2021-keyed
//! MSS file (`mss-2021-kontext-plr2021.csv`, LOR 2021 keys) joined to the
//! bundled LOR 2006 PLR polygons or names table is an error (exit 1) naming
//! both vintages, in every command and in a job, with nothing written.

use crate::common;

use std::path::Path;

use common::{berlin, lor, scratch, stderr};

const MSS: &str = "stats/mss-2021-kontext-plr2021.csv";

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// The message of a join of the 2021 file to an input of LOR 2006.
fn is_the_vintage_error(e: &str) -> bool {
    e.contains(
        "mss-2021-kontext-plr2021.csv has LOR 2021 keys (53 of 53 keys are LOR 2021 keys, 0 LOR 2006 keys), but the",
    ) && e.contains("has LOR 2006 keys (")
        && e.contains("first translate the statistics into LOR 2006 with `lor translate`")
}

#[test]
fn the_2021_mss_file_against_the_2006_plr_is_exit_1_in_every_command() {
    let dir = scratch("vintages");
    let (mss, plr) = (s(&berlin(MSS)), s(&berlin("lor-2006/plr.geojson.gz")));
    let out = |n: &str| s(&dir.join(n));
    let b04 = ["--bezirk", "04", "--units", plr.as_str()];
    let commands: Vec<Vec<String>> = vec![
        // The run: Sozialräume from the 2021 PGR, no names table.
        vec![
            "aggregate",
            &mss,
            "--sozialraum",
            "lor2021:pgr",
            "--levels",
            "sozialraum",
        ],
        vec![
            "points",
            &s(&berlin("points/kitas.geojson.gz")),
            "--sum",
            "e_platz",
            "--stats",
            &mss,
            "--per",
            "K=EW 31.12.2020",
        ],
        vec!["map", &mss, "--column", "EW 31.12.2020"],
        vec!["report", &mss, "--sozialraum", "lor2021:pgr"],
        vec![
            "layout",
            "evaluate",
            "lor2021:pgr",
            "--stats",
            &mss,
            "--column",
            "EW 31.12.2020",
        ],
    ]
    .into_iter()
    .map(|c| c.into_iter().chain(b04).map(String::from).collect())
    .collect();
    let outputs = ["a.csv", "p.csv", "m.svg", "r.html", "l.csv"];
    for (mut args, name) in commands.into_iter().zip(outputs) {
        args.extend(["-o".to_string(), out(name)]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = lor(&argv);
        let e = stderr(&o);
        let command = format!("lor {} {}", args[0], args[1]);
        assert_eq!(o.status.code(), Some(1), "{command}: {e}");
        assert!(is_the_vintage_error(&e), "{command}: {e}");
        assert!(
            e.contains("the PLR polygons plr.geojson.gz has LOR 2006 keys (57 of 57 keys"),
            "{e}"
        );
        assert!(!dir.join(name).exists(), "{command} wrote {name}");
    }
    // `lor check` says the same of the names table.
    let names = s(&berlin("lor-2006/plr-names.csv"));
    let o = lor(&["check", &mss, "--names", &names, "--bezirk", "04"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(is_the_vintage_error(&e), "{e}");
    assert!(
        e.contains("the names table plr-names.csv has LOR 2006 keys (57 of 57 keys"),
        "{e}"
    );
}

#[test]
fn a_job_with_the_2021_file_against_the_2006_plr_fails_with_exit_1() {
    let dir = scratch("vintages_job");
    let job = dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "strict = true\n\n[[aggregate]]\nstats = {:?}\nunits = {:?}\nsozialraum = \"lor2021:pgr\"\nbezirk = \"04\"\nlevels = \"sozialraum\"\noutput = \"b04.csv\"\n",
            s(&berlin(MSS)),
            s(&berlin("lor-2006/plr.geojson.gz")),
        ),
    )
    .unwrap();
    let o = lor(&["run", &s(&job)]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(is_the_vintage_error(&e), "{e}");
    assert!(!dir.join("b04.csv").exists());
}

/// A file that mixes both vintages (the 2018 register with the 2021 MSS
/// rows appended) is an error naming the counts.
#[test]
fn a_file_of_both_vintages_is_an_error_naming_the_counts() {
    let dir = scratch("vintages_mixed");
    let old = std::fs::read_to_string(berlin("stats/EWR201812E_Matrix.csv")).unwrap();
    let mixed = dir.join("mixed.csv");
    let mut text: String = old.lines().take(1).map(|l| format!("{l}\n")).collect();
    let header: Vec<&str> = old.lines().next().unwrap().split(';').collect();
    let (key, e_e) = (
        header.iter().position(|h| *h == "RAUMID").unwrap(),
        header.iter().position(|h| *h == "E_E").unwrap(),
    );
    let row = |k: &str| -> String {
        let mut cells = vec!["0"; header.len()];
        cells[key] = k;
        cells[e_e] = "1";
        cells.join(";") + "\n"
    };
    for k in lor::table::catalogue::get(lor::table::key::Vintage::Lor2006).plr() {
        text.push_str(&row(k));
    }
    for k in lor::table::catalogue::get(lor::table::key::Vintage::Lor2021).plr() {
        text.push_str(&row(k));
    }
    std::fs::write(&mixed, text).unwrap();
    // Alone (no layer, no names table) as with a layer.
    let o = lor(&["aggregate", &s(&mixed), "--levels", "bez"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("mixed.csv mixes both LOR vintages: 448 keys are LOR 2006 keys only and 542 LOR 2021 keys only"),
        "{e}"
    );
}
