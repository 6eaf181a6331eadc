//! Statistics input: PLR tables as they really come.
//!
//! The statistics office's CSV (`;`, CRLF, `ZEIT`, `RAUMID`, redundant key
//! parts), comma- and tab-separated exports, UTF-8 with or without BOM,
//! Windows-1252, decimal commas, thousands separators, numbers stored as text,
//! markers for suppressed values, and XLSX workbooks. Everything is read into
//! one [`StatTable`]: a normalised key per row and typed columns.
//!
//! The rows as text come from a CSV file ([`csv`]: encoding, delimiter) or a
//! workbook ([`workbook`]); then title rows above the header are skipped and
//! the header checked ([`header`]), the key column found and the rows keyed
//! (`keys`), the decimal separator decided ([`numbers`]) and every column
//! typed (`cells`).

use std::path::Path;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::key::{Level, Vintage};
use crate::table::stats::cells::ColumnReading;
use crate::table::stats::csv::{decode, parse_csv};
use crate::table::stats::header::{check_row_widths, skip_title_rows, table_header};
use crate::table::stats::keys::{
    check_duplicate_keys, find_key_column, keep_finest_level, keyed_rows,
};
use crate::table::stats::numbers::decimal_comma;
use crate::table::stats::workbook::read_workbook;

mod cells;
pub mod csv;
pub mod expect;
pub mod header;
mod keys;
pub mod numbers;
pub mod workbook;

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
    /// The columns the file must have (a missing one is an error, an extra
    /// one a warning).
    pub expect: Option<expect::Expected>,
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
    if let Some(e) = &opts.expect {
        warnings.extend(expect::check_expected(&table, e)?);
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

/// Rows of `;`-separated cells on lines 1, 2, …: the raw tables of the
/// unit tests.
#[cfg(test)]
fn rows(lines: &[&str]) -> Vec<(usize, Vec<String>)> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split(';').map(String::from).collect()))
        .collect()
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
}
