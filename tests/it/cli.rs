//! The `lor` binary as planners and cron jobs run it: outputs, determinism,
//! exit codes, and bad input.

use crate::common;

use std::path::Path;

use common::{berlin, listing, lor, scratch, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn help_and_version() {
    let o = lor(&["--version"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("lor "));
    let o = lor(&["aggregate", "--help"]);
    assert!(o.status.success());
    let h = stdout(&o);
    assert!(
        h.contains("--weighted") && h.contains("Examples:") && h.contains("EWR201812E_Matrix.csv")
    );
}

#[test]
fn sample_runs_without_a_file() {
    let o = lor(&["aggregate", "--levels", "pgr,bez"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // Not a terminal: CSV.
    assert!(out.starts_with("level,key,name,ZEIT,BEZ,PGR,BZR,PLR,STADTRAUM,E_E,"));
    // The Bezirk total is the sum of the sample's PLR (read here independently).
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/EWR202412E_Matrix.csv"),
    )
    .unwrap();
    let total: u64 = sample
        .lines()
        .skip(1)
        .map(|l| l.split(';').nth(7).unwrap().parse::<u64>().unwrap())
        .sum();
    let bez_line = out
        .lines()
        .find(|l| l.starts_with("bez,13,Auenwalde,"))
        .unwrap();
    let e_e: u64 = bez_line.split(',').nth(9).unwrap().parse().unwrap();
    assert_eq!(e_e, total);
    assert_eq!(out.lines().filter(|l| l.starts_with("pgr,")).count(), 5);

    let o = lor(&["aggregate", "--format", "table", "--levels", "bzr"]);
    let t = stdout(&o);
    assert!(t.starts_with("Bezirksregionen (BZR) (15 units)"), "{t}");
    assert!(t.contains("Altstadt Nord"));
}

#[test]
fn committed_sample_is_what_the_generator_makes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    for (name, text) in lor::sample::Sample::generate().files() {
        let committed = std::fs::read(dir.join(name)).unwrap();
        assert!(
            committed == text.as_bytes(),
            "data/sample/{name} differs: run `lor sample`"
        );
    }
    let out = scratch("sample_cmd");
    let o = lor(&["sample", "--output-dir", s(&out)]);
    assert!(o.status.success());
    assert_eq!(
        listing(&out),
        vec![
            "EWR202412E_Matrix.csv",
            "README.md",
            "indikatoren.csv",
            "lor-alt-neu.csv",
            "plr.csv",
            "plr.geojson",
            "series",
            "sozialraeume.geojson",
            "sozialraum-liste.csv"
        ]
    );
    // The series: six half-years, and nothing else in its folder.
    assert_eq!(
        listing(&out.join("series")),
        lor::sample::SERIES_FILES
            .iter()
            .map(|f| f.trim_start_matches("series/").to_string())
            .collect::<Vec<_>>()
    );
}

#[test]
fn every_format_is_byte_identical_on_every_run() {
    let dir = scratch("determinism");
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let names = berlin("lor-2006/plr-names.csv");
    for ext in ["csv", "json", "parquet", "xlsx"] {
        let mut runs = Vec::new();
        for run in 0..2 {
            let out = dir.join(format!("run{run}.{ext}"));
            let o = lor(&[
                "aggregate",
                s(&ewr),
                "--names",
                s(&names),
                "--output",
                s(&out),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            runs.push(std::fs::read(&out).unwrap());
        }
        assert!(runs[0].len() > 1000, "{ext} is too small");
        assert!(runs[0] == runs[1], "{ext} differs between runs");
    }
    // The files are what their extension says.
    assert!(std::fs::read(dir.join("run0.parquet"))
        .unwrap()
        .starts_with(b"PAR1"));
    assert!(std::fs::read(dir.join("run0.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run0.json")).unwrap()).unwrap();
    let city = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["level"] == "berlin")
        .unwrap();
    assert_eq!(city["E_E"], 3748148);
    assert_eq!(city["name"], "Berlin");
}

#[test]
fn xlsx_has_one_sheet_per_level_with_numbers() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = scratch("xlsx_out");
    let out = dir.join("ewr.xlsx");
    let o = lor(&[
        "aggregate",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Bezirksregionen",
            "Prognoseräume",
            "Bezirke",
            "Berlin",
            "Hinweise"
        ]
    );
    let r = wb.worksheet_range("Berlin").unwrap();
    // Two title rows above the header: what, where, when (ZEIT 201812 is
    // the end of December); the source by its attribution, never its path,
    // and the LOR vintage once.
    let text = |row: u32| match r.get((row as usize, 0)) {
        Some(Data::String(t)) => t.clone(),
        other => panic!("row {row}: {other:?}"),
    };
    assert_eq!(
        text(0),
        "Einwohnerinnen und Einwohner in Berlin, Stand 31.12.2018"
    );
    let source = text(1);
    assert!(
        source.starts_with("Quelle: Amt für Statistik Berlin-Brandenburg")
            && source.ends_with(" · Raumbezug: LOR 2006")
            && !source.contains(".csv")
            && !source.contains("data/"),
        "{source}"
    );
    let bzr = wb.worksheet_range("Bezirksregionen").unwrap();
    assert_eq!(
        bzr.get((0, 0)),
        Some(&Data::String(
            "Einwohnerinnen und Einwohner nach Bezirksregionen in Berlin, Stand 31.12.2018".into()
        ))
    );
    assert_eq!(r.get((2, 0)), Some(&Data::String("key".into())));
    let col = (0..r.width())
        .find(|&c| r.get((2, c)) == Some(&Data::String("E_E".into())))
        .unwrap();
    assert_eq!(r.get((3, col)), Some(&Data::Float(3748148.0)));
}

#[test]
fn excel_csv_and_output_dir() {
    let dir = scratch("excel_csv");
    let o = lor(&[
        "aggregate",
        s(&berlin("stats/population-2018-12/t2-planning-areas.csv")),
        "--weighted",
        "*_percentage=inhabitants",
        "--format",
        "excel-csv",
        "--output-dir",
        s(&dir),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        listing(&dir),
        vec!["berlin.csv", "bez.csv", "bzr.csv", "pgr.csv"]
    );
    let text = std::fs::read_to_string(dir.join("berlin.csv")).unwrap();
    assert!(text.starts_with("\u{feff}level;key;name;"));
    assert!(text.contains("\r\n"));
    // 5,992586205240562 % of Berliners were under 6 (decimal comma).
    assert!(text.contains(";5,99258620524056"), "{text}");
}

/// The open-data shares are proven to be their counts' shares and are
/// recomputed (a note, exit 0); one share that is not is refused with the
/// flag to use, and nothing is written.
#[test]
fn shares_without_a_rule_are_refused() {
    let dir = scratch("refuse");
    let out = dir.join("out.csv");
    let t2 = berlin("stats/population-2018-12/t2-planning-areas.csv");
    let o = lor(&["aggregate", s(&t2), "--output", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("note (proven-share)"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&t2).unwrap();
    // PLR 01011101: 1,633 of 3,384 are women, 48.2565011820331 %.
    let doctored = dir.join("t2.csv");
    std::fs::write(
        &doctored,
        text.replacen(",48.2565011820331,", ",47.2565011820331,", 1),
    )
    .unwrap();
    std::fs::remove_file(&out).unwrap();
    let o = lor(&["aggregate", s(&doctored), "--output", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("must not be summed")
            && e.contains("--weighted 'inhabitants_female_percentage=inhabitants'"),
        "{e}"
    );
    assert!(
        e.contains("1 column looks like") && e.contains("inhabitants_female_percentage"),
        "{e}"
    );
    assert!(!out.exists());
}

#[test]
fn strict_turns_warnings_into_exit_code_3() {
    let dir = scratch("strict");
    let out = dir.join("out.csv");
    let (ewr, names) = (
        berlin("stats/EWR201812E_Matrix.csv"),
        berlin("lor-2006/plr-names.csv"),
    );
    let args = [
        "aggregate",
        s(&ewr),
        "--names",
        s(&names),
        "--output",
        s(&out),
    ];
    let o = lor(&args);
    assert!(o.status.success());
    assert!(stderr(&o).contains("09041403 Allende II"), "{}", stderr(&o));
    std::fs::remove_file(&out).unwrap();
    let mut strict = args.to_vec();
    strict.push("--strict");
    let o = lor(&strict);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("--strict: nothing written"));
    assert!(!out.exists());
    // --quiet silences warnings, not errors.
    let mut quiet = args.to_vec();
    quiet.push("--quiet");
    let o = lor(&quiet);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

/// Each bad input: a message naming file/row/column, a non-zero exit code,
/// and no output file.
#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let dir = scratch("bad_input");
    // (file name, content, extra flags, exit code, words the message must contain)
    type Case<'a> = (&'a str, &'a [u8], Vec<&'a str>, i32, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        ("empty.csv", b"", vec![], 1, vec!["empty.csv", "empty"]),
        (
            "header.csv",
            b"RAUMID;E_E\n",
            vec![],
            1,
            vec!["header.csv", "no data rows"],
        ),
        (
            "nokey.csv",
            b"Gebiet;E_E\nMitte;5\n",
            vec![],
            1,
            vec![
                "no column with LOR keys",
                "Columns seen: Gebiet, E_E",
                "--key",
            ],
        ),
        (
            "badkey.csv",
            b"RAUMID;E_E\n04030417;5\n0403041X;6\n",
            vec![],
            1,
            vec![
                "badkey.csv, line 3, column 'RAUMID'",
                "'0403041X' is not a LOR key",
            ],
        ),
        (
            "dup.csv",
            b"RAUMID;E_E\n04030417;5\n04030418;6\n04030417;7\n",
            vec![],
            1,
            vec!["line 4", "duplicate key 04030417", "also on line 2"],
        ),
        (
            "ragged.csv",
            b"RAUMID;E_E;E_EW\n04030417;5;3\n04030418;6\n",
            vec![],
            1,
            vec!["ragged.csv, line 3", "2 fields, but the header has 3"],
        ),
        (
            "text.csv",
            b"RAUMID;E_E\n04030417;5\n04030418;6\n04030419;sieben\n",
            vec![],
            1,
            vec!["line 4, column 'E_E'", "'sieben' is not a number"],
        ),
        (
            "unknown_col.csv",
            b"RAUMID;E_E\n04030417;5\n",
            vec!["--sum", "E_X"],
            2,
            vec!["--sum 'E_X': no such column", "Columns: E_E"],
        ),
        (
            "bad_rule.csv",
            b"RAUMID;E_E;Anteil\n04030417;5;1.5\n",
            vec!["--weighted", "Anteil"],
            2,
            vec!["--weighted 'Anteil': write COLUMNS=WEIGHT"],
        ),
        (
            "bad_weight.csv",
            b"RAUMID;E_E;Anteil\n04030417;5;1.5\n",
            vec!["--weighted", "Anteil=EW"],
            2,
            vec!["--weighted 'EW': no such column"],
        ),
        (
            "bad_level.csv",
            b"RAUMID;E_E\n04030417;5\n",
            vec!["--levels", "bzr,kiez"],
            2,
            vec!["unknown level 'kiez'"],
        ),
    ];
    for (name, content, extra, code, needles) in cases {
        let input = dir.join(name);
        std::fs::write(&input, content).unwrap();
        let out = dir.join(format!("{name}.out.csv"));
        let mut args = vec!["aggregate", s(&input), "--output", s(&out)];
        args.extend(extra.iter().copied());
        let o = lor(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{name}: {e}");
        assert!(e.starts_with("error: "), "{name}: {e}");
        for n in needles {
            assert!(e.contains(n), "{name}: expected '{n}' in: {e}");
        }
        assert!(!out.exists(), "{name}: output written");
        assert!(!e.contains("panicked"), "{name}: {e}");
    }
    // A missing file.
    let out = dir.join("missing.out.csv");
    let o = lor(&["aggregate", "does-not-exist.csv", "--output", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does-not-exist.csv: file not found"));
    assert!(!out.exists());
    // No stray temporary files anywhere.
    assert!(listing(&dir).iter().all(|f| !f.starts_with(".lor-")));
}

#[test]
fn atomic_output_keeps_the_previous_file_on_error() {
    let dir = scratch("atomic");
    let out = dir.join("table.csv");
    std::fs::write(&out, "previous quarter\n").unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "RAUMID;E_E\n04030417;x5\n04030418;5\n04030419;6\n").unwrap();
    let o = lor(&["aggregate", s(&bad), "--output", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous quarter\n");
    assert_eq!(listing(&dir), vec!["bad.csv", "table.csv"]);
}
