//! `lor aggregate` on the real Berlin files, checked against the figures the
//! statistics office published for the higher levels.

use crate::common;

use std::collections::BTreeMap;

use common::{berlin, published};
use lor::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use lor::aggregation::rules::{plan_rules, Rule, RuleFlags};
use lor::quality::checks::{check_coverage, check_totals};
use lor::table::key::Level;
use lor::table::level::LevelTable;
use lor::table::names::Names;
use lor::table::stats::{read_stats, ReadOptions};

const LEVELS: [Level; 4] = [Level::Bzr, Level::Pgr, Level::Bezirk, Level::Berlin];

fn level_file(level: Level) -> &'static str {
    match level {
        Level::Bzr => "district-regions",
        Level::Pgr => "forecast-areas",
        Level::Bezirk => "districts",
        Level::Berlin => "city",
        Level::Plr => "planning-areas",
    }
}

fn ewr_tables() -> Vec<LevelTable> {
    let (table, _) = read_stats(
        &berlin("stats/EWR201812E_Matrix.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(table.len(), 447);
    assert_eq!(table.key_column, "RAUMID");
    let (rules, _) = plan_rules(&table, &RuleFlags::default()).unwrap();
    let (tables, _) = aggregate_levels(&table, &rules, &LEVELS, None, MissingPolicy::Propagate);
    tables
}

/// Published key of a unit: the city is `0` there, `BE` here.
fn published_key(level: Level, key: &str) -> String {
    match level {
        Level::Berlin => "0".into(),
        _ => key.into(),
    }
}

#[test]
fn ewr_counts_equal_published_tables_for_every_unit() {
    let tables = ewr_tables();
    // Published column = sum of EWR columns.
    let t2_columns: [(&str, &[&str]); 10] = [
        ("inhabitants", &["E_E"]),
        ("inhabitants_female", &["E_EW"]),
        ("inhabitants_age_below_6", &["E_EU1", "E_E1U6"]),
        ("inhabitants_age_6_15", &["E_E6U15"]),
        ("inhabitants_age_15_18", &["E_E15U18"]),
        (
            "inhabitants_age_18_27",
            &["E_E18_21", "E_E21_25", "E_E25_27"],
        ),
        (
            "inhabitants_age_27_45",
            &["E_E27_30", "E_E30_35", "E_E35_40", "E_E40_45"],
        ),
        ("inhabitants_age_45_55", &["E_E45_50", "E_E50_55"]),
        ("inhabitants_age_55_65", &["E_E55U65"]),
        ("inhabitants_age_above_65", &["E_E65U80", "E_E80U110"]),
    ];
    let mut compared = 0;
    for (level, t) in LEVELS.iter().zip(&tables) {
        let t1 = published(
            &format!("stats/population-2018-12/t1-{}.csv", level_file(*level)),
            b',',
        );
        let t2 = published(
            &format!("stats/population-2018-12/t2-{}.csv", level_file(*level)),
            b',',
        );
        // Same units as published.
        let ours: Vec<String> = t.keys.iter().map(|k| published_key(*level, k)).collect();
        let theirs: Vec<String> = t2.keys().cloned().collect();
        assert_eq!(ours, theirs, "units of level {level}");
        for key in &t.keys {
            let pk = published_key(*level, key);
            assert_eq!(
                t.num(key, "E_E").unwrap(),
                t1[&pk]["inhabitants"].parse::<f64>().unwrap(),
                "t1 inhabitants {level} {key}"
            );
            for (col, parts) in t2_columns {
                let ours: f64 = parts.iter().map(|p| t.num(key, p).unwrap()).sum();
                let theirs: f64 = t2[&pk][col].parse().unwrap();
                assert_eq!(ours, theirs, "{col} of {level} {key}");
                compared += 1;
            }
        }
    }
    // 138 BZR + 60 PGR + 12 Bezirke + Berlin, 10 columns each.
    assert_eq!(compared, (138 + 60 + 12 + 1) * 10);
    let city = &tables[3];
    assert_eq!(city.num("BE", "E_E"), Some(3_748_148.0));
}

#[test]
fn ewr_labels_are_carried_not_summed() {
    let tables = ewr_tables();
    let bzr = &tables[0];
    let v = |col: &str| bzr.get("040304", col).cloned();
    use lor::table::level::Value;
    assert_eq!(v("ZEIT"), Some(Value::Text("201812".into())));
    assert_eq!(v("BEZ"), Some(Value::Text("04".into())));
    assert_eq!(v("PGR"), Some(Value::Text("03".into())));
    assert_eq!(v("BZR"), Some(Value::Text("04".into())));
    assert_eq!(v("PLR"), Some(Value::Missing));
    let city = &tables[3];
    assert_eq!(city.get("BE", "BEZ"), Some(&Value::Missing));
    assert_eq!(city.get("BE", "ZEIT"), Some(&Value::Text("201812".into())));
}

#[test]
fn ewr_file_is_consistent_and_names_cover_it() {
    let (table, _) = read_stats(
        &berlin("stats/EWR201812E_Matrix.csv"),
        &ReadOptions::default(),
    )
    .unwrap();
    // E_E = E_EM + E_EW, = Σ age bands, = Σ age groups in every row.
    assert!(check_totals(&table).is_empty());
    let (names, w) = Names::read(&berlin("lor-2006/plr-names.csv")).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(names.units.len(), 448);
    assert_eq!(names.name("04030417"), Some("Schloßstraße"));
    assert_eq!(names.name("040307"), Some("Neue Kantstraße"));
    let cov = check_coverage(&table, Some(&names));
    // The one real gap: PLR 09041403 is in the key list but not in the file.
    assert_eq!(cov.len(), 1, "{cov:?}");
    assert_eq!(cov.0[0].code, "missing-plr");
    assert!(cov.0[0].message.contains("09041403"));
}

/// Without a rule, the open-data shares are proven to be COUNT / inhabitants
/// × 100 in every row and recomputed from the sums (a note says so); with
/// `--weighted '*_percentage=inhabitants'` they are weighted means. Both
/// equal the published tables of every level.
#[test]
fn t2_percentages_proven_or_weighted_equal_published() {
    let path = berlin("stats/population-2018-12/t2-planning-areas.csv");
    let (table, _) = read_stats(&path, &ReadOptions::default()).unwrap();
    assert_eq!(table.key_column, "id");
    let (rules, notes) = plan_rules(&table, &RuleFlags::default()).unwrap();
    assert!(notes.has("proven-share"), "{notes:?}");
    let rule = |c: &str| rules.iter().find(|r| r.column == c).unwrap().rule.clone();
    assert_eq!(
        rule("inhabitants_female_percentage"),
        Rule::Ratio {
            numerator: "inhabitants_female".into(),
            denominator: "inhabitants".into(),
            factor: 100.0
        }
    );
    let weighted = RuleFlags {
        weighted: vec!["*_percentage=inhabitants".into()],
        ..Default::default()
    };
    let (by_weight, _) = plan_rules(&table, &weighted).unwrap();
    for rules in [rules, by_weight] {
        check_t2_percentages(&table, &rules);
    }
}

/// One share that is not its counts' share: no proof, so refused, naming
/// the flag to use.
#[test]
fn t2_percentages_that_disagree_with_their_counts_are_refused() {
    let path = berlin("stats/population-2018-12/t2-planning-areas.csv");
    let (mut table, _) = read_stats(&path, &ReadOptions::default()).unwrap();
    let c = table.column_index("inhabitants_female_percentage").unwrap();
    table.columns[c].cells[7] = lor::table::stats::Cell::Num(12.5);
    let err = plan_rules(&table, &RuleFlags::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("--weighted 'inhabitants_female_percentage=inhabitants'"),
        "{err}"
    );
    assert!(err.contains("1 column looks like"), "{err}");
    assert!(err.contains("inhabitants_female_percentage"), "{err}");
}

fn check_t2_percentages(
    table: &lor::table::stats::StatTable,
    rules: &[lor::aggregation::rules::ColumnRule],
) {
    let (tables, _) = aggregate_levels(table, rules, &LEVELS, None, MissingPolicy::Propagate);
    let pct: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| n.ends_with("_percentage"))
        .collect();
    assert_eq!(pct.len(), 11);
    let mut worst: f64 = 0.0;
    for (level, t) in LEVELS.iter().zip(&tables) {
        let t2 = published(
            &format!("stats/population-2018-12/t2-{}.csv", level_file(*level)),
            b',',
        );
        assert_eq!(t.keys.len(), t2.len());
        for key in &t.keys {
            let pk = published_key(*level, key);
            for col in &pct {
                let ours = t.num(key, col).unwrap();
                let theirs: f64 = t2[&pk][*col].parse().unwrap();
                worst = worst.max((ours - theirs).abs());
                assert!(
                    (ours - theirs).abs() <= 1e-9,
                    "{col} {level} {key}: {ours} vs {theirs}"
                );
            }
            // Counts are still summed.
            assert_eq!(
                t.num(key, "inhabitants").unwrap(),
                t2[&pk]["inhabitants"].parse::<f64>().unwrap()
            );
        }
    }
    assert!(worst < 1e-9);
}

#[test]
fn mss_2021_indicators_weighted_by_inhabitants() {
    let path = berlin("stats/mss-2021-kontext-plr2021.csv");
    let (table, _) = read_stats(&path, &ReadOptions::default()).unwrap();
    assert_eq!(table.key_column, "PLR-ID");
    assert_eq!(table.len(), 542);
    assert!(table.dialect.bom);
    assert_eq!(table.dialect.delimiter, b';');
    assert_eq!(
        table.vintage().unwrap().0,
        lor::table::key::Vintage::Lor2021
    );
    // K-indicators are shares: never summed without a rule.
    let err = plan_rules(&table, &RuleFlags::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("K01") && err.contains("--weighted"), "{err}");

    let flags = RuleFlags {
        weighted: vec!["K*=EW 31.12.2020".into()],
        ..Default::default()
    };
    let (rules, _) = plan_rules(&table, &flags).unwrap();
    let (names, w) = Names::read(&berlin("lor-2021/lor-2021.csv")).unwrap();
    // The BZR and PGR numbers in the key list agree with the key digits.
    assert!(!w.has("hierarchy"), "{w:?}");
    let (tables, _) = aggregate_levels(
        &table,
        &rules,
        &[Level::Bzr, Level::Pgr, Level::Berlin],
        Some(&names),
        MissingPolicy::Propagate,
    );
    let (bzr, pgr, city) = (&tables[0], &tables[1], &tables[2]);
    assert_eq!(bzr.keys.len(), 143);
    assert_eq!(pgr.keys.len(), 58);
    assert_eq!(city.num("BE", "EW 31.12.2020"), Some(3_769_962.0));

    // Independent check: derived BZR/PGR of each PLR against lor-2021.csv,
    // and the weighted means recomputed here from the raw rows.
    let key_list = published("lor-2021/lor-2021.csv", b',');
    let mss = published("stats/mss-2021-kontext-plr2021.csv", b';');
    assert_eq!(key_list.len(), 542);
    let mut by_id: BTreeMap<String, &BTreeMap<String, String>> = BTreeMap::new();
    for row in key_list.values() {
        by_id.insert(row["Planungsraum (Nummer)"].clone(), row);
    }
    let mut expected: BTreeMap<(String, &str), (f64, f64)> = BTreeMap::new();
    for (plr, row) in &mss {
        let reference = by_id[plr];
        assert_eq!(&plr[..6], reference["Bezirksregion (Nummer)"]);
        assert_eq!(&plr[..4], reference["Prognoseraum (Nummer)"]);
        let ew: f64 = row["EW 31.12.2020"].parse().unwrap();
        for k in ["K01", "K04", "K13"] {
            if let Ok(v) = row[k].parse::<f64>() {
                let e = expected.entry((plr[..6].to_string(), k)).or_default();
                e.0 += ew * v;
                e.1 += ew;
            }
        }
    }
    for ((unit, k), (num, den)) in &expected {
        let ours = bzr.num(unit, k);
        if *den == 0.0 {
            assert_eq!(ours, None);
        } else {
            let want = num / den;
            assert!((ours.unwrap() - want).abs() < 1e-9, "{k} {unit}");
        }
    }
    let i = bzr.keys.iter().position(|k| k == "011001").unwrap();
    assert_eq!(bzr.names[i], "Tiergarten Süd");
    let i = pgr.keys.iter().position(|k| k == "0430").unwrap();
    assert_eq!(pgr.names[i], "Charlottenburg Zentrum");
}
