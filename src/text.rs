//! Text and numbers as they are written: readable numbers, short names,
//! safe column and sheet names, and the formula guard of CSV cells. The
//! bottom layer: it imports nothing of the crate.

use std::borrow::Cow;

/// The language of what a person reads (reports, maps, workbook titles and
/// notes, summaries): German by default, for the district office; English
/// with `--lang en`. Messages on stderr are English either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    /// `de` or `en` (also `deutsch`, `german`, `english`), any case.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "de" | "deutsch" | "german" => Some(Lang::De),
            "en" | "english" | "englisch" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language code for `lang="…"` and the like.
    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The German or the English text.
    pub fn pick<'a>(self, de: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }

    /// A whole number for reading: `19.478` (German), `19,478` (English);
    /// a minus sign `−` in German.
    pub fn int(self, v: f64) -> String {
        self.dec(v, 0)
    }

    /// A number with `d` decimals for reading: `5,9` and `−0,03` (German),
    /// `5.9` and `-0.03` (English), thousands grouped (`1.234,5`). Never
    /// `-0`; not a number is `–`.
    pub fn dec(self, v: f64, d: usize) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        let s = decimal(v, d);
        let (neg, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let (group, point, minus) = match self {
            Lang::De => ('.', ',', "\u{2212}"),
            Lang::En => (',', '.', "-"),
        };
        let mut out = String::new();
        if neg {
            out.push_str(minus);
        }
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// A change with its sign: `+1.176`, `−0,03` (German); no sign for 0.
    pub fn signed(self, v: f64, d: usize) -> String {
        let s = self.dec(v, d);
        let zero = s.chars().all(|c| matches!(c, '0' | ',' | '.'));
        if zero || s.starts_with(['-', '\u{2212}', '–']) {
            s
        } else {
            format!("+{s}")
        }
    }

    /// The last day of a month, as a reference date (Stand) is written:
    /// `31.12.2018` (German), `31 December 2018` (English). Statistics of a
    /// month (`ZEIT` 201812) count the people at its end.
    pub fn month_end(self, year: i32, month: u32) -> String {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let day = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        match self {
            Lang::De => format!("{day:02}.{month:02}.{year}"),
            Lang::En => {
                const MONTHS: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                let name = MONTHS.get(month.wrapping_sub(1) as usize).unwrap_or(&"");
                format!("{day} {name} {year}")
            }
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn numbers_and_dates_in_both_languages() {
        let (de, en) = (Lang::De, Lang::En);
        assert_eq!(de.int(19478.4), "19.478");
        assert_eq!(en.int(19478.4), "19,478");
        assert_eq!(de.int(341327.0), "341.327");
        assert_eq!(de.dec(5.93, 1), "5,9");
        assert_eq!(en.dec(5.93, 1), "5.9");
        assert_eq!(de.dec(-0.031, 2), "\u{2212}0,03");
        assert_eq!(de.dec(-0.001, 2), "0,00");
        assert_eq!(de.dec(1234.56, 1), "1.234,6");
        assert_eq!(de.signed(1176.0, 0), "+1.176");
        assert_eq!(de.signed(-0.031, 2), "\u{2212}0,03");
        assert_eq!(de.signed(0.0, 1), "0,0");
        assert_eq!(de.int(-1200.0), "\u{2212}1.200");
        assert_eq!(de.month_end(2018, 12), "31.12.2018");
        assert_eq!(de.month_end(2024, 2), "29.02.2024");
        assert_eq!(de.month_end(2024, 6), "30.06.2024");
        assert_eq!(en.month_end(2018, 12), "31 December 2018");
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::default(), Lang::De);
    }
}
