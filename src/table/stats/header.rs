//! The header row: title rows above it skipped, its column names checked
//! (no empty or twice-given name), the width of every row against it, and
//! what a column's name says (a label, figures).

use std::collections::HashMap;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::key::normalize_key;
use crate::table::stats::keys::find_key_column;
use crate::table::stats::ReadOptions;

/// Is the column a label by its name (`ZEIT`, `STADTRAUM`, `BEZ`, a name or
/// a remark)? Such a column is never forced to be numeric.
pub fn label_header(name: &str) -> bool {
    let l = name.trim().to_lowercase();
    crate::table::columns::label_name(name)
        || l.contains("name")
        || [
            "bezeichnung",
            "text",
            "bemerkung",
            "hinweis",
            "kommentar",
            "comment",
            "note",
            "notes",
            "remark",
            "beschreibung",
            "description",
            "adresse",
            "address",
            "straße",
            "strasse",
            "ort",
            "sozialraum",
            "typ",
            "type",
            "art",
            "kategorie",
            "category",
            "status",
            "quelle",
            "source",
        ]
        .iter()
        .any(|w| l == *w || l.starts_with(&format!("{w} ")) || l.starts_with(&format!("{w}_")))
}

/// Does the column's name say it holds figures: the statistics office's
/// `E_…` columns, MSS indicator codes, counts, shares?
pub fn figure_header(name: &str) -> bool {
    let t = name.trim();
    let u = t.to_uppercase();
    (u.starts_with("E_") && u.len() > 2)
        || crate::table::columns::count_like_name(t)
        || crate::table::columns::share_like_name(t)
}

/// A good header: at least two names, and at most one in five cells of the
/// row (up to its last name) empty.
fn header_like(cells: &[String]) -> bool {
    let last = cells.iter().rposition(|c| !c.trim().is_empty());
    let Some(last) = last else { return false };
    let filled = cells[..=last]
        .iter()
        .filter(|c| !c.trim().is_empty())
        .count();
    filled >= 2 && filled * 5 >= (last + 1) * 4
}

/// Title rows above the header (a workbook's heading, source, date): the
/// header is `--header-row N`, else the first row that looks like a header
/// (mostly non-empty names) and has a key column below it. The rows above
/// are reported and skipped.
pub(super) fn skip_title_rows(
    name: &str,
    mut rows: Vec<(usize, Vec<String>)>,
    opts: &ReadOptions,
    line_word: &str,
    warnings: &mut Warnings,
) -> Result<Vec<(usize, Vec<String>)>> {
    let start = match opts.header_row {
        Some(n) => rows.iter().position(|(l, _)| *l == n).ok_or_else(|| {
            usage_error(format!(
                "{name}: --header-row {n}: {line_word} {n} is empty or not in the file (it has {} {line_word}s)",
                rows.last().map(|r| r.0).unwrap_or(0)
            ))
        })?,
        None => {
            let first_ok = header_like(&rows[0].1)
                && find_key_column(name, &rows, opts.key.as_deref()).is_ok();
            if first_ok {
                0
            } else {
                (1..rows.len().min(30))
                    .find(|&i| {
                        header_like(&rows[i].1)
                            && find_key_column(name, &rows[i..], opts.key.as_deref()).is_ok()
                    })
                    .unwrap_or(0)
            }
        }
    };
    if start > 0 {
        let titles: Vec<String> = rows[..start]
            .iter()
            .map(|(l, c)| {
                let t = c
                    .iter()
                    .find(|x| !x.trim().is_empty())
                    .cloned()
                    .unwrap_or_default();
                format!("{l} ('{}')", t.chars().take(40).collect::<String>())
            })
            .collect();
        warnings.push(
            crate::error::WarningCode::TitleRows,
            format!(
                "{name}: the header is {line_word} {}; {} {line_word}{} above it skipped (titles?): {line_word} {}",
                rows[start].0,
                start,
                if start == 1 { "" } else { "s" },
                examples(&titles, 3)
            ),
        );
        rows.drain(..start);
    }
    Ok(rows)
}

/// The column names of the header row (`rows[0]`), trimmed, without the
/// unnamed empty last column that trailing delimiters (`a;b;`) make. A
/// column without a name, or a name given twice, is an error.
pub(super) fn table_header(
    name: &str,
    rows: &[(usize, Vec<String>)],
    line_word: &str,
) -> Result<Vec<String>> {
    let mut header: Vec<String> = rows[0].1.iter().map(|h| h.trim().to_string()).collect();
    while header.len() > 1
        && header.last().is_some_and(|h| h.is_empty())
        && rows[1..]
            .iter()
            .all(|(_, c)| c.get(header.len() - 1).is_none_or(|v| v.trim().is_empty()))
    {
        header.pop();
    }
    // Duplicate names through a map: linear in the number of columns.
    let mut first_at: HashMap<&str, usize> = HashMap::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            return Err(input_error(format!(
                "{name}, {line_word} {}: column {} has no name",
                rows[0].0,
                i + 1
            )));
        }
        if let Some(&j) = first_at.get(h.as_str()) {
            return Err(input_error(format!(
                "{name}, {line_word} {}: column '{h}' appears twice (columns {} and {})",
                rows[0].0,
                j + 1,
                i + 1
            )));
        }
        first_at.insert(h.as_str(), i);
    }
    Ok(header)
}

/// Ragged rows: an error, except for empty trailing cells (and, in a CSV
/// file, a short note or footer row: one filled cell that is not a key).
pub(super) fn check_row_widths(
    name: &str,
    rows: &[(usize, Vec<String>)],
    width: usize,
    format: &str,
    line_word: &str,
) -> Result<()> {
    for (line, cells) in &rows[1..] {
        // A note or footer: one filled cell that is not a key (skipped later).
        let note = {
            let mut filled = cells.iter().filter(|c| !c.trim().is_empty());
            matches!((filled.next(), filled.next()), (Some(c), None) if normalize_key(c).is_err())
        };
        if cells.len() < width && format == "csv" && !note {
            return Err(input_error(format!(
                "{name}, {line_word} {line}: {} fields, but the header has {width} ({})",
                cells.len(),
                if cells.len() + 1 == width {
                    "a missing delimiter?"
                } else {
                    "a broken row?"
                }
            )));
        }
        if cells.len() > width && cells[width..].iter().any(|c| !c.trim().is_empty()) {
            return Err(input_error(format!(
                "{name}, {line_word} {line}: {} fields, but the header has {width} (a delimiter inside an unquoted value?)",
                cells.len()
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
    fn header_drops_the_empty_last_column_and_refuses_twice_named_columns() {
        let r = rows(&["RAUMID; E_E ;", "01011101;5;", "01011102;7"]);
        assert_eq!(
            table_header("st.csv", &r, "line").unwrap(),
            ["RAUMID", "E_E"]
        );
        let r = rows(&["RAUMID;E_E;E_E", "01011101;5;6"]);
        assert_eq!(
            table_header("st.csv", &r, "line").unwrap_err().to_string(),
            "st.csv, line 1: column 'E_E' appears twice (columns 2 and 3)"
        );
        let r = rows(&["RAUMID;;E_E", "01011101;5;6"]);
        assert_eq!(
            table_header("st.csv", &r, "line").unwrap_err().to_string(),
            "st.csv, line 1: column 2 has no name"
        );
    }
}
