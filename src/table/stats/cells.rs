//! The cells of the data rows read into typed columns: numbers, markers,
//! text; a column of figures with a cell that is no number is an error
//! naming it, and totals that would overflow are refused.

use anyhow::Result;

use crate::error::{input_error, Warnings};
use crate::table::stats::header::{figure_header, label_header};
use crate::table::stats::keys::DataRow;
use crate::table::stats::numbers::{
    is_missing_marker, is_zero_marker, non_finite_number, number_problem, parse_number,
};
use crate::table::stats::{Cell, Column, ColumnType};

/// Reading the columns of the data rows into typed columns.
pub(super) struct ColumnReading<'a, 'r> {
    pub(super) name: &'a str,
    pub(super) line_word: &'static str,
    pub(super) decimal_comma: bool,
    pub(super) rows: &'a [DataRow<'r>],
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
    pub(super) fn columns(
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
    use crate::table::stats::keys::keyed_rows;
    use crate::table::stats::rows;

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
}
