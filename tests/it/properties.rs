//! Property tests: aggregation conserves totals for any weight table whose
//! weights per source add up to 1, and the order of the input rows never
//! changes a result.

use lor::aggregation::aggregate::{aggregate, aggregate_levels, MissingPolicy};
use lor::aggregation::rules::{plan_rules, RuleFlags};
use lor::mapping::weights::{Weight, WeightTable};
use lor::table::key::Level;
use lor::table::stats::{read_stats_bytes, ReadOptions, StatTable};
use proptest::prelude::*;

/// A statistics CSV with distinct PLR keys and counts.
fn csv_of(rows: &[(u32, u32, u32)]) -> String {
    let mut s = String::from("RAUMID;E_E;E_EW\n");
    for (k, a, b) in rows {
        s.push_str(&format!(
            "{:08};{};{}\n",
            1_000_000 * (1 + k % 12) + 10_000 + k,
            a + b,
            b
        ));
    }
    s
}

fn table(text: &str) -> StatTable {
    read_stats_bytes("p.csv", text.as_bytes(), &ReadOptions::default())
        .unwrap()
        .0
}

fn distinct(rows: Vec<(u32, u32, u32)>) -> Vec<(u32, u32, u32)> {
    let mut seen = std::collections::BTreeSet::new();
    rows.into_iter().filter(|r| seen.insert(r.0)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_weight_tables_conserve_totals(
        rows in prop::collection::vec((0u32..5000, 0u32..10_000, 0u32..10_000), 1..60),
        splits in prop::collection::vec(prop::collection::vec(1u32..100, 1..4), 60),
    ) {
        let rows = distinct(rows);
        let t = table(&csv_of(&rows));
        let (rules, _) = plan_rules(&t, &RuleFlags::default()).unwrap();
        // Each PLR split over 1–3 targets with random positive weights summing to 1.
        let mut w = Vec::new();
        for (i, k) in t.keys.iter().enumerate() {
            let parts = &splits[i % splits.len()];
            let total: u32 = parts.iter().sum();
            for (j, p) in parts.iter().enumerate() {
                w.push(Weight { source: k.clone(), target: format!("T{}", (i + j) % 7), weight: *p as f64 / total as f64 });
            }
        }
        let wt = WeightTable::new("t", w);
        prop_assert!(wt.incomplete_sources(1e-12).is_empty());
        let (out, _) = aggregate(&t, &rules, &wt, MissingPolicy::Propagate);
        let total_in: f64 = t.column("E_E").unwrap().values().flatten().sum();
        let total_out: f64 = out.keys.iter().map(|k| out.num(k, "E_E").unwrap()).sum();
        prop_assert!((total_in - total_out).abs() <= 1e-9 * total_in.max(1.0), "{} vs {}", total_in, total_out);
    }

    #[test]
    fn row_order_changes_nothing(
        rows in prop::collection::vec((0u32..5000, 0u32..10_000, 0u32..10_000), 1..60),
        seed in any::<u64>(),
    ) {
        let rows = distinct(rows);
        let mut shuffled = rows.clone();
        let mut rng = lor::sample::Rng::new(seed);
        for i in (1..shuffled.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let levels = [Level::Bzr, Level::Pgr, Level::Bezirk, Level::Berlin];
        let flags = RuleFlags { ratio: vec!["Anteil_w=E_EW/E_E*100".into()], ..Default::default() };
        let run = |rows: &[(u32, u32, u32)]| {
            let t = table(&csv_of(rows));
            let (rules, _) = plan_rules(&t, &flags).unwrap();
            let (tables, _) = aggregate_levels(&t, &rules, &levels, None, MissingPolicy::Propagate);
            lor::render::output::render(&tables, lor::render::output::Format::Csv).unwrap()
        };
        prop_assert_eq!(run(&rows), run(&shuffled));
    }

    #[test]
    fn key_normalisation_never_panics_and_is_idempotent(s in "\\PC{0,12}") {
        if let Ok((level, key)) = lor::table::key::normalize_key(&s) {
            prop_assert_eq!(lor::table::key::normalize_key(&key).unwrap(), (level, key.clone()));
            prop_assert_eq!(key.len(), level.digits());
        }
    }
}
