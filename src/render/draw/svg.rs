//! A [`MapDoc`] drawn as SVG: the frame that projects metres to pixels,
//! the shapes, the labels that fit, the north arrow, the scale bar and the
//! source lines.

use std::fmt::Write as _;

use geo::{BoundingRect, MultiPolygon};

use crate::render::draw::{escape, source_in, wrap, Label, LegendItem, MapDoc, Paint, FONT_FAMILY};

/// Width of the map area and of the legend, in px.
const MAP_W: f64 = 760.0;
const MAP_H_MAX: f64 = 760.0;
const LEGEND_W: f64 = 330.0;
/// Characters of a title line (20 px bold) and of a subtitle line (13 px)
/// across the whole width: longer ones wrap onto more lines, never cut.
const TITLE_CHARS: usize = 88;
const SUBTITLE_CHARS: usize = 140;

/// Text width estimate (px) for the label collision test.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
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
        let source_lines = wrap(&source_in(&self.source, self.lang), 150);
        let footer_h = 48.0 + 14.0 * source_lines.len() as f64;
        let body_h = map_h.max(self.legend_height());
        let (title, subtitle) = self.heading_lines();
        let header_h = header_height(title.len(), subtitle.len());
        let mut s = String::new();
        self.svg_header(
            &mut s,
            map_w + LEGEND_W,
            header_h + body_h + footer_h,
            (&title, &subtitle),
        );
        let _ = writeln!(s, r#"<g transform="translate(0,{header_h})" class="map">"#);
        self.svg_shapes(&mut s, &frame);
        self.svg_labels(&mut s, &frame, map_w, map_h);
        let _ = writeln!(s, "</g>");
        self.legend_svg(&mut s, map_w + 10.0, header_h);
        svg_footer(
            &mut s,
            header_h + body_h + 16.0,
            map_w,
            scale,
            &source_lines,
        );
        let _ = writeln!(s, "</svg>");
        s
    }

    /// The lines of the title and of the subtitle: wrapped, never cut.
    fn heading_lines(&self) -> (Vec<String>, Vec<String>) {
        (
            wrap(&self.title, TITLE_CHARS),
            wrap(&self.subtitle, SUBTITLE_CHARS),
        )
    }

    /// The `<svg>` element, the hatch pattern, the title and subtitle lines.
    fn svg_header(
        &self,
        s: &mut String,
        total_w: f64,
        total_h: f64,
        (title, subtitle): (&[String], &[String]),
    ) {
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
        for (i, line) in title.iter().enumerate() {
            let _ = writeln!(
                s,
                r#"<text x="10" y="{:.0}" font-size="20" font-weight="bold">{}</text>"#,
                title_y(i),
                escape(line)
            );
        }
        for (i, line) in subtitle.iter().enumerate() {
            let _ = writeln!(
                s,
                r##"<text x="10" y="{:.0}" font-size="13" fill="#444">{}</text>"##,
                subtitle_y(title.len(), i),
                escape(line)
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
}

/// The baseline of title line `i` (px).
fn title_y(i: usize) -> f64 {
    26.0 + 24.0 * i as f64
}

/// The baseline of subtitle line `i` under `titles` title lines (px).
fn subtitle_y(titles: usize, i: usize) -> f64 {
    title_y(titles.max(1) - 1) + 22.0 + 17.0 * i as f64
}

/// The height of the header above the map: 64 px for one title line and
/// one subtitle line, more for more lines.
fn header_height(titles: usize, subtitles: usize) -> f64 {
    match subtitles {
        0 => title_y(titles.max(1) - 1) + 16.0,
        n => subtitle_y(titles, n - 1) + 16.0,
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
/// A label with a polygon to stay `within` has its full text only where
/// that text's box lies inside the polygon. Returns (index, text used,
/// x, y) in px.
fn place_labels(labels: &[Label], frame: &Frame, w: f64, h: f64) -> Vec<(usize, String, f64, f64)> {
    let mut boxes: Vec<[f64; 4]> = Vec::new();
    let mut out = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let (x, y) = frame.point(geo::Point::new(l.x, l.y));
        for (full, text) in [(true, &l.text), (false, &l.short)] {
            if text.is_empty() {
                continue;
            }
            let tw = text_width(text, l.size) + 4.0;
            let b = [x - tw / 2.0, y - l.size, x + tw / 2.0, y + l.size * 0.35];
            let inside = b[0] >= 0.0 && b[2] <= w && b[1] >= 0.0 && b[3] <= h;
            let fits = !full || l.within.as_ref().is_none_or(|g| frame.holds(g, &b));
            let free = boxes
                .iter()
                .all(|o| b[2] < o[0] || o[2] < b[0] || b[3] < o[1] || o[3] < b[1]);
            if inside && fits && free {
                boxes.push(b);
                out.push((i, text.clone(), x, y));
                break;
            }
        }
    }
    out
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

    /// Whether the box `[x0, y0, x1, y1]` (px) lies inside `g`: its
    /// corners and the middles of its edges.
    fn holds(&self, g: &MultiPolygon<f64>, b: &[f64; 4]) -> bool {
        use geo::Contains;
        let (xm, ym) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
        [
            (b[0], b[1]),
            (xm, b[1]),
            (b[2], b[1]),
            (b[0], ym),
            (b[2], ym),
            (b[0], b[3]),
            (xm, b[3]),
            (b[2], b[3]),
        ]
        .into_iter()
        .all(|(px, py)| {
            g.contains(&geo::Point::new(
                self.minx + px / self.scale,
                self.maxy - py / self.scale,
            ))
        })
    }

    fn point(&self, c: geo::Point<f64>) -> (f64, f64) {
        (
            (c.x() - self.minx) * self.scale,
            (self.maxy - c.y()) * self.scale,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::decimal;

    fn label(x: f64, y: f64, text: &str, short: &str) -> Label {
        Label {
            x,
            y,
            text: text.into(),
            short: short.into(),
            size: 10.0,
            bold: false,
            colour: "#111".into(),
            within: None,
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

    /// A unit's name where it fits inside the unit, else its key; a long
    /// title wraps onto more lines and the header grows, never cut.
    #[test]
    fn names_where_they_fit_and_titles_wrap() {
        let frame = Frame {
            minx: 0.0,
            maxy: 5_820_100.0,
            scale: 1.0,
        };
        let rect = |x0: f64, x1: f64| {
            crate::spatial::geometry::rectangles("t", &[("a", x0, x1)]).features[0]
                .geometry
                .clone()
        };
        let mut narrow = label(50.0, 5_820_050.0, "Forst Grunewald", "04020418");
        narrow.within = Some(rect(40.0, 60.0));
        let mut wide = label(200.0, 5_820_050.0, "Forst Grunewald", "04020418");
        wide.within = Some(rect(100.0, 300.0));
        let placed = place_labels(&[narrow, wide], &frame, 300.0, 100.0);
        let texts: Vec<&str> = placed.iter().map(|(_, t, _, _)| t.as_str()).collect();
        assert_eq!(texts, ["04020418", "Forst Grunewald"]);
        let doc = MapDoc {
            title: "wort ".repeat(40),
            subtitle: "x".into(),
            ..MapDoc::default()
        };
        let (title, subtitle) = doc.heading_lines();
        assert_eq!((title.len(), subtitle.len()), (3, 1));
        assert!(title.iter().all(|l| l.chars().count() <= TITLE_CHARS));
        assert_eq!(header_height(1, 1), 64.0);
        assert_eq!(header_height(3, 1), 112.0);
        assert!(!doc.svg().contains('…'));
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_length(2600.0), 2000.0);
        assert_eq!(nice_length(900.0), 500.0);
        assert_eq!(nice_length(120.0), 100.0);
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(decimal(-0.04, 1), "0.0");
    }
}
