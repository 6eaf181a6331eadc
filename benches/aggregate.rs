//! `cargo bench --bench aggregate`: the statistics office's population file
//! (447 PLR × 50 columns) read, checked and aggregated to BZR, PGR, Bezirk
//! and Berlin, then rendered as CSV.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use lor::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use lor::aggregation::rules::{plan_rules, RuleFlags};
use lor::quality::checks::{check_coverage, check_totals};
use lor::render::output::{render, Format};
use lor::table::key::Level;
use lor::table::names::Names;
use lor::table::stats::{read_stats_bytes, ReadOptions};

const LEVELS: [Level; 4] = [Level::Bzr, Level::Pgr, Level::Bezirk, Level::Berlin];

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/berlin");
    let ewr = std::fs::read(root.join("stats/EWR201812E_Matrix.csv")).expect("shared data");
    let (names, _) = Names::read(&root.join("lor-2006/plr-names.csv")).unwrap();

    c.bench_function("ewr_2018_all_levels_csv", |b| {
        b.iter(|| {
            let (table, _) = read_stats_bytes("EWR", &ewr, &ReadOptions::default()).unwrap();
            let cov = check_coverage(&table, Some(&names));
            let tot = check_totals(&table);
            let (rules, _) = plan_rules(&table, &RuleFlags::default()).unwrap();
            let (tables, _) = aggregate_levels(
                &table,
                &rules,
                &LEVELS,
                Some(&names),
                MissingPolicy::Propagate,
            );
            let out = render(&tables, Format::Csv).unwrap();
            (cov, tot, out.len())
        })
    });

    let (table, _) = read_stats_bytes("EWR", &ewr, &ReadOptions::default()).unwrap();
    let (rules, _) = plan_rules(&table, &RuleFlags::default()).unwrap();
    c.bench_function("ewr_2018_aggregate_only", |b| {
        b.iter(|| {
            aggregate_levels(
                &table,
                &rules,
                &LEVELS,
                Some(&names),
                MissingPolicy::Propagate,
            )
        })
    });
    c.bench_function("ewr_2018_read_only", |b| {
        b.iter(|| read_stats_bytes("EWR", &ewr, &ReadOptions::default()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
