//! What several benchmarks share: layers and GeoJSON files densified ×n,
//! the inputs of the "cost follows the number of edges" measurements.

#![allow(dead_code)] // each bench uses its own part

use std::io::{Read, Write};
use std::path::Path;

use geo::{Coord, LineString};
use lor::spatial::geometry::Layer;

/// The layer with every edge cut into `n` equal parts (same shapes and
/// areas, `n` times the vertices).
pub fn densify(layer: &Layer, n: usize) -> Layer {
    let mut l = layer.clone();
    for f in &mut l.features {
        for p in &mut f.geometry.0 {
            let ext = densify_ring(p.exterior(), n);
            let holes = p.interiors().iter().map(|r| densify_ring(r, n)).collect();
            *p = geo::Polygon::new(ext, holes);
        }
    }
    l
}

fn densify_ring(r: &LineString<f64>, n: usize) -> LineString<f64> {
    let pts: Vec<[f64; 2]> = r.0.iter().map(|c| [c.x, c.y]).collect();
    LineString(
        densify_coords(&pts, n)
            .into_iter()
            .map(|[x, y]| Coord { x, y })
            .collect(),
    )
}

/// A ring's positions with `n - 1` points inserted on every edge.
fn densify_coords(r: &[[f64; 2]], n: usize) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(r.len() * n);
    for w in r.windows(2) {
        let (p, q) = (w[0], w[1]);
        for k in 0..n {
            let t = k as f64 / n as f64;
            out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
        }
    }
    out.extend(r.last());
    out
}

/// A gzipped GeoJSON polygon layer written again with every edge cut into
/// `n` parts in the file's own coordinates (the input of a whole-process
/// run at ×n density: `n` times the vertices to parse, check and project).
pub fn densify_geojson(src: &Path, dst: &Path, n: usize) {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(src).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut fc: geojson::FeatureCollection = text.parse().unwrap();
    let ring = |r: &mut Vec<geojson::Position>| {
        let pts: Vec<[f64; 2]> = r.iter().map(|p| [p[0], p[1]]).collect();
        *r = densify_coords(&pts, n)
            .into_iter()
            .map(Into::into)
            .collect();
    };
    for f in &mut fc.features {
        let g = f.geometry.as_mut().unwrap();
        match &mut g.value {
            geojson::GeometryValue::Polygon { coordinates: p } => p.iter_mut().for_each(ring),
            geojson::GeometryValue::MultiPolygon { coordinates: m } => {
                m.iter_mut().flatten().for_each(ring)
            }
            other => panic!("not a polygon: {other:?}"),
        }
    }
    let mut out = flate2::write::GzEncoder::new(
        std::fs::File::create(dst).unwrap(),
        flate2::Compression::fast(),
    );
    out.write_all(fc.to_string().as_bytes()).unwrap();
    out.finish().unwrap();
}
