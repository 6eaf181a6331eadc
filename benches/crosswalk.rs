//! `cargo bench --bench crosswalk`: the crosswalk LOR 2006 PLR → LOR 2021
//! PGR for all Berlin (overlay, classification, weights), at real size and
//! with both layers densified ×10 (9 points inserted on every edge), and
//! reading both layers (parse, check, project; on two threads as
//! `lor crosswalk` does).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use geo::{Coord, LineString};
use lor::crosswalk::{build, Assign};
use lor::geometry::{read_layer, read_two_layers, Layer, LayerOptions};
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
    g.bench_function("read_both_layers_bezirk04", |b| {
        b.iter(|| {
            let (x, y) = read_two_layers((&pa, &opts, Some("04")), (&pb, &plain, Some("04")));
            x.unwrap().0.features.len() + y.unwrap().0.features.len()
        })
    });
    g.finish();
}

/// The layer with every edge cut into `n` equal parts (same shapes and
/// areas, `n` times the vertices).
fn densify(layer: &Layer, n: usize) -> Layer {
    let ring = |r: &LineString<f64>| -> LineString<f64> {
        let mut out = Vec::with_capacity(r.0.len() * n);
        for w in r.0.windows(2) {
            let (p, q) = (w[0], w[1]);
            for k in 0..n {
                let t = k as f64 / n as f64;
                out.push(Coord {
                    x: p.x + t * (q.x - p.x),
                    y: p.y + t * (q.y - p.y),
                });
            }
        }
        out.push(*r.0.last().unwrap());
        LineString(out)
    };
    let mut l = layer.clone();
    for f in &mut l.features {
        for p in &mut f.geometry.0 {
            let ext = ring(p.exterior());
            let holes = p.interiors().iter().map(ring).collect();
            *p = geo::Polygon::new(ext, holes);
        }
    }
    l
}

criterion_group!(benches, bench);
criterion_main!(benches);
