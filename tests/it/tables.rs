//! Tables a planner can send as they are: derived columns, German labels,
//! totals-preserving rounding, workbooks with title rows, reconciliation
//! with published tables.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{berlin, lor, scratch, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// (level, key) → column → number, from `lor … --format json`.
fn json_rows(out: &str) -> BTreeMap<(String, String), BTreeMap<String, f64>> {
    let v: serde_json::Value = serde_json::from_str(out).unwrap();
    let mut m = BTreeMap::new();
    for r in v.as_array().unwrap() {
        let o = r.as_object().unwrap();
        let nums = o
            .iter()
            .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
            .collect();
        // With --labels de the identity fields are "Ebene" and "Schlüssel".
        let field = |a: &str, b: &str| o.get(a).or(o.get(b)).unwrap().as_str().unwrap().to_string();
        m.insert((field("level", "Ebene"), field("key", "Schlüssel")), nums);
    }
    m
}

fn sozialraum_run(extra: &[&str]) -> std::process::Output {
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let units = berlin("lor-2006/plr.geojson.gz");
    let sr = berlin("lor-2021/pgr.geojson.gz");
    let mut args = vec![
        "aggregate",
        s(&ewr),
        "--add",
        "Kinder_u6=E_EU1+E_E1U6",
        "--add",
        "Kinder_6_15=E_E6U15",
        "--ratio",
        "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100",
        "--units",
        s(&units),
        "--sozialraum",
        s(&sr),
        "--bezirk",
        "04",
        "--assign",
        "area",
    ];
    args.extend_from_slice(extra);
    lor(&args)
}

/// The Must-show: Bezirk 04 by Sozialraum (the 2021 PGR polygons, area
/// apportioned), three derived columns in one command, German labels,
/// rounded to whole people.
///
/// Asserted: every LOR level adds up exactly (BZR → PGR → Bezirk → Berlin,
/// which is the Bezirk here); the Sozialräume add up exactly to the rounded
/// sum of what is assigned to them, which is everybody (PLR 04030417, whose
/// polygon the 2006 layer publishes under a wrong id, is corrected by
/// default), and each is within one person of its unrounded value.
#[test]
fn bezirk_04_sozialraum_table_adds_up_after_rounding() {
    let raw = sozialraum_run(&["--format", "json"]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    let raw = json_rows(&stdout(&raw));
    let o = sozialraum_run(&[
        "--labels",
        "de",
        "--round",
        "0",
        "--decimals",
        "1",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rounded = json_rows(&stdout(&o));

    let e = "Einwohnerinnen und Einwohner insgesamt";
    // Derived per PLR, then summed: Kinder_u6 = E_EU1 + E_E1U6 in the Bezirk.
    let bez_raw = &raw[&("bez".to_string(), "04".to_string())];
    assert_eq!(bez_raw["Kinder_u6"], bez_raw["E_EU1"] + bez_raw["E_E1U6"]);
    assert_eq!(bez_raw["E_E"], 341_327.0);
    let share = (bez_raw["E_E65U80"] + bez_raw["E_E80U110"]) / bez_raw["E_E"] * 100.0;
    assert!((bez_raw["Anteil_65plus"] - share).abs() < 1e-9);
    let bez = &rounded[&("bez".to_string(), "04".to_string())];
    assert_eq!(bez["Anteil_65plus"], (share * 10.0).round() / 10.0);

    for col in [e, "Kinder_u6", "Kinder_6_15"] {
        // Every rounded count is whole.
        for (k, row) in &rounded {
            assert_eq!(row[col].fract(), 0.0, "{k:?} {col}");
        }
        let level = |l: &str| -> Vec<(&String, f64)> {
            rounded
                .iter()
                .filter(|((lv, _), _)| lv == l)
                .map(|((_, k), r)| (k, r[col]))
                .collect()
        };
        for (child, parent, digits) in [("bzr", "pgr", 4), ("pgr", "bez", 2)] {
            for (pk, pv) in level(parent) {
                let sum: f64 = level(child)
                    .iter()
                    .filter(|(k, _)| k.starts_with(pk.as_str()) && k.len() > digits - 1)
                    .map(|(_, v)| v)
                    .sum();
                assert_eq!(sum, pv, "{col}: {child} in {parent} {pk}");
            }
        }
        // With --bezirk the Bezirk is the top row (no Berlin row).
        assert!(level("berlin").is_empty(), "{col}");
        // Sozialräume: the rounded sum of what is assigned, each within 1.
        let sr_raw: Vec<f64> = raw
            .iter()
            .filter(|((l, _), _)| l == "sozialraum")
            .map(|(_, r)| {
                r[match col {
                    c if c == e => "E_E",
                    c => c,
                }]
            })
            .collect();
        // Five Sozialräume and no unassigned row (PLR 04030417 has its
        // polygon with the known id correction, on by default).
        let sr = level("sozialraum");
        assert_eq!(sr.len(), 5);
        assert!(!sr.iter().any(|(k, _)| k.as_str() == "-"));
        assert_eq!(
            sr.iter().map(|(_, v)| v).sum::<f64>(),
            sr_raw.iter().sum::<f64>().round(),
            "{col}"
        );
        for ((k, v), r) in sr.iter().zip(&sr_raw) {
            assert!((v - r).abs() < 1.0, "{col} {k}: {v} vs {r}");
        }
    }
    // Every person is in the Sozialraum table: the five Sozialräume hold
    // all 341,327 of the Bezirk, the 10,976 of PLR 04030417 among them.
    let sr_people: f64 = rounded
        .iter()
        .filter(|((l, _), _)| l == "sozialraum")
        .map(|(_, r)| r[e])
        .sum();
    assert_eq!(sr_people, 341_327.0);
    // Unrounded output keeps the fractions of --assign area.
    assert!(raw
        .iter()
        .any(|((l, _), r)| l == "sozialraum" && r["E_E"].fract() != 0.0));
}

#[test]
fn expressions_explain_their_errors() {
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let o = lor(&["aggregate", s(&ewr), "--add", "Kinder=E_EU1+E_E1U7"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("no column 'E_E1U7'"), "{e}");
    assert!(
        e.contains("    Kinder=E_EU1+E_E1U7\n                 ^^^^^^"),
        "{e}"
    );
    // A sum is not a ratio.
    let o = lor(&["aggregate", s(&ewr), "--ratio", "A=E_E65U80+E_E80U110"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("NUMERATOR/DENOMINATOR"),
        "{}",
        stderr(&o)
    );
    // A derived column that divides is never summed without a rule.
    let o = lor(&["aggregate", s(&ewr), "--add", "Q=E_EM/E_EW"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("must not be summed") && e.contains("Q"), "{e}");
}

#[test]
fn labels_from_a_user_codebook_and_rename() {
    let dir = scratch("tables_labels");
    let cb = dir.join("codes.csv");
    std::fs::write(&cb, "code;label\nE_E;Einwohner gesamt\n").unwrap();
    let o = lor(&[
        "aggregate",
        s(&berlin("stats/EWR201812E_Matrix.csv")),
        "--labels",
        s(&cb),
        "--rename",
        "E_EW=Frauen",
        "--levels",
        "berlin",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let header = out.lines().next().unwrap();
    assert!(
        header.contains(",Einwohner gesamt,E_EM,Frauen,"),
        "{header}"
    );
}

#[test]
fn xlsx_keeps_codes_and_lists_the_warnings() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = scratch("tables_xlsx");
    let out = dir.join("sr.xlsx");
    let o = sozialraum_run(&["--labels", "de", "--round", "0", "--output", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Bezirksregionen",
            "Prognoseräume",
            "Bezirke",
            "Sozialräume",
            "Hinweise"
        ]
    );
    let r = wb.worksheet_range("Bezirke").unwrap();
    assert_eq!(
        r.get((0, 0)),
        Some(&Data::String(
            "Einwohnerinnen und Einwohner im Bezirk Charlottenburg-Wilmersdorf, Stand 31.12.2018"
                .into()
        ))
    );
    let sr = wb.worksheet_range("Sozialräume").unwrap();
    assert_eq!(
        sr.get((0, 0)),
        Some(&Data::String(
            "Einwohnerinnen und Einwohner nach Sozialräumen im Bezirk Charlottenburg-Wilmersdorf, Stand 31.12.2018"
                .into()
        ))
    );
    // With --labels de the key and the names are headed in German, the
    // names by the unit of the sheet.
    assert_eq!(sr.get((2, 0)), Some(&Data::String("Schlüssel".into())));
    assert_eq!(sr.get((2, 1)), Some(&Data::String("Sozialraum".into())));
    let header: Vec<String> = (0..r.width())
        .map(|c| r.get((2, c)).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(header[..2], ["Schlüssel", "Bezirk"]);
    // Key parts are left out; labels above, codes below.
    assert!(!header.iter().any(|h| h.contains("(Nummer)")), "{header:?}");
    let c = header
        .iter()
        .position(|h| h == "Einwohnerinnen und Einwohner insgesamt")
        .unwrap();
    assert_eq!(r.get((3, c)), Some(&Data::String("E_E".into())));
    assert_eq!(r.get((4, c)), Some(&Data::Float(341_327.0)));
    // The notes sheet: a German heading, the kind of each note in words,
    // the message as lor prints it.
    let notes = wb.worksheet_range("Hinweise").unwrap();
    assert_eq!(
        notes.get((0, 0)),
        Some(&Data::String("Hinweise zu dieser Auswertung".into()))
    );
    assert_eq!(notes.get((2, 0)), Some(&Data::String("Art".into())));
    assert_eq!(notes.get((2, 1)), Some(&Data::String("Meldung".into())));
    let rows: Vec<(String, String)> = notes
        .rows()
        .skip(3)
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert!(
        rows.iter()
            .any(|(kind, m)| m.contains("04030417") && kind == "Kennung einer Fläche berichtigt"),
        "{rows:?}"
    );
    // The messages name files without their folders.
    assert!(
        rows.iter().all(|(_, m)| !m.contains("data/berlin")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|(_, m)| m.starts_with("plr.geojson.gz: feature 124 'Schloßstraße'")),
        "{rows:?}"
    );
}

/// A statistics-office workbook: three title rows above the header and a
/// footer below the data, read without flags.
#[test]
fn workbook_with_title_rows_and_footer() {
    let dir = scratch("tables_titles");
    let path = dir.join("ewr.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Einwohnerinnen und Einwohner in Berlin")
        .unwrap();
    ws.write_string(1, 0, "nach Planungsräumen am 31.12.2018")
        .unwrap();
    ws.write_string(2, 0, "Quelle: Amt für Statistik Berlin-Brandenburg")
        .unwrap();
    for (c, h) in ["PLR", "Name", "E_E", "E_EW"].iter().enumerate() {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    let data = [
        ("01011101", "Stülerstr.", 3384.0, 1633.0),
        ("01011102", "Großer Tiergarten", 196.0, 69.0),
        ("01011201", "Lützowstr.", 6211.0, 3008.0),
    ];
    for (i, (k, n, e, w)) in data.iter().enumerate() {
        let r = 5 + i as u32;
        ws.write_string(r, 0, *k).unwrap();
        ws.write_string(r, 1, *n).unwrap();
        ws.write_number(r, 2, *e).unwrap();
        ws.write_number(r, 3, *w).unwrap();
    }
    ws.write_string(9, 0, "© Amt für Statistik Berlin-Brandenburg, 2019")
        .unwrap();
    wb.save(&path).unwrap();

    let o = lor(&[
        "aggregate",
        s(&path),
        "--levels",
        "bzr,berlin",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = json_rows(&stdout(&o));
    assert_eq!(rows[&("bzr".into(), "010111".into())]["E_E"], 3580.0);
    assert_eq!(rows[&("bzr".into(), "010112".into())]["E_EW"], 3008.0);
    let city = rows.iter().find(|((l, _), _)| l == "berlin").unwrap().1;
    assert_eq!(city["E_E"], 9791.0);
    let e = stderr(&o);
    assert!(
        e.contains("the header is row 5; 3 rows above it skipped"),
        "{e}"
    );
    assert!(e.contains("row 10"), "the footer is reported: {e}");

    // --header-row names it; a wrong one is a clear error.
    let o = lor(&[
        "aggregate",
        s(&path),
        "--header-row",
        "5",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = lor(&[
        "aggregate",
        s(&path),
        "--header-row",
        "4",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

fn t(name: &str) -> String {
    s(&berlin(&format!("stats/population-2018-12/{name}"))).to_string()
}

#[test]
fn check_against_the_published_2018_tables() {
    for (input, published) in [
        (
            "t1-planning-areas.csv",
            [
                "t1-district-regions.csv",
                "t1-forecast-areas.csv",
                "t1-districts.csv",
                "t1-city.csv",
            ],
        ),
        (
            "t2-planning-areas.csv",
            [
                "t2-district-regions.csv",
                "t2-forecast-areas.csv",
                "t2-districts.csv",
                "t2-city.csv",
            ],
        ),
    ] {
        let input = t(input);
        let published: Vec<String> = published.iter().map(|p| t(p)).collect();
        let mut args = vec![
            "aggregate",
            input.as_str(),
            "--weighted",
            "*_percentage=inhabitants",
            "--strict",
            "--allow",
            "missing-plr",
            "--format",
            "csv",
            "--check-against",
        ];
        args.extend(published.iter().map(String::as_str));
        let o = lor(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("published"), "{}", stderr(&o));
        // The one PLR of the 2006 catalogue that the 2018 tables lack.
        assert!(
            stderr(&o).contains("1 of the 448 Planungsräume in built-in LOR 2006")
                && stderr(&o).contains("09041403 Allende II"),
            "{}",
            stderr(&o)
        );
    }

    // One published value changed in a copy: exactly that deviation.
    let dir = scratch("tables_check");
    let copy = dir.join("t2-forecast-areas.csv");
    let text = std::fs::read_to_string(t("t2-forecast-areas.csv")).unwrap();
    let changed = text.replacen("\n0401,04,01,19478,", "\n0401,04,01,19479,", 1);
    assert_ne!(text, changed);
    std::fs::write(&copy, changed).unwrap();
    let args = [
        "aggregate",
        &t("t2-planning-areas.csv"),
        "--weighted",
        "*_percentage=inhabitants",
        "--format",
        "csv",
        "--check-against",
        s(&copy),
    ];
    let o = lor(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    let deviations: Vec<&str> = e.lines().filter(|l| l.contains("computed")).collect();
    assert_eq!(
        deviations,
        vec![format!(
            "warning: {}: Prognoseraum 0401, column 'inhabitants': computed 19478, published 19479",
            s(&copy)
        )]
    );
    let mut strict = args.to_vec();
    strict.push("--strict");
    let o = lor(&strict);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

/// The same for CSV: title lines without a delimiter, a blank line, a
/// footer; line numbers count every line of the file.
#[test]
fn csv_with_title_lines_and_footer() {
    let dir = scratch("tables_csv_titles");
    let path = dir.join("ewr.csv");
    std::fs::write(
        &path,
        "Einwohner in Berlin\nStand 31.12.2018\n\nPLR;E_E;E_EW\n01011101;3384;1633\n01011102;196;69\nQuelle: AfS\n",
    )
    .unwrap();
    let o = lor(&[
        "aggregate",
        s(&path),
        "--levels",
        "berlin",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "level,key,name,E_E,E_EW\nberlin,BE,Berlin,3580,1702\n"
    );
    let e = stderr(&o);
    assert!(e.contains("the header is line 4"), "{e}");
    assert!(e.contains("line 7 ('Quelle: AfS')"), "{e}");
    let o = lor(&[
        "aggregate",
        s(&path),
        "--header-row",
        "4",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `--rename key=Schlüssel` renames the key header (it was refused: "no
/// column 'key'"); `--lang en` writes the title rows and the notes sheet in
/// English.
#[test]
fn identity_headers_rename_and_english_titles() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let o = lor(&[
        "aggregate",
        s(&ewr),
        "--rename",
        "key=Schlüssel",
        "--rename",
        "name=Bezirk",
        "--levels",
        "bez",
        "--bezirk",
        "04",
        "--format",
        "csv",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("level,Schlüssel,Bezirk,ZEIT,"),
        "{}",
        out.lines().next().unwrap()
    );
    assert!(
        out.contains("\nbez,04,Charlottenburg-Wilmersdorf,201812,"),
        "{out}"
    );
    let dir = scratch("tables_lang_en");
    let xlsx = dir.join("b04.xlsx");
    let o = lor(&[
        "aggregate",
        s(&ewr),
        "--bezirk",
        "04",
        "--lang",
        "en",
        "--output",
        s(&xlsx),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert!(wb.sheet_names().contains(&"Notes".to_string()));
    let r = wb.worksheet_range("Bezirksregionen").unwrap();
    assert_eq!(
        r.get((0, 0)),
        Some(&Data::String(
            "Inhabitants by Bezirksregion in Bezirk Charlottenburg-Wilmersdorf, as of 31 December 2018"
                .into()
        ))
    );
    let source = r.get((1, 0)).unwrap().to_string();
    assert!(
        source.starts_with("Source: Amt für Statistik")
            && source.ends_with(" · Spatial units: LOR 2006"),
        "{source}"
    );
    let notes = wb.worksheet_range("Notes").unwrap();
    assert_eq!(
        notes.get((0, 0)),
        Some(&Data::String("Notes on these figures".into()))
    );
}

/// `lor translate` writes the title rows too: the date from the folder
/// name (population-2020-12 is 31.12.2020), and the vintage the figures
/// are in with the one they came from.
#[test]
fn translate_title_says_both_vintages() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = scratch("tables_translate_title");
    let xlsx = dir.join("pgr.xlsx");
    let o = lor(&[
        "translate",
        s(&berlin("stats/population-2020-12/t1-planning-areas.csv")),
        "--from",
        s(&berlin("lor-2006/plr.geojson.gz")),
        "--to",
        s(&berlin("lor-2021/pgr.geojson.gz")),
        "--weighted",
        "*_percentage=inhabitants",
        "--levels",
        "pgr,bez",
        "--bezirk",
        "04",
        "--labels",
        "de",
        "-q",
        "--output",
        s(&xlsx),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let r = wb.worksheet_range("Prognoseräume").unwrap();
    assert_eq!(
        r.get((0, 0)),
        Some(&Data::String(
            "Einwohnerinnen und Einwohner nach Prognoseräumen im Bezirk Charlottenburg-Wilmersdorf, Stand 31.12.2020"
                .into()
        ))
    );
    let source = r.get((1, 0)).unwrap().to_string();
    assert!(
        source.starts_with("Quelle: ")
            && source.ends_with(" · Raumbezug: LOR 2021 (umgerechnet aus LOR 2006)")
            && !source.contains('/'),
        "{source}"
    );
    assert_eq!(r.get((2, 1)), Some(&Data::String("Prognoseraum".into())));
}
