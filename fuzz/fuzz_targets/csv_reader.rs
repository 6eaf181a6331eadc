#![no_main]
//! Any bytes as a statistics CSV: an error or a table, never a panic; and a
//! table that is read always aggregates.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = lor::table::stats::ReadOptions::default();
    if let Ok((table, _)) = lor::table::stats::read_stats_bytes("fuzz.csv", data, &opts) {
        let flags = lor::aggregation::rules::RuleFlags::default();
        if let Ok((rules, _)) = lor::aggregation::rules::plan_rules(&table, &flags) {
            let levels = [lor::table::key::Level::Bzr, lor::table::key::Level::Berlin];
            let _ = lor::aggregation::aggregate::aggregate_levels(&table, &rules, &levels, None, Default::default());
        }
        let _ = lor::quality::checks::check_totals(&table);
        let _ = lor::quality::checks::check_values(&table);
    }
});
