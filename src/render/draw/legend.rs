//! The legend of a map drawn beside it: headings, swatches, lines,
//! hatching, stripes and notes.

use std::fmt::Write as _;

use crate::render::draw::{escape, wrap, LegendItem, MapDoc};

/// Characters a line of the legend holds beside a swatch (13 px DejaVu
/// Sans, about 6.5 px a character, beside 36 px of swatch in 330 px), of a
/// bold heading, of a note (12 px).
const ITEM_CHARS: usize = 42;
const HEADING_CHARS: usize = 40;
const NOTE_CHARS: usize = 44;
/// Line height of the text of an item, and the height of one item.
const LINE_H: f64 = 16.0;
const ITEM_H: f64 = 22.0;

/// The lines of an item's text: wrapped, never cut.
fn lines(item: &LegendItem) -> Vec<String> {
    match item {
        LegendItem::Heading(t) => wrap(t, HEADING_CHARS),
        LegendItem::Note(t) => wrap(t, NOTE_CHARS),
        LegendItem::Swatch { text, .. }
        | LegendItem::Line { text, .. }
        | LegendItem::Hatch(text)
        | LegendItem::Stripes(text) => wrap(text, ITEM_CHARS),
    }
}

impl MapDoc {
    pub(super) fn legend_height(&self) -> f64 {
        20.0 + self
            .legend
            .iter()
            .map(|i| {
                let n = lines(i).len().max(1) as f64;
                match i {
                    LegendItem::Heading(_) => 26.0 + LINE_H * (n - 1.0),
                    LegendItem::Note(_) => LINE_H * n,
                    _ => ITEM_H + LINE_H * (n - 1.0),
                }
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
            let lines = lines(item);
            // The text beside a swatch, line or pattern, one line below the other.
            let beside = |s: &mut String, cy: f64| {
                for (i, line) in lines.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        r#"<text x="36" y="{:.0}">{}</text>"#,
                        cy + 12.0 + LINE_H * i as f64,
                        escape(line)
                    );
                }
            };
            let extra = LINE_H * (lines.len().max(1) - 1) as f64;
            match item {
                LegendItem::Heading(_) => {
                    cy += 8.0;
                    for line in &lines {
                        let _ = writeln!(
                            s,
                            r#"<text x="0" y="{:.0}" font-weight="bold">{}</text>"#,
                            cy + 8.0,
                            escape(line)
                        );
                        cy += LINE_H;
                    }
                    cy += 18.0 - LINE_H;
                }
                LegendItem::Swatch {
                    colour, opacity, ..
                } => {
                    let _ = writeln!(
                        s,
                        r##"<rect x="0" y="{cy:.0}" width="28" height="15" fill="{colour}" fill-opacity="{opacity}" stroke="#999" stroke-width="0.5"/>"##
                    );
                    beside(s, cy);
                    cy += ITEM_H + extra;
                }
                LegendItem::Line { colour, width, .. } => {
                    let _ = writeln!(
                        s,
                        r#"<line x1="0" y1="{:.0}" x2="28" y2="{:.0}" stroke="{colour}" stroke-width="{width}"/>"#,
                        cy + 8.0,
                        cy + 8.0,
                    );
                    beside(s, cy);
                    cy += ITEM_H + extra;
                }
                LegendItem::Hatch(_) | LegendItem::Stripes(_) => {
                    let pattern = if matches!(item, LegendItem::Hatch(_)) {
                        "hatch"
                    } else {
                        "stripes"
                    };
                    let _ = writeln!(
                        s,
                        r##"<rect x="0" y="{cy:.0}" width="28" height="15" fill="url(#{id}{pattern})" stroke="#777" stroke-width="0.8"/>"##
                    );
                    beside(s, cy);
                    cy += ITEM_H + extra;
                }
                LegendItem::Note(_) => {
                    for line in &lines {
                        let _ = writeln!(
                            s,
                            r##"<text x="0" y="{:.0}" font-size="12" fill="#444">{}</text>"##,
                            cy + 12.0,
                            escape(line)
                        );
                        cy += LINE_H;
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
