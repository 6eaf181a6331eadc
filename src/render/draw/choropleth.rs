//! Choropleths: units filled by the class of their value, units without a
//! value and areas without polygon hatched, Sozialraum borders on top.

use geo::MultiPolygon;

use crate::render::draw::{name_of, titled, white_lines, Label, LegendItem, MapDoc, Paint, Shape};
use crate::spatial::geometry::Layer;
use crate::text::Lang;

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
    /// The language of the legend and of the numbers.
    pub lang: Lang,
    /// The units' plural for the legend note ("Planungsräume").
    pub units: String,
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
    let lang = text.lang;
    let mut doc = titled(&text.id, &text.title, &text.subtitle, &text.source, lang);
    let without_value = class_fills(&mut doc, units, classes, text.decimals, lang);
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
            if let Some(mut l) =
                Label::inside(&f.geometry, name_of(&f.id, &f.name), f.id.clone(), 14.0)
            {
                l.bold = true;
                doc.labels.push(l);
            }
        }
    }
    if let Some((g, t)) = &missing {
        let short = lang.pick("keine Geometrie", "no polygon").to_string();
        if let Some(mut l) = Label::at(g, t.clone(), short, 11.0) {
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
    lang: Lang,
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
                format!("{}: {}", name_of(&u.key, &u.name), lang.dec(v, decimals)),
            ),
            None => {
                without_value += 1;
                (
                    Paint::Hatch,
                    format!(
                        "{}: {}",
                        name_of(&u.key, &u.name),
                        lang.pick("kein Wert", "no value")
                    ),
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
    let lang = text.lang;
    let fmt = |v: f64| lang.dec(v, text.decimals);
    let mut legend = vec![LegendItem::Heading(text.indicator.clone())];
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
        legend.push(LegendItem::Hatch(format!(
            "{} ({without_value})",
            lang.pick("ohne Wert", "no value")
        )));
    }
    if let Some(t) = missing {
        legend.push(LegendItem::Hatch(t));
    }
    if borders {
        legend.push(LegendItem::Line {
            colour: "#111".into(),
            width: 2.2,
            text: lang.pick("Sozialraumgrenzen", "Sozialraum borders").into(),
        });
    }
    let units = if text.units.is_empty() {
        lang.pick("Einheiten", "units")
    } else {
        &text.units
    };
    legend.push(LegendItem::Note(match lang {
        Lang::De => format!(
            "{} Klassen, {}; (n) = Anzahl {units} in der Klasse",
            classes.len(),
            text.method
        ),
        Lang::En => format!(
            "{} classes, {}; (n) = {units} in the class",
            classes.len(),
            text.method
        ),
    }));
    legend
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::draw::legend::texts;

    fn layer(rects: &[(&str, f64, f64)]) -> Layer {
        crate::spatial::geometry::rectangles("t.geojson", rects)
    }

    #[test]
    fn choropleth_legend_has_classes_counts_and_what_is_hatched() {
        let classes = crate::render::classify::Classes::new(
            &[1.0, 2.0, 3.0, 4.0],
            &crate::render::classify::Method::Breaks(vec![2.5]),
            2,
        )
        .unwrap();
        let mut text = ChoroText {
            indicator: "Anteil 65 Jahre und älter in %".into(),
            method: "vorgegebene Grenzen".into(),
            decimals: 1,
            units: "Planungsräume".into(),
            ..ChoroText::default()
        };
        let colours = classes.colours();
        let legend = choropleth_legend(
            &classes,
            &text,
            2,
            Some("keine Geometrie: 04030417".into()),
            true,
        );
        assert_eq!(
            texts(&legend),
            [
                "Anteil 65 Jahre und älter in %".to_string(),
                format!("{} 1,0 – 2,5   (2)", colours[0]),
                format!("{} > 2,5 – 4,0   (2)", colours[1]),
                "ohne Wert (2)".into(),
                "keine Geometrie: 04030417".into(),
                "2.2 Sozialraumgrenzen".into(),
                "2 Klassen, vorgegebene Grenzen; (n) = Anzahl Planungsräume in der Klasse".into(),
            ]
        );
        // Nothing hatched, no borders: only classes and the method.
        assert_eq!(choropleth_legend(&classes, &text, 0, None, false).len(), 4);
        // In English.
        text.lang = Lang::En;
        text.method = "given breaks".into();
        let legend = texts(&choropleth_legend(&classes, &text, 2, None, true));
        assert_eq!(legend[1], format!("{} 1.0 – 2.5   (2)", colours[0]));
        assert_eq!(
            legend[4..],
            [
                "2.2 Sozialraum borders".to_string(),
                "2 classes, given breaks; (n) = Planungsräume in the class".into()
            ]
        );
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
        assert_eq!(class_fills(&mut doc, &units, &classes, 1, Lang::De), 1);
        let tips: Vec<&str> = doc.shapes.iter().map(|s| s.tooltip.as_str()).collect();
        assert_eq!(
            tips,
            ["04010101 N04010101: 7,2", "04010102 N04010102: kein Wert"]
        );
        assert_eq!(doc.shapes[1].paint, Paint::Hatch);
    }
}
