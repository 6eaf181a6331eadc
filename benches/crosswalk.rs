//! `cargo bench --bench crosswalk`: the crosswalk LOR 2006 PLR → LOR 2021
//! PGR for all Berlin (overlay, classification, weights), at real size and
//! with both layers densified ×10 (9 points inserted on every edge), and
//! reading both layers (parse, check, project; on two threads as
//! `lor crosswalk` does), at real size and from files densified ×10.

use std::path::Path;

mod common;
use common::densify;

use criterion::{criterion_group, criterion_main, Criterion};
use lor::mapping::crosswalk::build;
use lor::mapping::weights::Assign;
use lor::spatial::geometry::{read_layer, read_two_layers, LayerOptions};
use lor::spatial::overlay::Tolerance;

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
    let (from10, to10) = (densify(&from, 10), densify(&to, 10));
    g.bench_function("berlin_plr2006_to_pgr2021_dense10", |b| {
        b.iter(|| {
            build(
                &from10,
                &to10,
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
    let (pa, pb) = (
        root.join("lor-2006/plr.geojson.gz"),
        root.join("lor-2021/pgr.geojson.gz"),
    );
    let plain = LayerOptions::default();
    g.bench_function("read_both_layers", |b| {
        b.iter(|| {
            let (x, y) = read_two_layers((&pa, &opts, None), (&pb, &plain, None));
            x.unwrap().0.features.len() + y.unwrap().0.features.len()
        })
    });
    // Reading alone at ×10 density (the files densified in their own
    // coordinates): the floor under any whole-process run at that density.
    let dir = tempfile::tempdir().unwrap();
    let (da, db) = (
        dir.path().join("plr10.geojson.gz"),
        dir.path().join("pgr10.geojson.gz"),
    );
    common::densify_geojson(&pa, &da, 10);
    common::densify_geojson(&pb, &db, 10);
    g.bench_function("read_both_layers_dense10", |b| {
        b.iter(|| {
            let (x, y) = read_two_layers((&da, &opts, None), (&db, &plain, None));
            x.unwrap().0.features.len() + y.unwrap().0.features.len()
        })
    });
    g.bench_function("read_both_layers_bezirk04", |b| {
        b.iter(|| {
            let (x, y) = read_two_layers((&pa, &opts, Some("04")), (&pb, &plain, Some("04")));
            x.unwrap().0.features.len() + y.unwrap().0.features.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
