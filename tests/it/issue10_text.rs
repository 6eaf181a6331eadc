//! Examples of issue 10 about text and workbooks that had no test of their
//! own: a UTF-8 file with one stray byte, Excel error cells, a far cell.
use crate::common;

use std::path::Path;

use common::{lor, scratch, stderr};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_stray_byte_in_a_utf8_file_is_reported_not_read_as_windows_1252() {
    let dir = scratch("issue10_mixed_encoding");
    let input = dir.join("mixed.csv");
    // "Schöneberg" in UTF-8 on line 2, one Windows-1252 'ß' (0xDF) on line 3.
    let mut bytes = "RAUMID;Name;E_E\n07010101;Schöneberg;5\n07010102;Stra"
        .as_bytes()
        .to_vec();
    bytes.push(0xDF);
    bytes.extend_from_slice(b"e;7\n");
    std::fs::write(&input, &bytes).unwrap();
    let out = dir.join("out.csv");
    let e = common::aggregate_refused(&input, &out);
    assert!(e.contains("line 3 has the byte 0xDF"), "{e}");
    assert!(e.contains("two encodings in one file"), "{e}");
    let o = lor(&["check", s(&input)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // All Windows-1252 is still read as such.
    let mut w = b"RAUMID;Name;E_E\n07010101;Sch".to_vec();
    w.push(0xF6);
    w.extend_from_slice(b"neberg;5\n");
    std::fs::write(&input, &w).unwrap();
    let o = lor(&["aggregate", s(&input), "--levels", "bez", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn excel_error_cells_are_named_as_excel_shows_them() {
    let dir = scratch("issue10_div0");
    let xlsx = dir.join("div0.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "RAUMID").unwrap();
    ws.write_string(0, 1, "E_E").unwrap();
    ws.write_string(1, 0, "07010101").unwrap();
    ws.write_formula(
        1,
        1,
        rust_xlsxwriter::Formula::new("=1/0").set_result("#DIV/0!"),
    )
    .unwrap();
    wb.save(&xlsx).unwrap();
    let out = dir.join("out.csv");
    let e = common::aggregate_refused(&xlsx, &out);
    assert!(e.contains("'#DIV/0!'"), "{e}");
    assert!(!e.contains("Div0"), "{e}");
}

#[test]
fn a_workbook_with_a_cell_at_zz200000_is_refused() {
    let dir = scratch("issue10_zz");
    let xlsx = dir.join("zz.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "RAUMID").unwrap();
    ws.write_string(0, 1, "E_E").unwrap();
    ws.write_string(1, 0, "07010101").unwrap();
    ws.write_number(1, 1, 5.0).unwrap();
    // ZZ200000: column 702 (0-based 701), row 200000 (0-based 199999).
    ws.write_number(199_999, 701, 1.0).unwrap();
    wb.save(&xlsx).unwrap();
    let out = dir.join("out.csv");
    let e = common::aggregate_refused(&xlsx, &out);
    assert!(
        e.contains("ZZ200000") && e.contains("at most 10000000 cells"),
        "{e}"
    );
}
