//! Maps: the one module behind every map `lor` draws (mismatch maps,
//! choropleths, the maps of the report), and the intersection pieces of a
//! mismatch as GeoJSON (for QGIS).
//!
//! A [`MapDoc`] is rendered to SVG with a title from the data, a legend of
//! only what is shown, a scale bar, a north arrow and the source line;
//! labels that would overlap are shortened or dropped. [`png`] renders the
//! same SVG with resvg for slides.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::Result;
use geo::{BoundingRect, Centroid, MultiPolygon};

use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::{Overlay, PartClass, UnitParts};
use crate::text::decimal;

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
    let mut order: Vec<&crate::spatial::overlay::Piece> = ov.pieces.iter().collect();
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

/// Colours of the units of B in the mismatch map (Tableau 10).
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Fonts in the SVG: DejaVu Sans first, so that the PNG rendering (resvg
/// with the system fonts) and the browser use the same metrics.
pub const FONT_FAMILY: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";

/// Areas without units smaller than this (m²) are digitising noise, not
/// hatched.
pub const MIN_HATCH_AREA: f64 = 20_000.0;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How a shape is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Paint {
    Fill {
        colour: String,
        opacity: f64,
    },
    /// Diagonal hatching: an area with no unit or no value.
    Hatch,
    /// Diagonal stripes over what is drawn below (transparent between the
    /// stripes): e.g. the units that move in a layout.
    Stripes,
    Line {
        colour: String,
        width: f64,
    },
}

/// One polygon of a map, in a metric CRS.
#[derive(Debug, Clone)]
pub struct Shape {
    pub geometry: MultiPolygon<f64>,
    pub paint: Paint,
    /// Shown on hover in a browser.
    pub tooltip: String,
}

/// A label at a point (metric CRS); `short` is tried when `text` collides.
#[derive(Debug, Clone)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub short: String,
    pub size: f64,
    pub bold: bool,
    pub colour: String,
}

impl Label {
    /// A label at the centroid of a geometry (`None` for an empty one).
    pub fn at(g: &MultiPolygon<f64>, text: String, short: String, size: f64) -> Option<Label> {
        let c = g.centroid()?;
        Some(Label {
            x: c.x(),
            y: c.y(),
            text,
            short,
            size,
            bold: false,
            colour: "#111".into(),
        })
    }
}

/// One entry of the legend.
#[derive(Debug, Clone, PartialEq)]
pub enum LegendItem {
    Heading(String),
    Swatch {
        colour: String,
        opacity: f64,
        text: String,
    },
    Line {
        colour: String,
        width: f64,
        text: String,
    },
    Hatch(String),
    /// The stripes of [`Paint::Stripes`].
    Stripes(String),
    Note(String),
}

/// A whole map: title, shapes in drawing order, labels in priority order,
/// legend, and the source line. Rendered with a scale bar and a north arrow.
#[derive(Debug, Clone, Default)]
pub struct MapDoc {
    /// Prefix of the ids inside the SVG (several maps in one HTML page).
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// Source and licence of the data shown.
    pub source: String,
    pub shapes: Vec<Shape>,
    pub labels: Vec<Label>,
    pub legend: Vec<LegendItem>,
}

/// Width of the map area and of the legend, in px.
const MAP_W: f64 = 760.0;
const MAP_H_MAX: f64 = 760.0;
const LEGEND_W: f64 = 330.0;
const HEADER_H: f64 = 64.0;

/// Text width estimate (px) for the label collision test.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

/// Break `text` into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cut a text to `n` characters with an ellipsis.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(n.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A round scale-bar length (1, 2 or 5 × 10ⁿ m) near `target` metres.
fn nice_length(target: f64) -> f64 {
    let p = 10f64.powf(target.max(1.0).log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|l| *l <= target)
        .unwrap_or(p)
}

/// Place labels greedily in priority order: the full text, else the short
/// one, else none where it would overlap a placed label or leave the map.
/// Returns (index, text used, x, y) in px.
fn place_labels(labels: &[Label], frame: &Frame, w: f64, h: f64) -> Vec<(usize, String, f64, f64)> {
    let mut boxes: Vec<[f64; 4]> = Vec::new();
    let mut out = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let (x, y) = frame.point(geo::Point::new(l.x, l.y));
        for text in [&l.text, &l.short] {
            if text.is_empty() {
                continue;
            }
            let tw = text_width(text, l.size) + 4.0;
            let b = [x - tw / 2.0, y - l.size, x + tw / 2.0, y + l.size * 0.35];
            let inside = b[0] >= 0.0 && b[2] <= w && b[1] >= 0.0 && b[3] <= h;
            let free = boxes
                .iter()
                .all(|o| b[2] < o[0] || o[2] < b[0] || b[3] < o[1] || o[3] < b[1]);
            if inside && free {
                boxes.push(b);
                out.push((i, text.clone(), x, y));
                break;
            }
        }
    }
    out
}

impl MapDoc {
    fn bbox(&self) -> Option<geo::Rect<f64>> {
        let mut r: Option<geo::Rect<f64>> = None;
        for s in &self.shapes {
            if let Some(b) = s.geometry.bounding_rect() {
                r = Some(match r {
                    None => b,
                    Some(a) => geo::Rect::new(
                        geo::Coord {
                            x: a.min().x.min(b.min().x),
                            y: a.min().y.min(b.min().y),
                        },
                        geo::Coord {
                            x: a.max().x.max(b.max().x),
                            y: a.max().y.max(b.max().y),
                        },
                    ),
                });
            }
        }
        r
    }

    /// The map as SVG text (same document, same bytes).
    pub fn svg(&self) -> String {
        let bb = self.bbox().unwrap_or(geo::Rect::new(
            geo::Coord { x: 0.0, y: 0.0 },
            geo::Coord { x: 1.0, y: 1.0 },
        ));
        let pad = 10.0;
        let scale = ((MAP_W - 2.0 * pad) / bb.width().max(1.0))
            .min((MAP_H_MAX - 2.0 * pad) / bb.height().max(1.0));
        let map_w = MAP_W;
        let map_h = bb.height() * scale + 2.0 * pad;
        let frame = Frame {
            minx: bb.min().x - pad / scale,
            maxy: bb.max().y + pad / scale,
            scale,
        };
        let source_lines = wrap(&self.source, 150);
        let footer_h = 48.0 + 14.0 * source_lines.len() as f64;
        let body_h = map_h.max(self.legend_height());
        let mut s = String::new();
        self.svg_header(&mut s, map_w + LEGEND_W, HEADER_H + body_h + footer_h);
        let _ = writeln!(s, r#"<g transform="translate(0,{HEADER_H})" class="map">"#);
        self.svg_shapes(&mut s, &frame);
        self.svg_labels(&mut s, &frame, map_w, map_h);
        let _ = writeln!(s, "</g>");
        self.legend_svg(&mut s, map_w + 10.0, HEADER_H);
        svg_footer(
            &mut s,
            HEADER_H + body_h + 16.0,
            map_w,
            scale,
            &source_lines,
        );
        let _ = writeln!(s, "</svg>");
        s
    }

    /// The `<svg>` element, the hatch pattern, the title and subtitle.
    fn svg_header(&self, s: &mut String, total_w: f64, total_h: f64) {
        let id = &self.id;
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:.0} {total_h:.0}" width="{total_w:.0}" height="{total_h:.0}" font-family="{FONT_FAMILY}" role="img" aria-label="{}">"#,
            escape(&self.title)
        );
        let _ = writeln!(
            s,
            r##"<defs><pattern id="{id}hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="white"/><line x1="0" y1="0" x2="0" y2="8" stroke="#777" stroke-width="2"/></pattern></defs>"##
        );
        let stripes = self.shapes.iter().any(|s| s.paint == Paint::Stripes)
            || self
                .legend
                .iter()
                .any(|l| matches!(l, LegendItem::Stripes(_)));
        if stripes {
            let _ = writeln!(
                s,
                r##"<defs><pattern id="{id}stripes" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="7" stroke="#222" stroke-width="1.6"/></pattern></defs>"##
            );
        }
        let _ = writeln!(
            s,
            r#"<title>{}</title><rect width="100%" height="100%" fill="white"/>"#,
            escape(&self.title)
        );
        let _ = writeln!(
            s,
            r#"<text x="10" y="26" font-size="20" font-weight="bold">{}</text>"#,
            escape(&clip(&self.title, 95))
        );
        if !self.subtitle.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="10" y="48" font-size="13" fill="#444">{}</text>"##,
                escape(&clip(&self.subtitle, 150))
            );
        }
    }

    /// The shapes: filled, hatched or outlined, each with its tooltip.
    fn svg_shapes(&self, s: &mut String, frame: &Frame) {
        let id = &self.id;
        for sh in &self.shapes {
            let d = frame.path(&sh.geometry);
            let tip = if sh.tooltip.is_empty() {
                String::new()
            } else {
                format!("<title>{}</title>", escape(&sh.tooltip))
            };
            match &sh.paint {
                Paint::Fill { colour, opacity } => {
                    let _ = writeln!(
                        s,
                        r##"<path d="{d}" fill="{colour}" fill-opacity="{opacity}" stroke="none" fill-rule="evenodd">{tip}</path>"##
                    );
                }
                Paint::Hatch => {
                    let _ = writeln!(
                        s,
                        r##"<path d="{d}" fill="url(#{id}hatch)" stroke="#777" stroke-width="0.8" fill-rule="evenodd">{tip}</path>"##
                    );
                }
                Paint::Stripes => {
                    let _ = writeln!(
                        s,
                        r##"<path d="{d}" fill="url(#{id}stripes)" stroke="none" fill-rule="evenodd">{tip}</path>"##
                    );
                }
                Paint::Line { colour, width } => {
                    let _ = writeln!(
                        s,
                        r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round">{tip}</path>"##
                    );
                }
            }
        }
    }

    /// The labels that fit without overlapping, and the north arrow.
    fn svg_labels(&self, s: &mut String, frame: &Frame, map_w: f64, map_h: f64) {
        for (i, text, x, y) in place_labels(&self.labels, frame, map_w, map_h) {
            let l = &self.labels[i];
            let _ = writeln!(
                s,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="{}" text-anchor="middle"{} fill="{}" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"##,
                l.size,
                if l.bold { r#" font-weight="bold""# } else { "" },
                l.colour,
                escape(&text)
            );
        }
        // North arrow (EPSG:25833 grid north; within 1.5° of true north in Berlin).
        let (nx, ny) = (map_w - 30.0, 14.0);
        let _ = writeln!(
            s,
            r##"<g class="north-arrow"><path d="M{nx},{ny} l-8,24 l8,-6 l8,6 Z" fill="#111"/><text x="{nx}" y="{:.0}" font-size="13" font-weight="bold" text-anchor="middle">N</text></g>"##,
            ny + 40.0
        );
    }

    fn legend_height(&self) -> f64 {
        20.0 + self
            .legend
            .iter()
            .map(|i| match i {
                LegendItem::Heading(_) => 26.0,
                LegendItem::Note(t) => 16.0 * wrap(t, 44).len() as f64,
                _ => 22.0,
            })
            .sum::<f64>()
    }

    fn legend_svg(&self, s: &mut String, x: f64, y: f64) {
        let id = &self.id;
        let _ = writeln!(
            s,
            r#"<g transform="translate({x:.0},{y:.0})" font-size="13" class="legend">"#
        );
        let mut cy = 10.0;
        for item in &self.legend {
            match item {
                LegendItem::Heading(t) => {
                    cy += 8.0;
                    let _ = writeln!(
                        s,
                        r#"<text x="0" y="{:.0}" font-weight="bold">{}</text>"#,
                        cy + 8.0,
                        escape(&clip(t, 42))
                    );
                    cy += 18.0;
                }
                LegendItem::Swatch {
                    colour,
                    opacity,
                    text,
                } => {
                    let _ = writeln!(
                        s,
                        r##"<rect x="0" y="{cy:.0}" width="28" height="15" fill="{colour}" fill-opacity="{opacity}" stroke="#999" stroke-width="0.5"/><text x="36" y="{:.0}">{}</text>"##,
                        cy + 12.0,
                        escape(&clip(text, 40))
                    );
                    cy += 22.0;
                }
                LegendItem::Line {
                    colour,
                    width,
                    text,
                } => {
                    let _ = writeln!(
                        s,
                        r#"<line x1="0" y1="{:.0}" x2="28" y2="{:.0}" stroke="{colour}" stroke-width="{width}"/><text x="36" y="{:.0}">{}</text>"#,
                        cy + 8.0,
                        cy + 8.0,
                        cy + 12.0,
                        escape(&clip(text, 40))
                    );
                    cy += 22.0;
                }
                LegendItem::Hatch(text) | LegendItem::Stripes(text) => {
                    let pattern = if matches!(item, LegendItem::Hatch(_)) {
                        "hatch"
                    } else {
                        "stripes"
                    };
                    let _ = writeln!(
                        s,
                        r##"<rect x="0" y="{cy:.0}" width="28" height="15" fill="url(#{id}{pattern})" stroke="#777" stroke-width="0.8"/><text x="36" y="{:.0}">{}</text>"##,
                        cy + 12.0,
                        escape(&clip(text, 40))
                    );
                    cy += 22.0;
                }
                LegendItem::Note(t) => {
                    for line in wrap(t, 44) {
                        let _ = writeln!(
                            s,
                            r##"<text x="0" y="{:.0}" font-size="12" fill="#444">{}</text>"##,
                            cy + 12.0,
                            escape(&line)
                        );
                        cy += 16.0;
                    }
                }
            }
        }
        let _ = writeln!(s, "</g>");
    }
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
                let mut last = (f64::NAN, f64::NAN);
                let mut n = 0;
                for c in ring.0.iter() {
                    let x = ((c.x - self.minx) * self.scale * 10.0).round() / 10.0;
                    let y = ((self.maxy - c.y) * self.scale * 10.0).round() / 10.0;
                    // Points that fall on the same output position add nothing.
                    if (x, y) == last {
                        continue;
                    }
                    last = (x, y);
                    let _ = write!(d, "{}{:.1},{:.1}", if n == 0 { "M" } else { "L" }, x, y);
                    n += 1;
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

/// The area of `outline` not covered by any of `covered` (e.g. the PLR
/// missing from a Bezirk or a Sozialraum), without slivers below
/// [`MIN_HATCH_AREA`].
pub fn uncovered<'a>(
    outline: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
    covered: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> MultiPolygon<f64> {
    use geo::{Area, BooleanOps};
    let outer = geo::unary_union(outline.into_iter().flat_map(|m| m.0.iter()));
    let inner = geo::unary_union(covered.into_iter().flat_map(|m| m.0.iter()));
    let diff = outer.difference(&inner);
    MultiPolygon(
        diff.0
            .into_iter()
            .filter(|p| p.unsigned_area() >= MIN_HATCH_AREA)
            .collect(),
    )
}

/// What the mismatch map says about its data.
#[derive(Debug, Clone, Default)]
pub struct MismatchText {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub source: String,
    /// "Planungsräume" (the units of A) and "Sozialräume" (B).
    pub a_title: String,
    pub b_title: String,
    /// Units of A known from the statistics but without a polygon (named
    /// on the hatched area where they are missing).
    pub no_geometry: Vec<String>,
}

fn name_of(id: &str, name: &str) -> String {
    if name.is_empty() {
        id.to_string()
    } else {
        format!("{id} {name}")
    }
}

/// The footer of a map at height `fy`: a scale bar a quarter of the map
/// wide (rounded to a nice length) and the source lines.
fn svg_footer(s: &mut String, fy: f64, map_w: f64, scale: f64, source_lines: &[String]) {
    let metres = nice_length(map_w * 0.25 / scale);
    let px = metres * scale;
    let label = if metres >= 1000.0 {
        format!("{} km", metres / 1000.0)
    } else {
        format!("{metres} m")
    };
    let _ = writeln!(
        s,
        r##"<g class="scale-bar" transform="translate(10,{fy:.0})"><rect x="0" y="0" width="{:.1}" height="6" fill="#111"/><rect x="{:.1}" y="0" width="{:.1}" height="6" fill="white" stroke="#111" stroke-width="1"/><text x="0" y="20" font-size="12">0</text><text x="{px:.1}" y="20" font-size="12" text-anchor="middle">{label}</text></g>"##,
        px / 2.0,
        px / 2.0,
        px / 2.0
    );
    for (i, line) in source_lines.iter().enumerate() {
        let _ = writeln!(
            s,
            r##"<text x="10" y="{:.0}" font-size="11" fill="#444" class="source">{}</text>"##,
            fy + 40.0 + 14.0 * i as f64,
            escape(line)
        );
    }
}

/// An empty map with its title, subtitle, source and id prefix.
fn titled(id: &str, title: &str, subtitle: &str, source: &str) -> MapDoc {
    MapDoc {
        id: id.to_string(),
        title: title.to_string(),
        subtitle: subtitle.to_string(),
        source: source.to_string(),
        ..MapDoc::default()
    }
}

/// The mismatch map: A's borders thin, B's borders thick, the split parts of
/// A coloured by the unit of B they fall in (legend: only those units),
/// areas of B without a unit of A and parts of A outside B hatched.
pub fn mismatch_map(
    ov: &Overlay,
    a: &Layer,
    b: &Layer,
    units: &[UnitParts],
    text: &MismatchText,
) -> MapDoc {
    let colour_of: BTreeMap<&str, &str> = b
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), PALETTE[i % PALETTE.len()]))
        .collect();
    let mut doc = titled(&text.id, &text.title, &text.subtitle, &text.source);
    let shown = split_pieces(&mut doc, ov, (a, b), units, &colour_of);
    let gaps = Gaps::of(a, b, text);
    for (g, t) in [
        (&gaps.hole, &gaps.hole_text),
        (&gaps.outside, &gaps.outside_text),
    ] {
        if !g.0.is_empty() {
            doc.shapes.push(Shape {
                geometry: g.clone(),
                paint: Paint::Hatch,
                tooltip: t.clone(),
            });
        }
    }
    feature_lines(&mut doc, a, "#666", 0.6, true);
    feature_lines(&mut doc, b, "#111", 2.5, false);
    mismatch_labels(&mut doc, (a, b), units, &gaps);
    doc.legend = mismatch_legend(b, text, &shown, &colour_of, &gaps);
    doc
}

/// The border of every feature of `layer` as a line; `named`: with the
/// feature's key and name as tooltip.
fn feature_lines(doc: &mut MapDoc, layer: &Layer, colour: &str, width: f64, named: bool) {
    for f in &layer.features {
        doc.shapes.push(Shape {
            geometry: f.geometry.clone(),
            paint: Paint::Line {
                colour: colour.into(),
                width,
            },
            tooltip: if named {
                name_of(&f.id, &f.name)
            } else {
                String::new()
            },
        });
    }
}

/// The pieces of split units of A, filled by the colour of the unit of B
/// they lie in; returns the units of B that hold such a piece.
fn split_pieces<'b>(
    doc: &mut MapDoc,
    ov: &Overlay,
    (a, b): (&Layer, &'b Layer),
    units: &[UnitParts],
    colour_of: &BTreeMap<&str, &str>,
) -> BTreeSet<&'b str> {
    let cls = classes(units);
    let mut shown = BTreeSet::new();
    for p in &ov.pieces {
        let Some(g) = &p.geometry else { continue };
        let (fa, fb) = (&a.features[p.a], &b.features[p.b]);
        if let Some((PartClass::Split, _)) = cls.get(&(fa.id.as_str(), fb.id.as_str())) {
            shown.insert(fb.id.as_str());
            doc.shapes.push(Shape {
                geometry: g.clone(),
                paint: Paint::Fill {
                    colour: colour_of[fb.id.as_str()].to_string(),
                    opacity: 0.75,
                },
                tooltip: format!(
                    "{} in {}",
                    name_of(&fa.id, &fa.name),
                    name_of(&fb.id, &fb.name)
                ),
            });
        }
    }
    shown
}

/// Where B has no unit of A (e.g. a PLR without polygon) and where A lies
/// outside B, with their legend texts.
struct Gaps {
    hole: MultiPolygon<f64>,
    hole_text: String,
    outside: MultiPolygon<f64>,
    outside_text: String,
}

impl Gaps {
    fn of(a: &Layer, b: &Layer, text: &MismatchText) -> Gaps {
        Gaps {
            hole: uncovered(
                b.features.iter().map(|f| &f.geometry),
                a.features.iter().map(|f| &f.geometry),
            ),
            hole_text: if text.no_geometry.is_empty() {
                format!("no {} polygon", text.a_title)
            } else {
                format!("no polygon: {}", text.no_geometry.join(", "))
            },
            outside: uncovered(
                a.features.iter().map(|f| &f.geometry),
                b.features.iter().map(|f| &f.geometry),
            ),
            outside_text: format!("in no {}", text.b_title),
        }
    }
}

/// Labels: B units first (large), then the hatched area without A, then the
/// split units of A.
fn mismatch_labels(doc: &mut MapDoc, (a, b): (&Layer, &Layer), units: &[UnitParts], gaps: &Gaps) {
    for f in &b.features {
        if let Some(mut l) = Label::at(&f.geometry, name_of(&f.id, &f.name), f.id.clone(), 15.0) {
            l.bold = true;
            doc.labels.push(l);
        }
    }
    if let Some(mut l) = Label::at(
        &gaps.hole,
        gaps.hole_text.clone(),
        "no polygon".into(),
        11.0,
    ) {
        l.colour = "#333".into();
        doc.labels.push(l);
    }
    for u in units
        .iter()
        .filter(|u| u.status == crate::spatial::overlay::UnitStatus::Split)
    {
        if let Some(f) = a.features.iter().find(|f| f.id == u.key) {
            if let Some(mut l) = Label::at(&f.geometry, u.key.clone(), String::new(), 10.0) {
                l.colour = "#a00".into();
                doc.labels.push(l);
            }
        }
    }
}

/// The legend of the mismatch map: both borders, the units of B that hold
/// split parts (`shown`, in B's order), the hatched gaps.
fn mismatch_legend(
    b: &Layer,
    text: &MismatchText,
    shown: &BTreeSet<&str>,
    colour_of: &BTreeMap<&str, &str>,
    gaps: &Gaps,
) -> Vec<LegendItem> {
    let mut legend = vec![
        LegendItem::Heading("Legend".into()),
        LegendItem::Line {
            colour: "#111".into(),
            width: 2.5,
            text: format!("{} borders", text.b_title),
        },
        LegendItem::Line {
            colour: "#666".into(),
            width: 0.6,
            text: format!("{} borders", text.a_title),
        },
    ];
    if !shown.is_empty() {
        legend.push(LegendItem::Heading(format!(
            "split {}, parts in",
            text.a_title
        )));
        for f in b.features.iter().filter(|f| shown.contains(f.id.as_str())) {
            legend.push(LegendItem::Swatch {
                colour: colour_of[f.id.as_str()].to_string(),
                opacity: 0.75,
                text: name_of(&f.id, &f.name),
            });
        }
    } else {
        legend.push(LegendItem::Note(format!("no {} is split", text.a_title)));
    }
    if !gaps.hole.0.is_empty() {
        legend.push(LegendItem::Hatch(gaps.hole_text.clone()));
    }
    if !gaps.outside.0.is_empty() {
        legend.push(LegendItem::Hatch(gaps.outside_text.clone()));
    }
    legend
}

/// What a layout map says.
#[derive(Debug, Clone, Default)]
pub struct LayoutText {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub source: String,
    /// Legend heading of the regions, e.g. "Proposed regions (people)".
    pub regions_title: String,
    /// Legend text of the reference borders, e.g. "Reference: pgr.geojson.gz".
    pub reference_title: String,
}

/// One unit of a layout map.
#[derive(Debug, Clone)]
pub struct LayoutUnit {
    pub key: String,
    /// Polygon in a metric CRS.
    pub geometry: MultiPolygon<f64>,
    /// Region of the layout (index into the regions).
    pub region: usize,
    /// In another region than its reference region.
    pub moved: bool,
}

/// Colours for regions: a colour of its own for each up to the palette's
/// ten; beyond, neighbouring regions differ where the palette allows
/// (greedy colouring, regions with most neighbours first, ties: lower
/// index). `neighbours[r]`: the regions bordering `r`.
pub fn region_colours(neighbours: &[BTreeSet<usize>]) -> Vec<&'static str> {
    let n = neighbours.len();
    if n <= PALETTE.len() {
        return PALETTE[..n].to_vec();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        neighbours[b]
            .len()
            .cmp(&neighbours[a].len())
            .then(a.cmp(&b))
    });
    let mut colour: Vec<Option<usize>> = vec![None; n];
    for r in order {
        let used: BTreeSet<usize> = neighbours[r].iter().filter_map(|&s| colour[s]).collect();
        // The first colour no neighbour has; else the least used among them.
        let c = (0..PALETTE.len())
            .find(|c| !used.contains(c))
            .unwrap_or_else(|| {
                (0..PALETTE.len())
                    .min_by_key(|c| {
                        neighbours[r]
                            .iter()
                            .filter(|&&s| colour[s] == Some(*c))
                            .count()
                    })
                    .unwrap_or(0)
            });
        colour[r] = Some(c);
    }
    colour
        .into_iter()
        .map(|c| PALETTE[c.unwrap_or(0)])
        .collect()
}

/// A layout against its reference: the units filled by the colour of their
/// region (`regions`: id and people; `neighbours` for the colours), the
/// units that are in another region than their reference region striped,
/// the layout's region borders dark grey and the reference regions'
/// borders (`reference`: id and polygon) thick black on top, the regions
/// labelled.
pub fn layout_map(
    units: &[LayoutUnit],
    regions: &[(String, f64)],
    neighbours: &[BTreeSet<usize>],
    reference: &[(String, MultiPolygon<f64>)],
    text: &LayoutText,
) -> MapDoc {
    let colours = region_colours(neighbours);
    let mut doc = titled(&text.id, &text.title, &text.subtitle, &text.source);
    let mut parts: Vec<Vec<geo::Polygon<f64>>> = vec![Vec::new(); regions.len()];
    for u in units {
        parts[u.region].extend(u.geometry.0.iter().cloned());
        doc.shapes.push(Shape {
            geometry: u.geometry.clone(),
            paint: Paint::Fill {
                colour: colours[u.region].to_string(),
                opacity: 0.6,
            },
            tooltip: format!("{} → {}", u.key, regions[u.region].0),
        });
    }
    let mut moved = 0;
    for u in units.iter().filter(|u| u.moved) {
        moved += 1;
        doc.shapes.push(Shape {
            geometry: u.geometry.clone(),
            paint: Paint::Stripes,
            tooltip: format!("{} → {} (moves)", u.key, regions[u.region].0),
        });
    }
    white_lines(&mut doc, units.iter().map(|u| &u.geometry));
    region_borders(&mut doc, &parts, regions);
    for (id, g) in reference {
        doc.shapes.push(Shape {
            geometry: g.clone(),
            paint: Paint::Line {
                colour: "#111".into(),
                width: 2.6,
            },
            tooltip: id.clone(),
        });
    }
    for (r, _) in regions.iter().enumerate() {
        let g = MultiPolygon(parts[r].clone());
        if let Some(mut l) = Label::at(&g, regions[r].0.clone(), String::new(), 14.0) {
            l.bold = true;
            doc.labels.push(l);
        }
    }
    doc.legend = layout_legend(regions, &colours, !reference.is_empty(), text, moved);
    doc
}

/// Thin white lines between the units (over their fills).
fn white_lines<'a>(doc: &mut MapDoc, geometries: impl Iterator<Item = &'a MultiPolygon<f64>>) {
    for g in geometries {
        doc.shapes.push(Shape {
            geometry: g.clone(),
            paint: Paint::Line {
                colour: "#fff".into(),
                width: 0.5,
            },
            tooltip: String::new(),
        });
    }
}

/// The outline of each region (the union of its units' `parts`) in dark
/// grey, with its people as tooltip; regions without units are left out.
fn region_borders(doc: &mut MapDoc, parts: &[Vec<geo::Polygon<f64>>], regions: &[(String, f64)]) {
    for (r, p) in parts.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        let g = geo::unary_union(p.iter());
        if g.0.is_empty() {
            continue;
        }
        doc.shapes.push(Shape {
            geometry: g,
            paint: Paint::Line {
                colour: "#444".into(),
                width: 1.2,
            },
            tooltip: format!("{} ({:.0} people)", regions[r].0, regions[r].1),
        });
    }
}

/// The legend of a layout map: each region with its colour and people,
/// the borders, and how many units move (striped).
fn layout_legend(
    regions: &[(String, f64)],
    colours: &[&str],
    has_reference: bool,
    text: &LayoutText,
    moved: usize,
) -> Vec<LegendItem> {
    let mut legend = vec![LegendItem::Heading(text.regions_title.clone())];
    for (r, (id, people)) in regions.iter().enumerate() {
        legend.push(LegendItem::Swatch {
            colour: colours[r].to_string(),
            opacity: 0.6,
            text: format!("{id} ({})", crate::text::thousands(people.round())),
        });
    }
    legend.push(LegendItem::Line {
        colour: "#444".into(),
        width: 1.2,
        text: "region borders".into(),
    });
    if has_reference {
        legend.push(LegendItem::Line {
            colour: "#111".into(),
            width: 2.6,
            text: text.reference_title.clone(),
        });
    }
    if moved > 0 {
        legend.push(LegendItem::Stripes(format!(
            "PLR outside their reference region ({moved})"
        )));
    }
    legend
}

/// One unit of a choropleth: key, name, polygon (metric CRS), value.
#[derive(Debug, Clone)]
pub struct ChoroUnit {
    pub key: String,
    pub name: String,
    pub geometry: MultiPolygon<f64>,
    pub value: Option<f64>,
}

/// What a choropleth shows.
#[derive(Debug, Clone, Default)]
pub struct ChoroText {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub source: String,
    /// The indicator's label in the legend, e.g. "Anteil_65plus (%)".
    pub indicator: String,
    pub method: String,
    /// Decimals of the class bounds in the legend.
    pub decimals: usize,
}

/// A choropleth: each unit filled by its class, units without a value
/// hatched, the `borders` (e.g. Sozialräume) drawn over with labels, and
/// `missing` (areas where units have no polygon) hatched and named.
pub fn choropleth(
    units: &[ChoroUnit],
    classes: &crate::render::classify::Classes,
    borders: Option<&Layer>,
    missing: Option<(&MultiPolygon<f64>, String)>,
    text: &ChoroText,
) -> MapDoc {
    let mut doc = titled(&text.id, &text.title, &text.subtitle, &text.source);
    let without_value = class_fills(&mut doc, units, classes, text.decimals);
    let missing = missing.filter(|(g, _)| !g.0.is_empty());
    if let Some((g, t)) = &missing {
        doc.shapes.push(Shape {
            geometry: (*g).clone(),
            paint: Paint::Hatch,
            tooltip: t.clone(),
        });
    }
    white_lines(&mut doc, units.iter().map(|u| &u.geometry));
    if let Some(b) = borders {
        for f in &b.features {
            doc.shapes.push(Shape {
                geometry: f.geometry.clone(),
                paint: Paint::Line {
                    colour: "#111".into(),
                    width: 2.2,
                },
                tooltip: name_of(&f.id, &f.name),
            });
            if let Some(mut l) = Label::at(&f.geometry, name_of(&f.id, &f.name), f.id.clone(), 14.0)
            {
                l.bold = true;
                doc.labels.push(l);
            }
        }
    }
    if let Some((g, t)) = &missing {
        if let Some(mut l) = Label::at(g, t.clone(), "no polygon".into(), 11.0) {
            l.colour = "#333".into();
            doc.labels.push(l);
        }
    }
    doc.legend = choropleth_legend(
        classes,
        text,
        without_value,
        missing.map(|m| m.1),
        borders.is_some(),
    );
    doc
}

/// Each unit filled by the colour of its class, or hatched without a
/// value; returns how many have no value.
fn class_fills(
    doc: &mut MapDoc,
    units: &[ChoroUnit],
    classes: &crate::render::classify::Classes,
    decimals: usize,
) -> usize {
    let colours = classes.colours();
    let mut without_value = 0;
    for u in units {
        let (paint, tip) = match u.value {
            Some(v) => (
                Paint::Fill {
                    colour: colours[classes.class(v)].to_string(),
                    opacity: 1.0,
                },
                format!("{}: {}", name_of(&u.key, &u.name), decimal(v, decimals)),
            ),
            None => {
                without_value += 1;
                (
                    Paint::Hatch,
                    format!("{}: no value", name_of(&u.key, &u.name)),
                )
            }
        };
        doc.shapes.push(Shape {
            geometry: u.geometry.clone(),
            paint,
            tooltip: tip,
        });
    }
    without_value
}

/// The legend of a choropleth: the indicator, each class with its bounds
/// and units, the hatched units without a value and areas without polygon
/// (`missing`: its text), the Sozialraum borders, the method.
fn choropleth_legend(
    classes: &crate::render::classify::Classes,
    text: &ChoroText,
    without_value: usize,
    missing: Option<String>,
    borders: bool,
) -> Vec<LegendItem> {
    let fmt = |v: f64| decimal(v, text.decimals);
    let mut legend = vec![LegendItem::Heading(clip(&text.indicator, 42))];
    for (i, c) in classes.colours().iter().enumerate() {
        let lo = classes.lower(i);
        let hi = classes.breaks[i];
        let range = if i == 0 {
            format!("{} – {}", fmt(lo), fmt(hi))
        } else {
            format!("> {} – {}", fmt(lo), fmt(hi))
        };
        legend.push(LegendItem::Swatch {
            colour: c.to_string(),
            opacity: 1.0,
            text: format!("{range}   ({})", classes.counts[i]),
        });
    }
    if without_value > 0 {
        legend.push(LegendItem::Hatch(format!("no value ({without_value})")));
    }
    if let Some(t) = missing {
        legend.push(LegendItem::Hatch(t));
    }
    if borders {
        legend.push(LegendItem::Line {
            colour: "#111".into(),
            width: 2.2,
            text: "Sozialraum borders".into(),
        });
    }
    legend.push(LegendItem::Note(format!(
        "{} classes, {}; (n) = units per class",
        classes.len(),
        text.method
    )));
    legend
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

/// The source line of a map: `given` (`--source`), else the attribution
/// of each input from the README.md beside it (the bundled data's
/// provenance files: an `## Attribution` section, or the bullet naming the
/// file with its `Attribution: "…"`). Inputs without one are named by file.
pub fn source_line(inputs: &[&std::path::Path], given: Option<&str>) -> String {
    if let Some(g) = given {
        return format!("Source: {g}");
    }
    let mut parts: Vec<String> = Vec::new();
    for p in inputs {
        let text = attribution_of(p).unwrap_or_else(|| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        });
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
    }
    format!("Source: {}", parts.join("; "))
}

fn attribution_of(path: &std::path::Path) -> Option<String> {
    let readme = std::fs::read_to_string(path.parent()?.join("README.md")).ok()?;
    let file = path.file_name()?.to_string_lossy().to_string();
    let clean = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_matches(|c| c == '"' || c == '.' || c == ' ')
            .to_string()
    };
    // A bullet that names the file and carries its own attribution.
    let mut block = String::new();
    let mut blocks = Vec::new();
    for line in readme.lines() {
        if (line.starts_with("- ") || line.starts_with('#') || line.trim().is_empty())
            && !block.is_empty()
        {
            blocks.push(std::mem::take(&mut block));
        }
        block.push_str(line);
        block.push('\n');
    }
    blocks.push(block);
    let stem = file.trim_end_matches(".gz");
    for b in &blocks {
        if b.starts_with("- ") && b.contains(stem) {
            if let Some(i) = b.find("Attribution:") {
                return Some(clean(&b[i + "Attribution:".len()..]));
            }
        }
    }
    // Else the README's attribution section.
    let i = readme.find("## Attribution")?;
    let rest = &readme[i + "## Attribution".len()..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    Some(clean(&rest[..end]))
}

/// Render an SVG map to PNG (for slides) at `zoom` × its size, with the
/// system fonts (DejaVu Sans on Debian, package fonts-dejavu-core). Text
/// needs a font: without any, the PNG would have no labels, so that is an
/// error.
pub fn png(svg: &str, zoom: f32) -> Result<Vec<u8>> {
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_system_fonts();
    if db.is_empty() {
        return Err(crate::error::input_error(
            "PNG output needs a font for the labels and none is installed: install fonts-dejavu-core (Debian) or write SVG",
        ));
    }
    db.set_sans_serif_family("DejaVu Sans");
    let tree = resvg::usvg::Tree::from_str(svg, &opt)
        .map_err(|e| anyhow::anyhow!("the map could not be rendered: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(zoom)
        .ok_or_else(|| anyhow::anyhow!("the map has no size to render"))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| anyhow::anyhow!("the map is too large to render"))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| anyhow::anyhow!("PNG encoding: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(rects: &[(&str, f64, f64)]) -> Layer {
        crate::spatial::geometry::rectangles("t.geojson", rects)
    }

    fn texts(legend: &[LegendItem]) -> Vec<String> {
        legend
            .iter()
            .map(|i| match i {
                LegendItem::Heading(t)
                | LegendItem::Hatch(t)
                | LegendItem::Stripes(t)
                | LegendItem::Note(t) => t.clone(),
                LegendItem::Swatch { colour, text, .. } => format!("{colour} {text}"),
                LegendItem::Line { width, text, .. } => format!("{width} {text}"),
            })
            .collect()
    }

    #[test]
    fn choropleth_legend_has_classes_counts_and_what_is_hatched() {
        let classes = crate::render::classify::Classes::new(
            &[1.0, 2.0, 3.0, 4.0],
            &crate::render::classify::Method::Breaks(vec![2.5]),
            2,
        )
        .unwrap();
        let text = ChoroText {
            indicator: "Anteil 65 Jahre und älter in %".into(),
            method: "given breaks".into(),
            decimals: 1,
            ..ChoroText::default()
        };
        let colours = classes.colours();
        let legend = choropleth_legend(
            &classes,
            &text,
            2,
            Some("no polygon: 04030417".into()),
            true,
        );
        assert_eq!(
            texts(&legend),
            [
                "Anteil 65 Jahre und älter in %".to_string(),
                format!("{} 1.0 – 2.5   (2)", colours[0]),
                format!("{} > 2.5 – 4.0   (2)", colours[1]),
                "no value (2)".into(),
                "no polygon: 04030417".into(),
                "2.2 Sozialraum borders".into(),
                "2 classes, given breaks; (n) = units per class".into(),
            ]
        );
        // Nothing hatched, no borders: only classes and the method.
        assert_eq!(choropleth_legend(&classes, &text, 0, None, false).len(), 4);
    }

    #[test]
    fn choropleth_hatches_units_without_value() {
        let l = layer(&[
            ("04010101", 390000.0, 390100.0),
            ("04010102", 390100.0, 390200.0),
        ]);
        let units: Vec<ChoroUnit> = l
            .features
            .iter()
            .zip([Some(7.25), None])
            .map(|(f, value)| ChoroUnit {
                key: f.id.clone(),
                name: f.name.clone(),
                geometry: f.geometry.clone(),
                value,
            })
            .collect();
        let classes = crate::render::classify::Classes::new(
            &[7.25],
            &crate::render::classify::Method::Quantiles,
            1,
        )
        .unwrap();
        let mut doc = MapDoc::default();
        assert_eq!(class_fills(&mut doc, &units, &classes, 1), 1);
        let tips: Vec<&str> = doc.shapes.iter().map(|s| s.tooltip.as_str()).collect();
        assert_eq!(
            tips,
            ["04010101 N04010101: 7.2", "04010102 N04010102: no value"]
        );
        assert_eq!(doc.shapes[1].paint, Paint::Hatch);
    }

    #[test]
    fn mismatch_legend_names_only_sozialraeume_with_split_parts() {
        let b = layer(&[("S1", 390000.0, 390100.0), ("S2", 390100.0, 390200.0)]);
        let colour_of: BTreeMap<&str, &str> = [("S1", PALETTE[0]), ("S2", PALETTE[1])].into();
        let text = MismatchText {
            a_title: "Planungsräume".into(),
            b_title: "Sozialräume".into(),
            ..MismatchText::default()
        };
        let mut gaps = Gaps::of(&b, &b, &text);
        assert!(gaps.hole.0.is_empty() && gaps.outside.0.is_empty());
        assert_eq!(gaps.hole_text, "no Planungsräume polygon");
        let shown: BTreeSet<&str> = ["S2"].into();
        assert_eq!(
            texts(&mismatch_legend(&b, &text, &shown, &colour_of, &gaps)),
            [
                "Legend".to_string(),
                "2.5 Sozialräume borders".into(),
                "0.6 Planungsräume borders".into(),
                "split Planungsräume, parts in".into(),
                format!("{} S2 NS2", PALETTE[1]),
            ]
        );
        // Nothing split; PLR hang out of the Sozialräume.
        gaps.outside = b.features[0].geometry.clone();
        let legend = mismatch_legend(&b, &text, &BTreeSet::new(), &colour_of, &gaps);
        assert_eq!(
            texts(&legend)[3..],
            ["no Planungsräume is split", "in no Sozialräume"]
        );
    }

    #[test]
    fn layout_legend_counts_people_and_moved_units() {
        let regions = [("R1".to_string(), 12345.4), ("R2".to_string(), 999.6)];
        let text = LayoutText {
            regions_title: "Proposed regions (people)".into(),
            reference_title: "Reference: pgr.geojson".into(),
            ..LayoutText::default()
        };
        let colours = region_colours(&[BTreeSet::from([1]), BTreeSet::from([0])]);
        assert_eq!(
            texts(&layout_legend(&regions, &colours, true, &text, 3)),
            [
                "Proposed regions (people)".to_string(),
                format!("{} R1 (12,345)", PALETTE[0]),
                format!("{} R2 (1,000)", PALETTE[1]),
                "1.2 region borders".into(),
                "2.6 Reference: pgr.geojson".into(),
                "PLR outside their reference region (3)".into(),
            ]
        );
        assert_eq!(layout_legend(&regions, &colours, false, &text, 0).len(), 4);
    }

    fn label(x: f64, y: f64, text: &str, short: &str) -> Label {
        Label {
            x,
            y,
            text: text.into(),
            short: short.into(),
            size: 10.0,
            bold: false,
            colour: "#111".into(),
        }
    }

    #[test]
    fn labels_never_overlap_shorten_or_drop() {
        let frame = Frame {
            minx: 0.0,
            maxy: 100.0,
            scale: 1.0,
        };
        let labels = [
            label(100.0, 50.0, "0430 Charlottenburg Zentrum", "0430"),
            // same place: the long text collides, the short one too
            label(100.0, 50.0, "0450 Wilmersdorf Zentrum", "0450"),
            // beside it: the long text would overlap, the key fits
            label(200.0, 50.0, "04030726 Droysenstraße", "0403"),
            // far away: placed in full
            label(150.0, 20.0, "0410 Nord", "0410"),
            // outside the map: dropped
            label(500.0, 20.0, "0420 West", "0420"),
        ];
        let placed = place_labels(&labels, &frame, 300.0, 100.0);
        let texts: Vec<&str> = placed.iter().map(|(_, t, _, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            vec!["0430 Charlottenburg Zentrum", "0403", "0410 Nord"]
        );
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_length(2600.0), 2000.0);
        assert_eq!(nice_length(900.0), 500.0);
        assert_eq!(nice_length(120.0), 100.0);
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(decimal(-0.04, 1), "0.0");
    }

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
