//! Numbers as statistics files write them: decimal comma or point,
//! thousands separators, the markers for zero and for suppressed values,
//! whether a file uses a decimal comma, and why a cell is not a number.

use anyhow::Result;

use crate::error::input_error;
use crate::table::stats::header::label_header;
use crate::table::stats::{Dialect, ReadOptions};

/// The statistics office's marker for "nothing there" (exactly zero): `-`,
/// `–` (en dash) or `—` (em dash). Read as 0, reported once per file.
pub fn is_zero_marker(s: &str) -> bool {
    matches!(s, "-" | "–" | "—")
}

/// Markers used in official statistics for values that are not zero but
/// unknown, suppressed or not applicable: `.` unknown or secret, `x` cell
/// blocked, `/` too uncertain, `…` later, and common spreadsheet forms.
pub fn is_missing_marker(s: &str) -> bool {
    matches!(
        s,
        "." | "x"
            | "X"
            | "*"
            | "…"
            | "..."
            | "/"
            | "()"
            | "k.A."
            | "k. A."
            | "n.a."
            | "n/a"
            | "NA"
            | "#N/A"
            | "#NV"
    )
}

/// Parse a number as it appears in statistics files: decimal comma or point,
/// thousands separators (`.`/`,`/space/apostrophe, in groups of three),
/// Unicode minus, an optional trailing `%`.
pub fn parse_number(raw: &str, decimal_comma: bool) -> Option<f64> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    let s = s.strip_suffix('%').map(str::trim_end).unwrap_or(s);
    let mut t = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2212}' => t.push('-'),
            ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’' => {}
            c => t.push(c),
        }
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t.strip_prefix('+').unwrap_or(&t)),
    };
    if body.is_empty()
        || !body.bytes().all(|b| {
            b.is_ascii_digit()
                || b == b'.'
                || b == b','
                || b == b'e'
                || b == b'E'
                || b == b'-'
                || b == b'+'
        })
        || !body.as_bytes()[0].is_ascii_digit()
            && body.as_bytes()[0] != b'.'
            && body.as_bytes()[0] != b','
    {
        return None;
    }
    // `3.769.962`: two or more groups of three after a point are thousands
    // whatever the decimal separator (a number has one decimal point).
    let decimal_comma = decimal_comma || dot_thousands_groups(body) >= 2;
    let (thousands, dec) = if decimal_comma {
        ('.', ',')
    } else {
        (',', '.')
    };
    let mut int_frac = body.splitn(2, dec);
    let int_part = int_frac.next().unwrap_or("");
    let frac = int_frac.next();
    if frac.is_some_and(|f| f.contains(thousands) || f.contains(dec)) {
        return None;
    }
    let int_clean = if int_part.contains(thousands) {
        let groups: Vec<&str> = int_part.split(thousands).collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    let mut out = String::with_capacity(body.len() + 1);
    out.push_str(sign);
    out.push_str(&int_clean);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let v: f64 = out.parse().ok()?;
    v.is_finite().then_some(v)
}

/// `d{1,3}(.ddd)+` (after an optional sign): the number of `.ddd` groups, or
/// 0 when the text does not have that shape.
fn dot_thousands_groups(s: &str) -> usize {
    let s = s.trim();
    let s = s
        .strip_prefix('-')
        .or_else(|| s.strip_prefix('+'))
        .or_else(|| s.strip_prefix('\u{2212}'))
        .unwrap_or(s);
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut n = 0;
    for g in parts {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return 0;
        }
        n += 1;
    }
    n
}

/// Whether numbers have a decimal comma: as given, or in a CSV file
/// sniffed from the cells of the columns that are not labels.
pub(super) fn decimal_comma(
    name: &str,
    opts: &ReadOptions,
    dialect: &Dialect,
    header: &[String],
    key_idx: usize,
    rows: &[(usize, Vec<String>)],
    line_word: &str,
) -> Result<bool> {
    Ok(match opts.decimal {
        Some(b',') => true,
        Some(_) => false,
        None => {
            dialect.format == "csv" && {
                let skip: Vec<bool> = header
                    .iter()
                    .enumerate()
                    .map(|(i, h)| i == key_idx || label_header(h))
                    .collect();
                sniff_decimal_comma(name, rows, dialect.delimiter, &skip, line_word)?
            }
        }
    })
}

/// Does the file use a decimal comma? Yes when numbers like `12,5` occur and
/// no number has a decimal point (a point between digits is then a thousands
/// separator, as in `3.769.962`), or when the only points are thousands
/// separators with two or more groups. A file whose only points are in
/// `123.456`-shaped values is ambiguous (123456 or 123.456?) and refused.
/// Label columns (`skip`) are not looked at.
fn sniff_decimal_comma(
    name: &str,
    rows: &[(usize, Vec<String>)],
    delimiter: u8,
    skip: &[bool],
    line_word: &str,
) -> Result<bool> {
    let mut comma = 0usize;
    let mut point = 0usize;
    let mut multi = 0usize;
    let mut ambiguous: Option<(usize, usize, String)> = None;
    for (line, cells) in rows.iter().skip(1) {
        for (ci, c) in cells.iter().enumerate() {
            if skip.get(ci).copied().unwrap_or(false) {
                continue;
            }
            let c = c.trim();
            if c.is_empty() || !c.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            if delimiter != b',' && parse_number(c, true).is_some() && c.contains(',') {
                comma += 1;
            } else if c.contains('.') && parse_number(c, false).is_some() {
                match dot_thousands_groups(c) {
                    0 => point += 1,
                    1 => {
                        if ambiguous.is_none() {
                            ambiguous = Some((*line, ci, c.to_string()));
                        }
                    }
                    _ => multi += 1,
                }
            }
        }
    }
    if delimiter == b',' {
        // A comma-separated file has no decimal comma.
        return Ok(false);
    }
    if comma > 0 && point == 0 {
        return Ok(true);
    }
    if point > 0 {
        return Ok(false);
    }
    if multi > 0 {
        return Ok(true);
    }
    if let Some((line, ci, v)) = ambiguous {
        let col = rows[0].1.get(ci).map(|h| h.trim()).unwrap_or("");
        return Err(input_error(format!(
            "{name}, {line_word} {line}, column '{col}': '{v}' could be {} (a thousands point) or {} (a decimal point), and no other number in the file tells which; give the decimal separator with --decimal , (German) or --decimal . (English)",
            v.replace('.', ""),
            v
        )));
    }
    Ok(false)
}

/// A value written as a number that is no finite number: `NaN`, `inf`,
/// `-Infinity`, `1e400` (too large for any count).
pub(super) fn non_finite_number(raw: &str, decimal_comma: bool) -> bool {
    let l = raw.trim().to_ascii_lowercase();
    let l = l.trim_start_matches(['+', '-']);
    if matches!(l, "nan" | "inf" | "infinity" | "1.#inf" | "1.#qnan") {
        return true;
    }
    let t = if decimal_comma {
        l.replace('.', "").replace(',', ".")
    } else {
        l.replace(',', "")
    };
    t.parse::<f64>().is_ok_and(|v| !v.is_finite())
}

/// Why `raw` is not a number, for messages.
pub fn number_problem(raw: &str, decimal_comma: bool) -> String {
    // Cut to a readable length, control characters escaped.
    let shown = crate::error::clip(raw);
    let l = raw.trim().to_ascii_lowercase();
    let l = l.trim_start_matches(['+', '-']);
    if raw.chars().any(|c| c.is_control()) {
        format!("'{shown}' contains a control character or line break, it is not a number")
    } else if l == "nan" || l == "1.#qnan" {
        format!("'{shown}' (not a number) is no value; leave the cell empty or write a missing marker such as '.'")
    } else if matches!(l, "inf" | "infinity" | "1.#inf") {
        format!("'{shown}' (infinite) is not a value a statistics cell can hold")
    } else if non_finite_number(raw, decimal_comma) {
        format!("'{shown}' is too large (beyond the range of numbers)")
    } else {
        format!(
            "'{shown}' is not a number (numbers are read with a decimal {})",
            if decimal_comma { "comma" } else { "point" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("3.769.962", true), Some(3769962.0));
        assert_eq!(parse_number("3,769,962", false), Some(3769962.0));
        assert_eq!(parse_number("12,5", true), Some(12.5));
        assert_eq!(parse_number("1.234,5", true), Some(1234.5));
        assert_eq!(parse_number("-1.31", false), Some(-1.31));
        assert_eq!(parse_number("−2,67", true), Some(-2.67));
        assert_eq!(parse_number("3 384", false), Some(3384.0));
        assert_eq!(parse_number("12,5 %", true), Some(12.5));
        assert_eq!(parse_number("1.23.4", true), None);
        assert_eq!(parse_number("NaN", false), None);
        assert_eq!(parse_number("inf", false), None);
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(parse_number("12a", false), None);
    }
}
