//! The mismatch map of two layers (A's units split by B's borders), and
//! the intersection pieces as GeoJSON.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use geo::MultiPolygon;

use crate::render::draw::shapes::multipolygon_json;
use crate::render::draw::{
    name_of, titled, uncovered, Label, LegendItem, MapDoc, Paint, Shape, PALETTE,
};
use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::{Overlay, PartClass, UnitParts};
use crate::text::Lang;

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
    /// The language of the legend and labels.
    pub lang: Lang,
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
    let mut doc = titled(
        &text.id,
        &text.title,
        &text.subtitle,
        &text.source,
        text.lang,
    );
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
    mismatch_labels(&mut doc, (a, b), units, &gaps, text.lang);
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
        let lang = text.lang;
        Gaps {
            hole: uncovered(
                b.features.iter().map(|f| &f.geometry),
                a.features.iter().map(|f| &f.geometry),
            ),
            hole_text: match (lang, text.no_geometry.is_empty()) {
                (Lang::De, true) => format!("ohne Geometrie der {}", text.a_title),
                (Lang::En, true) => format!("no {} polygon", text.a_title),
                (_, false) => format!(
                    "{}: {}",
                    lang.pick("keine Geometrie", "no polygon"),
                    text.no_geometry.join(", ")
                ),
            },
            outside: uncovered(
                a.features.iter().map(|f| &f.geometry),
                b.features.iter().map(|f| &f.geometry),
            ),
            outside_text: match lang {
                Lang::De => format!("in keinem der {}", text.b_title),
                Lang::En => format!("in no {}", text.b_title),
            },
        }
    }
}

/// Labels: B units first (large), then the hatched area without A, then the
/// split units of A: each by its name where that fits inside it, else by
/// its key.
fn mismatch_labels(
    doc: &mut MapDoc,
    (a, b): (&Layer, &Layer),
    units: &[UnitParts],
    gaps: &Gaps,
    lang: Lang,
) {
    for f in &b.features {
        if let Some(mut l) = Label::inside(&f.geometry, name_of(&f.id, &f.name), f.id.clone(), 15.0)
        {
            l.bold = true;
            doc.labels.push(l);
        }
    }
    if let Some(mut l) = Label::at(
        &gaps.hole,
        gaps.hole_text.clone(),
        lang.pick("keine Geometrie", "no polygon").into(),
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
            let name = if f.name.is_empty() { &f.id } else { &f.name };
            if let Some(mut l) = Label::inside(&f.geometry, name.clone(), u.key.clone(), 10.0) {
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
    let lang = text.lang;
    let borders = |what: &str| match lang {
        Lang::De => format!("Grenzen der {what}"),
        Lang::En => format!("{what} borders"),
    };
    let mut legend = vec![
        LegendItem::Heading(lang.pick("Legende", "Legend").into()),
        LegendItem::Line {
            colour: "#111".into(),
            width: 2.5,
            text: borders(&text.b_title),
        },
        LegendItem::Line {
            colour: "#666".into(),
            width: 0.6,
            text: borders(&text.a_title),
        },
    ];
    if !shown.is_empty() {
        legend.push(LegendItem::Heading(match lang {
            Lang::De => format!("Verteilte {}, Teile in", text.a_title),
            Lang::En => format!("split {}, parts in", text.a_title),
        }));
        for f in b.features.iter().filter(|f| shown.contains(f.id.as_str())) {
            legend.push(LegendItem::Swatch {
                colour: colour_of[f.id.as_str()].to_string(),
                opacity: 0.75,
                text: name_of(&f.id, &f.name),
            });
        }
    } else {
        legend.push(LegendItem::Note(match lang {
            Lang::De => format!("Keine {} sind verteilt", text.a_title),
            Lang::En => format!("no {} is split", text.a_title),
        }));
    }
    if !gaps.hole.0.is_empty() {
        legend.push(LegendItem::Hatch(gaps.hole_text.clone()));
    }
    if !gaps.outside.0.is_empty() {
        legend.push(LegendItem::Hatch(gaps.outside_text.clone()));
    }
    legend
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::draw::legend::texts;

    fn layer(rects: &[(&str, f64, f64)]) -> Layer {
        crate::spatial::geometry::rectangles("t.geojson", rects)
    }

    #[test]
    fn mismatch_legend_names_only_sozialraeume_with_split_parts() {
        let b = layer(&[("S1", 390000.0, 390100.0), ("S2", 390100.0, 390200.0)]);
        let colour_of: BTreeMap<&str, &str> = [("S1", PALETTE[0]), ("S2", PALETTE[1])].into();
        let mut text = MismatchText {
            a_title: "Planungsräume".into(),
            b_title: "Sozialräume".into(),
            ..MismatchText::default()
        };
        let mut gaps = Gaps::of(&b, &b, &text);
        assert!(gaps.hole.0.is_empty() && gaps.outside.0.is_empty());
        assert_eq!(gaps.hole_text, "ohne Geometrie der Planungsräume");
        let shown: BTreeSet<&str> = ["S2"].into();
        assert_eq!(
            texts(&mismatch_legend(&b, &text, &shown, &colour_of, &gaps)),
            [
                "Legende".to_string(),
                "2.5 Grenzen der Sozialräume".into(),
                "0.6 Grenzen der Planungsräume".into(),
                "Verteilte Planungsräume, Teile in".into(),
                format!("{} S2 NS2", PALETTE[1]),
            ]
        );
        // Nothing split; PLR hang out of the Sozialräume.
        gaps.outside = b.features[0].geometry.clone();
        gaps.outside_text = Gaps::of(&b, &b, &text).outside_text;
        let legend = mismatch_legend(&b, &text, &BTreeSet::new(), &colour_of, &gaps);
        assert_eq!(
            texts(&legend)[3..],
            [
                "Keine Planungsräume sind verteilt",
                "in keinem der Sozialräume"
            ]
        );
        // In English.
        text.lang = Lang::En;
        let en = Gaps::of(&b, &b, &text);
        assert_eq!(
            (en.hole_text.as_str(), en.outside_text.as_str()),
            ("no Planungsräume polygon", "in no Sozialräume")
        );
        let legend = mismatch_legend(&b, &text, &shown, &colour_of, &gaps);
        assert_eq!(
            texts(&legend)[..4],
            [
                "Legend",
                "2.5 Sozialräume borders",
                "0.6 Planungsräume borders",
                "split Planungsräume, parts in"
            ]
        );
    }
}
