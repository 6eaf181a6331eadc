//! Reconcile computed levels with published aggregate tables.
//!
//! A published table (CSV: the statistics office's BZR, PGR, Bezirk or city
//! tables) has a key column (`id`, `RAUMID`, `key`, … or the first column);
//! the level of each row comes from the length of its key: 8 digits PLR,
//! 6 BZR, 4 PGR, 2 Bezirk, `0` or `berlin`/`BE` the city. Its columns are
//! matched with the computed ones by name, or by `COMPUTED=PUBLISHED` pairs.
//! Counts (rule `sum`) must be equal; shares, ratios and means may differ by
//! `tolerance` (absolute, in the column's unit). Every deviation is one
//! warning (`published-deviation`) naming the unit, the column and both
//! values.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

use crate::aggregation::rules::{ColumnRule, Rule};
use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::table::stats::csv::sniff_delimiter;
use crate::table::stats::numbers::parse_number;
use crate::text::format_f64;

/// One difference between a computed and a published value.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    pub file: String,
    pub level: Level,
    pub key: String,
    pub column: String,
    pub computed: Option<f64>,
    pub published: Option<f64>,
}

impl Deviation {
    pub fn message(&self) -> String {
        let show = |v: Option<f64>| v.map(format_f64).unwrap_or_else(|| "empty".into());
        format!(
            "{}: {} {}, column '{}': computed {}, published {}",
            self.file,
            self.level.german(),
            self.key,
            self.column,
            show(self.computed),
            show(self.published)
        )
    }
}

/// Parse `--map COMPUTED=PUBLISHED` values.
pub fn parse_map(values: &[String]) -> Result<Vec<(String, String)>> {
    values
        .iter()
        .map(|v| {
            v.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| {
                    usage_error(format!(
                        "--map '{v}': write COMPUTED=PUBLISHED, e.g. --map 'E_E=inhabitants'"
                    ))
                })
        })
        .collect()
}

fn level_of_key(key: &str) -> Option<Level> {
    let k = key.trim();
    if k == "0" || k.eq_ignore_ascii_case("berlin") || k.eq_ignore_ascii_case("BE") {
        return Some(Level::Berlin);
    }
    if !k.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Level::from_digits(k.len())
}

const KEY_NAMES: [&str; 6] = ["id", "key", "raumid", "schluessel", "schlüssel", "lor"];

/// Compare `tables` (computed) with the published table in `path`.
pub fn check_against(
    tables: &[LevelTable],
    rules: &[ColumnRule],
    path: &Path,
    map: &[(String, String)],
    tolerance: f64,
) -> Result<(Vec<Deviation>, Warnings)> {
    let file = path.display().to_string();
    let text = read_text(path, &file)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(r) => r
            .map_err(|e| input_error(format!("{file}: {e}")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect(),
        None => return Err(input_error(format!("{file}: the file is empty"))),
    };
    let key_idx = header
        .iter()
        .position(|h| KEY_NAMES.contains(&h.to_lowercase().as_str()))
        .unwrap_or(0);
    let computed_cols: Vec<&String> = tables
        .first()
        .map(|t| t.columns.iter().collect())
        .unwrap_or_default();
    let matched = match_columns(&header, key_idx, &computed_cols, rules, map);
    check_map(map, &header, &computed_cols, &file)?;
    if matched.is_empty() {
        return Err(usage_error(format!(
            "{file}: no column matches a computed count or share; match them with --map COMPUTED=PUBLISHED"
        )));
    }
    let published = Published {
        file,
        header,
        key_idx,
        matched,
        decimal_comma: delimiter == b';',
        tolerance,
    };
    let mut found = Found::default();
    for (line, rec) in records.enumerate() {
        let rec = rec.map_err(|e| input_error(format!("{}: {e}", published.file)))?;
        published.compare_row(tables, &rec, line + 2, &mut found)?;
    }
    let warnings = found.warnings(&published.file);
    Ok((found.deviations, warnings))
}

/// The published file as UTF-8 text (a byte-order mark dropped).
fn read_text(path: &Path, file: &str) -> Result<String> {
    let bytes = crate::table::input::read_bytes(path)?;
    String::from_utf8(
        bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&bytes)
            .to_vec(),
    )
    .map_err(|_| input_error(format!("{file}: the published table is not UTF-8 text")))
}

/// A published column matched with a computed one.
#[derive(Debug, Clone, PartialEq)]
struct Matched {
    /// Index of the published column.
    published: usize,
    computed: String,
    /// A count (must be equal), else a share, ratio or mean (within the
    /// tolerance).
    count: bool,
}

/// The published columns (other than the key) that match a computed count
/// or share: through `map` (`COMPUTED=PUBLISHED`), else by name. Labels,
/// min/max and dropped columns are not compared.
fn match_columns(
    header: &[String],
    key_idx: usize,
    computed_cols: &[&String],
    rules: &[ColumnRule],
    map: &[(String, String)],
) -> Vec<Matched> {
    let rule_of: HashMap<&str, &Rule> =
        rules.iter().map(|r| (r.column.as_str(), &r.rule)).collect();
    let mut matched = Vec::new();
    for (pi, h) in header.iter().enumerate() {
        if pi == key_idx {
            continue;
        }
        let computed = map
            .iter()
            .find(|(_, p)| p == h)
            .map(|(c, _)| c.clone())
            .or_else(|| {
                computed_cols
                    .iter()
                    .find(|c| **c == h)
                    .map(|c| c.to_string())
            });
        let Some(c) = computed else { continue };
        let count = match rule_of.get(c.as_str()) {
            Some(Rule::Sum) => true,
            Some(Rule::Mean { .. } | Rule::Ratio { .. }) => false,
            _ => continue,
        };
        matched.push(Matched {
            published: pi,
            computed: c,
            count,
        });
    }
    matched
}

/// Every `--map COMPUTED=PUBLISHED` names a published and a computed column.
fn check_map(
    map: &[(String, String)],
    header: &[String],
    computed_cols: &[&String],
    file: &str,
) -> Result<()> {
    for (c, p) in map {
        if !header.contains(p) {
            return Err(usage_error(format!(
                "--map '{c}={p}': {file} has no column '{p}'. Columns: {}",
                examples(header, 30)
            )));
        }
        if !computed_cols.contains(&c) {
            return Err(usage_error(format!(
                "--map '{c}={p}': no computed column '{c}'"
            )));
        }
    }
    Ok(())
}

/// A published table: its header, key column and matched columns.
struct Published {
    file: String,
    header: Vec<String>,
    key_idx: usize,
    matched: Vec<Matched>,
    decimal_comma: bool,
    tolerance: f64,
}

/// What the rows of a published table showed.
#[derive(Default)]
struct Found {
    deviations: Vec<Deviation>,
    /// Published units not among the computed ones (`Bezirksregion 010111`).
    not_computed: Vec<String>,
}

impl Found {
    /// One warning for the units not computed, one per deviation.
    fn warnings(&self, file: &str) -> Warnings {
        let mut warnings = Warnings::default();
        let n = self.not_computed.len();
        if n > 0 {
            warnings.push(
                crate::error::WarningCode::PublishedUnit,
                format!(
                    "{file}: {n} published unit{} not among the computed ones (another level, or not in the input): {}",
                    if n == 1 { "" } else { "s" },
                    examples(&self.not_computed, 5)
                ),
            );
        }
        for d in &self.deviations {
            warnings.push(crate::error::WarningCode::PublishedDeviation, d.message());
        }
        warnings
    }
}

impl Published {
    /// Compare one row (file line `line`) with the computed unit of its key.
    fn compare_row(
        &self,
        tables: &[LevelTable],
        rec: &csv::StringRecord,
        line: usize,
        found: &mut Found,
    ) -> Result<()> {
        let key = rec.get(self.key_idx).unwrap_or("").trim().to_string();
        if rec.iter().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        let level = level_of_key(&key).ok_or_else(|| {
            input_error(format!(
                "{}, line {line}, column '{}': '{key}' is not a LOR key (8, 6, 4 or 2 digits, or 0 for Berlin)",
                self.file, self.header[self.key_idx]
            ))
        })?;
        let Some((t, row)) = computed_row(tables, level, &key) else {
            found.not_computed.push(format!("{} {key}", level.german()));
            return Ok(());
        };
        for m in &self.matched {
            let raw = rec.get(m.published).unwrap_or("");
            let published = parse_number(raw, self.decimal_comma);
            if published.is_none()
                && !raw.trim().is_empty()
                && !crate::table::stats::numbers::is_missing_marker(raw)
            {
                return Err(input_error(format!(
                    "{}, line {line}, column '{}': '{raw}' is not a number",
                    self.file, self.header[m.published]
                )));
            }
            let j = t.column_index(&m.computed).expect("matched column");
            let computed = match &t.rows[row][j] {
                Value::Num(x) => Some(*x),
                _ => None,
            };
            if !agree(computed, published, m.count, self.tolerance) {
                found.deviations.push(Deviation {
                    file: self.file.clone(),
                    level,
                    key: key.clone(),
                    column: m.computed.clone(),
                    computed,
                    published,
                });
            }
        }
        Ok(())
    }
}

/// The computed table of `level` and the row of `key` in it (Berlin: its
/// one row, whatever its key).
fn computed_row<'t>(
    tables: &'t [LevelTable],
    level: Level,
    key: &str,
) -> Option<(&'t LevelTable, usize)> {
    let t = tables
        .iter()
        .find(|t| Level::parse(&t.level) == Some(level))?;
    let row = if level == Level::Berlin {
        (t.keys.len() == 1).then_some(0)
    } else {
        t.keys.iter().position(|k| *k == key)
    };
    Some((t, row?))
}

/// Counts agree when equal (up to rounding of the stored number), shares
/// within `tolerance`; two empty values agree, one empty value does not.
fn agree(computed: Option<f64>, published: Option<f64>, count: bool, tolerance: f64) -> bool {
    match (computed, published) {
        (Some(a), Some(b)) if count => (a - b).abs() <= 1e-6 * b.abs().max(1.0),
        (Some(a), Some(b)) => (a - b).abs() <= tolerance,
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(column: &str, rule: Rule) -> ColumnRule {
        ColumnRule {
            column: column.into(),
            rule,
            origin: crate::aggregation::rules::Origin::Explicit,
        }
    }

    fn rules() -> Vec<ColumnRule> {
        vec![
            rule("E_E", Rule::Sum),
            rule(
                "Q",
                Rule::Mean {
                    weight: "E_E".into(),
                },
            ),
            rule("BEZ", Rule::Label),
        ]
    }

    /// Two Bezirke and Berlin, computed.
    fn tables() -> Vec<LevelTable> {
        let columns: Vec<String> = vec!["E_E".into(), "Q".into(), "BEZ".into()];
        let row =
            |e: f64, q: f64, b: &str| vec![Value::Num(e), Value::Num(q), Value::Text(b.into())];
        vec![
            LevelTable {
                level: "bez".into(),
                keys: vec!["01".into(), "02".into()],
                names: vec![String::new(); 2],
                columns: columns.clone(),
                rows: vec![row(100.0, 12.5, "01"), row(50.0, 20.0, "02")],
            },
            LevelTable {
                level: "berlin".into(),
                keys: vec!["BE".into()],
                names: vec![String::new()],
                columns,
                rows: vec![row(150.0, 15.0, "")],
            },
        ]
    }

    fn published(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("lor-reconcile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn columns_match_by_name_or_map_and_only_counts_and_shares() {
        let header: Vec<String> = ["id", "inhabitants", "Q", "BEZ", "other"]
            .map(String::from)
            .to_vec();
        let cols = ["E_E".to_string(), "Q".to_string(), "BEZ".to_string()];
        let computed: Vec<&String> = cols.iter().collect();
        let map = [("E_E".to_string(), "inhabitants".to_string())];
        assert_eq!(
            match_columns(&header, 0, &computed, &rules(), &map),
            [
                Matched {
                    published: 1,
                    computed: "E_E".into(),
                    count: true
                },
                Matched {
                    published: 2,
                    computed: "Q".into(),
                    count: false
                }
            ]
        );
        assert!(check_map(&map, &header, &computed, "p.csv").is_ok());
        let e = check_map(&[("E_E".into(), "EW".into())], &header, &computed, "p.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "--map 'E_E=EW': p.csv has no column 'EW'. Columns: id, inhabitants, Q, BEZ, other"
        );
    }

    #[test]
    fn counts_must_be_equal_shares_within_the_tolerance() {
        assert!(agree(Some(100.0), Some(100.0000001), true, 0.01));
        assert!(!agree(Some(100.0), Some(101.0), true, 5.0));
        assert!(agree(Some(12.5), Some(12.505), false, 0.01));
        assert!(!agree(Some(12.5), Some(12.6), false, 0.01));
        assert!(agree(None, None, true, 0.0));
        assert!(!agree(Some(1.0), None, false, 0.01));
    }

    #[test]
    fn deviations_and_units_not_computed_are_warned() {
        let p = published(
            "bezirke.csv",
            "\u{feff}RAUMID;inhabitants;Q\n01;100;12,5\n02;49;20,3\n0;150;15\n0101;7;1\n;;\n",
        );
        let map = [("E_E".to_string(), "inhabitants".to_string())];
        let (dev, w) = check_against(&tables(), &rules(), &p, &map, 0.1).unwrap();
        let file = p.display().to_string();
        assert_eq!(
            dev.iter().map(Deviation::message).collect::<Vec<_>>(),
            [
                format!("{file}: Bezirk 02, column 'E_E': computed 50, published 49"),
                format!("{file}: Bezirk 02, column 'Q': computed 20, published 20.3"),
            ]
        );
        let messages: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages[0],
            format!("{file}: 1 published unit not among the computed ones (another level, or not in the input): Prognoseraum 0101")
        );
        assert_eq!(messages.len(), 3);
        let bad = published("bad.csv", "id,E_E\n01,100\n02,zehn\n");
        let e = check_against(&tables(), &rules(), &bad, &[], 0.1).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}, line 3, column 'E_E': 'zehn' is not a number",
                bad.display()
            )
        );
        let _ = std::fs::remove_dir_all(p.parent().unwrap());
    }
}
