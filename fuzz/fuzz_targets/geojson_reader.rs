#![no_main]
//! Any text as a GeoJSON polygon layer: an error or a layer, never a panic;
//! a layer that is read can be overlaid with itself.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opts = lor::spatial::geometry::LayerOptions::default();
    if let Ok((layer, _)) = lor::spatial::geometry::geojson::read_geojson_str("fuzz.geojson", text, &opts) {
        if layer.features.len() < 20 {
            let ov = lor::spatial::overlay::overlay(&layer, &layer, false);
            let _ = lor::spatial::overlay::unit_parts(&ov, &layer, &layer, &Default::default());
        }
    }
});
