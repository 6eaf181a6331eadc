//! The map of a Sozialraum layout against its reference: units coloured by
//! region, the units that move striped, region and reference borders.

use std::collections::BTreeSet;

use geo::MultiPolygon;

use crate::render::draw::{titled, white_lines, Label, LegendItem, MapDoc, Paint, Shape, PALETTE};
use crate::text::Lang;

/// What a layout map says.
#[derive(Debug, Clone, Default)]
pub struct LayoutText {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    pub source: String,
    /// Legend heading of the regions, e.g. "Proposed regions (people)".
    pub regions_title: String,
    /// Legend text of the reference borders, e.g. "Referenz: Prognoseräume".
    pub reference_title: String,
    /// The language of the legend and its numbers.
    pub lang: Lang,
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
    let lang = text.lang;
    let mut doc = titled(&text.id, &text.title, &text.subtitle, &text.source, lang);
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
            tooltip: format!(
                "{} → {} ({})",
                u.key,
                regions[u.region].0,
                lang.pick("wechselt", "moves")
            ),
        });
    }
    white_lines(&mut doc, units.iter().map(|u| &u.geometry));
    region_borders(&mut doc, &parts, regions, lang);
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

/// The outline of each region (the union of its units' `parts`) in dark
/// grey, with its people as tooltip; regions without units are left out.
fn region_borders(
    doc: &mut MapDoc,
    parts: &[Vec<geo::Polygon<f64>>],
    regions: &[(String, f64)],
    lang: Lang,
) {
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
            tooltip: format!(
                "{} ({} {})",
                regions[r].0,
                lang.int(regions[r].1),
                lang.pick("Einw.", "people")
            ),
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
    let lang = text.lang;
    let mut legend = vec![LegendItem::Heading(text.regions_title.clone())];
    for (r, (id, people)) in regions.iter().enumerate() {
        legend.push(LegendItem::Swatch {
            colour: colours[r].to_string(),
            opacity: 0.6,
            text: format!("{id} ({})", lang.int(*people)),
        });
    }
    legend.push(LegendItem::Line {
        colour: "#444".into(),
        width: 1.2,
        text: lang.pick("Regionsgrenzen", "region borders").into(),
    });
    if has_reference {
        legend.push(LegendItem::Line {
            colour: "#111".into(),
            width: 2.6,
            text: text.reference_title.clone(),
        });
    }
    if moved > 0 {
        legend.push(LegendItem::Stripes(match lang {
            Lang::De => format!("PLR außerhalb ihrer Referenzregion ({moved})"),
            Lang::En => format!("PLR outside their reference region ({moved})"),
        }));
    }
    legend
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::draw::legend::texts;

    #[test]
    fn layout_legend_counts_people_and_moved_units() {
        let regions = [("R1".to_string(), 12345.4), ("R2".to_string(), 999.6)];
        let mut text = LayoutText {
            regions_title: "Regionen (Einwohnerinnen und Einwohner)".into(),
            reference_title: "Referenz: Prognoseräume".into(),
            ..LayoutText::default()
        };
        let colours = region_colours(&[BTreeSet::from([1]), BTreeSet::from([0])]);
        assert_eq!(
            texts(&layout_legend(&regions, &colours, true, &text, 3)),
            [
                "Regionen (Einwohnerinnen und Einwohner)".to_string(),
                format!("{} R1 (12.345)", PALETTE[0]),
                format!("{} R2 (1.000)", PALETTE[1]),
                "1.2 Regionsgrenzen".into(),
                "2.6 Referenz: Prognoseräume".into(),
                "PLR außerhalb ihrer Referenzregion (3)".into(),
            ]
        );
        text.lang = Lang::En;
        assert_eq!(
            texts(&layout_legend(&regions, &colours, true, &text, 3))[1..4],
            [
                format!("{} R1 (12,345)", PALETTE[0]),
                format!("{} R2 (1,000)", PALETTE[1]),
                "1.2 region borders".into(),
            ]
        );
        assert_eq!(layout_legend(&regions, &colours, false, &text, 0).len(), 4);
    }
}
