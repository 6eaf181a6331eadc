//! Unattended runs: `lor run JOB.toml`, `lor check`, exit codes, and the
//! promise that a run writes all its outputs or none.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{berlin, lor, scratch, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                m.insert(
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    m
}

/// The bundled Berlin job (docs/unattended.md) with its paths pointing here.
fn berlin_job(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("jobs/berlin.toml")).unwrap();
    let text = text
        .replace("../data/", &format!("{}/data/", root().display()))
        .replace("../out/", &format!("{}/out/", dir.display()));
    let job = dir.join("berlin.toml");
    std::fs::write(&job, text).unwrap();
    job
}

#[test]
fn berlin_job_runs_twice_with_identical_bytes() {
    let dir = scratch("job_berlin");
    let job = berlin_job(&dir);
    let o = lor(&["run", s(&job)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = snapshot(&dir.join("out"));
    let names: Vec<&String> = first.keys().collect();
    assert_eq!(
        names,
        vec![
            "berlin/201812/b04-sozialraeume.csv",
            "berlin/201812/einwohner.xlsx",
            "berlin/b04-abgleich.json",
            "berlin/b04-karte.svg",
            "berlin/kita-plaetze.csv",
            "berlin/mss-2021.xlsx"
        ]
    );
    let o = lor(&["run", s(&job)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let second = snapshot(&dir.join("out"));
    for (k, v) in &first {
        assert!(second[k] == *v, "{k} differs between runs");
    }
    // Accepted kinds are notes, not warnings.
    assert!(stderr(&o).contains("note (missing-plr)"), "{}", stderr(&o));
    // No staging folders left behind.
    assert!(!snapshot(&dir).keys().any(|k| k.contains(".lor-run-")));
}

#[test]
fn sample_job_and_json_log() {
    let dir = scratch("job_sample");
    let text = std::fs::read_to_string(root().join("jobs/auenwalde.toml"))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root().display()))
        .replace("../out/", &format!("{}/out/", dir.display()));
    let job = dir.join("auenwalde.toml");
    std::fs::write(&job, text).unwrap();
    let o = lor(&["run", s(&job), "--log-format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for line in stderr(&o).lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["level"].is_string() && v["message"].is_string());
        }
    }
    let files = snapshot(&dir.join("out"));
    assert!(files.contains_key("auenwalde/202412/einwohner.xlsx"));
    assert!(files.contains_key("auenwalde/202412/einwohner-csv/bzr.csv"));
    assert!(files["auenwalde/indikatoren.parquet"].starts_with(b"PAR1"));
    assert!(files.contains_key("auenwalde/sozialraum-karte.svg"));
    // --dry-run shows the commands and writes nothing.
    let o = lor(&["run", s(&job), "--dry-run"]);
    assert!(o.status.success());
    assert!(stdout(&o).lines().any(|l| l.starts_with("lor aggregate ")));
}

#[test]
fn a_failing_step_writes_nothing() {
    let dir = scratch("job_fail");
    std::fs::write(dir.join("good.csv"), "RAUMID;E_E\n04030417;5\n").unwrap();
    std::fs::write(
        dir.join("bad.csv"),
        "RAUMID;E_E\n04030417;fünf\n04030418;5\n04030419;6\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("job.toml"),
        "[[aggregate]]\nstats = \"good.csv\"\noutput = \"out/a.csv\"\n\n[[aggregate]]\nstats = \"bad.csv\"\noutput = \"out/b.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("step 2 (aggregate)")
            && e.contains("nothing was written")
            && e.contains("'fünf' is not a number"),
        "{e}"
    );
    assert!(!dir.join("out/a.csv").exists());
    assert!(
        !snapshot(&dir).keys().any(|k| k.contains(".lor-run-")),
        "{:?}",
        snapshot(&dir).keys()
    );
}

#[test]
fn job_file_errors_name_the_line() {
    let dir = scratch("job_errors");
    std::fs::write(dir.join("s.csv"), "RAUMID;E_E\n04030417;5\n").unwrap();
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        ("unknown_key.toml", "[[aggregate]]\nstats = \"s.csv\"\nlevelz = \"bzr\"\n", vec!["line 3", "unknown key 'levelz'"]),
        ("unknown_top.toml", "nme = \"x\"\n[[aggregate]]\nstats = \"s.csv\"\n", vec!["line 1", "nme"]),
        ("unknown_step.toml", "[[agregate]]\nstats = \"s.csv\"\n", vec!["agregate"]),
        ("bad_type.toml", "[[aggregate]]\nstats = \"s.csv\"\nlevels = { a = 1 }\n", vec!["line 3", "must be text"]),
        ("syntax.toml", "[[aggregate]\nstats = \"s.csv\"\n", vec!["line 1"]),
        ("no_steps.toml", "name = \"x\"\n", vec!["no steps"]),
        ("no_input.toml", "[[points]]\nunits = \"x.geojson\"\n", vec!["needs 'points'"]),
        ("placeholder.toml", "[[aggregate]]\nstats = \"s.csv\"\noutput = \"out/{QUARTAL}.csv\"\n", vec!["unknown placeholder"]),
        ("zeit.toml", "[[aggregate]]\nstats = \"s.csv\"\noutput = \"out/{ZEIT}.csv\"\n", vec!["no ZEIT column"]),
        ("twice.toml", "[[aggregate]]\nstats = \"s.csv\"\noutput = \"o.csv\"\n[[aggregate]]\nstats = \"s.csv\"\noutput = \"o.csv\"\n", vec!["two steps write"]),
        ("bad_flag_value.toml", "[[aggregate]]\nstats = \"s.csv\"\nlevels = \"kiez\"\noutput = \"o.csv\"\n", vec!["unknown level 'kiez'"]),
    ];
    for (name, text, needles) in cases {
        let job = dir.join(name);
        std::fs::write(&job, text).unwrap();
        let o = lor(&["run", s(&job)]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {e}");
        for n in needles {
            assert!(e.contains(n), "{name}: expected '{n}' in: {e}");
        }
        assert!(
            !dir.join("o.csv").exists() && !dir.join("out").exists(),
            "{name}"
        );
    }
}

#[test]
fn killing_a_run_leaves_the_previous_outputs_untouched() {
    let dir = scratch("job_kill");
    // A large point file makes the last step take a while.
    let mut f = std::fs::File::create(dir.join("points.csv")).unwrap();
    lor::sample::write_random_points(&mut f, 3_000_000, lor::sample::SAMPLE_EXTENT, 5).unwrap();
    drop(f);
    let sample = root().join("data/sample");
    std::fs::copy(sample.join("EWR202412E_Matrix.csv"), dir.join("ewr.csv")).unwrap();
    let job = format!(
        "[[aggregate]]\nstats = \"ewr.csv\"\noutput = \"out/einwohner.csv\"\n\n\
         [[points]]\npoints = \"points.csv\"\nunits = \"{}\"\ncrs = \"EPSG:25833\"\nsum = [\"plaetze\"]\noutput = \"out/punkte.csv\"\n",
        sample.join("plr.geojson").display()
    );
    std::fs::write(dir.join("job.toml"), job).unwrap();
    let o = lor(&["run", s(&dir.join("job.toml")), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&dir.join("out"));
    assert_eq!(before.len(), 2);

    // New statistics for the next quarter, then a run killed half-way.
    let text = std::fs::read_to_string(dir.join("ewr.csv"))
        .unwrap()
        .replace("202412;", "202503;");
    std::fs::write(dir.join("ewr.csv"), text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lor"))
        .args(["run", s(&dir.join("job.toml")), "-q"])
        .spawn()
        .unwrap();
    // Wait until the first step's new output is staged, then kill.
    let out = dir.join("out");
    let t0 = std::time::Instant::now();
    loop {
        let staged = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".lor-run-"))
            .any(|e| e.path().join("einwohner.csv").exists());
        if staged || t0.elapsed().as_secs() > 20 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the run finished before it could be killed"
    );
    let after: BTreeMap<String, Vec<u8>> = snapshot(&out)
        .into_iter()
        .filter(|(k, _)| !k.contains(".lor-run-"))
        .collect();
    assert_eq!(after, before, "a killed run changed the outputs");
    // A complete run replaces both, and clears what the killed one left.
    let o = lor(&["run", s(&dir.join("job.toml")), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let done = snapshot(&out);
    assert!(String::from_utf8_lossy(&done["einwohner.csv"]).contains("202503"));
    assert!(
        !done.keys().any(|k| k.contains(".lor-run-")),
        "{:?}",
        done.keys()
    );
}

#[test]
fn check_finds_the_real_defects() {
    let check = |extra: &[&str]| {
        let (ewr, plr, bzr, pgr, names) = (
            berlin("stats/EWR201812E_Matrix.csv"),
            berlin("lor-2006/plr.geojson.gz"),
            berlin("lor-2006/bzr.geojson.gz"),
            berlin("lor-2006/pgr.geojson.gz"),
            berlin("lor-2006/plr-names.csv"),
        );
        let mut args = vec![
            "check",
            s(&ewr),
            s(&plr),
            s(&bzr),
            s(&pgr),
            "--names",
            s(&names),
            "--format",
            "json",
        ];
        args.extend(extra);
        let o = lor(&args);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["findings"].as_array().unwrap().clone()
    };
    let has = |findings: &[serde_json::Value], code: &str, text: &str| {
        findings
            .iter()
            .any(|f| f["code"] == code && f["message"].as_str().unwrap().contains(text))
    };
    // Without the known correction: the duplicate id, the PLR without
    // polygon, the PLR without row.
    let findings = check(&["--geometry-fix-id", "none"]);
    assert!(has(&findings, "duplicate-id", "06010102 (feature 124"));
    assert!(has(&findings, "no-geometry", "04030417 Schloßstraße"));
    assert!(has(&findings, "missing-plr", "09041403 Allende II"));
    // The holes the two left-out features leave, and one PLR over its BZR border.
    assert!(has(&findings, "gap", "2 gaps"));
    assert!(has(&findings, "nesting", "03061131"));
    assert!(!has(&findings, "fix-id", ""));
    assert_eq!(findings.len(), 8, "{findings:#?}");

    // By default feature 124 is read as 04030417, with a note that is no
    // finding: what is left is Allende II without row and 03061131 over
    // its BZR and PGR borders.
    let findings = check(&[]);
    let note = findings.iter().find(|f| f["code"] == "fix-id").unwrap();
    assert_eq!(note["allowed"], true);
    assert!(
        note["message"].as_str().unwrap().contains(
            "feature 124 'Schloßstraße' (562504 m²) is published under 06010102 but is 04030417"
        ),
        "{note}"
    );
    for code in ["duplicate-id", "no-geometry", "gap"] {
        assert!(!has(&findings, code, ""), "{code}: {findings:#?}");
    }
    let counted: Vec<&str> = findings
        .iter()
        .filter(|f| f["allowed"] == false)
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        counted,
        vec!["missing-plr", "missing-plr", "nesting", "nesting"],
        "{findings:#?}"
    );
    // Bezirk 04 alone, as text: the correction is a note, no finding.
    let o = lor(&[
        "check",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--bezirk",
        "04",
        "--names",
        s(&berlin("lor-2006/plr-names.csv")),
    ]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("\nNotes:\n  [fix-id] "), "{out}");
    assert!(out.ends_with("\nNo findings.\n"), "{out}");
    // The 2021 statistics: suppressed cells and rates of change below 0.
    let o = lor(&[
        "check",
        s(&berlin("stats/mss-2021-kontext-plr2021.csv")),
        "--names",
        s(&berlin("lor-2021/lor-2021.csv")),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let out = stdout(&o);
    assert!(
        out.contains("[missing-values]") && out.contains("[share-range]") && out.contains("'K06'"),
        "{out}"
    );
    // The sample is clean.
    let sample = root().join("data/sample");
    let o = lor(&[
        "check",
        s(&sample.join("EWR202412E_Matrix.csv")),
        s(&sample.join("plr.geojson")),
        "--names",
        s(&sample.join("plr.csv")),
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("No findings."));
}

#[test]
fn malformed_workbooks_are_refused() {
    let dir = scratch("bad_xlsx");
    std::fs::write(
        dir.join("broken.xlsx"),
        b"PK\x03\x04 this is not a zip archive",
    )
    .unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet();
    wb.save(dir.join("empty.xlsx")).unwrap();
    std::fs::write(
        dir.join("zip.csv"),
        b"PK\x03\x04 an Excel file with the wrong name",
    )
    .unwrap();
    for (name, needle) in [
        ("broken.xlsx", "cannot open workbook"),
        ("empty.xlsx", "is empty"),
        ("zip.csv", "this is an Excel/zip file"),
    ] {
        let out = dir.join(format!("{name}.out.csv"));
        let o = lor(&["aggregate", s(&dir.join(name)), "--output", s(&out)]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{name}: {}", stderr(&o));
        assert!(!out.exists());
    }
}

/// `labels = "labels.csv"` names the file beside the job file, also when
/// lor runs in another folder; `labels = "de"` stays the keyword.
#[test]
fn labels_file_beside_the_job_resolves_against_the_job_file() {
    let dir = scratch("job_labels");
    let jobs = dir.join("jobs");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&jobs).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(
        root().join("data/sample/EWR202412E_Matrix.csv"),
        jobs.join("st.csv"),
    )
    .unwrap();
    std::fs::write(jobs.join("labels.csv"), "E_E;Einwohner gesamt\n").unwrap();
    std::fs::write(
        jobs.join("job.toml"),
        "[[aggregate]]\nstats = 'st.csv'\nlevels = 'bez'\nvintage = 2021\nlabels = 'labels.csv'\noutput = 'mit-datei.csv'\n\n\
         [[aggregate]]\nstats = 'st.csv'\nlevels = 'bez'\nlor = 2021\nlabels = 'de'\noutput = 'mit-de.csv'\n",
    )
    .unwrap();
    // Run from another folder, with the job named relative to it.
    let o = Command::new(env!("CARGO_BIN_EXE_lor"))
        .args(["run", "../jobs/job.toml"])
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let header = |name: &str| -> Vec<String> {
        let text = std::fs::read_to_string(jobs.join(name)).unwrap();
        text.lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect()
    };
    let with_file = header("mit-datei.csv");
    assert!(
        with_file.contains(&"Einwohner gesamt".to_string()),
        "{with_file:?}"
    );
    assert!(!with_file.contains(&"E_E".to_string()), "{with_file:?}");
    // The built-in German labels.
    let with_de = header("mit-de.csv");
    assert!(
        with_de.contains(&"Einwohnerinnen und Einwohner insgesamt".to_string()),
        "{with_de:?}"
    );
    // Nothing was written in the folder lor ran in.
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Statistics with one date, and a names table whose name of 04030417 is
/// a spreadsheet formula.
fn formula_inputs(dir: &Path) {
    std::fs::write(
        dir.join("st.csv"),
        "ZEIT;RAUMID;E_E\n202412;04030417;5\n202412;04030418;7\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("names.csv"),
        "RAUMID;Planungsraum\n04030417;=HYPERLINK(1)\n04030418;Zwei\n",
    )
    .unwrap();
}

/// `lor ARGS -o OUT` run alone in `dir`; the bytes written.
fn alone(dir: &Path, args: &[&str], out: &str) -> Vec<u8> {
    let out = dir.join(out);
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["-o", s(&out)]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
        .current_dir(dir)
        .args(&a)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read(&out).unwrap()
}

#[test]
fn one_steps_options_never_leak_into_the_next() {
    let dir = scratch("job_no_leak");
    formula_inputs(&dir);
    // The first step writes formulas as they are; the later steps do not
    // say so and write them guarded.
    std::fs::write(
        dir.join("job.toml"),
        "[[aggregate]]\nstats = \"st.csv\"\nnames = \"names.csv\"\nlevels = \"plr\"\nno_formula_guard = true\noutput = \"out/raw.csv\"\n\n\
         [[aggregate]]\nstats = \"st.csv\"\nnames = \"names.csv\"\nlevels = \"plr\"\noutput = \"out/guarded.csv\"\n\n\
         [[series]]\ninputs = [\"st.csv\"]\nnames = \"names.csv\"\nlevels = \"plr\"\noutput = \"out/series.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |name: &str| std::fs::read_to_string(dir.join("out").join(name)).unwrap();
    let raw = read("raw.csv");
    assert!(
        raw.contains(",=HYPERLINK(1),") && !raw.contains("'="),
        "{raw}"
    );
    for later in ["guarded.csv", "series.csv"] {
        let text = read(later);
        assert!(text.contains(",'=HYPERLINK(1),"), "{later}: {text}");
        assert!(!text.contains(",=HYPERLINK(1),"), "{later}: {text}");
    }
    // Exactly as when each runs alone.
    let step = |command| [command, "st.csv", "--names", "names.csv", "--levels", "plr"];
    let aggregate = step("aggregate");
    for (argv, alone_name, in_job) in [
        (aggregate, "alone.csv", "guarded.csv"),
        (step("series"), "alone-series.csv", "series.csv"),
    ] {
        assert_eq!(
            alone(&dir, &argv, alone_name),
            read(in_job).into_bytes(),
            "{in_job}"
        );
    }
    let mut raw_alone = aggregate.to_vec();
    raw_alone.push("--no-formula-guard");
    assert_eq!(alone(&dir, &raw_alone, "alone-raw.csv"), raw.into_bytes());
}

#[test]
fn what_one_step_reads_changes_nothing_of_the_next() {
    let dir = scratch("job_reads");
    formula_inputs(&dir);
    // File A: read by step 1 only (its own statistics and names).
    std::fs::create_dir(dir.join("a")).unwrap();
    std::fs::write(
        dir.join("a/st.csv"),
        "ZEIT;RAUMID;E_E\n202412;04030417;50\n202412;04030418;70\n",
    )
    .unwrap();
    let a_before = std::fs::read(dir.join("a/st.csv")).unwrap();
    // Step 1 (`check`) reads A; step 2 (`aggregate`) reads st.csv and
    // writes B.
    std::fs::write(
        dir.join("job.toml"),
        "[[check]]\nstats = \"a/st.csv\"\nnames = \"names.csv\"\n\n\
         [[aggregate]]\nstats = \"st.csv\"\nnames = \"names.csv\"\nlevels = \"plr,bez\"\noutput = \"out/b.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let b = std::fs::read(dir.join("out/b.csv")).unwrap();
    let alone_b = alone(
        &dir,
        &[
            "aggregate",
            "st.csv",
            "--names",
            "names.csv",
            "--levels",
            "plr,bez",
        ],
        "alone.csv",
    );
    assert_eq!(b, alone_b);
    let rows = common::csv_rows(&String::from_utf8(b).unwrap());
    let bez = rows.iter().find(|r| r["level"] == "bez").unwrap();
    assert_eq!(bez["E_E"], "12", "step 2's own figures, not A's");
    assert_eq!(std::fs::read(dir.join("a/st.csv")).unwrap(), a_before);
    // Only the job's own inputs are refused: B may not be A, nor st.csv.
    std::fs::write(
        dir.join("job2.toml"),
        "[[check]]\nstats = \"a/st.csv\"\n\n[[aggregate]]\nstats = \"st.csv\"\noutput = \"a/st.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("job2.toml"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is an input of the job"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(dir.join("a/st.csv")).unwrap(), a_before);
}

/// A quarterly delivery that lost a column no formula uses (`E_EM`,
/// "männlich") fails the job, naming the column, with exit 1 and nothing
/// written; the columns expected are those of the last delivery.
#[test]
fn a_delivery_without_a_column_of_the_last_one_fails_naming_it() {
    let dir = scratch("job_expect_columns");
    let last = berlin("stats/EWR201812E_Matrix.csv");
    let text = std::fs::read_to_string(&last).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(';').collect();
    let gone = header.iter().position(|h| *h == "E_EM").unwrap();
    let without: String = text
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(';').collect();
            cells.remove(gone);
            cells.join(";") + "\n"
        })
        .collect();
    std::fs::write(dir.join("new.csv"), without).unwrap();
    let job = dir.join("job.toml");
    std::fs::write(
        &job,
        format!(
            "strict = true\nallow = [\"missing-plr\"]\n\n[[aggregate]]\nstats = \"new.csv\"\nexpect_columns_of = {:?}\nlevels = \"bez\"\noutput = \"out/einwohner.csv\"\n",
            s(&last)
        ),
    )
    .unwrap();
    let o = lor(&["run", s(&job)]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("new.csv: 1 expected column is missing (the columns of ")
            && e.contains("EWR201812E_Matrix.csv): E_EM"),
        "{e}"
    );
    assert!(!dir.join("out").exists());
    // The same delivery with all its columns passes.
    std::fs::copy(&last, dir.join("new.csv")).unwrap();
    let o = lor(&["run", s(&job)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
