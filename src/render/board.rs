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

use crate::aggregate::{LevelTable, MissingPolicy, Value};
use crate::atlas::{
    choropleth, draw_choropleth, label_for, ChoroSpec, Figures, Indicator, MapLevel,
};
use crate::classify::Method;
use crate::error::{examples, input_error, usage_error, Warnings};
use crate::key::Level;
use crate::map::{escape, mismatch_map, MismatchText};
use crate::overlay::{overlay, unit_parts, PartClass, Tolerance};
use crate::report::{thousands, Mismatch, MismatchInput};
use crate::series::{Date, Dated, Series, SozialraumWeights};

/// What goes into the report.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub bezirk: String,
    /// Choropleths per PLR.
    pub maps: Vec<Indicator>,
    pub method: Method,
    pub k: usize,
    /// Facilities (e.g. Kitas), and how they are read: the one attribute
    /// to sum (e.g. places), the CRS, and the flags messages name.
    pub points: Option<(PathBuf, crate::points::PointOptions)>,
    pub source: Option<String>,
    pub tolerance: Tolerance,
    /// How PLR went to the Sozialräume (for the note under the figures).
    pub assign: crate::weights::Assign,
    /// Statistics of other dates (a series): the key figures get their
    /// change against the latest date before the report's.
    pub series: Vec<PathBuf>,
    /// Choropleths per PLR of the change of an indicator against that date
    /// (diverging colours around zero).
    pub change_maps: Vec<Indicator>,
}

/// The change against the previous date: the report's date and the one
/// before it as a series (`crate::series`, aggregated with the same rules
/// and Sozialraum weights), levels PLR, Bezirk and Sozialraum.
pub struct Change {
    pub series: Series,
    /// The file of the previous date.
    pub previous: PathBuf,
}

const PLR: usize = 0;
const BEZIRK: usize = 1;
const SOZIALRAUM: usize = 2;

impl Change {
    /// The earlier date.
    pub fn since(&self) -> Date {
        self.series.dates[0]
    }

    /// The change of `ind` for unit `key` of level `l` (counts: the
    /// difference, shares: in percentage points); None without both values.
    pub fn of(&self, ind: &Indicator, l: usize, key: &str) -> Option<f64> {
        let now = ind.value(&at_date(&self.series, l, 1), key)?;
        let before = ind.value(&at_date(&self.series, l, 0), key)?;
        Some(now - before)
    }

    /// A change map needs every column of `ind` at both dates: name the
    /// file of the date that lacks one (the report's own file is checked
    /// by `Figures::check_indicator`).
    pub fn check_indicator(&self, ind: &Indicator) -> Result<()> {
        let plr = &self.series.levels[PLR];
        for col in ind.columns() {
            let j = self.series.columns.iter().position(|c| c == col);
            let at_before = j.is_some_and(|j| {
                plr.values
                    .iter()
                    .any(|v| v[0].as_ref().is_some_and(|row| row[j] != Value::Missing))
            });
            if !at_before {
                return Err(input_error(format!(
                    "{}: no column '{col}' (or no value in it) at {}, so the change of '{}' cannot be mapped",
                    self.previous.display(),
                    self.since(),
                    ind.name
                )));
            }
        }
        Ok(())
    }
}

/// Level `l` of a series at date `d`, as a table.
fn at_date(s: &Series, l: usize, d: usize) -> LevelTable {
    let ls = &s.levels[l];
    LevelTable {
        level: ls.level.clone(),
        keys: ls.units.iter().map(|u| u.0.clone()).collect(),
        names: ls.units.iter().map(|u| u.1.clone()).collect(),
        columns: s.columns.clone(),
        rows: ls
            .values
            .iter()
            .map(|v| {
                v[d].clone()
                    .unwrap_or_else(|| vec![Value::Missing; s.columns.len()])
            })
            .collect(),
    }
}

/// The date of a statistics file as `lor series` finds it; the report has
/// no flag to give a date, so a file without one must say it in its name.
fn date_of(table: &crate::stats::StatTable, path: &std::path::Path) -> Result<(Date, Warnings)> {
    match crate::series::date_of(table, path, None) {
        Ok((d, _, w)) => Ok((d, w)),
        Err(e) if e.to_string().contains("no date found") => Err(usage_error(format!(
            "{}: no date found (no ZEIT column, no date such as 201812 or 2020-12 in the file or folder name); for a report with changes, name the file with its date, e.g. EWR202406E_Matrix.csv",
            table.source
        ))),
        Err(e) => Err(e),
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The change of the report's figures against the latest date before
/// theirs among `files` (dates as `lor series` finds them: `ZEIT`, the file
/// or folder name). Later dates and the report's own file are not used.
pub fn previous_date(fig: &Figures, files: &[PathBuf], bezirk: &str) -> Result<(Change, Warnings)> {
    let mut warnings = Warnings::default();
    let (_, assignment) = fig.sozialraum.as_ref().ok_or_else(|| {
        input_error("the report is for the Sozialräume of a Bezirk: give their polygons")
    })?;
    let own = &fig.paths[0];
    let (current, w) = date_of(&fig.table, own)?;
    warnings.extend(w);
    let mut seen: Vec<String> = Vec::new();
    let mut before: Option<(Dated, PathBuf, Warnings)> = None;
    for p in files {
        if same_file(p, own) {
            continue;
        }
        let (mut table, mut w) =
            crate::stats::read_stats(p, &crate::stats::ReadOptions::default())?;
        let (date, w2) = date_of(&table, p)?;
        w.extend(w2);
        seen.push(date.to_string());
        if date >= current {
            continue;
        }
        if let Some((b, bp, _)) = &before {
            if b.date == date {
                return Err(input_error(format!(
                    "{} and {} are both of {date}: a series takes one file per date",
                    bp.display(),
                    p.display()
                )));
            }
            if b.date > date {
                continue;
            }
        }
        table.retain_keys(|k| k.starts_with(bezirk));
        if table.is_empty() {
            return Err(input_error(format!(
                "{}: no rows of Bezirk {bezirk}",
                table.source
            )));
        }
        before = Some((Dated { date, table }, p.clone(), w));
    }
    let Some((prev, path, w)) = before else {
        seen.sort();
        seen.dedup();
        return Err(input_error(format!(
            "the series has no date before {current}, the date of {}{}",
            fig.table.source,
            if seen.is_empty() {
                String::new()
            } else {
                format!(" (its dates: {})", examples(&seen, 8))
            }
        )));
    };
    warnings.extend(w);
    // The report has no crosswalk: both dates must be of one LOR vintage.
    let vintage = |t: &crate::stats::StatTable| t.vintage().map(|(v, _)| v);
    if let (Some(before), Some(now)) = (vintage(&prev.table), vintage(&fig.table)) {
        if before != now {
            return Err(input_error(format!(
                "{} ({}) has {} keys and {} ({current}) {} keys: for a change across the LOR reform, translate the earlier file into {} first (with lor translate)",
                path.display(),
                prev.date,
                before.label(),
                fig.table.source,
                now.label(),
                now.label()
            )));
        }
    }
    let plan = crate::series::Plan {
        rules: crate::rules::RuleFlags::default(),
        missing: MissingPolicy::Propagate,
        levels: vec![Level::Plr, Level::Bezirk],
        names: Some(&fig.names),
        vintage: fig.table.vintage().map(|(v, _)| v),
        translation: None,
        sozialraum: Some(SozialraumWeights {
            weights: assignment.weights.clone(),
            names: assignment.names.clone(),
        }),
    };
    let dated = [
        prev,
        Dated {
            date: current,
            table: fig.table.clone(),
        },
    ];
    let (series, w) = crate::series::build(&dated, &plan)?;
    warnings.extend(w);
    Ok((
        Change {
            series,
            previous: path,
        },
        warnings,
    ))
}

/// The key figures of the report: counts and shares of the population
/// register (EWR) columns, with their German column headers from the
/// codebook (`crate::labels`).
pub fn key_figures() -> Vec<(Indicator, String)> {
    let people = Indicator::parse("E_E").expect("valid");
    let head = people.label();
    std::iter::once((people, head))
        .chain(AGE_GROUPS.iter().flat_map(|(name, cols)| {
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
            let ages =
                crate::labels::age_range_de(&count.numerator).unwrap_or_else(|| name.to_string());
            [(count, ages), (share, "Anteil %".to_string())]
        }))
        .collect()
}

/// Age groups of the population register: name, columns.
const AGE_GROUPS: [(&str, &[&str]); 5] = [
    ("E_u6", &["E_EU1", "E_E1U6"]),
    ("E_6u15", &["E_E6U15"]),
    ("E_15u18", &["E_E15U18"]),
    ("E_18u65", &["E_E18U25", "E_E25U55", "E_E55U65"]),
    ("E_65plus", &["E_E65U80", "E_E80U110"]),
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
tr.change td{color:#444;font-size:11.5px;border-bottom:1px solid #ccc;white-space:nowrap}tr.has-change td{border-bottom:none}
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

/// A change cell: signed, counts in people, shares in percentage points.
fn change_cell(key: &str, col: &str, v: Option<f64>, share: bool) -> String {
    match v {
        Some(v) => {
            let sign = if v > 0.0 {
                "+"
            } else if v < 0.0 {
                "−"
            } else {
                "±"
            };
            let text = if share {
                format!("{sign}{} pp", crate::map::decimal(v.abs(), 2))
            } else {
                format!("{sign}{}", thousands(v.abs()))
            };
            format!(
                r#"<td data-key="{}" data-col="{}" data-value="{}">{}</td>"#,
                escape(key),
                escape(col),
                crate::stats::format_f64(v),
                text
            )
        }
        None => format!(
            r#"<td data-key="{}" data-col="{}">–</td>"#,
            escape(key),
            escape(col)
        ),
    }
}

/// The `data-col` of a change, as `lor series` names its change columns.
pub fn change_column(ind: &Indicator) -> String {
    if ind.is_share() {
        format!("{} change previous pp", ind.name)
    } else {
        format!("{} change previous", ind.name)
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
    let change = if spec.series.is_empty() {
        if !spec.change_maps.is_empty() {
            return Err(usage_error(
                "a map of changes needs the statistics of an earlier date (a series)",
            ));
        }
        None
    } else {
        let (c, w) = previous_date(fig, &spec.series, &spec.bezirk)?;
        warnings.extend(w);
        Some(c)
    };
    for ind in &spec.change_maps {
        fig.check_indicator(ind)?;
        if let Some(c) = &change {
            c.check_indicator(ind)?;
        }
    }
    let figures: Vec<(Indicator, String)> = key_figures()
        .into_iter()
        .filter(|(i, _)| i.columns().all(|c| fig.table.column(c).is_some()))
        .collect();
    if figures.is_empty() {
        return Err(input_error(format!(
            "{}: none of the population register columns of the key figures (E_E, E_EU1, …) is in the file",
            fig.table.source
        )));
    }
    // Kita places per child: each facility in its PLR, then to the
    // Sozialräume by the same weights as the children (as `lor points`), so
    // that places and children of a PLR always land in the same Sozialraum.
    let mut places: Option<(String, BTreeMap<String, f64>)> = None;
    if let Some((path, opts)) = &spec.points {
        let attr = opts.sum.first().cloned().unwrap_or_default();
        let (run, w) = crate::points::tally_points(path, opts, &[&fig.units], |_, _| {})?;
        warnings.extend(w);
        let t = &run.tallies[0];
        let per_plr: BTreeMap<&str, f64> = fig
            .units
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), t.sums[0][i]))
            .collect();
        let mut by_sr: BTreeMap<String, f64> = sr_layer
            .features
            .iter()
            .map(|f| (f.id.clone(), 0.0))
            .collect();
        if let Some((_, a)) = &fig.sozialraum {
            for w in a.weights.rows() {
                if let Some(v) = per_plr.get(w.source.as_str()) {
                    *by_sr.entry(w.target.clone()).or_default() += w.weight * v;
                }
            }
            // Places in PLR (or parts) outside every Sozialraum: the row
            // "nicht zugeordnet", so that the rows add up to the Bezirk.
            for (k, share) in &a.unassigned {
                if let Some(v) = per_plr.get(k.as_str()) {
                    *by_sr
                        .entry(crate::sozialraum::UNASSIGNED_KEY.to_string())
                        .or_default() += share * v;
                }
            }
        }
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
        sr_table
            .keys
            .iter()
            .filter(|k| *k != crate::sozialraum::UNASSIGNED_KEY)
            .count(),
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
        let _ = write!(
            h,
            "<th title=\"{}\">{}</th>",
            escape(&if ind.is_share() || ind.numerator == [ind.name.clone()] {
                ind.definition()
            } else {
                format!("{} = {}", ind.name, ind.numerator.join(" + "))
            }),
            escape(label)
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
        let class = match (total, change.is_some()) {
            (true, true) => " class=\"total has-change\"",
            (true, false) => " class=\"total\"",
            (false, true) => " class=\"has-change\"",
            (false, false) => "",
        };
        let _ = write!(
            h,
            "<tr{class}><td class=\"key\">{}</td><td class=\"name\">{}</td>",
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
        // The change against the previous date, under the figures.
        if let Some(c) = &change {
            let level = if total { BEZIRK } else { SOZIALRAUM };
            let _ = write!(
                h,
                "<tr class=\"change\"><td class=\"key\"></td><td class=\"name\">change since {}</td>",
                c.since()
            );
            for (ind, _) in &figures {
                h.push_str(&change_cell(
                    &key,
                    &change_column(ind),
                    c.of(ind, level, &key),
                    ind.is_share(),
                ));
            }
            if places.is_some() {
                h.push_str("<td></td><td></td>");
            }
            let _ = writeln!(h, "</tr>");
        }
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
    if let Some(c) = &change {
        let _ = writeln!(
            h,
            "<p class=\"note\">Change since {} ({}): the same aggregation of both dates as the change against the previous date of <code>lor series</code>; counts in people, shares in percentage points (pp).</p>",
            c.since(),
            escape(&c.previous.display().to_string())
        );
    }
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
            escape(&ind.label()),
            map.doc.svg()
        );
    }
    // Maps of changes, in diverging colours around zero.
    if let Some(c) = &change {
        let plr = &c.series.levels[PLR];
        for (i, ind) in spec.change_maps.iter().enumerate() {
            let values: Vec<(String, String, Option<f64>)> = plr
                .units
                .iter()
                .map(|(k, n)| (k.clone(), n.clone(), c.of(ind, PLR, k)))
                .collect();
            let shown: Vec<f64> = values.iter().filter_map(|v| v.2).collect();
            let cs = ChoroSpec {
                indicator: ind.clone(),
                level: MapLevel::Lor(Level::Plr),
                method: crate::classify::around_zero(&shown, spec.k)
                    .unwrap_or_else(|| spec.method.clone()),
                k: spec.k,
                bezirk: Some(spec.bezirk.clone()),
                source: spec.source.clone(),
                id: format!("c{}-", i + 1),
            };
            let title = format!("{}: change since {}", ind.label(), c.since());
            let legend = if ind.is_share() {
                format!("change since {} (pp)", c.since())
            } else {
                format!("change since {}", c.since())
            };
            let method = match &cs.method {
                Method::Breaks(_) if cs.method != spec.method => "equal widths either side of zero",
                m => m.label(),
            };
            let map = draw_choropleth(fig, &cs, &values, &title, &legend, method)?;
            let _ = writeln!(
                h,
                "<section class=\"map\" id=\"change-map-{}\">\n<h2>{} per Planungsraum</h2>\n<figure>\n{}</figure>\n</section>",
                i + 1,
                escape(&title),
                map.doc.svg()
            );
        }
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
            "<h3>Split {}</h3>\n<table class=\"split\" data-level=\"{}\">\n<thead><tr><th class=\"key\">Unit</th><th class=\"name\">Name</th><th class=\"key\">Part in</th><th>Area share %</th><th>{} (E_E, by area)</th></tr></thead>\n<tbody>",
            l.title,
            l.level,
            escape(&label_for("E_E"))
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
    if let Some(c) = &change {
        paths.push(&c.previous);
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
