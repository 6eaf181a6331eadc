//! The legend of a map drawn beside it: headings, swatches, lines,
//! hatching, stripes and notes.

use std::fmt::Write as _;

use crate::render::draw::{clip, escape, wrap, LegendItem, MapDoc};

impl MapDoc {
    pub(super) fn legend_height(&self) -> f64 {
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

    pub(super) fn legend_svg(&self, s: &mut String, x: f64, y: f64) {
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

/// The text of each legend item (a swatch with its colour, a line with its
/// width): what the unit tests of the legends compare.
#[cfg(test)]
pub(super) fn texts(legend: &[LegendItem]) -> Vec<String> {
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
