//! Workbooks (XLSX, XLS, ODS): one sheet's rows as text; an XLSX sheet
//! read cell by cell so that a stray cell far from the table is refused
//! instead of filling memory with empty cells.

use std::path::Path;

use anyhow::Result;

use crate::error::{input_error, usage_error};
use crate::table::stats::{Dialect, RawTable};
use crate::text::format_f64;

pub(super) fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<RawTable> {
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
