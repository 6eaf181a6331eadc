//! Output: aggregated tables as CSV, Excel-friendly CSV, JSON, Parquet, XLSX
//! or a readable terminal table. Every file is written atomically (a
//! temporary file beside the target, then a rename), and the same input
//! gives the same bytes.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::usage_error;
use crate::render::labels::{unit_word, Identity};
use crate::render::write::Outputs;
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::text::{format_f64, Lang};
use crate::text::{guard_cell, safe_column_names, sheet_name, table_number, FormulaGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `,`-separated, decimal point, UTF-8.
    Csv,
    /// For Excel with German settings: `;`, decimal comma, UTF-8 with BOM, CRLF.
    ExcelCsv,
    Json,
    Parquet,
    Xlsx,
    /// Aligned columns for reading in a terminal.
    Table,
    /// The units as polygons with their figures (needs polygons, see [`render_geojson`]).
    GeoJson,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "csv" => Format::Csv,
            "excel-csv" | "csv-excel" | "csv-de" | "excel" => Format::ExcelCsv,
            "json" => Format::Json,
            "parquet" | "pq" => Format::Parquet,
            "xlsx" => Format::Xlsx,
            "table" | "text" | "txt" => Format::Table,
            "geojson" => Format::GeoJson,
            _ => {
                return Err(usage_error(format!(
                    "unknown format '{s}'; use csv, excel-csv, json, parquet, xlsx or table"
                )))
            }
        })
    }

    /// The format a file name asks for, by its extension: `.csv`, `.json`,
    /// `.parquet`, `.xlsx`, `.geojson` (case does not matter).
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "parquet" => Some(Format::Parquet),
            "xlsx" => Some(Format::Xlsx),
            "geojson" => Some(Format::GeoJson),
            _ => None,
        }
    }

    /// The format of a table output file without `--format`: by its
    /// extension, and a usage error for any other name (`.xls`, `.txt`, no
    /// extension), so that `-o x.xls` never silently writes CSV.
    pub fn for_output(path: &Path) -> Result<Format> {
        if let Some(f) = Format::from_path(path) {
            return Ok(f);
        }
        let ext = path
            .extension()
            .map(|e| format!("'.{}'", e.to_string_lossy()))
            .unwrap_or_else(|| "no extension".into());
        let hint = match ext.to_ascii_lowercase().as_str() {
            "'.xls'" => " (old Excel files cannot be written; use .xlsx)",
            "'.svg'" => " (an SVG is a map: lor map, lor report and lor mismatch write maps)",
            _ => "",
        };
        Err(usage_error(format!(
            "{}: {ext} does not name an output format{hint}; name the file .xlsx, .csv, .json, .parquet or .geojson, or give --format",
            path.display()
        )))
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv | Format::ExcelCsv => "csv",
            Format::Json => "json",
            Format::Parquet => "parquet",
            Format::Xlsx => "xlsx",
            Format::Table => "txt",
            Format::GeoJson => "geojson",
        }
    }
}

/// An output whose content is fixed (a CSV list, an SVG or PNG map, an
/// HTML page, GeoJSON) must have a name ending in one of `allowed` (case
/// does not matter): as [`Format::for_output`] refuses a table name that
/// does not say its format, `-o map.svg` never holds CSV and `--svg x.png`
/// never holds SVG. `flag` and `what` name the option and its content in
/// the usage error. The one check of every such output; it returns the
/// extension found (of `allowed`), for outputs whose format it decides.
pub fn require_extension(
    path: &Path,
    flag: &str,
    what: &str,
    allowed: &[&'static str],
) -> Result<&'static str> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if let Some(found) = allowed.iter().find(|a| ext.as_deref() == Some(**a)) {
        return Ok(found);
    }
    let names: Vec<String> = allowed.iter().map(|a| format!(".{a}")).collect();
    Err(usage_error(format!(
        "{flag} '{}': this writes {what}; name the file {}",
        path.display(),
        names.join(" or ")
    )))
}

/// How a table is presented to a reader: the headers of the identity
/// fields in every format; title rows, label codes, hidden columns and the
/// notes sheet in XLSX.
#[derive(Debug, Clone, Default)]
pub struct Presentation {
    /// The title rows above the header: what, where, when, source.
    pub title: Option<Title>,
    /// The code of each header when the headers are labels: a second
    /// header row.
    pub codes: Option<crate::render::labels::HeaderCodes>,
    /// Columns left out (the key parts `BEZ`, `PGR`, … in XLSX).
    pub hidden: Vec<String>,
    /// The warnings of the run, for a `Hinweise` sheet: (code, message).
    pub notes: crate::error::Warnings,
    /// The formula guard of CSV text cells (on unless `--no-formula-guard`).
    pub guard: FormulaGuard,
    /// The headers of `level`, `key` and `name`.
    pub identity: Identity,
    /// The language of the title rows and the notes sheet.
    pub lang: Lang,
}

/// The title rows of a workbook sheet: what the table shows, for which
/// area, at which date, on which LOR vintage, and its source. Every part is
/// written for reading (no file names): the date as `31.12.2018`, the
/// source as its publisher, title and licence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Title {
    /// What the figures are: `Einwohnerinnen und Einwohner`.
    pub subject: String,
    /// The area of the run: `Bezirk Charlottenburg-Wilmersdorf`.
    pub area: Option<String>,
    /// The reference date as written in the run's language.
    pub date: Option<String>,
    /// The first and the last date of a series, as written.
    pub period: Option<(String, String)>,
    /// `LOR 2006`.
    pub vintage: Option<String>,
    /// The source line: publisher, title, date, licence (no `Quelle:`).
    pub source: Option<String>,
}

impl Title {
    /// The first row, for a sheet of `level`: "Einwohnerinnen und Einwohner
    /// nach Bezirksregionen im Bezirk Charlottenburg-Wilmersdorf, Stand
    /// 31.12.2018".
    pub fn heading(&self, level: &str, lang: Lang) -> String {
        let mut s = self.subject.clone();
        let area = self.area.as_deref();
        let whole = matches!(level, "berlin") || (level == "bez" && area.is_some());
        if !whole {
            let by = match (lang, level) {
                (Lang::De, "plr") => "nach Planungsräumen".to_string(),
                (Lang::De, "bzr") => "nach Bezirksregionen".to_string(),
                (Lang::De, "pgr") => "nach Prognoseräumen".to_string(),
                (Lang::De, "bez") => "nach Bezirken".to_string(),
                (Lang::De, "sozialraum") => "nach Sozialräumen".to_string(),
                (Lang::De, other) => format!("nach {}", level_title(other)),
                (Lang::En, other) => match unit_word(other) {
                    Some(w) => format!("by {w}"),
                    None => format!("by {other}"),
                },
            };
            s.push(' ');
            s.push_str(&by);
        }
        match area {
            Some(a) => s.push_str(&format!(" {} {a}", lang.pick("im", "in"))),
            None if level == "berlin" || !whole => {
                s.push_str(lang.pick(" in Berlin", " in Berlin"));
            }
            None => {}
        }
        if let Some(d) = &self.date {
            s.push_str(&format!(", {} {d}", lang.pick("Stand", "as of")));
        }
        if let Some((a, b)) = &self.period {
            s.push_str(&format!(", {a} {} {b}", lang.pick("bis", "to")));
        }
        s
    }

    /// The second row: "Quelle: … · Raumbezug: LOR 2006".
    pub fn source_row(&self, lang: Lang) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(src) = &self.source {
            parts.push(format!("{}: {src}", lang.pick("Quelle", "Source")));
        }
        if let Some(v) = &self.vintage {
            parts.push(format!("{}: {v}", lang.pick("Raumbezug", "Spatial units")));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

/// What a statistics table with these columns counts, for its title:
/// people (the population register and its open-data tables), the
/// indicators of the Monitoring Soziale Stadtentwicklung, else figures.
pub fn subject_of<'a>(columns: impl IntoIterator<Item = &'a str>, lang: Lang) -> String {
    let (mut people, mut mss) = (false, false);
    for c in columns {
        people |= c == "E_E" || c.starts_with("inhabitants");
        let b = c.as_bytes();
        mss |= b.len() >= 2
            && matches!(b[0], b'K' | b'S' | b'D')
            && b[1..].iter().all(u8::is_ascii_digit);
    }
    match (people, mss) {
        (true, _) => lang.pick("Einwohnerinnen und Einwohner", "Inhabitants"),
        (false, true) => lang.pick(
            "Indikatoren des Monitorings Soziale Stadtentwicklung",
            "Indicators of the Monitoring Soziale Stadtentwicklung",
        ),
        _ => lang.pick("Kennzahlen", "Figures"),
    }
    .to_string()
}

/// The source line of the inputs for a title: the attribution of each
/// input from the `README.md` beside it (the one source line of every
/// document), without its leading word.
pub fn source_text(inputs: &[&Path]) -> String {
    let line = crate::render::draw::source::source_line(inputs, None);
    ["Source:", "Quelle:", "Source", "Quelle"]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or(&line)
        .trim()
        .to_string()
}

/// Render tables as one long table (`level`, `key`, `name`, columns…); XLSX
/// gets one sheet per level.
pub fn render(tables: &[LevelTable], format: Format) -> Result<Vec<u8>> {
    render_with(tables, format, &Presentation::default())
}

/// [`render`], with a title, label codes, hidden columns and notes in XLSX.
pub fn render_with(tables: &[LevelTable], format: Format, p: &Presentation) -> Result<Vec<u8>> {
    if format == Format::Xlsx {
        return render_xlsx(tables, p);
    }
    match format {
        Format::Csv => Ok(render_csv(tables, b',', false, p)),
        Format::ExcelCsv => Ok(render_csv(tables, b';', true, p)),
        Format::Json => Ok(render_json(tables, &p.identity)),
        Format::Parquet => render_parquet(tables, &p.identity),
        Format::Xlsx => render_xlsx(tables, p),
        Format::Table => Ok(render_table(tables, &p.identity)),
        Format::GeoJson => Err(usage_error(
            "GeoJSON output needs the polygons of the units: give the PLR polygons with --units",
        )),
    }
}

/// The data column headers: one that takes an identity header gets `_2`.
fn columns(tables: &[LevelTable], id: &Identity) -> Vec<String> {
    safe_column_names(
        tables.first().map(|t| t.columns.as_slice()).unwrap_or(&[]),
        &id.long(),
    )
}

/// A key or code of digits for Excel-CSV: written as `="04030417"` so that
/// Excel keeps it as text with its leading zeros (a plain `04030417` would
/// become the number 4030417). Other text goes through [`guard_cell`].
fn excel_text(s: &str, key: bool, guard: FormulaGuard) -> String {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits && (key || s.starts_with('0') || s.len() > 15) {
        format!("=\"{s}\"")
    } else {
        guard_cell(s, guard).into_owned()
    }
}

fn cell_text(v: &Value, decimal_comma: bool) -> String {
    match v {
        Value::Num(x) => {
            let s = format_f64(*x);
            if decimal_comma {
                s.replace('.', ",")
            } else {
                s
            }
        }
        Value::Text(s) => s.clone(),
        Value::Missing => String::new(),
    }
}

fn render_csv(tables: &[LevelTable], delimiter: u8, excel: bool, p: &Presentation) -> Vec<u8> {
    let guard = p.guard;
    let mut out = Vec::new();
    if excel {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(if excel {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(&mut out);
        let mut header: Vec<Cow<str>> = p
            .identity
            .long()
            .iter()
            .map(|h| guard_cell(h, guard))
            .collect();
        let cols = columns(tables, &p.identity);
        header.extend(cols.iter().map(|c| guard_cell(c, guard)));
        w.write_record(header.iter().map(|h| h.as_bytes()))
            .expect("write to memory");
        let mut rec: Vec<String> = Vec::new();
        for t in tables {
            for (i, key) in t.keys.iter().enumerate() {
                rec.clear();
                let text = |s: &str| {
                    if excel {
                        excel_text(s, false, guard)
                    } else {
                        guard_cell(s, guard).into_owned()
                    }
                };
                rec.push(text(&t.level));
                rec.push(if excel {
                    excel_text(key, true, guard)
                } else {
                    guard_cell(key, guard).into_owned()
                });
                rec.push(text(&t.names[i]));
                rec.extend(t.rows[i].iter().map(|v| match v {
                    Value::Text(s) => text(s),
                    v => cell_text(v, excel),
                }));
                w.write_record(&rec).expect("write to memory");
            }
        }
        w.flush().expect("write to memory");
    }
    out
}

pub(crate) fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Num(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => serde_json::Value::from(*x as i64),
        Value::Num(x) => serde_json::Value::from(*x),
        Value::Text(s) => serde_json::Value::from(s.as_str()),
        Value::Missing => serde_json::Value::Null,
    }
}

fn render_json(tables: &[LevelTable], id: &Identity) -> Vec<u8> {
    let [level, key_h, name] = id.long();
    let mut out = b"[".to_vec();
    let mut first = true;
    for t in tables {
        for (i, key) in t.keys.iter().enumerate() {
            let mut m = serde_json::Map::new();
            m.insert(level.into(), t.level.clone().into());
            m.insert(key_h.into(), key.clone().into());
            m.insert(name.into(), t.names[i].clone().into());
            for (c, v) in safe_column_names(&t.columns, &id.long())
                .into_iter()
                .zip(&t.rows[i])
            {
                m.insert(c, json_value(v));
            }
            out.extend_from_slice(if first { b"\n" } else { b",\n" });
            first = false;
            serde_json::to_writer(&mut out, &m).expect("write to memory");
        }
    }
    out.extend_from_slice(b"\n]\n");
    out
}

/// The units of `tables` as a GeoJSON FeatureCollection (WGS84): one
/// feature per unit whose polygon is in `shapes` (keyed by level and key),
/// with `level`, `key`, `name` and every column as properties.
pub fn render_geojson(
    tables: &[LevelTable],
    shapes: &std::collections::BTreeMap<(String, String), geo::MultiPolygon<f64>>,
    id: &Identity,
) -> Vec<u8> {
    let [level, key_h, name] = id.long();
    let mut feats = Vec::new();
    for t in tables {
        for (i, key) in t.keys.iter().enumerate() {
            let Some(g) = shapes.get(&(t.level.clone(), key.clone())) else {
                continue;
            };
            let mut props = serde_json::Map::new();
            props.insert(level.into(), t.level.clone().into());
            props.insert(key_h.into(), key.clone().into());
            props.insert(name.into(), t.names[i].clone().into());
            for (c, v) in safe_column_names(&t.columns, &id.long())
                .into_iter()
                .zip(&t.rows[i])
            {
                props.insert(c, json_value(v));
            }
            feats.push(serde_json::json!({
                "type": "Feature",
                "properties": props,
                "geometry": crate::render::draw::shapes::multipolygon_json(g),
            }));
        }
    }
    let mut out =
        serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": feats}))
            .expect("memory");
    out.push(b'\n');
    out
}

/// Is column `j` numeric in every table (numbers or missing only)?
fn numeric_column(tables: &[LevelTable], j: usize) -> bool {
    tables
        .iter()
        .all(|t| t.rows.iter().all(|r| !matches!(r[j], Value::Text(_))))
}

/// A column for [`parquet_of`].
pub enum ParquetColumn {
    Text(Vec<Option<String>>),
    Num(Vec<Option<f64>>),
}

/// Any table of named columns as Parquet bytes (uncompressed, deterministic).
#[cfg(feature = "parquet")]
pub fn parquet_of(columns: Vec<(String, ParquetColumn)>) -> Result<Vec<u8>> {
    use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter};
    let height = columns
        .first()
        .map(|(_, c)| match c {
            ParquetColumn::Text(v) => v.len(),
            ParquetColumn::Num(v) => v.len(),
        })
        .unwrap_or(0);
    let cols: Vec<Column> = columns
        .into_iter()
        .map(|(name, c)| match c {
            ParquetColumn::Text(v) => Column::new(name.as_str().into(), v),
            ParquetColumn::Num(v) => Column::new(name.as_str().into(), v),
        })
        .collect();
    let mut df = DataFrame::new(height, cols)
        .map_err(|e| anyhow::anyhow!("building the Parquet table: {e}"))?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Uncompressed)
        .finish(&mut df)
        .map_err(|e| anyhow::anyhow!("writing Parquet: {e}"))?;
    Ok(buf)
}

#[cfg(not(feature = "parquet"))]
pub fn parquet_of(_: Vec<(String, ParquetColumn)>) -> Result<Vec<u8>> {
    Err(usage_error(
        "this lor was built without Parquet support (feature 'parquet')",
    ))
}

fn render_parquet(tables: &[LevelTable], id: &Identity) -> Result<Vec<u8>> {
    let [level, key_h, name] = id.long();
    let text = |f: &dyn Fn(&LevelTable, usize) -> String| -> ParquetColumn {
        ParquetColumn::Text(
            tables
                .iter()
                .flat_map(|t| (0..t.keys.len()).map(move |i| (t, i)))
                .map(|(t, i)| Some(f(t, i)))
                .collect(),
        )
    };
    let mut cols = vec![
        (level.to_string(), text(&|t, _| t.level.clone())),
        (key_h.to_string(), text(&|t, i| t.keys[i].clone())),
        (name.to_string(), text(&|t, i| t.names[i].clone())),
    ];
    for (j, name) in columns(tables, id).iter().enumerate() {
        let values = tables
            .iter()
            .flat_map(|t| t.rows.iter().map(move |r| &r[j]));
        let col = if numeric_column(tables, j) {
            ParquetColumn::Num(values.map(Value::num).collect())
        } else {
            ParquetColumn::Text(
                values
                    .map(|v| match v {
                        Value::Missing => None,
                        v => Some(cell_text(v, false)),
                    })
                    .collect(),
            )
        };
        cols.push((name.clone(), col));
    }
    parquet_of(cols)
}

fn render_xlsx(tables: &[LevelTable], p: &Presentation) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format as XFormat, Workbook};
    let mut wb = Workbook::new();
    // A fixed creation date: the same tables give the same bytes.
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| anyhow::anyhow!("{e}"))?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&date)
            .set_title(p.title.as_ref().map_or("lor", |t| t.subject.as_str())),
    );
    let bold = XFormat::new().set_bold();
    let heading_fmt = XFormat::new().set_bold().set_font_size(12);
    let title_fmt = XFormat::new().set_italic();
    let code_fmt = XFormat::new().set_font_color(Color::Gray).set_italic();
    let grey = Color::RGB(0x80_80_80);
    let int_fmt = XFormat::new().set_num_format("#,##0");
    let dec_fmt = XFormat::new().set_num_format("#,##0.0##");
    let xerr = |e: rust_xlsxwriter::XlsxError| anyhow::anyhow!("writing XLSX: {e}");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.level)).map_err(xerr)?;
        let shown: Vec<usize> = (0..t.columns.len())
            .filter(|&j| {
                let code = p
                    .codes
                    .as_ref()
                    .and_then(|c| c.get(&t.columns[j]))
                    .unwrap_or(&t.columns[j]);
                !p.hidden.contains(code)
            })
            .collect();
        let ids = p.identity.of_level(&t.level);
        let mut header = ids.to_vec();
        let shown_names: Vec<String> = shown.iter().map(|&j| t.columns[j].clone()).collect();
        header.extend(safe_column_names(
            &shown_names,
            &[&p.identity.level, &ids[0], &ids[1]],
        ));
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        let mut r0 = 0u32;
        if let Some(title) = &p.title {
            ws.write_string_with_format(0, 0, title.heading(&t.level, p.lang), &heading_fmt)
                .map_err(xerr)?;
            r0 = 1;
            if let Some(row) = title.source_row(p.lang) {
                ws.write_string_with_format(1, 0, row, &title_fmt)
                    .map_err(xerr)?;
                r0 = 2;
            }
        }
        for (j, h) in header.iter().enumerate() {
            ws.write_string_with_format(r0, j as u16, h, &bold)
                .map_err(xerr)?;
        }
        r0 += 1;
        if let Some(codes) = &p.codes {
            for (c, &j) in shown.iter().enumerate() {
                let code = codes.get(&t.columns[j]).cloned().unwrap_or_default();
                widths[c + 2] = widths[c + 2].min(40).max(code.chars().count());
                ws.write_string_with_format(r0, (c + 2) as u16, &code, &code_fmt)
                    .map_err(xerr)?;
            }
            r0 += 1;
        }
        // Integral columns with thousands separators, others with decimals.
        let integral: Vec<bool> = shown
            .iter()
            .map(|&j| {
                t.rows
                    .iter()
                    .all(|r| r[j].num().is_none_or(|x| x.fract() == 0.0))
            })
            .collect();
        for (i, key) in t.keys.iter().enumerate() {
            let r = r0 + i as u32;
            // The row of units assigned to no Sozialraum: grey and italic.
            let unassigned = key == "-";
            let mark = |f: &XFormat| {
                if unassigned {
                    f.clone().set_italic().set_font_color(grey)
                } else {
                    f.clone()
                }
            };
            ws.write_string_with_format(r, 0, key, &mark(&XFormat::new()))
                .map_err(xerr)?;
            ws.write_string_with_format(r, 1, &t.names[i], &mark(&XFormat::new()))
                .map_err(xerr)?;
            widths[0] = widths[0].max(key.len());
            widths[1] = widths[1].max(t.names[i].chars().count());
            for (c, &j) in shown.iter().enumerate() {
                let col = (c + 2) as u16;
                match &t.rows[i][j] {
                    Value::Num(x) => {
                        let f = if integral[c] { &int_fmt } else { &dec_fmt };
                        ws.write_number_with_format(r, col, *x, &mark(f))
                            .map_err(xerr)?;
                        let s = format_f64(x.round());
                        let digits = s.trim_start_matches('-').len();
                        let shown = s.len()
                            + (digits.saturating_sub(1)) / 3
                            + if integral[c] { 0 } else { 4 };
                        widths[c + 2] = widths[c + 2].max(shown);
                    }
                    Value::Text(s) => {
                        ws.write_string_with_format(r, col, s, &mark(&XFormat::new()))
                            .map_err(xerr)?;
                        widths[c + 2] = widths[c + 2].max(s.chars().count());
                    }
                    Value::Missing => {}
                }
            }
        }
        for (j, w) in widths.iter().enumerate() {
            ws.set_column_width(j as u16, (*w).clamp(6, 60) as f64 + 1.0)
                .map_err(xerr)?;
        }
        ws.set_freeze_panes(r0, 2).map_err(xerr)?;
    }
    if !p.notes.is_empty() {
        let ws = wb.add_worksheet();
        let lang = p.lang;
        ws.set_name(lang.pick("Hinweise", "Notes")).map_err(xerr)?;
        ws.write_string_with_format(
            0,
            0,
            lang.pick("Hinweise zu dieser Auswertung", "Notes on these figures"),
            &heading_fmt,
        )
        .map_err(xerr)?;
        ws.write_string_with_format(
            1,
            0,
            lang.pick(
                "Die Meldung steht so, wie lor sie ausgibt (englisch); die Art sagt, worum es geht.",
                "Each message as lor prints it; its kind says what it is about.",
            ),
            &title_fmt,
        )
        .map_err(xerr)?;
        for (c, h) in [lang.pick("Art", "Kind"), lang.pick("Meldung", "Message")]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(2, c as u16, *h, &bold)
                .map_err(xerr)?;
        }
        let (mut kind_w, mut width) = (12, 20);
        for (i, w) in p.notes.iter().enumerate() {
            let kind = crate::render::notes::kind(w.code, lang);
            let n = &crate::render::notes::without_folders(&w.message);
            ws.write_string((i + 3) as u32, 0, kind).map_err(xerr)?;
            ws.write_string((i + 3) as u32, 1, n).map_err(xerr)?;
            kind_w = kind_w.max(kind.chars().count());
            width = width.max(n.chars().count());
        }
        ws.set_column_width(0, kind_w.min(60) as f64 + 1.0)
            .map_err(xerr)?;
        ws.set_column_width(1, width.min(200) as f64)
            .map_err(xerr)?;
        ws.set_freeze_panes(3, 0).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

fn render_table(tables: &[LevelTable], id: &Identity) -> Vec<u8> {
    let mut out = String::new();
    for (n, t) in tables.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let header_ids = id.of_level(&t.level);
        let mut header = header_ids.to_vec();
        header.extend(safe_column_names(
            &t.columns,
            &[&id.level, &header_ids[0], &header_ids[1]],
        ));
        let mut grid: Vec<Vec<String>> = vec![header];
        for (i, key) in t.keys.iter().enumerate() {
            let mut row = vec![key.clone(), t.names[i].clone()];
            row.extend(t.rows[i].iter().map(|v| match v {
                Value::Num(x) => table_number(*x),
                Value::Text(s) => s.clone(),
                Value::Missing => "–".to_string(),
            }));
            grid.push(row);
        }
        let ncol = grid[0].len();
        let widths: Vec<usize> = (0..ncol)
            .map(|j| grid.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
            .collect();
        let numeric: Vec<bool> = (0..ncol)
            .map(|j| j >= 2 && t.rows.iter().all(|r| !matches!(r[j - 2], Value::Text(_))))
            .collect();
        out.push_str(&format!(
            "{} ({} unit{})\n",
            level_title(&t.level),
            t.keys.len(),
            if t.keys.len() == 1 { "" } else { "s" }
        ));
        // Wide tables are cut into blocks of columns that fit the terminal,
        // each repeating key and name.
        let width_limit = table_width();
        let fixed = widths[0] + 2 + widths[1];
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut used = fixed;
        for (j, w) in widths.iter().enumerate().skip(2) {
            if !current.is_empty() && used + 2 + w > width_limit {
                blocks.push(std::mem::take(&mut current));
                used = fixed;
            }
            used += 2 + w;
            current.push(j);
        }
        if !current.is_empty() || blocks.is_empty() {
            blocks.push(current);
        }
        for (bi, block) in blocks.iter().enumerate() {
            if bi > 0 {
                out.push('\n');
            }
            let cols: Vec<usize> = [0, 1].into_iter().chain(block.iter().copied()).collect();
            for (ri, row) in grid.iter().enumerate() {
                let cells: Vec<String> = cols
                    .iter()
                    .map(|&j| {
                        let c = &row[j];
                        let pad = widths[j] - c.chars().count();
                        if numeric[j] && ri > 0 {
                            format!("{}{c}", " ".repeat(pad))
                        } else {
                            format!("{c}{}", " ".repeat(pad))
                        }
                    })
                    .collect();
                out.push_str(cells.join("  ").trim_end());
                out.push('\n');
            }
        }
    }
    out.into_bytes()
}

/// Width for terminal tables: `COLUMNS` if set, else 120.
fn table_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(120)
}

fn level_title(level: &str) -> String {
    match level {
        "plr" => "Planungsräume (PLR)".into(),
        "bzr" => "Bezirksregionen (BZR)".into(),
        "pgr" => "Prognoseräume (PGR)".into(),
        "bez" => "Bezirke".into(),
        "berlin" => "Berlin".into(),
        "sozialraum" => "Sozialräume".into(),
        other => other.into(),
    }
}

/// Where a table goes: stdout, one file, or one file per level in a folder.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Stdout,
    File(PathBuf),
    Dir(PathBuf),
}

/// Tables rendered for their target: one long table on stdout or in a
/// file, or one file per level (`bzr.csv`, …) in a folder.
pub fn table_outputs(
    tables: &[LevelTable],
    format: Format,
    target: &Target,
    p: &Presentation,
) -> Result<Outputs> {
    Ok(match target {
        Target::Stdout => Outputs::one(None, render_with(tables, format, p)?),
        Target::File(path) => Outputs::one(Some(path), render_with(tables, format, p)?),
        Target::Dir(dir) => Outputs {
            files: tables
                .iter()
                .map(|t| {
                    let path = dir.join(format!("{}.{}", t.level, format.extension()));
                    Ok((path, render_with(std::slice::from_ref(t), format, p)?))
                })
                .collect::<Result<_>>()?,
            ..Outputs::default()
        },
    })
}

/// Tables with their polygons as GeoJSON for their target: one
/// collection, or one file per level in a folder.
pub fn geojson_outputs(
    tables: &[LevelTable],
    shapes: &std::collections::BTreeMap<(String, String), geo::MultiPolygon<f64>>,
    target: &Target,
    id: &Identity,
) -> Outputs {
    match target {
        Target::Dir(dir) => Outputs {
            files: tables
                .iter()
                .map(|t| {
                    let path = dir.join(format!("{}.geojson", t.level));
                    (path, render_geojson(std::slice::from_ref(t), shapes, id))
                })
                .collect(),
            ..Outputs::default()
        },
        Target::File(p) => Outputs::one(Some(p), render_geojson(tables, shapes, id)),
        Target::Stdout => Outputs::one(None, render_geojson(tables, shapes, id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_guarded_and_numbers_are_not() {
        assert_eq!(guard_cell("=SUM(A1)", FormulaGuard(true)), "'=SUM(A1)");
        assert_eq!(
            guard_cell("+49 30 1234", FormulaGuard(true)),
            "'+49 30 1234"
        );
        assert_eq!(guard_cell("@x", FormulaGuard(true)), "'@x");
        assert_eq!(guard_cell("\tx", FormulaGuard(true)), "'\tx");
        assert_eq!(guard_cell("-5", FormulaGuard(true)), "-5");
        assert_eq!(guard_cell("-3,25", FormulaGuard(true)), "-3,25");
        assert_eq!(guard_cell("+1.5e3", FormulaGuard(true)), "+1.5e3");
        assert_eq!(
            guard_cell("Auenwalde-Nord", FormulaGuard(true)),
            "Auenwalde-Nord"
        );
    }

    #[test]
    fn excel_keys_keep_leading_zeros() {
        assert_eq!(
            excel_text("04030417", true, FormulaGuard(true)),
            "=\"04030417\""
        );
        assert_eq!(
            excel_text("10010101", true, FormulaGuard(true)),
            "=\"10010101\""
        );
        assert_eq!(excel_text("04", false, FormulaGuard(true)), "=\"04\"");
        assert_eq!(excel_text("2024", false, FormulaGuard(true)), "2024");
        assert_eq!(excel_text("=x", false, FormulaGuard(true)), "'=x");
    }

    /// The one check of fixed-content outputs: the extension found, or a
    /// usage error naming the flag and the names allowed.
    #[test]
    fn fixed_outputs_need_their_extension() {
        let maps = ["svg", "png"];
        let check = |p: &str| require_extension(Path::new(p), "--output", "a map", &maps);
        assert_eq!(check("b04.PNG").unwrap(), "png");
        assert_eq!(check("dir.x/b04.svg").unwrap(), "svg");
        for bad in ["b04.pdf", "b04", "b04.svg.txt"] {
            let e = check(bad).unwrap_err();
            assert_eq!(crate::error::exit_code_of(&e), 2, "{bad}");
            assert_eq!(
                e.to_string(),
                format!("--output '{bad}': this writes a map; name the file .svg or .png")
            );
        }
    }

    /// The first title row names the figures, the units of the sheet, the
    /// area and the date; the second the source and the vintage.
    #[test]
    fn title_rows_in_both_languages() {
        let t = Title {
            subject: subject_of(["ZEIT", "E_E", "E_EM"], Lang::De),
            area: Some("Bezirk Charlottenburg-Wilmersdorf".into()),
            date: Some(Lang::De.month_end(2018, 12)),
            vintage: Some("LOR 2006".into()),
            source: Some("Amt für Statistik Berlin-Brandenburg".into()),
            period: None,
        };
        assert_eq!(
            t.heading("bzr", Lang::De),
            "Einwohnerinnen und Einwohner nach Bezirksregionen im Bezirk Charlottenburg-Wilmersdorf, Stand 31.12.2018"
        );
        assert_eq!(
            t.heading("bez", Lang::De),
            "Einwohnerinnen und Einwohner im Bezirk Charlottenburg-Wilmersdorf, Stand 31.12.2018"
        );
        assert_eq!(
            t.source_row(Lang::De).unwrap(),
            "Quelle: Amt für Statistik Berlin-Brandenburg · Raumbezug: LOR 2006"
        );
        let berlin = Title {
            area: None,
            date: Some(Lang::En.month_end(2018, 12)),
            ..t.clone()
        };
        assert_eq!(
            berlin.heading("pgr", Lang::En),
            "Einwohnerinnen und Einwohner by Prognoseraum in Berlin, as of 31 December 2018"
        );
        assert_eq!(
            berlin.heading("berlin", Lang::De),
            "Einwohnerinnen und Einwohner in Berlin, Stand 31 December 2018"
        );
        let series = Title {
            date: None,
            period: Some(("30.06.2022".into(), "31.12.2024".into())),
            ..t
        };
        assert!(series.heading("plr", Lang::De).ends_with(
            "nach Planungsräumen im Bezirk Charlottenburg-Wilmersdorf, 30.06.2022 bis 31.12.2024"
        ));
        assert_eq!(
            subject_of(["K01", "K02"], Lang::De),
            "Indikatoren des Monitorings Soziale Stadtentwicklung"
        );
        assert_eq!(subject_of(["count"], Lang::En), "Figures");
    }

    /// `--rename key=…` and `--labels de` head the identity fields, in
    /// every format.
    #[test]
    fn identity_headers() {
        use crate::render::labels::Codebook;
        let t = LevelTable {
            level: "bzr".into(),
            keys: vec!["040101".into()],
            names: vec!["Charlottenburg Nord".into()],
            columns: vec!["E_E".into()],
            rows: vec![vec![Value::Num(19478.0)]],
        };
        let csv = |cb: &Codebook| {
            let p = Presentation {
                identity: cb.identity(),
                ..Presentation::default()
            };
            String::from_utf8(render_with(std::slice::from_ref(&t), Format::Csv, &p).unwrap())
                .unwrap()
        };
        let renamed = Codebook::from_flags(None, &["key=Schlüssel".into()]).unwrap();
        assert_eq!(
            csv(&renamed),
            "level,Schlüssel,name,E_E\nbzr,040101,Charlottenburg Nord,19478\n"
        );
        let de = Codebook::from_flags(Some("de"), &[]).unwrap();
        assert_eq!(csv(&de).lines().next().unwrap(), "Ebene,Schlüssel,Name,E_E");
        assert_eq!(
            de.identity().of_level("bzr"),
            ["Schlüssel", "Bezirksregion"]
        );
        // A renamed name wins over the unit of the sheet.
        let both = Codebook::from_flags(Some("de"), &["name=Gebiet".into()]).unwrap();
        assert_eq!(both.identity().of_level("bzr"), ["Schlüssel", "Gebiet"]);
        let p = Presentation {
            identity: de.identity(),
            ..Presentation::default()
        };
        let table =
            String::from_utf8(render_with(std::slice::from_ref(&t), Format::Table, &p).unwrap())
                .unwrap();
        assert!(table.contains("Schlüssel  Bezirksregion"), "{table}");
    }

    #[test]
    fn output_names_need_a_known_extension() {
        assert_eq!(
            Format::for_output(Path::new("a.XLSX")).unwrap(),
            Format::Xlsx
        );
        for bad in ["a.xls", "a.txt", "a", "a.svg"] {
            let e = Format::for_output(Path::new(bad)).unwrap_err();
            assert_eq!(crate::error::exit_code_of(&e), 2, "{bad}");
        }
    }
}
