#![no_main]
//! Any bytes as a statistics CSV: an error or a table, never a panic; and a
//! table that is read always aggregates.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = lor::stats::ReadOptions::default();
    if let Ok((table, _)) = lor::stats::read_stats_bytes("fuzz.csv", data, &opts) {
        let flags = lor::rules::RuleFlags::default();
        if let Ok((rules, _)) = lor::rules::plan_rules(&table, &flags) {
            let levels = [lor::key::Level::Bzr, lor::key::Level::Berlin];
            let _ = lor::aggregate::aggregate_levels(&table, &rules, &levels, None, Default::default());
        }
        let _ = lor::check::check_totals(&table);
        let _ = lor::check::check_values(&table);
    }
});
