//! Outputs and safety: the one output path never replaces an input, writes
//! devices and FIFOs in place, follows symlinks, commits several files all or
//! none (also when killed), and jobs cannot write outside their folders.
//! Every case asserts the exit code, the key words of the message and that
//! no output appeared / the inputs are untouched.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample(rel: &str) -> std::path::PathBuf {
    root().join("data/sample").join(rel)
}

/// Every file under `dir` (relative names, including hidden ones) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                walk(base, &p, out);
            } else if meta.is_file() {
                let rel = p.strip_prefix(base).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

const STATS: &str = "RAUMID;ZEIT;E_E\n04030417;202412;5\n04030418;202412;7\n";

#[test]
fn aggregate_onto_its_own_input_is_refused() {
    let dir = scratch("safety_self");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    let o = lor(&["aggregate", s(&f), "-o", s(&f)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is an input"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), STATS);
    // The same file through another name: a hard link, a symlink, `./x/..`.
    std::fs::hard_link(&f, dir.join("hard.csv")).unwrap();
    std::os::unix::fs::symlink("st.csv", dir.join("link.csv")).unwrap();
    std::fs::create_dir(dir.join("x")).unwrap();
    for other in ["hard.csv", "link.csv", "x/../st.csv"] {
        let o = lor(&["aggregate", s(&f), "-o", s(&dir.join(other))]);
        assert_eq!(o.status.code(), Some(2), "{other}: {}", stderr(&o));
        assert!(stderr(&o).contains("is an input"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&f).unwrap(), STATS);
    assert_eq!(listing(&dir), vec!["hard.csv", "link.csv", "st.csv", "x"]);
}

#[test]
fn mismatch_outputs_naming_its_inputs_are_refused() {
    let dir = scratch("safety_mismatch");
    let (a, b, st) = (
        dir.join("a.geojson"),
        dir.join("b.geojson"),
        dir.join("st.csv"),
    );
    std::fs::copy(sample("plr.geojson"), &a).unwrap();
    std::fs::copy(sample("sozialraeume.geojson"), &b).unwrap();
    std::fs::copy(sample("EWR202412E_Matrix.csv"), &st).unwrap();
    let before = snapshot(&dir);
    let o = lor(&[
        "mismatch",
        s(&a),
        s(&b),
        "--stats",
        s(&st),
        "--geojson",
        s(&a),
        "-o",
        s(&st),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is an input"), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before, "an input was changed");
    // The map onto layer B: its name is no SVG's, refused before that.
    let o = lor(&["mismatch", s(&a), s(&b), "--svg", s(&b)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("this writes an SVG map; name the file .svg"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&dir), before, "an input was changed");
}

#[test]
fn a_fifo_is_written_in_place() {
    let dir = scratch("safety_fifo");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    let fifo = dir.join("pipe.csv");
    let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = lor(&["aggregate", s(&f), "-o", s(&fifo)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = reader.join().unwrap();
    assert!(text.starts_with("level,key,name,ZEIT,E_E\n"), "{text}");
    assert!(text.contains("bez,04,"), "{text}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert_eq!(listing(&dir), vec!["pipe.csv", "st.csv"]);
}

#[test]
fn a_symlink_keeps_its_link_and_its_target_is_replaced() {
    let dir = scratch("safety_symlink");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    std::fs::create_dir(dir.join("real")).unwrap();
    std::fs::write(dir.join("real/out.csv"), "old").unwrap();
    let link = dir.join("out.csv");
    std::os::unix::fs::symlink("real/out.csv", &link).unwrap();
    let o = lor(&["aggregate", s(&f), "-o", s(&link)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let text = std::fs::read_to_string(dir.join("real/out.csv")).unwrap();
    assert!(text.contains("bez,04,"), "{text}");
    // No temporary files left beside the target.
    assert_eq!(listing(&dir.join("real")), vec!["out.csv"]);
}

#[test]
fn dev_null_stays_a_device() {
    let dir = scratch("safety_devnull");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    // As root (as in cron), a rename would replace the device.
    let o = lor(&["aggregate", s(&f), "-o", "/dev/null", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "/dev/null is no longer a device"
    );
}

#[test]
fn missing_parent_folders_are_created() {
    let dir = scratch("safety_parents");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    let out = dir.join("new/sub/out.csv");
    let o = lor(&["aggregate", s(&f), "-o", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out).unwrap().contains("bez,04,"));
}

#[test]
fn a_full_disk_on_stdout_is_an_error_and_a_closed_pipe_is_not() {
    let dir = scratch("safety_stdout");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_lor"))
        .args(["aggregate", s(&f)])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stdout: cannot write"),
        "{}",
        stderr(&o)
    );

    // `lor run --dry-run | head -n 1`, with far more than a pipe buffer of
    // output: the closed pipe is a normal end, no panic.
    let mut job = String::new();
    for i in 0..3000 {
        job.push_str(&format!(
            "[[aggregate]]\nstats = \"st.csv\"\noutput = \"out/table-{i:04}-with-a-long-name.csv\"\n"
        ));
    }
    std::fs::write(dir.join("job.toml"), job).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' run '{}' --dry-run | head -n 1; echo \"status=${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_lor"),
            dir.join("job.toml").display()
        ))
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.starts_with("lor aggregate "), "{out}");
    assert!(out.contains("status=0"), "{out}\n{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn unknown_output_extensions_are_usage_errors() {
    let dir = scratch("safety_ext");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    for name in ["out.xls", "out.txt", "out"] {
        let o = lor(&["aggregate", s(&f), "-o", s(&dir.join(name))]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("does not name an output format"),
            "{}",
            stderr(&o)
        );
    }
    assert!(stderr(&lor(&["aggregate", s(&f), "-o", s(&dir.join("x.xls"))])).contains(".xlsx"));
    assert_eq!(listing(&dir), vec!["st.csv"]);
    // With --format the name is free.
    let o = lor(&[
        "aggregate",
        s(&f),
        "-o",
        s(&dir.join("out.txt")),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    assert!(text.starts_with("level,key,name,"), "{text}");
    // A crosswalk is .csv or .parquet; a mismatch report .csv or .json.
    let o = lor(&[
        "mismatch",
        s(&sample("plr.geojson")),
        s(&sample("sozialraeume.geojson")),
        "-o",
        s(&dir.join("report.xls")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.join("report.xls").exists());
    let o = lor(&[
        "crosswalk",
        s(&sample("plr.geojson")),
        s(&sample("sozialraeume.geojson")),
        "-o",
        s(&dir.join("cw.xlsx")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("this writes a crosswalk as CSV or Parquet; name the file .csv or .parquet"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("cw.xlsx").exists());
}

#[test]
fn formulas_from_data_are_neutralised_in_csv() {
    let dir = scratch("safety_formula");
    let f = dir.join("st.csv");
    std::fs::write(
        &f,
        "RAUMID;E_E;Hinweis\n04030417;5;=HYPERLINK(\"http://x\")\n04030418;7;@SUM(1)\n04030419;2;+cmd|' /C calc'!A0\n04030420;1;-5\n",
    )
    .unwrap();
    let out = dir.join("o.csv");
    let args = ["aggregate", s(&f), "--levels", "plr", "--carry", "Hinweis"];
    let o = lor(&[&args[..], &["-o", s(&out)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(text.contains(",'@SUM(1)\n"), "{text}");
    assert!(text.contains(",'+cmd|' /C calc'!A0\n"), "{text}");
    // A negative number is a number, not a formula.
    assert!(text.contains("04030420,,1,-5\n"), "{text}");
    // Excel-CSV too; keys keep their leading zeros as ="04030417".
    let xout = dir.join("e.csv");
    let o = lor(&[&args[..], &["-o", s(&xout), "--format", "excel-csv"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&xout).unwrap();
    assert!(
        text.contains("plr;\"=\"\"04030417\"\"\";Schloßstraße;5;\"'=HYPERLINK("),
        "{text}"
    );
    assert!(text.contains(";'@SUM(1)\r\n"), "{text}");
    // --no-formula-guard writes them as they are.
    let o = lor(&[&args[..], &["-o", s(&out), "--no-formula-guard"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(",@SUM(1)\n"), "{text}");
}

#[test]
fn long_values_are_cut_in_messages() {
    let dir = scratch("safety_clip");
    let f = dir.join("st.csv");
    let long = "x".repeat(100_000);
    std::fs::write(
        &f,
        format!("RAUMID;E_E\n04030417;5\n04030418;{long}\n04030419;6\n04030420;7\n"),
    )
    .unwrap();
    let o = lor(&["aggregate", s(&f), "-o", s(&dir.join("o.csv"))]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("is not a number") && e.contains("…"), "{e}");
    assert!(e.len() < 1000, "message of {} bytes", e.len());
    assert!(!dir.join("o.csv").exists());
}

/// A folder with the sample statistics and a job file.
fn job_dir(name: &str, job: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("st.csv"), STATS).unwrap();
    std::fs::write(dir.join("job.toml"), job).unwrap();
    dir
}

#[test]
fn a_job_step_writing_onto_its_input_is_refused() {
    let dir = job_dir(
        "safety_job_self",
        "[[aggregate]]\nstats = \"st.csv\"\noutput = \"out/a.csv\"\n\n[[aggregate]]\nstats = \"st.csv\"\noutput = \"st.csv\"\n",
    );
    let before = snapshot(&dir);
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is an input of the job"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn job_placeholders_from_data_must_be_safe() {
    for (i, zeit) in ["../../../../x", "/tmp/x", "..", "", "{date}", "a/b"]
        .iter()
        .enumerate()
    {
        let dir = scratch(&format!("safety_zeit_{i}"));
        std::fs::write(
            dir.join("st.csv"),
            format!("RAUMID;ZEIT;E_E\n04030417;{zeit};5\n04030418;{zeit};7\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("job.toml"),
            "[[aggregate]]\nstats = \"st.csv\"\noutput = \"out/{ZEIT}/a.csv\"\n",
        )
        .unwrap();
        let o = lor(&["run", s(&dir.join("job.toml"))]);
        assert_eq!(o.status.code(), Some(1), "{zeit:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot be part of a file name"),
            "{zeit:?}: {}",
            stderr(&o)
        );
        assert_eq!(listing(&dir), vec!["job.toml", "st.csv"], "{zeit:?}");
    }
}

#[test]
fn job_outputs_stay_inside_the_job_folder_or_output_root() {
    let dir = job_dir(
        "safety_job_escape",
        "[[aggregate]]\nstats = \"st.csv\"\noutput = \"../escaped.csv\"\n",
    );
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("lies outside"), "{}", stderr(&o));
    assert!(!dir.parent().unwrap().join("escaped.csv").exists());
    // With output_root naming the folder, the same output is allowed.
    std::fs::create_dir_all(dir.join("jobs")).unwrap();
    std::fs::write(
        dir.join("jobs/job.toml"),
        "output_root = \"../out\"\n[[aggregate]]\nstats = \"../st.csv\"\noutput = \"../out/a.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("jobs/job.toml")), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("out/a.csv").exists());
    std::fs::write(
        dir.join("jobs/job.toml"),
        "output_root = \"../out\"\n[[aggregate]]\nstats = \"../st.csv\"\noutput = \"../b.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("jobs/job.toml"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("output_root"), "{}", stderr(&o));
    assert!(!dir.join("b.csv").exists());
}

#[test]
fn a_step_without_its_input_is_a_usage_error() {
    let dir = job_dir(
        "safety_job_noinput",
        "[[aggregate]]\noutput = \"out/a.csv\"\n",
    );
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs 'stats'"), "{}", stderr(&o));
    assert!(!dir.join("out").exists());
}

#[test]
fn two_outputs_resolving_to_one_file_are_a_usage_error() {
    let dir = job_dir(
        "safety_job_twice",
        "[[aggregate]]\nstats = \"st.csv\"\noutput = \"out/a.csv\"\n\n[[aggregate]]\nstats = \"st.csv\"\nlevels = \"bzr\"\noutput = \"out/../out/a.csv\"\n",
    );
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("two steps write"), "{}", stderr(&o));
    assert!(!dir.join("out").exists());
}

#[test]
fn step_level_strict_and_allow_apply() {
    // A missing value: warning 'missing-values'.
    let stats = "RAUMID;E_E\n04030417;5\n04030418;\n";
    let dir = job_dir(
        "safety_job_strict",
        "strict = true\n[[aggregate]]\nstats = \"st.csv\"\noutput = \"out/a.csv\"\n",
    );
    std::fs::write(dir.join("st.csv"), stats).unwrap();
    let o = lor(&["run", s(&dir.join("job.toml")), "-q"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!dir.join("out").exists(), "{:?}", snapshot(&dir).keys());
    // The step's strict = false overrides the job's strict = true.
    std::fs::write(
        dir.join("job.toml"),
        "strict = true\n[[aggregate]]\nstats = \"st.csv\"\nstrict = false\noutput = \"out/a.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("job.toml")), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("out/a.csv").exists());
    // The step's allow accepts the kind for that step only.
    std::fs::write(
        dir.join("job.toml"),
        "strict = true\n[[aggregate]]\nstats = \"st.csv\"\nallow = [\"missing-values\", \"missing-plr\", \"unknown-key\"]\noutput = \"out/b.csv\"\n",
    )
    .unwrap();
    let o = lor(&["run", s(&dir.join("job.toml"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note (missing-values)"),
        "{}",
        stderr(&o)
    );
    assert!(dir.join("out/b.csv").exists());
}

/// Run with `LOR_FAULT_AFTER_MOVES=n`: the process dies (abort) after n of
/// the final moves, like a kill.
fn run_faulty(args: &[&str], n: usize) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lor"))
        .args(args)
        .env("LOR_FAULT_AFTER_MOVES", n.to_string())
        .output()
        .unwrap()
}

fn visible(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| !k.contains(".lor-"))
        .collect()
}

#[test]
fn a_run_killed_during_the_final_moves_is_rolled_back() {
    let dir = job_dir(
        "safety_kill_moves",
        "[[aggregate]]\nstats = \"st.csv\"\noutput = \"out/a.csv\"\n\n\
         [[aggregate]]\nstats = \"st.csv\"\nformat = \"json\"\noutput = \"out/b.json\"\n\n\
         [[aggregate]]\nstats = \"st.csv\"\noutput_dir = \"out/levels\"\n",
    );
    let job = dir.join("job.toml");
    let o = lor(&["run", s(&job), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = visible(&dir.join("out"));
    assert_eq!(before.len(), 6, "{:?}", before.keys());

    // The next quarter; killed after two of the six moves.
    std::fs::write(dir.join("st.csv"), STATS.replace("202412", "202503")).unwrap();
    let o = run_faulty(&["run", s(&job), "-q"], 2);
    assert!(!o.status.success());
    let half = visible(&dir.join("out"));
    assert_ne!(half, before, "the fault came before any move");
    // The previous files are kept beside the targets.
    assert!(snapshot(&dir.join("out"))
        .keys()
        .any(|k| k.contains(".lor-run-") && k.ends_with(".old/a.csv")));

    // The next run rolls the killed commit back before it stages (here it
    // dies itself before its first move): the previous files are back.
    let o = run_faulty(&["run", s(&job), "-q"], 0);
    assert!(!o.status.success());
    assert_eq!(visible(&dir.join("out")), before, "not rolled back");

    // A complete run replaces all and leaves nothing behind.
    let o = lor(&["run", s(&job), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let done = snapshot(&dir.join("out"));
    assert_eq!(done.len(), 6, "{:?}", done.keys());
    assert!(String::from_utf8_lossy(&done["a.csv"]).contains("202503"));
    assert!(String::from_utf8_lossy(&done["levels/bez.csv"]).contains("202503"));
}

#[test]
fn output_dir_killed_during_the_moves_is_rolled_back() {
    let dir = scratch("safety_kill_dir");
    let f = dir.join("st.csv");
    std::fs::write(&f, STATS).unwrap();
    let out = dir.join("levels");
    let o = lor(&["aggregate", s(&f), "--output-dir", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = visible(&out);
    assert_eq!(before.len(), 4);
    std::fs::write(&f, STATS.replace("202412", "202503")).unwrap();
    let o = run_faulty(&["aggregate", s(&f), "--output-dir", s(&out)], 1);
    assert!(!o.status.success());
    assert_ne!(visible(&out), before);
    let o = run_faulty(&["aggregate", s(&f), "--output-dir", s(&out)], 0);
    assert!(!o.status.success());
    assert_eq!(visible(&out), before, "not rolled back");
    let o = lor(&["aggregate", s(&f), "--output-dir", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        listing(&out),
        vec!["berlin.csv", "bez.csv", "bzr.csv", "pgr.csv"]
    );
}

/// A failed `--output-dir` (one target is a folder) leaves nothing behind:
/// no staged files, no work folder.
#[test]
fn a_failed_output_dir_leaves_no_work_folder() {
    let dir = scratch("output_dir_fails");
    std::fs::create_dir_all(dir.join("pgr.csv")).unwrap();
    let o = lor(&[
        "aggregate",
        s(&sample("EWR202412E_Matrix.csv")),
        "--format",
        "excel-csv",
        "--output-dir",
        s(&dir),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("pgr.csv: is a folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(&dir), ["pgr.csv"]);
}

/// The same in a job: the refused final move leaves no work folder beside
/// the targets.
#[test]
fn a_failed_job_commit_leaves_no_work_folder() {
    let dir = scratch("job_commit_fails");
    std::fs::create_dir_all(dir.join("out/x/pgr.csv")).unwrap();
    let job = dir.join("fail.toml");
    std::fs::write(
        &job,
        format!(
            "name = \"fail\"\noutput_root = \"out\"\n[[aggregate]]\nstats = \"{0}\"\noutput = \"out/a.csv\"\n[[aggregate]]\nstats = \"{0}\"\nformat = \"excel-csv\"\noutput_dir = \"out/x\"\n",
            s(&sample("EWR202412E_Matrix.csv"))
        ),
    )
    .unwrap();
    let o = lor(&["run", s(&job), "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(listing(&dir.join("out")), ["x"]);
    assert_eq!(listing(&dir.join("out/x")), ["pgr.csv"]);
}
