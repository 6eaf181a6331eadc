//! `cargo bench --bench repair`: the repair step on pathological polygons of
//! 20,000 vertices, each to finish in well under a second (issue 10): a valid
//! star (found valid by the sweep), a star whose spikes cross (refused by
//! the bounded crossing count), a random polygon (refused: more than 10,000
//! crossings) and a circle with 20 small crossings (repaired by the union).

use criterion::{criterion_group, criterion_main, Criterion};
use geo::{LineString, MultiPolygon, Polygon};
use lor::spatial::repair::{repair, Repair};

fn poly(mut pts: Vec<(f64, f64)>) -> MultiPolygon<f64> {
    pts.push(pts[0]);
    MultiPolygon::new(vec![Polygon::new(LineString::from(pts), vec![])])
}

/// A star of `n` vertices (1 km / 200 m); with `lean` the spikes lean
/// alternately left and right so that neighbouring spikes cross.
fn star(n: usize, lean: f64) -> MultiPolygon<f64> {
    poly(
        (0..n)
            .map(|i| {
                let sh = match i % 4 {
                    0 => lean,
                    2 => -lean,
                    _ => 0.0,
                };
                let a = std::f64::consts::TAU * (i as f64 + sh) / n as f64;
                let r = if i.is_multiple_of(2) { 1000.0 } else { 200.0 };
                (390_000.0 + r * a.cos(), 5_810_000.0 + r * a.sin())
            })
            .collect(),
    )
}

fn random(n: usize) -> MultiPolygon<f64> {
    let mut s: u64 = 12345;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    poly(
        (0..n)
            .map(|_| (390_000.0 + 1000.0 * next(), 5_810_000.0 + 1000.0 * next()))
            .collect(),
    )
}

/// A circle of `n` vertices with neighbouring vertices swapped at every
/// `every`-th one: one small crossing each.
fn circle(n: usize, every: usize) -> MultiPolygon<f64> {
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (390_000.0 + 1000.0 * a.cos(), 5_810_000.0 + 1000.0 * a.sin())
        })
        .collect();
    for k in (10..n - 1).step_by(every) {
        pts.swap(k, k + 1);
    }
    poly(pts)
}

fn bench(c: &mut Criterion) {
    let cases = [
        ("star_20000_valid", star(20_000, 0.0), "valid"),
        ("star_20000_crossing_spikes", star(20_000, 3.0), "refused"),
        ("random_20000", random(20_000), "refused"),
        (
            "circle_20000_20_crossings",
            circle(20_000, 1000),
            "repaired",
        ),
    ];
    let mut g = c.benchmark_group("repair");
    g.sample_size(10);
    for (name, p, expect) in &cases {
        let got = match repair(p) {
            Ok(Repair::Valid) => "valid",
            Ok(Repair::Repaired { .. }) => "repaired",
            Err(_) => "refused",
        };
        assert_eq!(got, *expect, "{name}");
        g.bench_function(*name, |b| b.iter(|| repair(p).is_ok()));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
