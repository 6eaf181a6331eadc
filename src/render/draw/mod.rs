//! Maps: the one module behind every map `lor` draws (mismatch maps,
//! choropleths, the maps of the report), and the intersection pieces of a
//! mismatch as GeoJSON (for QGIS).
//!
//! A [`MapDoc`] is rendered to SVG ([`svg`](MapDoc::svg)) with a title from
//! the data, a legend of only what is shown, a scale bar, a north arrow and
//! the source line ([`source`]); labels that would overlap are shortened or
//! dropped. [`png`] renders the same SVG with resvg for slides. The maps
//! themselves: [`mismatch`], [`layout`], [`choropleth`]; the units' shapes
//! in WGS84 for GeoJSON output: [`shapes`].

use geo::{Centroid, MultiPolygon};

use crate::text::Lang;

pub mod choropleth;
pub mod layout;
mod legend;
pub mod mismatch;
pub mod png;
pub mod shapes;
pub mod source;
mod svg;

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

/// A label at a point (metric CRS); `short` is tried when `text` collides
/// or, with `within`, does not fit inside that polygon (a unit's name where
/// it fits, its key where it does not).
#[derive(Debug, Clone)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub short: String,
    pub size: f64,
    pub bold: bool,
    pub colour: String,
    /// The full text only where its box lies inside this polygon.
    pub within: Option<MultiPolygon<f64>>,
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
            within: None,
        })
    }

    /// The label of a unit: its name (`text`) where that fits inside the
    /// unit's polygon, else its key (`short`).
    pub fn inside(g: &MultiPolygon<f64>, text: String, short: String, size: f64) -> Option<Label> {
        let mut l = Label::at(g, text, short, size)?;
        l.within = Some(g.clone());
        Some(l)
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
    /// The language of its texts (the source line's word, the scale bar).
    pub lang: Lang,
    pub title: String,
    pub subtitle: String,
    /// Source and licence of the data shown.
    pub source: String,
    pub shapes: Vec<Shape>,
    pub labels: Vec<Label>,
    pub legend: Vec<LegendItem>,
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

/// The source line of a map in its language: `Quelle: …` (German) or
/// `Source: …`, whichever of these words the line came with; nothing for
/// an empty line.
pub fn source_in(line: &str, lang: Lang) -> String {
    let rest = ["Source: ", "Sources: ", "Quelle: ", "Quellen: "]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or(line)
        .trim();
    if rest.is_empty() {
        return String::new();
    }
    format!("{}{rest}", lang.pick("Quelle: ", "Source: "))
}

fn name_of(id: &str, name: &str) -> String {
    if name.is_empty() {
        id.to_string()
    } else {
        format!("{id} {name}")
    }
}

/// An empty map with its title, subtitle, source, id prefix and language.
fn titled(id: &str, title: &str, subtitle: &str, source: &str, lang: Lang) -> MapDoc {
    MapDoc {
        id: id.to_string(),
        lang,
        title: title.to_string(),
        subtitle: subtitle.to_string(),
        source: source.to_string(),
        ..MapDoc::default()
    }
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
