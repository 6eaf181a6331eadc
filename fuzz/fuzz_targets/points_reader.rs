#![no_main]
//! Any bytes as a point file (GeoJSON when the first byte is odd, CSV
//! otherwise), counted in a one-square layer with a sum and a category:
//! an error or a tally, never a panic; a tally's counts add up. The square
//! is 50 m wide so that the point locator's grid (cells of at least 1 m)
//! is small: a 1 km square made every run build 250,000 cells (seconds).
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn layer() -> &'static lor::spatial::geometry::Layer {
    static L: OnceLock<lor::spatial::geometry::Layer> = OnceLock::new();
    L.get_or_init(|| {
        let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25833"}},"features":[{"type":"Feature","properties":{"id":"01011101"},"geometry":{"type":"Polygon","coordinates":[[[390000,5810000],[390050,5810000],[390050,5810050],[390000,5810050],[390000,5810000]]]}}]}"#;
        lor::spatial::geometry::geojson::read_geojson_str("units.geojson", text, &Default::default())
            .unwrap()
            .0
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let ext = if first % 2 == 1 { "geojson" } else { "csv" };
    let dir = std::env::temp_dir().join(format!("lor-fuzz-points-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("p.{ext}"));
    std::fs::write(&path, rest).unwrap();
    let opts = lor::points::read::PointOptions {
        sum: vec!["v".into()],
        by: Some("c".into()),
        crs: (first & 2 == 2).then_some(lor::spatial::crs::Crs::Utm33),
        ..Default::default()
    };
    if let Ok((run, _)) = lor::points::read::tally_points(&path, &opts, &[layer()], |_, _| {}) {
        let t = &run.tallies[0];
        let inside: f64 = t.count.iter().sum();
        assert_eq!(inside as u64 + t.outside, run.total);
        assert!(t.sums.iter().flatten().all(|v| v.is_finite()));
    }
});
