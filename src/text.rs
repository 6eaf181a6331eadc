//! Text and numbers as they are written: readable numbers, short names,
//! safe column and sheet names, and the formula guard of CSV cells. The
//! bottom layer: it imports nothing of the crate.

use std::borrow::Cow;

/// `12345.6` → `12,346` (English thousands separators, as planners quote).
pub fn thousands(v: f64) -> String {
    let r = v.round();
    let neg = r < 0.0;
    let digits = format!("{}", r.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// A number with `d` decimals (a dot, as in the tables of `lor`).
pub fn decimal(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Numbers for reading: integers as they are, fractions with two decimals.
pub fn table_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format_f64(x)
    } else {
        format!("{x:.2}")
    }
}

/// Shortest round-trip text of a number (never an exponent).
pub fn format_f64(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    format!("{v}")
}

/// The file name of a path, for short labels.
pub fn short(source: &str) -> String {
    std::path::Path::new(source)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string())
}

/// Output names for data columns: a column whose name collides with an
/// identity field (`reserved`, compared case-insensitively) or with an
/// earlier column gets `_2`, `_3`, … appended, so that a data column called
/// `key` or `name` never overwrites the unit's key or name.
pub fn safe_column_names(columns: &[String], reserved: &[&str]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> =
        reserved.iter().map(|r| r.to_lowercase()).collect();
    let mut out = Vec::with_capacity(columns.len());
    for c in columns {
        let mut name = c.clone();
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            name = format!("{c}_{n}");
            n += 1;
        }
        taken.insert(name.to_lowercase());
        out.push(name);
    }
    out
}

/// Excel sheet name for a level: `BZR`, `PGR`, `Bezirk`, `Berlin`, …
pub fn sheet_name(level: &str) -> String {
    let s = match level {
        "plr" => "Planungsräume".to_string(),
        "bzr" => "Bezirksregionen".to_string(),
        "pgr" => "Prognoseräume".to_string(),
        "bez" => "Bezirke".to_string(),
        "berlin" => "Berlin".to_string(),
        "sozialraum" => "Sozialräume".to_string(),
        other => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => "Sheet".to_string(),
            }
        }
    };
    s.chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect()
}

/// Whether CSV text cells that a spreadsheet would run as formulas get a
/// leading `'`: on by default, off with `--no-formula-guard`. A value that
/// travels with each output (never a process-wide setting, so that one step
/// of a job cannot change the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormulaGuard(pub bool);

impl Default for FormulaGuard {
    fn default() -> Self {
        FormulaGuard(true)
    }
}

/// Is `s` a number as a spreadsheet would read it (`-5`, `+1.5`, `-3,2`)?
fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b',' | b'e' | b'E'))
        && (t.parse::<f64>().is_ok() || t.replace(',', ".").parse::<f64>().is_ok())
}

/// A text cell for CSV output: one that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a
/// number) gets a leading `'`, which Excel and LibreOffice show as text.
/// Off with `FormulaGuard(false)` (`--no-formula-guard`).
pub fn guard_cell(s: &str, guard: FormulaGuard) -> Cow<'_, str> {
    match s.as_bytes().first() {
        // A lone `-` (the key of the unassigned row) is text to a spreadsheet.
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
            if guard.0 && !looks_numeric(s) && s != "-" =>
        {
            Cow::Owned(format!("'{s}"))
        }
        _ => Cow::Borrowed(s),
    }
}
