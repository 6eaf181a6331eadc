//! Statistics input: PLR tables as they really come.
//!
//! The statistics office's CSV (`;`, CRLF, `ZEIT`, `RAUMID`, redundant key
//! parts), comma- and tab-separated exports, UTF-8 with or without BOM,
//! Windows-1252, decimal commas, thousands separators, numbers stored as text,
//! markers for suppressed values, and XLSX workbooks. Everything is read into
//! one [`StatTable`]: a normalised key per row and typed columns.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::key::{normalize_key, Level, Vintage};
use crate::text::format_f64;

/// One cell of a statistics table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(f64),
    /// An empty cell: no value.
    Empty,
    /// A marker for a suppressed, unknown or not applicable value
    /// (`.`, `-`, `–`, `x`, `*`, …), kept as written. Never zero.
    Marker(String),
    Text(String),
}

impl Cell {
    pub fn num(&self) -> Option<f64> {
        match self {
            Cell::Num(v) => Some(*v),
            _ => None,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Cell::Empty | Cell::Marker(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Numeric,
    Text,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnType,
    pub cells: Vec<Cell>,
    /// The cells as written (trimmed), for labels such as `BEZ` = `01`.
    pub raw: Vec<String>,
}

impl Column {
    pub fn values(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        self.cells.iter().map(Cell::num)
    }
}

/// How a file was read, for messages and `lor check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub format: &'static str,
    pub delimiter: u8,
    pub encoding: &'static str,
    pub bom: bool,
    pub decimal_comma: bool,
}

/// A statistics table with one row per LOR unit.
#[derive(Debug, Clone)]
pub struct StatTable {
    /// The file name, for messages.
    pub source: String,
    pub dialect: Dialect,
    pub key_column: String,
    /// Level of the units in the rows (normally [`Level::Plr`]).
    pub level: Level,
    /// Normalised keys, one per row.
    pub keys: Vec<String>,
    /// Where each row is in the file (line of a CSV, row of a sheet).
    pub lines: Vec<usize>,
    pub columns: Vec<Column>,
    /// The word for `lines` in messages: `line` (CSV) or `row` (XLSX).
    pub line_word: &'static str,
}

impl StatTable {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Keep only the rows whose key passes `keep`.
    pub fn retain_keys(&mut self, keep: impl Fn(&str) -> bool) {
        let mask: Vec<bool> = self.keys.iter().map(|k| keep(k)).collect();
        fn filter<T>(v: &mut Vec<T>, mask: &[bool]) {
            let mut it = mask.iter();
            v.retain(|_| *it.next().expect("one flag per row"));
        }
        filter(&mut self.keys, &mask);
        filter(&mut self.lines, &mask);
        for c in &mut self.columns {
            filter(&mut c.cells, &mask);
            filter(&mut c.raw, &mask);
        }
    }

    /// The LOR vintage the keys belong to, with the keys that do not fit.
    pub fn vintage(&self) -> Option<(Vintage, Vec<&str>)> {
        Vintage::detect(self.keys.iter().map(String::as_str))
    }
}

/// Options for reading a statistics file. Everything is detected when `None`.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub delimiter: Option<u8>,
    /// Name of the key column.
    pub key: Option<String>,
    /// XLSX sheet name (default: the first sheet).
    pub sheet: Option<String>,
    /// Decimal separator `,` or `.`.
    pub decimal: Option<u8>,
    /// Encoding label (`utf-8`, `windows-1252`, `latin1`, …).
    pub encoding: Option<String>,
    /// Allow a key in several rows (lists such as PLR → Sozialraum with
    /// weights); statistics never allow it.
    pub allow_duplicate_keys: bool,
    /// The row (line of a CSV, row of a sheet, counted from 1) that holds
    /// the column names; detected below title rows otherwise.
    pub header_row: Option<usize>,
    /// The LOR vintage the keys must have (`--vintage`): keys that look
    /// like keys of the other vintage are a warning.
    pub vintage: Option<Vintage>,
}

/// Read a statistics file (CSV or XLSX).
pub fn read_stats(path: &Path, opts: &ReadOptions) -> Result<(StatTable, Warnings)> {
    let name = path.display().to_string();
    let ext = crate::table::input::format_extension(path);
    if !path.exists() {
        return Err(input_error(format!("{name}: file not found")));
    }
    if path.is_dir() {
        return Err(input_error(format!(
            "{name}: is a directory, not a statistics file"
        )));
    }
    if matches!(ext.as_str(), "geojson" | "json" | "shp" | "dbf" | "shx") {
        return Err(usage_error(format!(
            "{name}: this is a geometry layer, not a statistics table (figures per PLR as CSV or Excel); a command that reads both takes the statistics first and the layer with its own flag or argument (in lor check: '-' for no statistics, then the layers)"
        )));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods") {
        let raw = read_workbook(path, opts.sheet.as_deref())?;
        return build_table(&name, raw, opts);
    }
    let bytes = crate::table::input::read_bytes(path)?;
    read_stats_bytes(&name, &bytes, opts)
}

/// Read statistics from CSV bytes (any of the supported dialects).
pub fn read_stats_bytes(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<(StatTable, Warnings)> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(input_error(format!(
            "{name}: this is an Excel/zip file; give it a .xlsx name so it is read as a workbook"
        )));
    }
    let (text, encoding, bom) = decode(name, bytes, opts.encoding.as_deref())?;
    let raw = parse_csv(name, &text, opts.delimiter, encoding, bom)?;
    build_table(name, raw, opts)
}

/// Rows as strings before typing, from CSV or a workbook.
struct RawTable {
    dialect: Dialect,
    line_word: &'static str,
    /// (line, cells) for every non-blank row, header first.
    rows: Vec<(usize, Vec<String>)>,
}

fn decode(name: &str, bytes: &[u8], label: Option<&str>) -> Result<(String, &'static str, bool)> {
    if let Some(label) = label {
        let enc = encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            usage_error(format!(
                "unknown encoding '{label}' (try utf-8, windows-1252, iso-8859-1, utf-16)"
            ))
        })?;
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            return Err(input_error(format!(
                "{name}: the file is not valid {} text",
                enc.name()
            )));
        }
        return Ok((text.into_owned(), enc.name(), false));
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(input_error(format!(
                "{name}: the file starts with a {} byte order mark but is not valid {} text",
                enc.name(),
                enc.name()
            )));
        }
        return Ok((text.into_owned(), enc.name(), true));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "UTF-8", false)),
        Err(_) => {
            // UTF-8 characters (ü as two bytes) beside bytes that are not
            // UTF-8: two encodings in one file. Read as Windows-1252 every
            // ü would turn into 'Ã¼'; refused instead, naming the line.
            let mut utf8_chars = 0usize;
            let mut first_bad: Option<(usize, u8)> = None;
            let mut at = 0usize;
            for chunk in bytes.utf8_chunks() {
                utf8_chunks_count(chunk.valid(), &mut utf8_chars);
                at += chunk.valid().len();
                if first_bad.is_none() {
                    if let Some(&b) = chunk.invalid().first() {
                        first_bad = Some((at, b));
                    }
                }
                at += chunk.invalid().len();
            }
            if let (true, Some((pos, b))) = (utf8_chars > 0, first_bad) {
                let line = bytes[..pos].iter().filter(|&&c| c == b'\n').count() + 1;
                return Err(input_error(format!(
                    "{name}: line {line} has the byte 0x{b:02X}, which is not UTF-8, while the file has {utf8_chars} UTF-8 characters such as umlauts elsewhere: two encodings in one file; save it again as UTF-8 in one piece"
                )));
            }
            // Excel on German Windows saves CSV as Windows-1252.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), "windows-1252", false))
        }
    }
}

/// Count the characters beyond ASCII in valid UTF-8 text.
fn utf8_chunks_count(valid: &str, n: &mut usize) {
    *n += valid.chars().filter(|c| !c.is_ascii()).count();
}

/// The delimiter of a CSV: the most frequent of `;`, tab, `,`, `|` outside
/// quotes in the first line that has one (title lines above the header have
/// none).
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).take(30);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first = lines
        .find(|l| l.bytes().any(|b| matches!(b, b';' | b'\t' | b',' | b'|')))
        .unwrap_or(first);
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0), (b'|', 0)];
    let mut in_quotes = false;
    for b in first.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    // Ties go to the earlier entry (`;` before tab before `,`).
    let mut best = counts[0];
    for c in &counts[1..] {
        if c.1 > best.1 {
            best = *c;
        }
    }
    if best.1 == 0 {
        b','
    } else {
        best.0
    }
}

fn parse_csv(
    name: &str,
    text: &str,
    delimiter: Option<u8>,
    encoding: &'static str,
    bom: bool,
) -> Result<RawTable> {
    if text.trim().is_empty() {
        return Err(input_error(format!("{name}: the file is empty")));
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers from byte offsets: the csv crate counts a record after a
    // blank line from the blank line.
    let bytes = text.as_bytes();
    let (mut seen, mut newlines) = (0usize, 0usize);
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {
                let mut b = record.position().map(|p| p.byte() as usize).unwrap_or(0);
                while b < bytes.len() && matches!(bytes[b], b'\r' | b'\n') {
                    b += 1;
                }
                if b >= seen {
                    newlines += bytes[seen..b].iter().filter(|&&c| c == b'\n').count();
                    seen = b;
                }
                let line = newlines + 1;
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push((line, record.iter().map(|c| c.to_string()).collect()));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| {
                        let b = (p.byte() as usize).min(bytes.len());
                        1 + bytes[..b].iter().filter(|&&c| c == b'\n').count()
                    })
                    .unwrap_or(0);
                return Err(input_error(format!(
                    "{name}, line {line}: cannot read CSV: {e}"
                )));
            }
        }
    }
    Ok(RawTable {
        dialect: Dialect {
            format: "csv",
            delimiter,
            encoding,
            bom,
            decimal_comma: false,
        },
        line_word: "line",
        rows,
    })
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<RawTable> {
    use calamine::{open_workbook_auto, Data, Reader};
    let name = path.display().to_string();
    let wb = open_workbook_auto(path)
        .map_err(|e| input_error(format!("{name}: cannot open workbook: {e}")))?;
    let names = wb.sheet_names().to_vec();
    let sheet_name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(usage_error(format!(
                    "{name}: no sheet '{s}'; the workbook has: {}",
                    names.join(", ")
                )));
            }
            s.to_string()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| input_error(format!("{name}: the workbook has no sheets")))?,
    };
    drop(wb);
    let ext = crate::table::input::format_extension(path);
    let rows = if matches!(ext.as_str(), "xlsx" | "xlsm") {
        read_xlsx_sparse(path, &sheet_name)?
    } else {
        let mut wb = open_workbook_auto(path)
            .map_err(|e| input_error(format!("{name}: cannot open workbook: {e}")))?;
        let range = wb
            .worksheet_range(&sheet_name)
            .map_err(|e| input_error(format!("{name}: cannot read sheet '{sheet_name}': {e}")))?;
        let (row0, _) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format_f64(*f),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => format_f64(d.as_f64()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => e.to_string(),
                })
                .collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((row0 as usize + i + 1, cells));
        }
        rows
    };
    if rows.is_empty() {
        return Err(input_error(format!(
            "{name}: sheet '{sheet_name}' is empty"
        )));
    }
    Ok(RawTable {
        dialect: Dialect {
            format: "xlsx",
            delimiter: b',',
            encoding: "UTF-8",
            bom: false,
            decimal_comma: false,
        },
        line_word: "row",
        rows,
    })
}

/// The most cells (rows × columns of the used range, from the first to the
/// last filled cell) lor reads from one sheet: 10 million, far more than a
/// table of Berlin's PLR needs. A sheet reaching further (a stray cell at
/// XFD1048576) is refused instead of filling gigabytes with empty cells.
pub const MAX_SHEET_CELLS: u64 = 10_000_000;

/// Read an XLSX sheet cell by cell, keeping only filled cells, and build the
/// rows only when the used range is within [`MAX_SHEET_CELLS`].
fn read_xlsx_sparse(path: &Path, sheet: &str) -> Result<Vec<(usize, Vec<String>)>> {
    use calamine::{open_workbook, DataRef, Xlsx};
    let name = path.display().to_string();
    let mut wb: Xlsx<_> = open_workbook(path)
        .map_err(|e| input_error(format!("{name}: cannot open workbook: {e}")))?;
    let mut reader = wb
        .worksheet_cells_reader(sheet)
        .map_err(|e| input_error(format!("{name}: cannot read sheet '{sheet}': {e}")))?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    loop {
        let cell = reader
            .next_cell()
            .map_err(|e| input_error(format!("{name}: cannot read sheet '{sheet}': {e}")))?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Float(f) => format_f64(*f),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => format_f64(d.as_f64()),
            DataRef::Error(e) => e.to_string(),
        };
        if text.trim().is_empty() {
            continue;
        }
        cells.push((r, c, text));
    }
    let Some(first_col) = cells.iter().map(|c| c.1).min() else {
        return Ok(Vec::new());
    };
    let last_col = cells.iter().map(|c| c.1).max().unwrap_or(first_col);
    let first_row = cells.iter().map(|c| c.0).min().unwrap_or(0);
    let last_row = cells.iter().map(|c| c.0).max().unwrap_or(0);
    let width = u64::from(last_col - first_col) + 1;
    let height = u64::from(last_row - first_row) + 1;
    if width * height > MAX_SHEET_CELLS {
        let far = cells
            .iter()
            .max_by_key(|c| (c.0, c.1))
            .map(|c| (c.0, c.1))
            .unwrap_or((last_row, last_col));
        return Err(input_error(format!(
            "{name}: sheet '{sheet}' has a filled cell at {} (row {}, column {}), which makes its table {height} rows × {width} columns; lor reads at most {MAX_SHEET_CELLS} cells per sheet. Delete the stray cells far from the table, or save the table as CSV",
            cell_name(far.0, far.1),
            far.0 + 1,
            far.1 + 1
        )));
    }
    cells.sort_by_key(|c| (c.0, c.1));
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for (r, c, text) in cells {
        if rows.last().is_none_or(|(line, _)| *line != r as usize + 1) {
            rows.push((r as usize + 1, vec![String::new(); width as usize]));
        }
        let row = &mut rows.last_mut().expect("pushed").1;
        row[(c - first_col) as usize] = text;
    }
    Ok(rows)
}

/// `A1`-style name of a zero-based cell position.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

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

/// A value written as a number that is no finite number: `NaN`, `inf`,
/// `-Infinity`, `1e400` (too large for any count).
fn non_finite_number(raw: &str, decimal_comma: bool) -> bool {
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

fn find_key_column(name: &str, rows: &[(usize, Vec<String>)], key: Option<&str>) -> Result<usize> {
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
fn skip_title_rows(
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

fn build_table(name: &str, raw: RawTable, opts: &ReadOptions) -> Result<(StatTable, Warnings)> {
    let RawTable {
        mut dialect,
        line_word,
        rows,
    } = raw;
    let mut warnings = Warnings::default();
    if rows.is_empty() {
        return Err(input_error(format!("{name}: the file is empty")));
    }
    let rows = skip_title_rows(name, rows, opts, line_word, &mut warnings)?;
    if rows.len() == 1 {
        return Err(input_error(format!(
            "{name}: the file has a header ({} columns) but no data rows",
            rows[0].1.len()
        )));
    }
    let header = table_header(name, &rows, line_word)?;
    check_row_widths(name, &rows, header.len(), dialect.format, line_word)?;
    let key_idx = find_key_column(name, &rows, opts.key.as_deref())?;
    let key_column = header[key_idx].clone();
    let mut data_rows = keyed_rows(name, &rows, key_idx, &key_column, line_word, &mut warnings)?;
    let finest = keep_finest_level(name, &mut data_rows, line_word, &mut warnings);
    if !opts.allow_duplicate_keys {
        check_duplicate_keys(name, &data_rows, line_word)?;
    }
    dialect.decimal_comma =
        decimal_comma(name, opts, &dialect, &header, key_idx, &rows, line_word)?;
    let read = ColumnReading {
        name,
        line_word,
        decimal_comma: dialect.decimal_comma,
        rows: &data_rows,
    };
    let columns = read.columns(&header, key_idx, &mut warnings)?;
    let (lines, keys): (Vec<usize>, Vec<String>) = data_rows
        .into_iter()
        .map(|(line, _, _, key)| (line, key))
        .unzip();
    let table = StatTable {
        source: name.to_string(),
        dialect,
        key_column,
        level: finest,
        keys,
        lines,
        columns,
        line_word,
    };
    if let Some(v) = opts.vintage {
        warnings.extend(check_vintage(&table, v, "--vintage"));
    }
    Ok((table, warnings))
}

/// Keys that look like keys of the other vintage than `expected` (given
/// with `flag`, e.g. `--vintage`).
pub fn check_vintage(table: &StatTable, expected: Vintage, flag: &str) -> Warnings {
    let mut warnings = Warnings::default();
    let wrong: Vec<&str> = table
        .keys
        .iter()
        .map(String::as_str)
        .filter(|k| Vintage::of_key(k).is_some_and(|kv| kv != expected))
        .collect();
    if !wrong.is_empty() {
        warnings.push(
            crate::error::WarningCode::Vintage,
            format!(
                "{}: {flag} {} but {} keys look like keys of the other vintage: {}",
                table.source,
                expected.label(),
                wrong.len(),
                examples(&wrong, 5)
            ),
        );
    }
    warnings
}

/// The column names of the header row (`rows[0]`), trimmed, without the
/// unnamed empty last column that trailing delimiters (`a;b;`) make. A
/// column without a name, or a name given twice, is an error.
fn table_header(name: &str, rows: &[(usize, Vec<String>)], line_word: &str) -> Result<Vec<String>> {
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
fn check_row_widths(
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

/// A data row: its line, its cells, the level and the normalised key.
type DataRow<'r> = (usize, &'r Vec<String>, Level, String);

/// The rows below the header with their keys. Rows without a key and
/// without data (footnotes, notes below the table) are reported and
/// skipped; a malformed key in a data row is an error.
fn keyed_rows<'r>(
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
fn keep_finest_level(
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
fn check_duplicate_keys(name: &str, data_rows: &[DataRow<'_>], line_word: &str) -> Result<()> {
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

/// Whether numbers have a decimal comma: as given, or in a CSV file
/// sniffed from the cells of the columns that are not labels.
fn decimal_comma(
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

/// Reading the columns of the data rows into typed columns.
struct ColumnReading<'a, 'r> {
    name: &'a str,
    line_word: &'static str,
    decimal_comma: bool,
    rows: &'a [DataRow<'r>],
}

/// The cells of one column as first read, before its type is decided.
struct ColumnCells {
    cells: Vec<Cell>,
    raws: Vec<String>,
    /// How many cells are numbers (or the zero marker).
    n_num: usize,
    /// (line, text) of the cells that are neither numbers nor markers.
    bad: Vec<(usize, String)>,
    /// Lines of the cells holding the marker for "nothing there" (`-`).
    zero_lines: Vec<usize>,
}

impl ColumnReading<'_, '_> {
    /// Every column but the key column, typed; a warning for the cells
    /// read as 0 from the marker for "nothing there" in numeric columns.
    fn columns(
        &self,
        header: &[String],
        key_idx: usize,
        warnings: &mut Warnings,
    ) -> Result<Vec<Column>> {
        let mut columns = Vec::with_capacity(header.len() - 1);
        // Cells with the marker for "nothing there" (`-`), read as 0; only
        // in columns that came out numeric (in a text column a dash is text).
        let mut zero_cells: Vec<(usize, String)> = Vec::new();
        for (ci, cname) in header.iter().enumerate() {
            if ci == key_idx {
                continue;
            }
            let (column, zero_lines) = self.column(ci, cname)?;
            if column.kind == ColumnType::Numeric {
                zero_cells.extend(zero_lines.into_iter().map(|l| (l, cname.clone())));
            }
            columns.push(column);
        }
        // In file order, as if read row by row within each column.
        if let Some((line, col)) = zero_cells.first() {
            warnings.push(
                crate::error::WarningCode::ZeroMarker,
                format!(
                    "{name}: {} cells hold '-' or '–', the statistics office's marker for \"nothing there\", read as 0 (first: {line_word} {line}, column '{col}')",
                    zero_cells.len(),
                    name = self.name,
                    line_word = self.line_word,
                ),
            );
        }
        Ok(columns)
    }

    /// Column `ci` named `cname`, typed, with the lines of its zero markers.
    fn column(&self, ci: usize, cname: &str) -> Result<(Column, Vec<usize>)> {
        let ColumnCells {
            mut cells,
            raws,
            n_num,
            bad,
            zero_lines,
        } = self.cells(ci);
        let kind = self.column_type(cname, n_num, &bad)?;
        if kind == ColumnType::Text {
            // A text column: a dash is text there, not a zero.
            for (c, r) in cells.iter_mut().zip(&raws) {
                if is_zero_marker(r) {
                    *c = Cell::Text(r.clone());
                }
            }
        } else {
            self.check_total(cname, &cells)?;
        }
        let column = Column {
            name: cname.to_string(),
            kind,
            cells,
            raw: raws,
        };
        Ok((column, zero_lines))
    }

    /// The cells of column `ci` of every data row, read as numbers where
    /// they are numbers.
    fn cells(&self, ci: usize) -> ColumnCells {
        let n = self.rows.len();
        let mut out = ColumnCells {
            cells: Vec::with_capacity(n),
            raws: Vec::with_capacity(n),
            n_num: 0,
            bad: Vec::new(),
            zero_lines: Vec::new(),
        };
        for (line, row, _, _) in self.rows {
            let raw = row.get(ci).map(|s| s.trim()).unwrap_or("");
            let cell = if raw.is_empty() {
                Cell::Empty
            } else if is_zero_marker(raw) {
                out.n_num += 1;
                out.zero_lines.push(*line);
                Cell::Num(0.0)
            } else if is_missing_marker(raw) {
                Cell::Marker(raw.to_string())
            } else if let Some(v) = parse_number(raw, self.decimal_comma) {
                out.n_num += 1;
                Cell::Num(v)
            } else {
                out.bad.push((*line, raw.to_string()));
                Cell::Text(raw.to_string())
            };
            out.cells.push(cell);
            out.raws.push(raw.to_string());
        }
        out
    }

    /// A column of figures: any cell is a number or its name says so
    /// (E_E, Anzahl, K01 …), and its name is not one of a label (ZEIT,
    /// STADTRAUM, names). Every other cell of it must then be a number or
    /// a missing marker, however many are broken. Spelled-out non-numbers
    /// (NaN, inf, 1e400) are never labels.
    fn column_type(
        &self,
        cname: &str,
        n_num: usize,
        bad: &[(usize, String)],
    ) -> Result<ColumnType> {
        let (name, line_word, decimal_comma) = (self.name, self.line_word, self.decimal_comma);
        let label = label_header(cname);
        let figures = !label && (n_num > 0 || figure_header(cname));
        let never_label = bad
            .iter()
            .position(|(_, v)| !label && non_finite_number(v, decimal_comma));
        if bad.is_empty() {
            return Ok(ColumnType::Numeric);
        }
        if !(figures || never_label.is_some()) {
            return Ok(ColumnType::Text);
        }
        let (line, v) = &bad[never_label.unwrap_or(0)];
        Err(input_error(format!(
            "{name}, {line_word} {line}, column '{cname}': {}{}",
            number_problem(v, decimal_comma),
            if bad.len() > 1 {
                format!(
                    " ({} more cells in this column are not numbers either)",
                    bad.len() - 1
                )
            } else {
                String::new()
            }
        )))
    }

    /// Every total of a numeric column is at most the sum of its absolute
    /// values: when that overflows, totals would come out infinite.
    fn check_total(&self, cname: &str, cells: &[Cell]) -> Result<()> {
        let mut total = 0.0f64;
        for ((line, _, _, _), c) in self.rows.iter().zip(cells) {
            total += c.num().map_or(0.0, f64::abs);
            if !total.is_finite() {
                return Err(input_error(format!(
                    "{name}, {line_word} {line}, column '{cname}': the values up to this {line_word} add up to more than the largest number a total can hold; the figures cannot be right",
                    name = self.name,
                    line_word = self.line_word,
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--vintage` given: keys of the other vintage are a warning of the
    /// reader, in every command that reads statistics.
    #[test]
    fn the_vintage_is_checked_where_it_is_given() {
        let text = "RAUMID;E_E\n04030417;1\n04100101;2\n";
        let read = |vintage| {
            let opts = ReadOptions {
                vintage,
                ..ReadOptions::default()
            };
            read_stats_bytes("st.csv", text.as_bytes(), &opts)
                .unwrap()
                .1
        };
        assert!(!read(None).has("vintage"));
        let w = read(Some(Vintage::Lor2006));
        let m: Vec<&str> = w
            .iter()
            .filter(|w| w.code == crate::error::WarningCode::Vintage)
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(
            m,
            vec!["st.csv: --vintage LOR 2006 but 1 keys look like keys of the other vintage: 04100101"]
        );
        let w = read(Some(Vintage::Lor2021));
        assert_eq!(w.iter().filter(|w| w.code.as_str() == "vintage").count(), 1);
    }

    #[test]
    fn a_layer_given_as_statistics_is_named_as_such() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for layer in [
            "data/berlin/lor-2021/pgr.geojson.gz",
            "data/sample/sozialraeume.geojson",
        ] {
            let e = read_stats(&root.join(layer), &ReadOptions::default()).unwrap_err();
            assert_eq!(crate::error::exit_code_of(&e), 2);
            assert!(
                e.to_string()
                    .contains("this is a geometry layer, not a statistics table"),
                "{e}"
            );
        }
    }

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

    fn rows(lines: &[&str]) -> Vec<(usize, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(';').map(String::from).collect()))
            .collect()
    }

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

    #[test]
    fn a_dash_is_zero_in_figures_and_text_in_labels() {
        let r = rows(&["RAUMID;E_E;NAME", "01011101;-;-", "01011102;1.234,5;Mitte"]);
        let mut w = Warnings::default();
        let data = keyed_rows("st.csv", &r, 0, "RAUMID", "line", &mut w).unwrap();
        let read = ColumnReading {
            name: "st.csv",
            line_word: "line",
            decimal_comma: true,
            rows: &data,
        };
        let header: Vec<String> = ["RAUMID", "E_E", "NAME"].map(String::from).into();
        let cols = read.columns(&header, 0, &mut w).unwrap();
        assert_eq!(cols[0].kind, ColumnType::Numeric);
        assert_eq!(cols[0].cells, [Cell::Num(0.0), Cell::Num(1234.5)]);
        assert_eq!(cols[1].kind, ColumnType::Text);
        assert_eq!(
            cols[1].cells,
            [Cell::Text("-".into()), Cell::Text("Mitte".into())]
        );
        assert_eq!(w.len(), 1);
        assert!(
            w.0[0].message.starts_with("st.csv: 1 cells hold '-'"),
            "{w:?}"
        );
        assert!(w.0[0].message.ends_with("(first: line 2, column 'E_E')"));
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a,b,c\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;x\",b,c\n"), b',');
    }
}
