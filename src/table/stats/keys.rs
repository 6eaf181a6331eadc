//! The key column (by its name, or the column whose values are PLR keys)
//! and the rows keyed by it: notes below the table skipped, subtotal rows
//! of coarser levels left out, duplicate keys refused.

use std::collections::HashMap;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::key::{normalize_key, Level};

/// Names that hold the PLR key (compared case-insensitively without spaces,
/// `-`, `_` and `.`). A column with one of these names is the key column as
/// soon as most of its values are keys; malformed keys are then reported by row.
const KEY_NAMES: &[&str] = &[
    "raumid",
    "plrid",
    "planungsraum(nummer)",
    "planungsraumnummer",
    "plrschlüssel",
    "plrschluessel",
    "plrnr",
    "lorschlüssel",
    "schlüssel",
    "schluessel",
];

/// Weaker names: the column must hold keys in (nearly) every row, because
/// `PLR` in the statistics office's file is the two-digit PLR number and
/// `id` can be anything.
const WEAK_KEY_NAMES: &[&str] = &[
    "lor", "plr", "raum", "id", "key", "nummer", "from", "von", "source", "alt",
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Fraction of non-empty values of column `i` that parse as keys, and their level.
fn key_fit(rows: &[(usize, Vec<String>)], i: usize) -> (f64, Option<Level>) {
    let mut ok = 0usize;
    let mut n = 0usize;
    let mut levels: HashMap<Level, usize> = HashMap::new();
    for (_, cells) in rows.iter().skip(1) {
        let Some(c) = cells.get(i) else { continue };
        // Blank keys and note rows (one filled cell) say nothing about the column.
        if c.trim().is_empty() || cells.iter().filter(|c| !c.trim().is_empty()).count() <= 1 {
            continue;
        }
        n += 1;
        if let Ok((level, _)) = normalize_key(c) {
            ok += 1;
            *levels.entry(level).or_default() += 1;
        }
    }
    let level = levels
        .into_iter()
        .max_by_key(|(l, c)| (*c, *l))
        .map(|(l, _)| l);
    if n == 0 {
        (0.0, None)
    } else {
        (ok as f64 / n as f64, level)
    }
}

pub(super) fn find_key_column(
    name: &str,
    rows: &[(usize, Vec<String>)],
    key: Option<&str>,
) -> Result<usize> {
    let header = &rows[0].1;
    if let Some(k) = key {
        return header
            .iter()
            .position(|h| h.trim() == k.trim())
            .or_else(|| header.iter().position(|h| squash(h) == squash(k)))
            .ok_or_else(|| {
                usage_error(format!(
                    "{name}: --key '{k}' is not a column. Columns seen: {}",
                    header.join(", ")
                ))
            });
    }
    for (names, min_fit) in [(KEY_NAMES, 0.5), (WEAK_KEY_NAMES, 0.9)] {
        for cand in names {
            for (i, h) in header.iter().enumerate() {
                if squash(h) == *cand {
                    let (fit, level) = key_fit(rows, i);
                    if fit >= min_fit && level.is_some_and(|l| l != Level::Bezirk) {
                        return Ok(i);
                    }
                }
            }
        }
    }
    // No known name: the first column whose values are all PLR keys.
    for i in 0..header.len() {
        let (fit, level) = key_fit(rows, i);
        if fit == 1.0 && level == Some(Level::Plr) {
            return Ok(i);
        }
    }
    Err(input_error(format!(
        "{name}: no column with LOR keys found. Columns seen: {}. Name the column that holds the Planungsraum keys with --key COLUMN",
        header.join(", ")
    )))
}

/// A data row: its line, its cells, the level and the normalised key.
pub(super) type DataRow<'r> = (usize, &'r Vec<String>, Level, String);

/// The rows below the header with their keys. Rows without a key and
/// without data (footnotes, notes below the table) are reported and
/// skipped; a malformed key in a data row is an error.
pub(super) fn keyed_rows<'r>(
    name: &str,
    rows: &'r [(usize, Vec<String>)],
    key_idx: usize,
    key_column: &str,
    line_word: &str,
    warnings: &mut Warnings,
) -> Result<Vec<DataRow<'r>>> {
    let mut data_rows = Vec::new();
    let mut footnotes = Vec::new();
    for (line, cells) in &rows[1..] {
        let raw_key = cells.get(key_idx).map(String::as_str).unwrap_or("");
        match normalize_key(raw_key) {
            Ok((level, key)) => data_rows.push((*line, cells, level, key)),
            Err(e) => {
                let others_empty = cells
                    .iter()
                    .enumerate()
                    .all(|(i, c)| i == key_idx || c.trim().is_empty());
                let first_text = cells.iter().find(|c| !c.trim().is_empty());
                if others_empty
                    || (raw_key.trim().is_empty()
                        && cells.iter().filter(|c| !c.trim().is_empty()).count() == 1)
                {
                    footnotes.push(format!(
                        "{line} ('{}')",
                        first_text
                            .map(|s| s.chars().take(40).collect::<String>())
                            .unwrap_or_default()
                    ));
                    continue;
                }
                return Err(input_error(format!(
                    "{name}, {line_word} {line}, column '{key_column}': {e}"
                )));
            }
        }
    }
    if !footnotes.is_empty() {
        warnings.push(
                crate::error::WarningCode::IgnoredRows,
            format!(
                "{name}: {} {}s without a key and without figures were skipped (notes?): {line_word} {}",
                footnotes.len(),
                line_word,
                examples(&footnotes, 3)
            ),
        );
    }
    if data_rows.is_empty() {
        return Err(input_error(format!("{name}: no data rows with a LOR key")));
    }
    Ok(data_rows)
}

/// Mixed levels (subtotal rows): keep the rows of the finest level, with a
/// warning naming the others. Returns that level.
pub(super) fn keep_finest_level(
    name: &str,
    data_rows: &mut Vec<DataRow<'_>>,
    line_word: &str,
    warnings: &mut Warnings,
) -> Level {
    let finest = data_rows.iter().map(|r| r.2).min().unwrap_or(Level::Plr);
    let coarse: Vec<String> = data_rows
        .iter()
        .filter(|r| r.2 != finest)
        .map(|r| format!("{} ({line_word} {})", r.3, r.0))
        .collect();
    if !coarse.is_empty() {
        warnings.push(
                crate::error::WarningCode::SubtotalRows,
            format!(
                "{name}: {} rows have keys of a coarser level than {} (subtotals?) and were not used: {}",
                coarse.len(),
                finest.german(),
                examples(&coarse, 3)
            ),
        );
        data_rows.retain(|r| r.2 == finest);
    }
    finest
}

/// Duplicate keys are an error: which row would be right?
pub(super) fn check_duplicate_keys(
    name: &str,
    data_rows: &[DataRow<'_>],
    line_word: &str,
) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(data_rows.len());
    for (line, _, _, key) in data_rows {
        if let Some(first) = seen.insert(key.as_str(), *line) {
            return Err(input_error(format!(
                "{name}, {line_word} {line}: duplicate key {key} (also on {line_word} {first})"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::stats::rows;

    #[test]
    fn subtotal_rows_are_left_out_and_notes_skipped() {
        let r = rows(&[
            "RAUMID;E_E",
            "01011101;5",
            "010111;12",
            "01011102;7",
            "Quelle: Amt für Statistik;",
        ]);
        let mut w = Warnings::default();
        let mut data = keyed_rows("st.csv", &r, 0, "RAUMID", "line", &mut w).unwrap();
        assert!(w.has("ignored-rows"), "{w:?}");
        assert_eq!(data.len(), 3);
        assert_eq!(
            keep_finest_level("st.csv", &mut data, "line", &mut w),
            Level::Plr
        );
        let kept: Vec<(usize, &str)> = data.iter().map(|r| (r.0, r.3.as_str())).collect();
        assert_eq!(kept, [(2, "01011101"), (4, "01011102")]);
        assert!(w.has("subtotal-rows"), "{w:?}");
        data.push(data[0].clone());
        assert_eq!(
            check_duplicate_keys("st.csv", &data, "line")
                .unwrap_err()
                .to_string(),
            "st.csv, line 2: duplicate key 01011101 (also on line 2)"
        );
    }
}
