//! One test per input dialect: small fixtures made here, values asserted.

use crate::common;

use lor::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use lor::aggregation::rules::{plan_rules, RuleFlags};
use lor::table::key::Level;
use lor::table::level::Value;
use lor::table::stats::{read_stats, read_stats_bytes, Cell, ReadOptions, StatTable};

fn read(text: &[u8]) -> StatTable {
    read_stats_bytes("fixture.csv", text, &ReadOptions::default())
        .unwrap()
        .0
}

fn num(t: &StatTable, col: &str, row: usize) -> Option<f64> {
    t.column(col).unwrap().cells[row].num()
}

/// Aggregate to Bezirk level with default rules and return (key, column) values.
fn bez_sum(t: &StatTable, col: &str) -> Value {
    let (rules, _) = plan_rules(t, &RuleFlags::default()).unwrap();
    let (tables, _) = aggregate_levels(t, &rules, &[Level::Bezirk], None, MissingPolicy::Propagate);
    tables[0].get("04", col).unwrap().clone()
}

#[test]
fn statistics_office_semicolon_crlf() {
    let t = read(b"ZEIT;RAUMID;BEZ;E_E\r\n201812;04030417;04;100\r\n201812;04030418;04;250\r\n");
    assert_eq!(t.dialect.delimiter, b';');
    assert_eq!(t.key_column, "RAUMID");
    assert_eq!(t.keys, vec!["04030417", "04030418"]);
    assert_eq!(bez_sum(&t, "E_E"), Value::Num(350.0));
    assert_eq!(bez_sum(&t, "BEZ"), Value::Text("04".into()));
}

#[test]
fn comma_separated() {
    let t = read(b"id,inhabitants\n04030417,100\n04030418,250\n");
    assert_eq!(t.dialect.delimiter, b',');
    assert_eq!(bez_sum(&t, "inhabitants"), Value::Num(350.0));
}

#[test]
fn tab_separated() {
    let t = read(b"PLR_ID\tEinwohner\n04030417\t100\n04030418\t250\n");
    assert_eq!(t.dialect.delimiter, b'\t');
    assert_eq!(t.key_column, "PLR_ID");
    assert_eq!(bez_sum(&t, "Einwohner"), Value::Num(350.0));
}

#[test]
fn delimiter_given() {
    let (t, _) = read_stats_bytes(
        "fixture.csv",
        b"id|a\n04030417|1\n04030418|2\n",
        &ReadOptions {
            delimiter: Some(b'|'),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(num(&t, "a", 1), Some(2.0));
}

#[test]
fn utf8_with_bom() {
    let t = read("\u{feff}PLR-ID;Name;EW\n04030417;Schloßstraße;7\n".as_bytes());
    assert!(t.dialect.bom);
    assert_eq!(t.key_column, "PLR-ID");
    assert_eq!(
        t.column("Name").unwrap().cells[0],
        Cell::Text("Schloßstraße".into())
    );
    assert_eq!(num(&t, "EW", 0), Some(7.0));
}

#[test]
fn windows_1252() {
    // "Schlüssel;Straße;Einwohner" in Windows-1252: ü = 0xFC, ß = 0xDF.
    let mut bytes = b"Schl\xfcssel;Stra\xdfe;Einwohner\r\n".to_vec();
    bytes.extend_from_slice(b"04030417;Schlo\xdfstra\xdfe;12\r\n");
    let t = read(&bytes);
    assert_eq!(t.dialect.encoding, "windows-1252");
    assert_eq!(t.key_column, "Schlüssel");
    assert_eq!(
        t.column("Straße").unwrap().cells[0],
        Cell::Text("Schloßstraße".into())
    );
    assert_eq!(num(&t, "Einwohner", 0), Some(12.0));
}

#[test]
fn decimal_comma_and_thousands_separators() {
    let t = read(b"RAUMID;Einwohner;Fl\xc3\xa4che\n04030417;3.769;12,5\n04030418;1.234.567;0,25\n");
    assert!(t.dialect.decimal_comma);
    assert_eq!(num(&t, "Einwohner", 0), Some(3769.0));
    assert_eq!(num(&t, "Einwohner", 1), Some(1_234_567.0));
    assert_eq!(num(&t, "Fläche", 0), Some(12.5));
    assert_eq!(bez_sum(&t, "Einwohner"), Value::Num(1_238_336.0));
}

#[test]
fn english_thousands_separators() {
    let t = read(b"id,inhabitants,area\n04030417,\"3,769\",1.5\n04030418,\"1,234,567\",2.25\n");
    assert!(!t.dialect.decimal_comma);
    assert_eq!(num(&t, "inhabitants", 1), Some(1_234_567.0));
    assert_eq!(num(&t, "area", 1), Some(2.25));
}

#[test]
fn numbers_stored_as_text() {
    // Quoted, padded, with a Unicode minus.
    let t = read("id;a;b\n04030417;\" 12 \";\"−3\"\n".as_bytes());
    assert_eq!(num(&t, "a", 0), Some(12.0));
    assert_eq!(num(&t, "b", 0), Some(-3.0));
}

#[test]
fn missing_markers_are_not_zero() {
    // `–` is the official marker for "nothing there": exactly zero.
    let t = read(
        "id;a\n04030417;5\n04030418;.\n04030419;–\n04030420;\n04030421;x\n04030422;0\n".as_bytes(),
    );
    let c = &t.column("a").unwrap().cells;
    assert_eq!(c[0], Cell::Num(5.0));
    assert_eq!(c[1], Cell::Marker(".".into()));
    assert_eq!(c[2], Cell::Num(0.0));
    assert_eq!(c[3], Cell::Empty);
    assert_eq!(c[4], Cell::Marker("x".into()));
    assert_eq!(c[5], Cell::Num(0.0));
    // A sum over unknown parts is unknown …
    assert_eq!(bez_sum(&t, "a"), Value::Missing);
    // … unless asked to sum the known values.
    let (rules, _) = plan_rules(&t, &RuleFlags::default()).unwrap();
    let (tables, w) = aggregate_levels(&t, &rules, &[Level::Bezirk], None, MissingPolicy::Skip);
    assert!(w.is_empty());
    assert_eq!(tables[0].get("04", "a"), Some(&Value::Num(5.0)));
}

#[test]
fn missing_values_are_reported() {
    let t = read(b"id;a\n04030417;5\n04030418;.\n");
    let (rules, _) = plan_rules(&t, &RuleFlags::default()).unwrap();
    let (_, w) = aggregate_levels(&t, &rules, &[Level::Bezirk], None, MissingPolicy::Propagate);
    assert!(w.has("missing-values"), "{w:?}");
}

#[test]
fn leading_zero_lost_by_a_spreadsheet() {
    let t = read(b"RAUMID,E_E\n1011101,10\n1011102,20\n");
    assert_eq!(t.keys, vec!["01011101", "01011102"]);
    let t = read(b"RAUMID,E_E\n1011101.0,10\n");
    assert_eq!(t.keys, vec!["01011101"]);
}

#[test]
fn key_column_found_by_name() {
    for name in [
        "RAUMID",
        "PLR_ID",
        "PLR-ID",
        "Planungsraum (Nummer)",
        "Schlüssel",
        "id",
        "Nummer",
    ] {
        let text = format!("Wert;{name}\n7;04030417\n");
        let t = read(text.as_bytes());
        assert_eq!(t.key_column, name);
        assert_eq!(t.keys, vec!["04030417"]);
    }
    // By content when the name says nothing.
    let t = read(b"Gebiet;Wert\n04030417;1\n04030418;2\n");
    assert_eq!(t.key_column, "Gebiet");
}

#[test]
fn key_column_given() {
    let (t, _) = read_stats_bytes(
        "fixture.csv",
        b"a;b;c\n04030417;04030418;1\n",
        &ReadOptions {
            key: Some("b".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(t.keys, vec!["04030418"]);
}

#[test]
fn redundant_key_parts_are_labels() {
    // BEZ/PGR/BZR/PLR repeat the key digits: never summed.
    let t = read(b"RAUMID;BEZ;PGR;BZR;PLR;E_E\n04030417;4;3;4;17;10\n04030418;4;3;4;18;20\n");
    assert_eq!(bez_sum(&t, "BEZ"), Value::Text("4".into()));
    assert_eq!(bez_sum(&t, "PLR"), Value::Missing);
    assert_eq!(bez_sum(&t, "E_E"), Value::Num(30.0));
}

#[test]
fn footnotes_below_the_table_are_reported() {
    let (t, w) = read_stats_bytes(
        "fixture.csv",
        "id;E_E\n04030417;5\n04030418;6\nQuelle: Amt für Statistik;\n".as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.len(), 2);
    assert!(w.has("ignored-rows"), "{w:?}");
    assert!(w.0[0].message.contains("line 4"));
}

#[test]
fn xlsx_first_sheet_and_named_sheet() {
    use rust_xlsxwriter::Workbook;
    let dir = common::scratch("xlsx_fixture");
    let path = dir.join("stats.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Notes").unwrap();
    ws.write_string(0, 0, "nothing here").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("PLR").unwrap();
    ws.write_string(0, 0, "Planungsraum").unwrap();
    ws.write_string(0, 1, "Einwohner").unwrap();
    ws.write_string(0, 2, "Anteil Frauen").unwrap();
    // A key stored as a number (leading zero lost), one as text.
    ws.write_number(1, 0, 4030417.0).unwrap();
    ws.write_number(1, 1, 100.0).unwrap();
    ws.write_number(1, 2, 50.5).unwrap();
    ws.write_string(2, 0, "04030418").unwrap();
    ws.write_string(2, 1, "300").unwrap();
    ws.write_number(2, 2, 40.5).unwrap();
    wb.save(&path).unwrap();

    let (t, _) = read_stats(
        &path,
        &ReadOptions {
            sheet: Some("PLR".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(t.keys, vec!["04030417", "04030418"]);
    assert_eq!(num(&t, "Einwohner", 1), Some(300.0));
    let flags = RuleFlags {
        weighted: vec!["Anteil Frauen=Einwohner".into()],
        ..Default::default()
    };
    let (rules, _) = plan_rules(&t, &flags).unwrap();
    let (tables, _) =
        aggregate_levels(&t, &rules, &[Level::Bezirk], None, MissingPolicy::Propagate);
    assert_eq!(
        tables[0].num("04", "Anteil Frauen"),
        Some((100.0 * 50.5 + 300.0 * 40.5) / 400.0)
    );

    // The first sheet has no key column: a clear error.
    let err = read_stats(&path, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no data rows") || err.contains("no column with LOR keys"),
        "{err}"
    );
    let err = read_stats(
        &path,
        &ReadOptions {
            sheet: Some("Tabelle1".into()),
            ..Default::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("no sheet 'Tabelle1'") && err.contains("Notes, PLR"),
        "{err}"
    );
}
