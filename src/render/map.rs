//! Maps of a mismatch: the intersection pieces as GeoJSON (for QGIS) and an
//! SVG map a planner opens in a browser.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use geo::{Centroid, MultiPolygon};

use crate::crs::{Crs, Transformer};
use crate::geometry::Layer;
use crate::overlay::{Overlay, PartClass, UnitParts};

/// Class of each (A key, B key) piece, from the classified units.
fn classes(units: &[UnitParts]) -> BTreeMap<(&str, &str), (PartClass, f64)> {
    let mut m = BTreeMap::new();
    for u in units {
        for p in &u.parts {
            if let Some(t) = &p.target {
                m.insert((u.key.as_str(), t.as_str()), (p.class, p.share));
            }
        }
    }
    m
}

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

/// The intersection pieces of A and B as a GeoJSON FeatureCollection in
/// WGS84 (RFC 7946), with keys, names, areas, shares and classes.
pub fn pieces_geojson(ov: &Overlay, a: &Layer, b: &Layer, units: &[UnitParts]) -> Result<Vec<u8>> {
    let cls = classes(units);
    let to_wgs = Transformer::new(a.crs, Crs::Wgs84);
    let mut feats = Vec::new();
    let mut order: Vec<&crate::overlay::Piece> = ov.pieces.iter().collect();
    order.sort_by(|p, q| {
        (&a.features[p.a].id, &b.features[p.b].id).cmp(&(&a.features[q.a].id, &b.features[q.b].id))
    });
    for p in order {
        let Some(g) = &p.geometry else { continue };
        let (fa, fb) = (&a.features[p.a], &b.features[p.b]);
        let (class, share) = cls
            .get(&(fa.id.as_str(), fb.id.as_str()))
            .copied()
            .unwrap_or((PartClass::Noise, p.area / fa.area));
        let mut g = g.clone();
        to_wgs.multipolygon(&mut g)?;
        feats.push(serde_json::json!({
            "type": "Feature",
            "properties": {
                "a": fa.id, "a_name": fa.name, "b": fb.id, "b_name": fb.name,
                "area_m2": (p.area * 10.0).round() / 10.0,
                "share": (share * 1e6).round() / 1e6,
                "class": class.label(),
            },
            "geometry": multipolygon_json(&g),
        }));
    }
    let doc = serde_json::json!({"type": "FeatureCollection", "features": feats});
    let mut out = serde_json::to_vec(&doc)?;
    out.push(b'\n');
    Ok(out)
}

const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

struct Frame {
    minx: f64,
    maxy: f64,
    scale: f64,
}

impl Frame {
    fn path(&self, mp: &MultiPolygon<f64>) -> String {
        let mut d = String::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for (i, c) in ring.0.iter().enumerate() {
                    let x = (c.x - self.minx) * self.scale;
                    let y = (self.maxy - c.y) * self.scale;
                    let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y);
                }
                d.push('Z');
            }
        }
        d
    }

    fn point(&self, c: geo::Point<f64>) -> (f64, f64) {
        (
            (c.x() - self.minx) * self.scale,
            (self.maxy - c.y()) * self.scale,
        )
    }
}

/// An SVG map: A's borders thin, B's borders thick, the parts of split units
/// of A filled in the colour of the B unit they fall into, labels and a legend.
pub fn svg_map(ov: &Overlay, a: &Layer, b: &Layer, units: &[UnitParts], title: &str) -> String {
    let cls = classes(units);
    let bb = match (a.bbox(), b.bbox()) {
        (Some(x), Some(y)) => geo::Rect::new(
            geo::Coord {
                x: x.min().x.min(y.min().x),
                y: x.min().y.min(y.min().y),
            },
            geo::Coord {
                x: x.max().x.max(y.max().x),
                y: x.max().y.max(y.max().y),
            },
        ),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => {
            geo::Rect::new(geo::Coord { x: 0.0, y: 0.0 }, geo::Coord { x: 1.0, y: 1.0 })
        }
    };
    let width = 1000.0;
    let scale = width / bb.width().max(1.0);
    let height = bb.height() * scale;
    let frame = Frame {
        minx: bb.min().x,
        maxy: bb.max().y,
        scale,
    };
    let legend_h = 40.0 + 22.0 * (b.features.len().min(PALETTE.len()) as f64 + 3.0);
    let total_h = height + 60.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {:.0}" width="{}" height="{:.0}" font-family="Helvetica, Arial, sans-serif">"#,
        width + 300.0,
        total_h.max(legend_h + 60.0),
        width + 300.0,
        total_h.max(legend_h + 60.0)
    );
    let _ = writeln!(
        s,
        r#"<title>{}</title><rect width="100%" height="100%" fill="white"/>"#,
        escape(title)
    );
    let _ = writeln!(
        s,
        r#"<text x="10" y="24" font-size="18" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let _ = writeln!(s, r#"<g transform="translate(0,50)">"#);
    // B in light fill to show coverage.
    let color_of: BTreeMap<&str, &str> = b
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), PALETTE[i % PALETTE.len()]))
        .collect();
    for f in &b.features {
        let _ = writeln!(
            s,
            r#"<path d="{}" fill="{}" fill-opacity="0.12" stroke="none"/>"#,
            frame.path(&f.geometry),
            color_of[f.id.as_str()]
        );
    }
    // Parts of split units of A, in the colour of their B unit.
    for p in &ov.pieces {
        let Some(g) = &p.geometry else { continue };
        let (fa, fb) = (&a.features[p.a], &b.features[p.b]);
        if let Some((PartClass::Split, _)) = cls.get(&(fa.id.as_str(), fb.id.as_str())) {
            let _ = writeln!(
                s,
                r#"<path d="{}" fill="{}" fill-opacity="0.75" stroke="none"><title>{} {} in {} {}</title></path>"#,
                frame.path(g),
                color_of[fb.id.as_str()],
                escape(&fa.id),
                escape(&fa.name),
                escape(&fb.id),
                escape(&fb.name)
            );
        }
    }
    for f in &a.features {
        let _ = writeln!(
            s,
            r##"<path d="{}" fill="none" stroke="#666" stroke-width="0.6"><title>{} {}</title></path>"##,
            frame.path(&f.geometry),
            escape(&f.id),
            escape(&f.name)
        );
    }
    for f in &b.features {
        let _ = writeln!(
            s,
            r##"<path d="{}" fill="none" stroke="#111" stroke-width="2.5"/>"##,
            frame.path(&f.geometry)
        );
    }
    // Labels: B units large, split A units small.
    for f in &b.features {
        if let Some(c) = f.geometry.centroid() {
            let (x, y) = frame.point(c);
            let label = if f.name.is_empty() {
                f.id.clone()
            } else {
                format!("{} {}", f.id, f.name)
            };
            let _ = writeln!(
                s,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="15" font-weight="bold" text-anchor="middle" fill="#111" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"##,
                escape(&label)
            );
        }
    }
    for u in units
        .iter()
        .filter(|u| u.status == crate::overlay::UnitStatus::Split)
    {
        if let Some(f) = a.features.iter().find(|f| f.id == u.key) {
            if let Some(c) = f.geometry.centroid() {
                let (x, y) = frame.point(c);
                let _ = writeln!(
                    s,
                    r##"<text x="{x:.1}" y="{y:.1}" font-size="10" text-anchor="middle" fill="#a00" stroke="white" stroke-width="2" paint-order="stroke">{}</text>"##,
                    escape(&u.key)
                );
            }
        }
    }
    let _ = writeln!(s, "</g>");
    // Legend.
    let lx = width + 20.0;
    let _ = writeln!(s, r#"<g transform="translate({lx},60)" font-size="13">"#);
    let _ = writeln!(s, r#"<text x="0" y="0" font-weight="bold">Legend</text>"#);
    let _ = writeln!(
        s,
        r##"<line x1="0" y1="20" x2="30" y2="20" stroke="#111" stroke-width="2.5"/><text x="38" y="24">{}</text>"##,
        escape(&crate::report::short(&b.source))
    );
    let _ = writeln!(
        s,
        r##"<line x1="0" y1="42" x2="30" y2="42" stroke="#666" stroke-width="0.6"/><text x="38" y="46">{}</text>"##,
        escape(&crate::report::short(&a.source))
    );
    let _ = writeln!(
        s,
        r#"<text x="0" y="72">split parts, coloured by the unit they fall in:</text>"#
    );
    for (i, f) in b.features.iter().take(PALETTE.len()).enumerate() {
        let y = 84.0 + 22.0 * i as f64;
        let label = if f.name.is_empty() {
            f.id.clone()
        } else {
            format!("{} {}", f.id, f.name)
        };
        let _ = writeln!(
            s,
            r#"<rect x="0" y="{y}" width="30" height="14" fill="{}" fill-opacity="0.75"/><text x="38" y="{}">{}</text>"#,
            color_of[f.id.as_str()],
            y + 12.0,
            escape(&label)
        );
    }
    let _ = writeln!(s, "</g>\n</svg>");
    s
}

/// The polygons of every unit at `level`, dissolved from a PLR layer by the
/// key digits, in WGS84 (for GeoJSON output).
pub fn dissolve(
    layer: &Layer,
    level: crate::key::Level,
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
