//! GeoJSON layers: a FeatureCollection of Polygon and MultiPolygon
//! features, its properties as text, its declared CRS (the legacy `crs`
//! member), unclosed rings closed.

use std::collections::BTreeMap;

use anyhow::Result;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value as Json;

use crate::error::{input_error, Warnings};
use crate::spatial::crs::Crs;
use crate::spatial::geometry::finish::finish_layer;
use crate::spatial::geometry::{Layer, LayerOptions, RawLayer};

/// Read GeoJSON text (a FeatureCollection of Polygon/MultiPolygon features).
pub fn read_geojson_str(name: &str, text: &str, opts: &LayerOptions) -> Result<(Layer, Warnings)> {
    let raw = parse_geojson(name, text, opts)?;
    finish_layer(name, raw, opts, None)
}

fn json_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_string()),
        Json::Number(n) => Some(match n.as_i64() {
            Some(i) => i.to_string(),
            None => {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{}", f as i64)
                } else {
                    f.to_string()
                }
            }
        }),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn ring(coords: &[geojson::Position], closed: &mut bool) -> Result<LineString<f64>, String> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(coords.len() + 1);
    for p in coords {
        if p.len() < 2 {
            return Err("a position with fewer than two coordinates".into());
        }
        let (x, y) = (p[0], p[1]);
        if !x.is_finite() || !y.is_finite() {
            return Err("a coordinate that is not a finite number".into());
        }
        pts.push(Coord { x, y });
    }
    if pts.len() >= 2 && pts.first() != pts.last() {
        *closed = true;
        pts.push(pts[0]);
    }
    if pts.len() < 4 {
        return Err(format!(
            "a ring with {} positions (a closed ring needs at least 4)",
            coords.len()
        ));
    }
    Ok(LineString::new(pts))
}

fn polygon(rings: &[Vec<geojson::Position>], closed: &mut bool) -> Result<Polygon<f64>, String> {
    let mut it = rings.iter();
    let ext = it.next().ok_or("a polygon without rings")?;
    let ext = ring(ext, closed)?;
    let holes = it.map(|r| ring(r, closed)).collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(ext, holes))
}

pub(super) fn parse_geojson(name: &str, text: &str, opts: &LayerOptions) -> Result<RawLayer> {
    use geojson::{GeoJson, GeometryValue};
    let gj: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| input_error(format!("{name}: not valid GeoJSON: {e}")))?;
    let fc = match gj {
        GeoJson::FeatureCollection(fc) => fc,
        GeoJson::Feature(f) => geojson::FeatureCollection::from_iter([f]),
        GeoJson::Geometry(_) => {
            return Err(input_error(format!(
                "{name}: a bare geometry without properties; lor needs a FeatureCollection whose features have an id"
            )))
        }
    };
    // The legacy `crs` member: {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}}.
    let crs_declared = fc
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
        .and_then(|c| c.get("properties"))
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let crs = match (&opts.crs, &crs_declared) {
        (Some(c), _) => Some(*c),
        (None, Some(d)) => Some(Crs::parse(d).ok_or_else(|| {
            input_error(format!(
                "{name}: unknown CRS '{d}'; lor knows EPSG:4326, EPSG:25833, EPSG:25832 and EPSG:3068 (give one with {} if the declaration is wrong)",
                opts.flag("crs")
            ))
        })?),
        (None, None) => None,
    };
    let mut features = Vec::with_capacity(fc.features.len());
    let mut closed_list = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let mut props = BTreeMap::new();
        if let Some(id) = f.id.as_ref() {
            let v = match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => {
                    json_text(&Json::Number(n.clone())).unwrap_or_default()
                }
            };
            props.insert("\u{0}feature-id".to_string(), v);
        }
        if let Some(p) = &f.properties {
            for (k, v) in p {
                if let Some(t) = json_text(v) {
                    props.insert(k.clone(), t);
                }
            }
        }
        let mut closed = false;
        let geom = match f.geometry.as_ref().map(|g| &g.value) {
            None => Err("no geometry (null)".to_string()),
            Some(GeometryValue::Polygon { coordinates }) => {
                if coordinates.is_empty() {
                    Err("an empty Polygon".to_string())
                } else {
                    polygon(coordinates, &mut closed).map(|p| MultiPolygon::new(vec![p]))
                }
            }
            Some(GeometryValue::MultiPolygon { coordinates }) => {
                if coordinates.is_empty() {
                    Err("an empty MultiPolygon".to_string())
                } else {
                    coordinates
                        .iter()
                        .map(|p| polygon(p, &mut closed))
                        .collect::<Result<Vec<_>, _>>()
                        .map(MultiPolygon::new)
                }
            }
            Some(other) => Err(format!(
                "a {} where a Polygon or MultiPolygon is expected",
                other.type_name()
            )),
        };
        if closed {
            closed_list.push(i + 1);
        }
        features.push((props, geom));
    }
    Ok(RawLayer {
        crs,
        crs_declared,
        features,
        closed: closed_list,
    })
}
