//! `cargo bench --bench points`: random points (CSV, EPSG:25833) over Berlin
//! located in the LOR 2006 PLR, counted and summed: 1,000,000 points, and
//! ×10 density (10,000,000 points over the same area); and the locator's
//! build and a locate-only pass.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lor::points::read::{tally_points, PointOptions};
use lor::spatial::geometry::{read_layer, LayerOptions};
use lor::spatial::locate::{Location, Locator};

fn points_file(dir: &Path, n: u64) -> PathBuf {
    let csv = dir.join(format!("points-{n}.csv"));
    if !csv.exists() {
        let mut f = std::fs::File::create(&csv).unwrap();
        lor::sample::write_random_points(&mut f, n, lor::sample::BERLIN_EXTENT, 42).unwrap();
    }
    csv
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/berlin");
    let (plr, _) = read_layer(
        &root.join("lor-2006/plr.geojson.gz"),
        &LayerOptions::default(),
    )
    .unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-points");
    std::fs::create_dir_all(&dir).unwrap();
    let opts = PointOptions {
        crs: Some(lor::spatial::crs::Crs::Utm33),
        sum: vec!["plaetze".into()],
        ..Default::default()
    };
    let mut g = c.benchmark_group("points");
    g.sample_size(10);
    for (name, n) in [
        ("csv_1m_berlin_plr2006", 1_000_000u64),
        ("csv_10m_density_x10_berlin_plr2006", 10_000_000),
    ] {
        let csv = points_file(&dir, n);
        g.throughput(Throughput::Elements(n));
        g.bench_function(name, |b| {
            b.iter(|| {
                tally_points(&csv, &opts, &[&plr], |_, _| {})
                    .unwrap()
                    .0
                    .total
            })
        });
    }
    g.bench_function("locator_build_plr2006", |b| b.iter(|| Locator::new(&plr)));
    // Locating alone, 1M points on one core (no reading or parsing).
    let loc = Locator::new(&plr);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let (x0, y0, x1, y1) = lor::sample::BERLIN_EXTENT;
    let pts: Vec<(f64, f64)> = (0..1_000_000)
        .map(|_| {
            let mut unit = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 11) as f64 / (1u64 << 53) as f64
            };
            (x0 + unit() * (x1 - x0), y0 + unit() * (y1 - y0))
        })
        .collect();
    g.throughput(Throughput::Elements(pts.len() as u64));
    g.bench_function("locate_1m_plr2006", |b| {
        b.iter(|| {
            pts.iter()
                .filter(|p| loc.locate(p.0, p.1) != Location::Outside)
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
