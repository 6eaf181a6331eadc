//! `cargo bench --bench points`: 1,000,000 random points (CSV, EPSG:25833)
//! over Berlin located in the LOR 2006 PLR, counted and summed.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lor::geometry::{read_layer, LayerOptions};
use lor::locate::Locator;
use lor::points::{tally_points, PointOptions};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/berlin");
    let (plr, _) = read_layer(
        &root.join("lor-2006/plr.geojson.gz"),
        &LayerOptions::default(),
    )
    .unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-points");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("points-1m.csv");
    if !csv.exists() {
        let mut f = std::fs::File::create(&csv).unwrap();
        lor::sample::write_random_points(&mut f, 1_000_000, lor::sample::BERLIN_EXTENT, 42)
            .unwrap();
    }
    let opts = PointOptions {
        crs: Some(lor::crs::Crs::Utm33),
        sum: vec!["plaetze".into()],
        ..Default::default()
    };
    let mut g = c.benchmark_group("points");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("csv_1m_berlin_plr2006", |b| {
        b.iter(|| {
            tally_points(&csv, &opts, &[&plr], |_, _| {})
                .unwrap()
                .0
                .total
        })
    });
    g.bench_function("locator_build_plr2006", |b| b.iter(|| Locator::new(&plr)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
