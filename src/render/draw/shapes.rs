//! The shapes of units in WGS84 for GeoJSON output: a layer's own
//! polygons, coarser LOR levels dissolved from PLR.

use std::collections::BTreeMap;

use anyhow::Result;
use geo::MultiPolygon;

use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::Layer;

fn ring_json(coords: &[geo::Coord<f64>]) -> serde_json::Value {
    serde_json::Value::Array(
        coords
            .iter()
            .map(|c| serde_json::json!([(c.x * 1e7).round() / 1e7, (c.y * 1e7).round() / 1e7]))
            .collect(),
    )
}

/// A multipolygon as a GeoJSON geometry (coordinates to 7 decimals).
pub fn multipolygon_json(mp: &MultiPolygon<f64>) -> serde_json::Value {
    let polys: Vec<serde_json::Value> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring_json(&p.exterior().0)];
                rings.extend(p.interiors().iter().map(|r| ring_json(&r.0)));
                serde_json::Value::Array(rings)
            })
            .collect();
    serde_json::json!({"type": "MultiPolygon", "coordinates": polys})
}

/// The polygons of every unit at `level`, dissolved from a PLR layer by the
/// key digits, in WGS84 (for GeoJSON output).
pub fn dissolve(
    layer: &Layer,
    level: crate::table::key::Level,
) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let mut groups: BTreeMap<String, Vec<&MultiPolygon<f64>>> = BTreeMap::new();
    for f in &layer.features {
        groups
            .entry(level.parent_of(&f.id).to_string())
            .or_default()
            .push(&f.geometry);
    }
    let to_wgs = Transformer::new(layer.crs, Crs::Wgs84);
    let mut out = BTreeMap::new();
    for (k, parts) in groups {
        let mut g = if parts.len() == 1 {
            parts[0].clone()
        } else {
            geo::unary_union(parts)
        };
        to_wgs.multipolygon(&mut g)?;
        out.insert(k, g);
    }
    Ok(out)
}

/// The shapes of the rows of `tables` in WGS84, by (level, key): PLR from
/// `units`, coarser LOR levels dissolved from them, the Sozialraum level
/// from its polygons (when it has some).
pub fn level_shapes(
    tables: &[crate::table::level::LevelTable],
    units: &Layer,
    sozialraum: Option<&Layer>,
) -> Result<BTreeMap<(String, String), MultiPolygon<f64>>> {
    let mut shapes = BTreeMap::new();
    for t in tables {
        let by_key = match (crate::table::key::Level::parse(&t.level), sozialraum) {
            (Some(crate::table::key::Level::Plr), _) => shapes_of(units)?,
            (Some(l), _) => dissolve(units, l)?,
            (None, Some(sr)) => shapes_of(sr)?,
            (None, None) => Default::default(),
        };
        for (k, g) in by_key {
            shapes.insert((t.level.clone(), k), g);
        }
    }
    Ok(shapes)
}

/// A layer's own polygons in WGS84, by id.
pub fn shapes_of(layer: &Layer) -> Result<BTreeMap<String, MultiPolygon<f64>>> {
    let to_wgs = Transformer::new(layer.crs, Crs::Wgs84);
    let mut out = BTreeMap::new();
    for f in &layer.features {
        let mut g = f.geometry.clone();
        to_wgs.multipolygon(&mut g)?;
        out.insert(f.id.clone(), g);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_shapes_by_level_and_key() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        let opts = crate::spatial::geometry::LayerOptions::default();
        let (units, _) =
            crate::spatial::geometry::read_layer(&dir.join("plr.geojson"), &opts).unwrap();
        let (sr, _) =
            crate::spatial::geometry::read_layer(&dir.join("sozialraeume.geojson"), &opts).unwrap();
        let table = |level: &str| crate::table::level::LevelTable {
            level: level.into(),
            keys: Vec::new(),
            names: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
        };
        let tables = [table("plr"), table("bzr"), table("sozialraum")];
        let shapes = level_shapes(&tables, &units, Some(&sr)).unwrap();
        let count = |l: &str| shapes.keys().filter(|(level, _)| level == l).count();
        assert_eq!(count("plr"), units.features.len());
        let bzr: std::collections::BTreeSet<&str> =
            units.features.iter().map(|f| &f.id[..6]).collect();
        assert_eq!(count("bzr"), bzr.len());
        assert_eq!(count("sozialraum"), sr.features.len());
        assert!(shapes.contains_key(&("plr".to_string(), units.features[0].id.clone())));
        // Without Sozialraum polygons (a list), that level has no shapes.
        assert_eq!(level_shapes(&tables[2..], &units, None).unwrap().len(), 0);
    }
}
