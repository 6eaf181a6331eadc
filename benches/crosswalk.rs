//! `cargo bench --bench crosswalk`: the crosswalk LOR 2006 PLR → LOR 2021
//! PGR for all Berlin (overlay, classification, weights).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use lor::crosswalk::{build, Assign};
use lor::geometry::{read_layer, LayerOptions};
use lor::overlay::Tolerance;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/berlin");
    let opts = LayerOptions {
        fix_ids: vec![(124, "04030417".into())],
        ..LayerOptions::default()
    };
    let (from, _) = read_layer(&root.join("lor-2006/plr.geojson.gz"), &opts).unwrap();
    let (to, _) = read_layer(
        &root.join("lor-2021/pgr.geojson.gz"),
        &LayerOptions::default(),
    )
    .unwrap();
    let mut g = c.benchmark_group("crosswalk");
    g.sample_size(20);
    g.bench_function("berlin_plr2006_to_pgr2021", |b| {
        b.iter(|| {
            build(
                &from,
                &to,
                &Tolerance::default(),
                "pgr",
                Assign::Largest,
                None,
            )
            .0
            .rows
            .len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
