//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod browser;

/// The real Berlin data beside the project (`data/berlin`).
pub fn berlin(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/berlin")
        .join(rel)
}

/// A published table read with the csv crate alone (independent of lor's
/// reader): key column → column → text.
pub fn published(rel: &str, delimiter: u8) -> BTreeMap<String, BTreeMap<String, String>> {
    let bytes = std::fs::read(berlin(rel)).expect("shared data present");
    let text = String::from_utf8(bytes).expect("utf-8");
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let mut row = BTreeMap::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            row.insert(h.to_string(), v.to_string());
        }
        out.insert(rec[0].to_string(), row);
    }
    out
}

/// A row of a CSV output: column → text.
pub type Row = BTreeMap<String, String>;

/// A CSV output of `lor` as rows (read with the csv crate alone).
pub fn csv_rows(text: &str) -> Vec<Row> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The numeric cells of a CSV file, row by row (column → value), with the
/// raw row for the caller's key.
pub fn numeric_rows(path: &Path) -> Vec<(csv::StringRecord, BTreeMap<String, f64>)> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let m = headers
                .iter()
                .zip(r.iter())
                .filter_map(|(h, v)| v.parse::<f64>().ok().map(|x| (h.to_string(), x)))
                .collect();
            (r, m)
        })
        .collect()
}

/// Run the `lor` binary.
pub fn lor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lor"))
        .args(args)
        .output()
        .expect("run lor")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `lor aggregate INPUT --levels bez --output OUT` for an input that must
/// be refused: exit 1 and no output file. Returns the message.
pub fn aggregate_refused(input: &Path, out: &Path) -> String {
    let o = lor(&[
        "aggregate",
        input.to_str().unwrap(),
        "--levels",
        "bez",
        "--output",
        out.to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(!out.exists(), "{} was written", out.display());
    e
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh empty directory under the target dir for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Files in a directory (names), sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
