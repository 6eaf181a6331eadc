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

use crate::aggregate::{LevelTable, Value};
use crate::error::{examples, input_error, usage_error, Warnings};
use crate::key::Level;
use crate::rules::{ColumnRule, Rule};
use crate::stats::{format_f64, parse_number, sniff_delimiter};

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
    let mut warnings = Warnings::default();
    let bytes = crate::input::read_bytes(path)?;
    let text = String::from_utf8(
        bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&bytes)
            .to_vec(),
    )
    .map_err(|_| input_error(format!("{file}: the published table is not UTF-8 text")))?;
    let delimiter = sniff_delimiter(&text);
    let decimal_comma = delimiter == b';';
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
    // Published column → computed column.
    let rule_of: HashMap<&str, &Rule> =
        rules.iter().map(|r| (r.column.as_str(), &r.rule)).collect();
    let computed_cols: Vec<&String> = tables
        .first()
        .map(|t| t.columns.iter().collect())
        .unwrap_or_default();
    let mut matched: Vec<(usize, String, bool)> = Vec::new(); // (published idx, computed, is count)
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
        match rule_of.get(c.as_str()) {
            Some(Rule::Sum) => matched.push((pi, c, true)),
            Some(Rule::Mean { .. } | Rule::Ratio { .. }) => matched.push((pi, c, false)),
            _ => {} // labels, min/max, dropped
        }
    }
    for (c, p) in map {
        if !header.contains(p) {
            return Err(usage_error(format!(
                "--map '{c}={p}': {file} has no column '{p}'. Columns: {}",
                examples(&header, 30)
            )));
        }
        if !computed_cols.contains(&c) {
            return Err(usage_error(format!(
                "--map '{c}={p}': no computed column '{c}'"
            )));
        }
    }
    if matched.is_empty() {
        return Err(usage_error(format!(
            "{file}: no column matches a computed count or share; match them with --map COMPUTED=PUBLISHED"
        )));
    }
    let mut deviations = Vec::new();
    let mut not_computed: Vec<String> = Vec::new();
    for (line, rec) in records.enumerate() {
        let rec = rec.map_err(|e| input_error(format!("{file}: {e}")))?;
        let line = line + 2;
        let key = rec.get(key_idx).unwrap_or("").trim().to_string();
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let level = level_of_key(&key).ok_or_else(|| {
            input_error(format!(
                "{file}, line {line}, column '{}': '{key}' is not a LOR key (8, 6, 4 or 2 digits, or 0 for Berlin)",
                header[key_idx]
            ))
        })?;
        let Some(t) = tables
            .iter()
            .find(|t| Level::parse(&t.level) == Some(level))
        else {
            not_computed.push(format!("{} {key}", level.german()));
            continue;
        };
        let row = if level == Level::Berlin {
            (t.keys.len() == 1).then_some(0)
        } else {
            t.keys.iter().position(|k| *k == key)
        };
        let Some(row) = row else {
            not_computed.push(format!("{} {key}", level.german()));
            continue;
        };
        for (pi, c, count) in &matched {
            let raw = rec.get(*pi).unwrap_or("");
            let published = parse_number(raw, decimal_comma);
            if published.is_none()
                && !raw.trim().is_empty()
                && !crate::stats::is_missing_marker(raw)
            {
                return Err(input_error(format!(
                    "{file}, line {line}, column '{}': '{raw}' is not a number",
                    header[*pi]
                )));
            }
            let j = t.column_index(c).expect("matched column");
            let computed = match &t.rows[row][j] {
                Value::Num(x) => Some(*x),
                _ => None,
            };
            let equal = match (computed, published) {
                (Some(a), Some(b)) if *count => (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                (Some(a), Some(b)) => (a - b).abs() <= tolerance,
                (None, None) => true,
                _ => false,
            };
            if !equal {
                deviations.push(Deviation {
                    file: file.clone(),
                    level,
                    key: key.clone(),
                    column: c.clone(),
                    computed,
                    published,
                });
            }
        }
    }
    if !not_computed.is_empty() {
        warnings.push(
            crate::error::WarningCode::PublishedUnit,
            format!(
                "{file}: {} published unit{} not among the computed ones (another level, or not in the input): {}",
                not_computed.len(),
                if not_computed.len() == 1 { "" } else { "s" },
                examples(&not_computed, 5)
            ),
        );
    }
    for d in &deviations {
        warnings.push(crate::error::WarningCode::PublishedDeviation, d.message());
    }
    Ok((deviations, warnings))
}
