//! `cargo bench --bench overlay`: the LOR 2006 PLR of all Berlin overlaid on
//! the 58 Prognoseräume of LOR 2021 (R-tree candidates + exact
//! intersections), the same with both layers densified ×10 (9 points
//! inserted on every edge: the cost should follow the number of edges), and
//! the whole mismatch pipeline for Bezirk 04 and Berlin.

use std::path::Path;

mod common;
use common::densify;

use criterion::{criterion_group, criterion_main, Criterion};
use lor::quality::mismatch::report::{Mismatch, MismatchInput, PartPeople};
use lor::spatial::geometry::{read_layer, read_two_layers, LayerOptions};
use lor::spatial::overlay::{overlay, unit_parts, Tolerance};
use lor::table::key::Level;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/berlin");
    let (plr, _) = read_layer(
        &root.join("lor-2006/plr.geojson.gz"),
        &LayerOptions::default(),
    )
    .unwrap();
    let (pgr, _) = read_layer(
        &root.join("lor-2021/pgr.geojson.gz"),
        &LayerOptions::default(),
    )
    .unwrap();

    let mut g = c.benchmark_group("overlay");
    g.sample_size(20);
    g.bench_function("berlin_plr2006_x_pgr2021", |b| {
        b.iter(|| overlay(&plr, &pgr, false))
    });
    let (plr10, pgr10) = (densify(&plr, 10), densify(&pgr, 10));
    g.bench_function("berlin_plr2006_x_pgr2021_dense10", |b| {
        b.iter(|| overlay(&plr10, &pgr10, false))
    });

    for bezirk in ["04", ""] {
        let name = if bezirk.is_empty() {
            "mismatch_pipeline_berlin"
        } else {
            "mismatch_pipeline_b04"
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                // As `lor mismatch` reads: both layers at once, units
                // outside the Bezirk passed over before checks and projection.
                let keep = (!bezirk.is_empty()).then_some(bezirk);
                let opts = LayerOptions::default();
                let (a, bl) = read_two_layers(
                    (&root.join("lor-2006/plr.geojson.gz"), &opts, keep),
                    (&root.join("lor-2021/pgr.geojson.gz"), &opts, keep),
                );
                let (a, bl) = (a.unwrap().0, bl.unwrap().0);
                let tol = Tolerance::default();
                let ov = overlay(&a, &bl, false);
                let units = unit_parts(&ov, &a, &bl, &tol);
                let report = Mismatch::new(MismatchInput {
                    a_source: "a",
                    b_source: "b",
                    units,
                    a_level: Some(Level::Plr),
                    rollups: &[Level::Bzr, Level::Pgr],
                    name_of: &|_| String::new(),
                    b_units: Default::default(),
                    people: None,
                    part_people: PartPeople::AreaShare,
                    tol,
                });
                report.to_csv(Default::default()).len()
            })
        });
    }
    g.finish();
}

/// A 20,000-vertex star (lon/lat): its long diagonal edges defeat an
/// R-tree over edge envelopes; read + validation must stay well under a
/// second (`star_20000_read_validate`).
fn star_bench(c: &mut Criterion) {
    let n = 20_000;
    let pts: Vec<String> = (0..=n)
        .map(|i| {
            let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
            let r = if i % 2 == 0 { 0.01 } else { 0.002 };
            format!("[{},{}]", 13.4 + r * a.cos(), 52.5 + 0.6 * r * a.sin())
        })
        .collect();
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"id\":\"01011101\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}]}}",
        pts.join(",")
    );
    let mut g = c.benchmark_group("validate");
    g.sample_size(10);
    g.bench_function("star_20000_read_validate", |b| {
        b.iter(|| {
            lor::spatial::geometry::geojson::read_geojson_str(
                "star.geojson",
                &text,
                &LayerOptions::default(),
            )
            .unwrap()
            .0
            .features
            .len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench, star_bench);
criterion_main!(benches);
