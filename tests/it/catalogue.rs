//! The built-in LOR catalogue, the bundled geometry's short names, the
//! orphaned feature of the 2006 PLR file, the row of the unassigned, the
//! official markers and the smaller things of issue 11.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{berlin, lor, scratch, stderr, stdout};
use lor::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use lor::aggregation::rules::{plan_rules, RuleFlags};
use lor::aggregation::sozialraum::aggregate_complete;
use lor::mapping::sozialraum::{assign, Source, UNASSIGNED_KEY, UNASSIGNED_NAME};
use lor::mapping::weights::Assign;
use lor::spatial::geometry::geojson::read_geojson_str;
use lor::spatial::geometry::{read_layer, Layer, LayerOptions};
use lor::spatial::overlay::Tolerance;
use lor::table::key::{Level, Vintage};
use lor::table::level::LevelTable;
use lor::table::level::Value;
use lor::table::names::Names;
use lor::table::stats::{read_stats, read_stats_bytes, Cell, ReadOptions, StatTable};

#[test]
fn ewr_2018_without_flags_has_the_catalogue_names() {
    let o = lor(&[
        "aggregate",
        berlin("stats/EWR201812E_Matrix.csv").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Which vintage named the units is said once, as a note.
    let err = stderr(&o);
    assert!(
        err.contains("unit names from the LOR 2006 catalogue (447 of 447 keys"),
        "{err}"
    );
    let (names, _) = Names::read(&berlin("lor-2006/plr-names.csv")).unwrap();
    let rows = common::csv_rows(&stdout(&o));
    let mut per_level: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        let (level, key, name) = (&r["level"], &r["key"], &r["name"]);
        *per_level.entry(level.clone()).or_default() += 1;
        if level == "berlin" {
            assert_eq!(name, "Berlin");
            continue;
        }
        assert!(!name.is_empty(), "{level} {key} has no name");
        assert_eq!(Some(name.as_str()), names.name(key), "{level} {key}");
    }
    assert_eq!(per_level["bzr"], 138);
    assert_eq!(per_level["pgr"], 60);
    assert_eq!(per_level["bez"], 12);
    // Spot checks against the published list.
    let find = |l: &str, k: &str| {
        rows.iter()
            .find(|r| r["level"] == l && r["key"] == k)
            .map(|r| r["name"].clone())
            .unwrap()
    };
    assert_eq!(find("bzr", "040304"), "Schloß Charlottenburg");
    assert_eq!(find("pgr", "0403"), "CW 3");
    assert_eq!(find("bez", "04"), "Charlottenburg-Wilmersdorf");
}

#[test]
fn names_override_the_catalogue() {
    let dir = scratch("catalogue-names-override");
    let names = dir.join("names.csv");
    std::fs::write(&names, "Schlüssel;Bezirksregion\n04030417;Unser Kiez\n").unwrap();
    let stats = dir.join("s.csv");
    std::fs::write(&stats, "RAUMID;E_E\n04030417;5\n").unwrap();
    let o = lor(&[
        "aggregate",
        stats.to_str().unwrap(),
        "--names",
        names.to_str().unwrap(),
        "--levels",
        "bzr",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("bzr,040304,Unser Kiez,5"),
        "{}",
        stdout(&o)
    );
    assert!(!stderr(&o).contains("catalogue"), "{}", stderr(&o));
}

#[test]
fn the_vintage_of_the_keys_decides() {
    // LOR 2021 keys: names from the 2021 list.
    let dir = scratch("catalogue-2021");
    let stats = dir.join("s.csv");
    std::fs::write(&stats, "RAUMID;E_E\n01100101;5\n01100102;7\n").unwrap();
    let o = lor(&["aggregate", stats.to_str().unwrap(), "--levels", "pgr"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "level,key,name,E_E\npgr,0110,Zentrum,12\n");
    assert!(
        stderr(&o).contains("LOR 2021 catalogue (2 of 2 keys"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn catalogue_lists_both_vintages() {
    let c = lor::table::catalogue::get(Vintage::Lor2006);
    assert_eq!(c.plr().count(), 448);
    let c21 = lor::table::catalogue::get(Vintage::Lor2021);
    assert_eq!(c21.plr().count(), 542);
    // Every BZR, PGR and Bezirk name of the built-in 2006 list is the one
    // of the published file.
    let (names, _) = Names::read(&berlin("lor-2006/plr-names.csv")).unwrap();
    for level in [Level::Bzr, Level::Pgr, Level::Bezirk] {
        for (k, n) in c.units(level) {
            assert_eq!(Some(n), names.name(k), "{k}");
        }
    }

    let o = lor(&["catalogue", "--vintage", "2006", "--level", "pgr"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = common::csv_rows(&stdout(&o));
    assert_eq!(r.len(), 60);
    let cw3 = r.iter().find(|r| r["key"] == "0403").unwrap();
    assert_eq!(cw3["name"], "CW 3");
    assert_eq!(cw3["bez"], "04");
    assert_eq!(cw3["level"], "pgr");

    let dir = scratch("catalogue-export");
    let out = dir.join("lor2021.json");
    let o = lor(&[
        "catalogue",
        "--vintage",
        "2021",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let units = json.as_array().unwrap();
    let count = |l: &str| units.iter().filter(|u| u["level"] == l).count();
    assert_eq!(
        (count("bez"), count("pgr"), count("bzr"), count("plr")),
        (12, 58, 143, 542)
    );
    let plr = units
        .iter()
        .find(|u| u["key"] == "01100101")
        .expect("Stülerstraße");
    assert_eq!(plr["name"], "Stülerstraße");
    assert_eq!(plr["bzr"], "011001");
    assert_eq!(plr["area_m2"], 366933.12);

    let o = lor(&["catalogue", "--level", "berlin"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn short_names_of_the_bundled_geometry() {
    let (pgr, _) = read_layer(Path::new("lor2006:pgr"), &LayerOptions::default()).unwrap();
    assert_eq!(pgr.features.len(), 60);
    assert_eq!(pgr.source, "lor2006:pgr");
    let (pgr21, _) = read_layer(Path::new("lor2021:pgr"), &LayerOptions::default()).unwrap();
    assert_eq!(pgr21.features.len(), 58);
    let (bez, _) = read_layer(Path::new("bezirke"), &LayerOptions::default()).unwrap();
    assert_eq!(bez.features.len(), 12);

    // Away from the source tree, the data folder comes from LOR_DATA_DIR;
    // when it is not there the message says what to do.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_lor"))
        .args([
            "aggregate",
            berlin("stats/EWR201812E_Matrix.csv").to_str().unwrap(),
            "--units",
            "lor2006:plr",
        ])
        .env("LOR_DATA_DIR", "/nonexistent/lor-data")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("lor2006:plr (LOR 2006 Planungsräume): the bundled Berlin data is not at /nonexistent/lor-data/lor-2006/plr.geojson.gz; set LOR_DATA_DIR"),
        "{err}"
    );
}

#[test]
fn the_orphaned_feature_is_recognised_and_named() {
    // Without the known correction: the duplicate id, with what the orphan is.
    let opts = LayerOptions {
        auto_fix: false,
        ..LayerOptions::default()
    };
    let (plr, w) = read_layer(Path::new("lor2006:plr"), &opts).unwrap();
    assert!(plr.get("04030417").is_none());
    assert_eq!(plr.features.len(), 446);
    assert!(!w.has("fix-id"), "{w:?}");
    let msg = w
        .iter()
        .find(|x| x.code == "duplicate-id")
        .map(|x| x.message.clone())
        .unwrap_or_else(|| panic!("{w:?}"));
    assert!(
        msg.contains("feature 124 'Schloßstraße' (")
            && msg.contains("under 06010102 is 04030417 by name and area (562454 m² in the built-in LOR 2006 catalogue)")
            && msg.contains("give --fix-id 124=04030417"),
        "{msg}"
    );
    // Only the orphan: the Schloßstraße of Steglitz (also under 06010102,
    // with its own area) is not offered as a fix.
    assert_eq!(lor::spatial::geometry::fixes::orphan_fixes(&[]).len(), 0);

    // By default the correction is applied, with a note.
    let (plr, w) = read_layer(Path::new("lor2006:plr"), &LayerOptions::default()).unwrap();
    let fixed = w.iter().find(|x| x.code == "fix-id").expect("reported");
    assert!(
        fixed.message.contains("feature 124 'Schloßstraße'")
            && fixed.message.contains("published under 06010102")
            && fixed.message.contains("read as 04030417")
            && fixed.message.contains("--fix-id none turns it off"),
        "{}",
        fixed.message
    );
    assert!(!w.has("duplicate-id"), "{w:?}");
    assert_eq!(plr.get("04030417").unwrap().number, 124);
    let steglitz = plr.get("06010102").unwrap();
    assert_ne!(steglitz.number, 124);
    assert_eq!(plr.features.len(), 448);
}

fn ewr_b04() -> StatTable {
    let (mut t, _) = read_stats(
        &berlin("stats/EWR201812E_Matrix.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    t.retain_keys(|k| k.starts_with("04"));
    t
}

fn b04_sozialraeume(auto_fix: bool, how: Assign) -> (LevelTable, f64) {
    let opts = LayerOptions {
        auto_fix,
        ..LayerOptions::default()
    };
    let (mut plr, _) = read_layer(Path::new("lor2006:plr"), &opts).unwrap();
    plr.filter_prefix("04");
    let (mut sr, _): (Layer, _) =
        read_layer(Path::new("lor2021:pgr"), &LayerOptions::default()).unwrap();
    sr.filter_prefix("04");
    let table = ewr_b04();
    let (rules, _) = plan_rules(&table, &RuleFlags::default()).unwrap();
    let (bez, _) = aggregate_levels(
        &table,
        &rules,
        &[Level::Bezirk],
        None,
        MissingPolicy::Propagate,
    );
    let (a, _) = assign(
        &table,
        Some(&plr),
        &Source::Polygons(sr),
        how,
        &Tolerance::default(),
    )
    .unwrap();
    let (t, _) = aggregate_complete(&table, &rules, &a, MissingPolicy::Propagate);
    (t, bez[0].num("04", "E_E").unwrap())
}

#[test]
fn bezirk_04_sozialraeume_account_for_everybody() {
    // With the orphan fixed: all 341,327 in the five Sozialräume.
    let (t, bezirk) = b04_sozialraeume(true, Assign::Largest);
    assert_eq!(bezirk, 341_327.0);
    assert_eq!(t.keys, vec!["0410", "0420", "0430", "0440", "0450"]);
    let five: f64 = t.keys.iter().map(|k| t.num(k, "E_E").unwrap()).sum();
    assert_eq!(five, 341_327.0);

    // Without: a row for the 10,976 people of 04030417, and the rows add
    // up to the Bezirk.
    let (t, bezirk) = b04_sozialraeume(false, Assign::Largest);
    assert_eq!(t.keys, vec!["0410", "0420", "0430", "0440", "0450", "-"]);
    assert_eq!(t.names.last().unwrap(), UNASSIGNED_NAME);
    assert_eq!(t.num(UNASSIGNED_KEY, "E_E"), Some(10_976.0));
    let all: f64 = t.keys.iter().map(|k| t.num(k, "E_E").unwrap()).sum();
    assert_eq!(all, bezirk);

    // Apportioned by area: the same, up to rounding.
    let (t, bezirk) = b04_sozialraeume(false, Assign::Area);
    assert_eq!(t.num(UNASSIGNED_KEY, "E_E"), Some(10_976.0));
    let all: f64 = t.keys.iter().map(|k| t.num(k, "E_E").unwrap()).sum();
    assert!((all - bezirk).abs() < 1e-6, "{all} {bezirk}");
}

#[test]
fn cli_sozialraum_level_alone_with_the_unassigned_row() {
    let ewr = berlin("stats/EWR201812E_Matrix.csv");
    let args = [
        "aggregate",
        ewr.to_str().unwrap(),
        "--bezirk",
        "04",
        "--units",
        "lor2006:plr",
        "--sozialraum",
        "lor2021:pgr",
        "--levels",
        "sozialraum",
    ];
    // By default feature 124 is read as 04030417: the five Sozialräume
    // hold all 341,327 inhabitants, no unassigned row.
    let o = lor(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = common::csv_rows(&stdout(&o));
    let keys: Vec<&str> = r.iter().map(|r| r["key"].as_str()).collect();
    assert_eq!(keys, vec!["0410", "0420", "0430", "0440", "0450"]);
    let sum: f64 = r.iter().map(|r| r["E_E"].parse::<f64>().unwrap()).sum();
    assert_eq!(sum, 341_327.0);
    let e = stderr(&o);
    assert!(
        e.contains("note (fix-id): lor2006:plr: feature 124 'Schloßstraße'")
            && e.contains("published under 06010102")
            && e.contains("read as 04030417"),
        "{e}"
    );

    // Without the correction: the 10,976 people of 04030417 in the row of
    // the unassigned.
    let mut unfixed = args.to_vec();
    unfixed.extend(["--units-fix-id", "none"]);
    let o = lor(&unfixed);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = common::csv_rows(&stdout(&o));
    let keys: Vec<&str> = r.iter().map(|r| r["key"].as_str()).collect();
    assert_eq!(keys, vec!["0410", "0420", "0430", "0440", "0450", "-"]);
    assert!(r.iter().all(|r| r["level"] == "sozialraum"));
    let last = r.last().unwrap();
    assert_eq!(
        (last["name"].as_str(), last["E_E"].as_str()),
        ("nicht zugeordnet", "10976")
    );
    let sum: f64 = r.iter().map(|r| r["E_E"].parse::<f64>().unwrap()).sum();
    assert_eq!(sum, 341_327.0);
    // The orphan is named with the flag that fixes it.
    assert!(
        stderr(&o).contains("--units-fix-id 124=04030417"),
        "{}",
        stderr(&o)
    );

    // The level alone needs Sozialräume.
    let o = lor(&["aggregate", "--levels", "sozialraum"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--sozialraum"), "{}", stderr(&o));
}

#[test]
fn targets_that_receive_nobody_are_listed_with_zero() {
    let dir = scratch("catalogue-empty-target");
    let list = dir.join("list.csv");
    std::fs::write(
        &list,
        "PLR;Sozialraum;Name\n04030417;SR1;Nord\n04030418;SR1;Nord\n04030419;SR2;Süd\n",
    )
    .unwrap();
    let stats = dir.join("s.csv");
    // 04030419 has no row: SR2 receives nobody; 04030420 is in no Sozialraum.
    std::fs::write(&stats, "RAUMID;E_E\n04030417;5\n04030418;7\n04030420;3\n").unwrap();
    let o = lor(&[
        "aggregate",
        stats.to_str().unwrap(),
        "--sozialraum",
        list.to_str().unwrap(),
        "--levels",
        "bez,sozialraum",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "level,key,name,E_E\n\
         bez,04,Charlottenburg-Wilmersdorf,15\n\
         sozialraum,SR1,Nord,12\n\
         sozialraum,SR2,Süd,0\n\
         sozialraum,-,nicht zugeordnet,3\n"
    );
}

#[test]
fn dash_is_zero_the_other_markers_are_missing() {
    let (t, w) = read_stats_bytes(
        "markers.csv",
        "id;a\n04030417;–\n04030418;-\n04030419;.\n04030420;x\n04030421;/\n04030422;…\n04030423;4\n"
            .as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    let c = &t.column("a").unwrap().cells;
    assert_eq!(c[0], Cell::Num(0.0));
    assert_eq!(c[1], Cell::Num(0.0));
    for (i, m) in [(2, "."), (3, "x"), (4, "/"), (5, "…")] {
        assert_eq!(c[i], Cell::Marker(m.into()));
    }
    let notes: Vec<_> = w.iter().filter(|x| x.code == "zero-marker").collect();
    assert_eq!(notes.len(), 1, "{w:?}");
    assert!(notes[0].message.contains("2 cells"), "{}", notes[0].message);
    // The note is no finding under --strict.
    let dir = scratch("catalogue-dash");
    let f = dir.join("s.csv");
    std::fs::write(&f, "RAUMID;E_E\n04030417;–\n04030418;5\n").unwrap();
    let o = lor(&[
        "aggregate",
        f.to_str().unwrap(),
        "--strict",
        "--allow",
        "missing-plr",
        "--allow",
        "unknown-key",
        "--levels",
        "bzr",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).ends_with(",5\n"), "{}", stdout(&o));
    assert!(stderr(&o).contains("note (zero-marker)"), "{}", stderr(&o));
}

#[test]
fn crlf_line_numbers() {
    let err = read_stats_bytes(
        "crlf.csv",
        b"RAUMID;E_E\r\n04030415;1\r\n04030416;2\r\n04030417;3\r\n04030417;4\r\n",
        &ReadOptions::default(),
    )
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("line 5: duplicate key 04030417 (also on line 4)"),
        "{msg}"
    );
    // The real file: 04030417 is on line 125 (CRLF line ends).
    let (t, _) = read_stats(
        &berlin("stats/EWR201812E_Matrix.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    let i = t.keys.iter().position(|k| k == "04030417").unwrap();
    let text = std::fs::read_to_string(berlin("stats/EWR201812E_Matrix.csv")).unwrap();
    let line = text
        .split('\n')
        .position(|l| l.contains(";04030417;"))
        .unwrap()
        + 1;
    assert_eq!(t.lines[i], line);
}

#[test]
fn non_lor_keys_are_kept_as_written() {
    let gj = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"id":"10115","name":"Mitte"},"geometry":{"type":"Polygon","coordinates":[[[13.38,52.52],[13.39,52.52],[13.39,52.53],[13.38,52.52]]]}},
      {"type":"Feature","properties":{"id":"10117","name":"Mitte"},"geometry":{"type":"Polygon","coordinates":[[[13.39,52.51],[13.40,52.51],[13.40,52.52],[13.39,52.51]]]}}]}"#;
    let (l, _) = read_geojson_str("plz.geojson", gj, &LayerOptions::default()).unwrap();
    let ids: Vec<&str> = l.features.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["10115", "10117"]);
    // LOR keys with a lost leading zero beside full ones are still restored.
    assert!(lor::spatial::geometry::ids::ids_look_like_lor_keys([
        "1011101", "01011102"
    ]));
    assert!(!lor::spatial::geometry::ids::ids_look_like_lor_keys([
        "10115", "10117"
    ]));
}

#[test]
fn translate_does_not_carry_source_key_parts() {
    let o = lor(&[
        "translate",
        berlin("stats/population-2020-12/t1-planning-areas.csv")
            .to_str()
            .unwrap(),
        "--from",
        "lor2006:plr",
        "--to",
        "lor2021:pgr",
        "--levels",
        "pgr",
        "--weighted",
        "*_percentage=inhabitants",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let header = out.lines().next().unwrap();
    for col in [
        "district_id",
        "forecast_area_id",
        "district_region_id",
        "planning_area_id",
    ] {
        assert!(!header.split(',').any(|c| c == col), "{header}");
    }
    assert!(header.contains("inhabitants"), "{header}");
    assert!(
        stderr(&o)
            .contains("read as 04030417 (a known correction; --from-fix-id none turns it off)"),
        "{}",
        stderr(&o)
    );
    // 2021 PGR named from the 2021 list.
    let r = common::csv_rows(&out);
    let zentrum = r.iter().find(|r| r["key"] == "0110").unwrap();
    assert_eq!(zentrum["name"], "Zentrum");
    let _ = Value::Missing;
}

/// `lor check` without `--names` takes the built-in key list as the
/// reference, as `aggregate` does: the 2018 file lacks PLR 09041403 of the
/// LOR 2006 list (exit 3); within Bezirk 04 nothing is missing.
#[test]
fn check_finds_the_plr_missing_from_the_catalogue() {
    let f = berlin("stats/EWR201812E_Matrix.csv");
    let o = lor(&["check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("[missing-plr]") && out.contains("09041403 Allende II"),
        "{out}"
    );
    let o = lor(&["check", f.to_str().unwrap(), "--bezirk", "04"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("No findings"), "{}", stdout(&o));
}
