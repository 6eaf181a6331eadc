//! The quarterly Sozialraum report (`lor report`): one self-contained HTML
//! file for a Bezirk and its Sozialräume — key figures per Sozialraum,
//! choropleth maps, where the LOR units do not fit the Sozialräume, the
//! warnings of the run, sources and date. No external requests (inline SVG
//! and CSS); prints to A4. Same inputs, same bytes: nothing in it depends
//! on the clock, the machine or the order of a hash map.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;

use crate::atlas::{choropleth, label_for, ChoroSpec, Figures, Indicator, MapLevel};
use crate::classify::Method;
use crate::error::{input_error, Warnings};
use crate::key::Level;
use crate::map::{escape, mismatch_map, MismatchText};
use crate::overlay::{overlay, unit_parts, PartClass, Tolerance};
use crate::report::{thousands, Mismatch, MismatchInput};

/// What goes into the report.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub bezirk: String,
    /// Choropleths per PLR.
    pub maps: Vec<Indicator>,
    pub method: Method,
    pub k: usize,
    /// Facilities (e.g. Kitas) with the attribute to sum (e.g. places).
    pub points: Option<(PathBuf, String)>,
    pub source: Option<String>,
    pub tolerance: Tolerance,
    /// How PLR went to the Sozialräume (for the note under the figures).
    pub assign: crate::weights::Assign,
}

/// The key figures of the report: counts and shares of the population
/// register (EWR) columns.
pub fn key_figures() -> Vec<(Indicator, &'static str)> {
    let people = Indicator::parse("E_E").expect("valid");
    std::iter::once((people, "Einwohner"))
        .chain(AGE_GROUPS.iter().flat_map(|(name, cols, label)| {
            let count = Indicator {
                name: name.to_string(),
                numerator: cols.iter().map(|c| c.to_string()).collect(),
                denominator: Vec::new(),
                factor: 1.0,
            };
            let share = Indicator {
                name: format!("Anteil {name}"),
                numerator: cols.iter().map(|c| c.to_string()).collect(),
                denominator: vec!["E_E".into()],
                factor: 100.0,
            };
            [(count, *label), (share, "%")]
        }))
        .collect()
}

/// Age groups of the population register: name, columns, heading.
const AGE_GROUPS: [(&str, &[&str], &str); 5] = [
    ("E_u6", &["E_EU1", "E_E1U6"], "unter 6"),
    ("E_6u15", &["E_E6U15"], "6 bis unter 15"),
    ("E_15u18", &["E_E15U18"], "15 bis unter 18"),
    (
        "E_18u65",
        &["E_E18U25", "E_E25U55", "E_E55U65"],
        "18 bis unter 65",
    ),
    ("E_65plus", &["E_E65U80", "E_E80U110"], "65 und älter"),
];

const CSS: &str = "
body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:2em auto;max-width:1120px;color:#111;font-size:14px}
h1{font-size:24px;margin-bottom:.2em}h2{font-size:19px;border-bottom:2px solid #111;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:15px;margin-bottom:.3em}
.meta{color:#444}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:12.5px}
th,td{border-bottom:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}
th{background:#f2f2f2}td.key,th.key,td.name,th.name{text-align:left}
tr.total td{font-weight:bold;border-top:2px solid #111}
figure{margin:1em 0}figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:#444}
ul.warnings li{margin:.25em 0}
.note{font-size:12px;color:#444}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:11px}
section{break-before:page}section.first{break-before:auto}
figure,table,tr{break-inside:avoid}h2,h3{break-after:avoid}}
";

/// One cell with its number for machines (`data-value`) and people.
fn cell(key: &str, col: &str, v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) => format!(
            r#"<td data-key="{}" data-col="{}" data-value="{}">{}</td>"#,
            escape(key),
            escape(col),
            crate::stats::format_f64(v),
            if decimals == 0 {
                thousands(v)
            } else {
                crate::map::decimal(v, decimals)
            }
        ),
        None => format!(
            r#"<td data-key="{}" data-col="{}">–</td>"#,
            escape(key),
            escape(col)
        ),
    }
}

/// Build the report.
pub fn report(fig: &Figures, spec: &ReportSpec) -> Result<(String, Warnings)> {
    let mut warnings = fig.warnings.clone();
    let (sr_layer, _) = fig.sozialraum.as_ref().ok_or_else(|| {
        input_error("the report is for the Sozialräume of a Bezirk: give their polygons")
    })?;
    let place = fig.place(Some(&spec.bezirk));
    let date = fig
        .date
        .clone()
        .unwrap_or_else(|| "date not in the file".into());
    let (sr_table, w) = fig.level_table(MapLevel::Sozialraum)?;
    warnings.extend(w);
    let (bez_table, w) = fig.level_table(MapLevel::Lor(Level::Bezirk))?;
    warnings.extend(w);
    let figures: Vec<(Indicator, &str)> = key_figures()
        .into_iter()
        .filter(|(i, _)| i.columns().all(|c| fig.table.column(c).is_some()))
        .collect();
    if figures.is_empty() {
        return Err(input_error(format!(
            "{}: none of the population register columns of the key figures (E_E, E_EU1, …) is in the file",
            fig.table.source
        )));
    }
    // Kita places per child: points located in the Sozialraum polygons.
    let mut places: Option<(String, BTreeMap<String, f64>)> = None;
    if let Some((path, attr)) = &spec.points {
        let opts = crate::points::PointOptions {
            sum: vec![attr.clone()],
            ..Default::default()
        };
        let (run, w) = crate::points::tally_points(path, &opts, &[sr_layer], |_, _| {})?;
        warnings.extend(w);
        let t = &run.tallies[0];
        let by_sr = sr_layer
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), t.sums[0][i]))
            .collect();
        places = Some((attr.clone(), by_sr));
    }

    let mut h = String::new();
    let title = format!("Sozialraum report · {place} · {date}");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(
        h,
        "<section class=\"first\" id=\"figures\">\n<h1>{}</h1>\n<p class=\"meta\">{} Sozialräume · figures of {} · {}</p>",
        escape(&format!("Sozialräume of {place}")),
        sr_table.keys.len(),
        escape(&date),
        escape(&fig.table.source)
    );

    // Key figures per Sozialraum, and the Bezirk.
    let _ = writeln!(h, "<h2>Key figures per Sozialraum</h2>");
    let _ = writeln!(
        h,
        "<table id=\"key-figures\">\n<thead><tr><th class=\"key\">Sozialraum</th><th class=\"name\">Name</th>"
    );
    for (ind, label) in &figures {
        let head = if *label == "%" {
            "%".to_string()
        } else if ind.name == "E_E" {
            format!("{} ({})", label, label_for("E_E"))
        } else {
            label.to_string()
        };
        let _ = write!(
            h,
            "<th title=\"{}\">{}</th>",
            escape(&ind.definition()),
            escape(&head)
        );
    }
    if let Some((attr, _)) = &places {
        let _ = write!(
            h,
            "<th>{}</th><th>per child under 6</th>",
            escape(&label_for(attr))
        );
    }
    let _ = writeln!(h, "</tr></thead>\n<tbody>");
    let u6 = Indicator {
        name: "E_u6".into(),
        numerator: vec!["E_EU1".into(), "E_E1U6".into()],
        denominator: Vec::new(),
        factor: 1.0,
    };
    let mut rows: Vec<(&crate::aggregate::LevelTable, String, String, bool)> = sr_table
        .keys
        .iter()
        .zip(&sr_table.names)
        .map(|(k, n)| (&sr_table, k.clone(), n.clone(), false))
        .collect();
    rows.push((&bez_table, spec.bezirk.clone(), place.clone(), true));
    for (t, key, name, total) in rows {
        let _ = write!(
            h,
            "<tr{}><td class=\"key\">{}</td><td class=\"name\">{}</td>",
            if total { " class=\"total\"" } else { "" },
            escape(&key),
            escape(&name)
        );
        for (ind, _) in &figures {
            let d = if ind.is_share() { 1 } else { 0 };
            h.push_str(&cell(&key, &ind.name, ind.value(t, &key), d));
        }
        if let Some((attr, by_sr)) = &places {
            let p = if total {
                Some(by_sr.values().sum::<f64>())
            } else {
                by_sr.get(&key).copied()
            };
            let kids = u6.value(t, &key);
            h.push_str(&cell(&key, attr, p, 0));
            let per = match (p, kids) {
                (Some(p), Some(k)) if k > 0.0 => Some(p / k),
                _ => None,
            };
            h.push_str(&cell(&key, &format!("{attr} per E_u6"), per, 2));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody>\n</table>");
    let _ = writeln!(
        h,
        "<p class=\"note\">Counts summed from the Planungsräume as <code>lor aggregate</code> does; shares are ratios of the summed counts. {} The last row is the whole Bezirk, including Planungsräume in no Sozialraum.</p>",
        match spec.assign {
            crate::weights::Assign::Largest =>
                "Each Planungsraum goes wholly to the Sozialraum holding its largest part.",
            _ => "Planungsräume split between Sozialräume are apportioned by area share.",
        }
    );
    let _ = writeln!(h, "</section>");

    // Maps.
    for (i, ind) in spec.maps.iter().enumerate() {
        let cs = ChoroSpec {
            indicator: ind.clone(),
            level: MapLevel::Lor(Level::Plr),
            method: spec.method.clone(),
            k: spec.k,
            bezirk: Some(spec.bezirk.clone()),
            source: spec.source.clone(),
            id: format!("m{}-", i + 1),
        };
        let (map, w) = choropleth(fig, &cs)?;
        warnings.extend(w);
        let _ = writeln!(
            h,
            "<section class=\"map\" id=\"map-{}\">\n<h2>{} per Planungsraum</h2>\n<figure>\n{}</figure>\n</section>",
            i + 1,
            escape(&label_for(&ind.name)),
            map.doc.svg()
        );
    }

    // Mismatch.
    let ov = overlay(&fig.units, sr_layer, true);
    let units = unit_parts(&ov, &fig.units, sr_layer, &spec.tolerance);
    let people: BTreeMap<String, f64> = match fig.table.column("E_E") {
        Some(c) => fig
            .table
            .keys
            .iter()
            .zip(&c.cells)
            .filter_map(|(k, c)| c.num().map(|v| (k.clone(), v)))
            .collect(),
        None => BTreeMap::new(),
    };
    let b_units = sr_layer
        .features
        .iter()
        .map(|f| (f.id.clone(), (f.name.clone(), f.area)))
        .collect();
    let mm = Mismatch::new(MismatchInput {
        a_source: &fig.units.source,
        b_source: &sr_layer.source,
        units,
        a_level: Some(Level::Plr),
        rollups: &[Level::Bzr, Level::Pgr],
        name_of: &|k: &str| fig.names.name(k).unwrap_or_default().to_string(),
        b_units,
        people: (!people.is_empty()).then_some(("E_E", &people)),
        tol: spec.tolerance,
    });
    let _ = writeln!(
        h,
        "<section id=\"mismatch\">\n<h2>Where the LOR units do not fit the Sozialräume</h2>\n<ul>"
    );
    for line in mm.summary() {
        let _ = writeln!(h, "<li>{}</li>", escape(&line));
    }
    let _ = writeln!(h, "</ul>");
    for l in mm.levels.iter().rev() {
        let split: Vec<_> = l.split().collect();
        if split.is_empty() {
            continue;
        }
        let _ = writeln!(
            h,
            "<h3>Split {}</h3>\n<table class=\"split\" data-level=\"{}\">\n<thead><tr><th class=\"key\">Unit</th><th class=\"name\">Name</th><th class=\"key\">Part in</th><th>Area share %</th><th>People (E_E, by area)</th></tr></thead>\n<tbody>",
            l.title, l.level
        );
        for u in split {
            for (j, p) in u
                .parts
                .iter()
                .filter(|p| p.class != PartClass::Noise)
                .enumerate()
            {
                let target = match &p.target {
                    Some(t) => {
                        let n = mm.b_units.get(t).map(|(n, _)| n.as_str()).unwrap_or("");
                        if n.is_empty() {
                            t.clone()
                        } else {
                            format!("{t} {n}")
                        }
                    }
                    None => "(in no Sozialraum)".into(),
                };
                let _ = writeln!(
                    h,
                    "<tr><td class=\"key\">{}</td><td class=\"name\">{}</td><td class=\"key\">{}</td><td>{}</td>{}</tr>",
                    if j == 0 { escape(&u.key) } else { String::new() },
                    if j == 0 { escape(&u.name) } else { String::new() },
                    escape(&target),
                    crate::map::decimal(p.share * 100.0, 1),
                    cell(&u.key, "E_E", l.people_in(&u.key, &p.target), 0)
                );
            }
        }
        let _ = writeln!(h, "</tbody>\n</table>");
    }
    let text = MismatchText {
        id: "mm-".into(),
        title: format!("Planungsräume of {place} against the Sozialräume"),
        subtitle: mm.summary().join(" · "),
        source: fig.source(spec.source.as_deref()),
        a_title: "Planungsräume".into(),
        b_title: "Sozialräume".into(),
        no_geometry: fig.without_polygon(),
    };
    let _ = writeln!(
        h,
        "<figure>\n{}</figure>\n</section>",
        mismatch_map(&ov, &fig.units, sr_layer, &mm.levels[0].units, &text).svg()
    );

    // Warnings, sources.
    let _ = writeln!(
        h,
        "<section id=\"warnings\">\n<h2>Warnings of this run</h2>"
    );
    if warnings.is_empty() {
        let _ = writeln!(h, "<p>None.</p>");
    } else {
        let _ = writeln!(h, "<ul class=\"warnings\">");
        for w in warnings.iter() {
            let _ = writeln!(
                h,
                "<li><code>{}</code> {}</li>",
                escape(w.code.as_str()),
                escape(&w.message)
            );
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(
        h,
        "<h2>Sources and date</h2>\n<p>Figures of {}.</p>\n<ul>",
        escape(&date)
    );
    let mut paths: Vec<&std::path::Path> = fig.paths.iter().map(|p| p.as_path()).collect();
    if let Some((p, _)) = &spec.points {
        paths.push(p);
    }
    for p in &paths {
        let _ = writeln!(
            h,
            "<li><code>{}</code>: {}</li>",
            escape(&p.display().to_string()),
            escape(crate::map::source_line(&[p], None).trim_start_matches("Source: "))
        );
    }
    if let Some(s) = &spec.source {
        let _ = writeln!(h, "<li>{}</li>", escape(s));
    }
    let _ = writeln!(
        h,
        "</ul>\n<p class=\"note\">Made with lor {}.</p>\n</section>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    Ok((h, warnings))
}
