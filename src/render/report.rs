//! The quarterly Sozialraum report (`lor report`): one self-contained HTML
//! file for a Bezirk and its Sozialräume — key figures per Sozialraum,
//! choropleth maps, where the LOR units do not fit the Sozialräume, the
//! warnings of the run, sources and date. No external requests (inline SVG
//! and CSS); prints to A4. Same inputs, same bytes: nothing in it depends
//! on the clock, the machine or the order of a hash map.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::quality::mismatch::report::{LevelReport, Mismatch, MismatchInput, PartPeople};
use crate::render::classify::Method;
use crate::render::draw::escape;
use crate::render::draw::mismatch::{mismatch_map, MismatchText};
use crate::render::draw::source::Source;
use crate::render::map::{
    choropleth, draw_choropleth, label_for, ChoroSpec, Figures, Indicator, MapLevel,
};
use crate::series::build::Series;
use crate::series::dates::{Date, Dated};
use crate::series::sozialraum::SozialraumWeights;
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::{overlay, unit_parts, Overlay, PartClass, Tolerance};
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::table::population::{self, AgeGroup, Schema};
use crate::text::Lang;

mod change;
mod split;

use change::*;
pub use change::{previous_date, Change};
use split::*;

/// What goes into the report.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub bezirk: String,
    /// Choropleths per PLR; none given: [`default_maps`] of the statistics.
    pub maps: Vec<Indicator>,
    pub method: Method,
    pub k: usize,
    /// Facilities (e.g. Kitas), and how they are read: the one attribute
    /// to sum (e.g. places), the CRS, and the flags messages name.
    pub points: Option<(PathBuf, crate::points::read::PointOptions)>,
    pub source: Option<String>,
    pub tolerance: Tolerance,
    /// How PLR went to the Sozialräume (for the note under the figures).
    pub assign: crate::mapping::weights::Assign,
    /// Statistics of other dates (a series): the key figures get their
    /// change against the latest date before the report's.
    pub series: Vec<PathBuf>,
    /// Choropleths per PLR of the change of an indicator against that date
    /// (diverging colours around zero).
    pub change_maps: Vec<Indicator>,
    /// The language of the report: German (default) or English.
    pub lang: Lang,
}

/// The key figures of the report for a table of `schema`: people, and
/// the count and share of each age group, with their German column headers.
pub fn key_figures(schema: &Schema) -> Vec<(Indicator, String)> {
    let people = Indicator::parse(schema.people).expect("a column name is an indicator");
    let head = people.label();
    let columns = |g: &AgeGroup| g.columns.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    std::iter::once((people, head))
        .chain(schema.groups.iter().flat_map(|g| {
            let count = Indicator {
                name: g.name.to_string(),
                numerator: columns(g),
                denominator: Vec::new(),
                factor: 1.0,
            };
            let share = Indicator {
                name: format!("Anteil {}", g.name),
                numerator: columns(g),
                denominator: vec![schema.people.to_string()],
                factor: 100.0,
            };
            [
                (count, g.label_de.to_string()),
                (share, "Anteil %".to_string()),
            ]
        }))
        .collect()
}

const CSS: &str = include_str!("report/report.css");

/// One cell with its number for machines (`data-value`) and people
/// (`lang`: 19.478 and 5,9 in German).
fn cell(lang: Lang, key: &str, col: &str, v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) => format!(
            r#"<td data-key="{}" data-col="{}" data-value="{}">{}</td>"#,
            escape(key),
            escape(col),
            crate::text::format_f64(v),
            lang.dec(v, decimals)
        ),
        None => format!(
            r#"<td data-key="{}" data-col="{}">–</td>"#,
            escape(key),
            escape(col)
        ),
    }
}

/// A change cell: signed, counts in people, shares in percentage points
/// (`+1.176`, `−0,03 Pp` in German); no change is `±0`.
fn change_cell(lang: Lang, key: &str, col: &str, v: Option<f64>, share: bool) -> String {
    match v {
        Some(v) => {
            let d = if share { 2 } else { 0 };
            let mut text = lang.signed(v, d);
            if !text.starts_with(['+', '-', '\u{2212}']) {
                text = format!("±{text}");
            }
            if share {
                text = format!("{text} {}", lang.pick("Pp", "pp"));
            }
            format!(
                r#"<td data-key="{}" data-col="{}" data-value="{}">{}</td>"#,
                escape(key),
                escape(col),
                crate::text::format_f64(v),
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

/// A reference date as the report writes it: the last day of its month
/// (`31.12.2018`; `31 December 2018` in English).
fn stand(lang: Lang, d: Date) -> String {
    lang.month_end(d.year, d.month)
}

/// The date of the report's statistics as `lor series` finds it (`ZEIT`,
/// the file or folder name), with the warnings of finding it; none when
/// neither says one.
fn figures_date(fig: &Figures) -> (Option<Date>, Warnings) {
    let path = fig
        .paths
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(std::path::Path::new(""));
    match crate::series::dates::date_of(&fig.table, path, None) {
        Ok((d, _, w)) => (Some(d), w),
        Err(_) => (None, Warnings::default()),
    }
}

/// Build the report.
pub fn report(fig: &Figures, spec: &ReportSpec) -> Result<(String, Warnings)> {
    let mut warnings = fig.warnings.clone();
    let (sr_layer, _) = fig.sozialraum.as_ref().ok_or_else(|| {
        input_error("the report is for the Sozialräume of a Bezirk: give their polygons")
    })?;
    let (date, w) = figures_date(fig);
    if spec.series.is_empty() {
        // With a series, finding the previous date says the same.
        warnings.extend(w);
    }
    let (sr_table, w) = fig.level_table(MapLevel::Sozialraum)?;
    warnings.extend(w);
    let (bez_table, w) = fig.level_table(MapLevel::Lor(Level::Bezirk))?;
    warnings.extend(w);
    let change = change_of(fig, spec, &mut warnings)?;
    for ind in &spec.change_maps {
        fig.check_indicator(ind)?;
        if let Some(c) = &change {
            c.check_indicator(ind)?;
        }
    }
    let (schema, figures) = figures_in(fig)?;
    let places = match &spec.points {
        Some((path, opts)) => Some(places_by_sozialraum(
            fig,
            sr_layer,
            path,
            opts,
            &mut warnings,
        )?),
        None => None,
    };
    let page = Page {
        fig,
        spec,
        sr_layer,
        place: fig.place(Some(&spec.bezirk)),
        date,
        change,
        schema,
        figures,
        places,
        unknown: RefCell::new(BTreeSet::new()),
    };
    warnings.extend(page.unattributed());
    let sozialraeume = sr_table
        .keys
        .iter()
        .filter(|k| *k != crate::mapping::sozialraum::UNASSIGNED_KEY)
        .count();
    let mut h = page.head(sozialraeume);
    page.key_figures(&mut h, &sr_table, &bez_table);
    page.maps(&mut h, &mut warnings)?;
    page.change_maps(&mut h)?;
    page.mismatch(&mut h);
    page.notes(&mut h, &warnings);
    page.sources(&mut h);
    Ok((h, warnings))
}
/// The change against the previous date when the report has a series;
/// change maps without one are a usage error.
fn change_of(fig: &Figures, spec: &ReportSpec, warnings: &mut Warnings) -> Result<Option<Change>> {
    if spec.series.is_empty() {
        if !spec.change_maps.is_empty() {
            return Err(usage_error(
                "a map of changes needs the statistics of an earlier date (a series)",
            ));
        }
        return Ok(None);
    }
    let (c, w) = previous_date(fig, &spec.series, &spec.bezirk)?;
    warnings.extend(w);
    Ok(Some(c))
}

/// The maps of a report without `--map`: the shares of people 65 and
/// older and of children under 6, per PLR.
pub fn default_maps(schema: &Schema) -> Vec<Indicator> {
    [
        ("Anteil_65plus", &schema.groups[4]),
        ("Anteil_u6", &schema.groups[0]),
    ]
    .into_iter()
    .map(|(name, g)| Indicator {
        name: name.to_string(),
        numerator: g.columns.iter().map(|c| c.to_string()).collect(),
        denominator: vec![schema.people.to_string()],
        factor: 100.0,
    })
    .collect()
}

/// The population schema of the statistics and those of its key figures
/// whose columns are all in the file; a file of neither schema is an error.
fn figures_in(fig: &Figures) -> Result<(&'static Schema, Vec<(Indicator, String)>)> {
    let has = |c: &str| fig.table.column(c).is_some();
    let schema = population::schema_of(has).ok_or_else(|| {
        input_error(format!(
            "{}: the report's key figures need the people of a {} or an {}; the file has neither column '{}' nor '{}'",
            fig.table.source,
            population::REGISTER.what,
            population::OPEN_DATA.what,
            population::REGISTER.people,
            population::OPEN_DATA.people,
        ))
    })?;
    let figures = key_figures(schema)
        .into_iter()
        .filter(|(i, _)| i.columns().all(|c| has(c)))
        .collect();
    Ok((schema, figures))
}

/// Facility places (the `--sum` attribute of the points, e.g. Kita places)
/// per Sozialraum: each facility in its PLR, then to the Sozialräume by the
/// same weights as the children (as `lor points`), so that places and
/// children of a PLR always land in the same Sozialraum.
fn places_by_sozialraum(
    fig: &Figures,
    sr_layer: &Layer,
    path: &std::path::Path,
    opts: &crate::points::read::PointOptions,
    warnings: &mut Warnings,
) -> Result<Places> {
    let attr = opts.sum.first().cloned().unwrap_or_default();
    let (run, w) = crate::points::read::tally_points(path, opts, &[&fig.units], |_, _| {})?;
    warnings.extend(w);
    let t = &run.tallies[0];
    let per_plr: BTreeMap<&str, f64> = fig
        .units
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), t.sums[0][i]))
        .collect();
    Ok((attr, spread(&per_plr, sr_layer, fig)))
}

/// Values per PLR to the Sozialräume of `sr_layer` by the weights of the
/// figures' assignment; every Sozialraum has a value (0 without PLR).
fn spread(per_plr: &BTreeMap<&str, f64>, sr_layer: &Layer, fig: &Figures) -> BTreeMap<String, f64> {
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
                    .entry(crate::mapping::sozialraum::UNASSIGNED_KEY.to_string())
                    .or_default() += share * v;
            }
        }
    }
    by_sr
}

/// Facility places: the summed attribute and its sum per Sozialraum.
type Places = (String, BTreeMap<String, f64>);

/// Children under 6 (for places per child).
fn under_6(schema: &Schema) -> Indicator {
    Indicator {
        name: schema.groups[0].name.into(),
        numerator: schema.under_6().iter().map(|c| c.to_string()).collect(),
        denominator: Vec::new(),
        factor: 1.0,
    }
}

/// Everything the sections of the report are drawn from.
struct Page<'a> {
    fig: &'a Figures,
    spec: &'a ReportSpec,
    sr_layer: &'a Layer,
    place: String,
    /// The date of the figures, when the statistics say it.
    date: Option<Date>,
    change: Option<Change>,
    /// The population columns of the statistics, and the key figures.
    schema: &'static Schema,
    figures: Vec<(Indicator, String)>,
    places: Option<Places>,
    /// Column codes shown without a label (none in the codebook), for the
    /// one footnote that says so.
    unknown: RefCell<BTreeSet<String>>,
}

impl Page<'_> {
    fn lang(&self) -> Lang {
        self.spec.lang
    }

    /// The date of the figures as written (`31.12.2018`), or that it is
    /// not known.
    fn date_text(&self) -> String {
        match self.date {
            Some(d) => stand(self.lang(), d),
            None => self
                .lang()
                .pick("ohne Stichtag", "date not given")
                .to_string(),
        }
    }

    /// The label of column `code`: the codebook's, else the code itself,
    /// noted for the footnote.
    fn label(&self, code: &str) -> String {
        match crate::render::labels::builtin_de(code) {
            Some(l) => l,
            None => {
                self.unknown.borrow_mut().insert(code.to_string());
                code.to_string()
            }
        }
    }

    /// The label of an indicator: the codebook's words for a column or
    /// the ages, the name written with a derived column (`--map
    /// NAME=…`); a plain column the codebook does not know is noted for
    /// the footnote.
    fn indicator_label(&self, ind: &Indicator) -> String {
        let label = ind.label();
        if label == ind.name && ind.numerator == [ind.name.clone()] && !ind.is_share() {
            self.unknown.borrow_mut().insert(ind.name.clone());
        }
        label
    }

    /// The HTML head, the title and the line under it.
    fn head(&self, sozialraeume: usize) -> String {
        let lang = self.lang();
        let mut h = String::new();
        let title = format!(
            "{} · {} · {}",
            lang.pick("Sozialraumbericht", "Sozialraum report"),
            self.place,
            self.date_text()
        );
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            lang.code(),
            escape(&title)
        );
        let stats = Source::of(
            self.fig
                .paths
                .first()
                .map(PathBuf::as_path)
                .unwrap_or(std::path::Path::new("")),
        );
        let what = match (&stats.title, &stats.publisher) {
            (Some(t), Some(p)) => format!(" · {t} ({p})"),
            (Some(x), None) | (None, Some(x)) => format!(" · {x}"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            h,
            "<section class=\"first\" id=\"figures\">\n<h1>{}</h1>\n<p class=\"meta\">{} Sozialräume · {} {}{}</p>",
            escape(&format!(
                "{} {}",
                lang.pick("Sozialräume im", "Sozialräume in"),
                self.place
            )),
            lang.int(sozialraeume as f64),
            lang.pick("Stand", "as at"),
            escape(&self.date_text()),
            escape(&what)
        );
        h
    }

    /// Key figures per Sozialraum, and the Bezirk, with the notes under them.
    fn key_figures(&self, h: &mut String, sr_table: &LevelTable, bez_table: &LevelTable) {
        let lang = self.lang();
        let _ = writeln!(
            h,
            "<h2>{}</h2>\n<div class=\"scroll\">",
            lang.pick("Kennzahlen je Sozialraum", "Key figures per Sozialraum")
        );
        self.key_figures_header(h);
        let mut rows: Vec<(&LevelTable, String, String, bool)> = sr_table
            .keys
            .iter()
            .zip(&sr_table.names)
            .map(|(k, n)| (sr_table, k.clone(), n.clone(), false))
            .collect();
        rows.push((
            bez_table,
            self.spec.bezirk.clone(),
            self.place.clone(),
            true,
        ));
        for (t, key, name, total) in rows {
            self.figures_row(h, t, &key, &name, total);
            if let Some(c) = &self.change {
                self.change_row(h, c, &key, total);
            }
        }
        let _ = writeln!(h, "</tbody>\n</table>\n</div>");
        self.key_figures_notes(h);
        let _ = writeln!(h, "</section>");
    }

    /// The title of a key figure's header: its definition.
    fn definition(ind: &Indicator) -> String {
        if ind.is_share() || ind.numerator == [ind.name.clone()] {
            ind.definition()
        } else {
            format!("{} = {}", ind.name, ind.numerator.join(" + "))
        }
    }

    /// The table's head in two rows: people, then each age group over its
    /// count and share, the places over their count and places per child.
    fn key_figures_header(&self, h: &mut String) {
        let lang = self.lang();
        let mut top = String::from(
            "<tr><th class=\"key\" rowspan=\"2\">Sozialraum</th><th class=\"name\" rowspan=\"2\">Name</th>",
        );
        let mut below = String::from("<tr>");
        let mut i = 0;
        while i < self.figures.len() {
            let (ind, label) = &self.figures[i];
            let pair = self.figures.get(i + 1).filter(|(next, _)| {
                next.is_share() && !ind.is_share() && next.numerator == ind.numerator
            });
            match pair {
                Some((share, _)) => {
                    let _ = write!(
                        top,
                        "<th class=\"group\" colspan=\"2\">{}</th>",
                        escape(label)
                    );
                    let _ = write!(
                        below,
                        "<th title=\"{}\">{}</th><th title=\"{}\">{}</th>",
                        escape(&Self::definition(ind)),
                        lang.pick("Anzahl", "number"),
                        escape(&Self::definition(share)),
                        lang.pick("Anteil %", "share %")
                    );
                    i += 2;
                }
                None => {
                    let _ = write!(
                        top,
                        "<th rowspan=\"2\" title=\"{}\">{}</th>",
                        escape(&Self::definition(ind)),
                        soft_hyphens(&escape(label))
                    );
                    i += 1;
                }
            }
        }
        if let Some((attr, _)) = &self.places {
            let _ = write!(
                top,
                "<th class=\"group\" colspan=\"2\">{}</th>",
                escape(&self.label(attr))
            );
            let _ = write!(
                below,
                "<th>{}</th><th>{}</th>",
                lang.pick("Anzahl", "number"),
                lang.pick("je Kind unter 6 Jahren", "per child under 6")
            );
        }
        let _ = writeln!(
            h,
            "<table id=\"key-figures\">\n<thead>{top}</tr>\n{below}</tr></thead>\n<tbody>"
        );
    }

    /// One row of key figures: a Sozialraum, or the Bezirk (`total`).
    fn figures_row(&self, h: &mut String, t: &LevelTable, key: &str, name: &str, total: bool) {
        let lang = self.lang();
        let class = match (total, self.change.is_some()) {
            (true, true) => " class=\"total has-change\"",
            (true, false) => " class=\"total\"",
            (false, true) => " class=\"has-change\"",
            (false, false) => "",
        };
        let _ = write!(
            h,
            "<tr{class}><td class=\"key\">{}</td><td class=\"name\">{}</td>",
            escape(key),
            escape(name)
        );
        for (ind, _) in &self.figures {
            let d = if ind.is_share() { 1 } else { 0 };
            h.push_str(&cell(lang, key, &ind.name, ind.value(t, key), d));
        }
        if let Some((attr, by_sr)) = &self.places {
            let p = if total {
                Some(by_sr.values().sum::<f64>())
            } else {
                by_sr.get(key).copied()
            };
            let kids = under_6(self.schema).value(t, key);
            h.push_str(&cell(lang, key, attr, p, 0));
            let per = match (p, kids) {
                (Some(p), Some(k)) if k > 0.0 => Some(p / k),
                _ => None,
            };
            h.push_str(&cell(
                lang,
                key,
                &format!("{attr} per {}", self.schema.groups[0].name),
                per,
                2,
            ));
        }
        let _ = writeln!(h, "</tr>");
    }

    /// The change against the previous date, under a row of figures.
    fn change_row(&self, h: &mut String, c: &Change, key: &str, total: bool) {
        let lang = self.lang();
        let level = if total { BEZIRK } else { SOZIALRAUM };
        let _ = write!(
            h,
            "<tr class=\"change\"><td class=\"key\"></td><td class=\"name\">{} {}</td>",
            lang.pick("Veränderung gegenüber", "change since"),
            stand(lang, c.since())
        );
        for (ind, _) in &self.figures {
            h.push_str(&change_cell(
                lang,
                key,
                &change_column(ind),
                c.of(ind, level, key),
                ind.is_share(),
            ));
        }
        if self.places.is_some() {
            h.push_str("<td></td><td></td>");
        }
        let _ = writeln!(h, "</tr>");
    }

    /// How the figures were made: aggregation, assignment, places, the change.
    fn key_figures_notes(&self, h: &mut String) {
        let lang = self.lang();
        let assign = match self.spec.assign {
            crate::mapping::weights::Assign::Largest => lang.pick(
                "Jeder Planungsraum zählt ganz zu dem Sozialraum, in dem sein größter Teil liegt.",
                "Each Planungsraum goes wholly to the Sozialraum holding its largest part.",
            ),
            _ => lang.pick(
                "Planungsräume, die zwischen Sozialräumen geteilt sind, werden nach Flächenanteilen aufgeteilt.",
                "Planungsräume split between Sozialräume are apportioned by area share.",
            ),
        };
        let _ = writeln!(
            h,
            "<p class=\"note\">{} {assign} {}</p>",
            lang.pick(
                "Anzahlen sind die Summen der Planungsräume, Anteile werden aus den summierten Anzahlen berechnet.",
                "Counts are sums over the Planungsräume; shares are ratios of the summed counts."
            ),
            lang.pick(
                "Die letzte Zeile ist der ganze Bezirk, einschließlich Planungsräumen, die in keinem Sozialraum liegen.",
                "The last row is the whole Bezirk, including Planungsräume in no Sozialraum."
            )
        );
        if let Some((attr, _)) = &self.places {
            let points = self.spec.points.as_ref().map(|(p, _)| Source::of(p));
            let what = points
                .and_then(|s| s.title)
                .unwrap_or_else(|| lang.pick("der Einrichtungen", "of the facilities").into());
            let _ = writeln!(
                h,
                "<p class=\"note\">{}</p>",
                escape(&match lang {
                    Lang::De => format!(
                        "{}: Summe über die Einrichtungen ({what}) in den Planungsräumen des Sozialraums, zugeordnet wie die Kinder; je Kind unter 6 Jahren geteilt durch die Kinder unter 6 Jahren.",
                        self.label(attr)
                    ),
                    Lang::En => format!(
                        "{}: summed over the facilities ({what}) in the Planungsräume of the Sozialraum, assigned as the children are; per child under 6 divided by the children under 6.",
                        self.label(attr)
                    ),
                })
            );
        }
        if let Some(c) = &self.change {
            let since = stand(lang, c.since());
            let _ = writeln!(
                h,
                "<p class=\"note\">{}</p>",
                escape(&match lang {
                    Lang::De => format!("Veränderung gegenüber {since}: beide Stichtage gleich zusammengefasst; Anzahlen in Personen, Anteile in Prozentpunkten (Pp)."),
                    Lang::En => format!("Change since {since}: both dates aggregated alike; counts in people, shares in percentage points (pp)."),
                })
            );
        }
    }

    /// The choropleths per PLR (`--map`), one section each.
    fn maps(&self, h: &mut String, warnings: &mut Warnings) -> Result<()> {
        let spec = self.spec;
        let defaults;
        let maps = if spec.maps.is_empty() {
            // The default maps the file has the columns for (a table of
            // people only has none); a map asked for is an error without them.
            defaults = default_maps(self.schema)
                .into_iter()
                .filter(|m| m.columns().all(|c| self.fig.table.column(c).is_some()))
                .collect::<Vec<_>>();
            &defaults
        } else {
            &spec.maps
        };
        for (i, ind) in maps.iter().enumerate() {
            let cs = ChoroSpec {
                indicator: ind.clone(),
                level: MapLevel::Lor(Level::Plr),
                method: spec.method.clone(),
                k: spec.k,
                bezirk: Some(spec.bezirk.clone()),
                source: self.map_source(),
                id: format!("m{}-", i + 1),
                lang: self.lang(),
            };
            let (map, w) = choropleth(self.fig, &cs)?;
            warnings.extend(w);
            let _ = writeln!(
                h,
                "<section class=\"map\" id=\"map-{}\">\n<h2>{} {}</h2>\n<figure>\n{}</figure>\n</section>",
                i + 1,
                escape(&self.indicator_label(ind)),
                self.lang().pick("je Planungsraum", "per Planungsraum"),
                map.doc.svg()
            );
        }
        Ok(())
    }

    /// The source line of the report's maps: `--source`, else the sources
    /// of the figures' inputs (publisher, title, date, licence; the file
    /// name of one without an entry).
    fn map_source(&self) -> Option<String> {
        if self.spec.source.is_some() {
            return self.spec.source.clone();
        }
        let mut parts: Vec<String> = Vec::new();
        for p in &self.fig.paths {
            let s = Source::of(p);
            let d = self.date.map(|d| stand(self.lang(), d));
            let text = s.text(self.lang(), d.as_deref().filter(|_| !s.is_attributed()));
            if !parts.contains(&text) {
                parts.push(text);
            }
        }
        Some(parts.join("; "))
    }

    /// Maps of changes (`--change-map`), in diverging colours around zero.
    fn change_maps(&self, h: &mut String) -> Result<()> {
        if let Some(c) = &self.change {
            for (i, ind) in self.spec.change_maps.iter().enumerate() {
                h.push_str(&self.change_map(c, i, ind)?);
            }
        }
        Ok(())
    }

    /// The section of the `i`-th change map: `ind` per PLR since the
    /// previous date, classes of equal width either side of zero.
    fn change_map(&self, c: &Change, i: usize, ind: &Indicator) -> Result<String> {
        let spec = self.spec;
        let lang = self.lang();
        let values: Vec<(String, String, Option<f64>)> = c.series.levels[PLR]
            .units
            .iter()
            .map(|(k, n)| (k.clone(), n.clone(), c.of(ind, PLR, k)))
            .collect();
        let shown: Vec<f64> = values.iter().filter_map(|v| v.2).collect();
        let cs = ChoroSpec {
            indicator: ind.clone(),
            level: MapLevel::Lor(Level::Plr),
            method: crate::render::classify::around_zero(&shown, spec.k)
                .unwrap_or_else(|| spec.method.clone()),
            k: spec.k,
            bezirk: Some(spec.bezirk.clone()),
            source: self.map_source(),
            id: format!("c{}-", i + 1),
            lang: self.lang(),
        };
        let since = stand(lang, c.since());
        let change = format!(
            "{} {since}",
            lang.pick("Veränderung gegenüber", "change since")
        );
        let title = format!("{}: {change}", self.indicator_label(ind));
        let legend = if ind.is_share() {
            format!("{change} ({})", lang.pick("Pp", "pp"))
        } else {
            change.clone()
        };
        let method = match &cs.method {
            Method::Breaks(_) if cs.method != spec.method => {
                lang.pick("gleich breit um null", "equal widths either side of zero")
            }
            m => m.label(),
        };
        let map = draw_choropleth(self.fig, &cs, &values, &title, &legend, method)?;
        Ok(format!(
            "<section class=\"map\" id=\"change-map-{}\">\n<h2>{} {}</h2>\n<figure>\n{}</figure>\n</section>\n",
            i + 1,
            escape(&title),
            lang.pick("je Planungsraum", "per Planungsraum"),
            map.doc.svg()
        ))
    }

    /// Where the LOR units do not fit the Sozialräume: the summary, the
    /// split units of each level (coarsest first) and the map.
    fn mismatch(&self, h: &mut String) {
        let lang = self.lang();
        let (fig, sr_layer) = (self.fig, self.sr_layer);
        let ov = overlay(&fig.units, sr_layer, true);
        let mm = mismatch_of(fig, sr_layer, &ov, self.spec.tolerance);
        let _ = writeln!(
            h,
            "<section id=\"mismatch\">\n<h2>{}</h2>\n<ul class=\"summary\">",
            lang.pick(
                "Wo die LOR-Einheiten nicht zu den Sozialräumen passen",
                "Where the LOR units do not fit the Sozialräume"
            )
        );
        for line in mm.summary(lang) {
            let _ = writeln!(h, "<li>{}</li>", escape(&line));
        }
        let _ = writeln!(h, "</ul>");
        for l in mm.levels.iter().rev() {
            split_table(h, &mm, l, lang);
        }
        let text = MismatchText {
            id: "mm-".into(),
            title: match lang {
                Lang::De => format!("Planungsräume im {} und die Sozialräume", self.place),
                Lang::En => format!("Planungsräume of {} against the Sozialräume", self.place),
            },
            subtitle: mm.summary(lang).join(" · "),
            source: fig.source(self.map_source().as_deref()),
            a_title: "Planungsräume".into(),
            b_title: "Sozialräume".into(),
            no_geometry: fig.without_polygon(),
            lang,
        };
        let _ = writeln!(
            h,
            "<figure>\n{}</figure>\n</section>",
            mismatch_map(&ov, &fig.units, sr_layer, &mm.levels[0].units, &text).svg()
        );
    }

    /// The inputs of the report with the date each one's figures are of
    /// (the statistics and the previous date's; none for polygons and
    /// points, whose README says theirs).
    fn inputs(&self) -> Vec<(&std::path::Path, Option<Date>)> {
        let mut v: Vec<(&std::path::Path, Option<Date>)> = self
            .fig
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_path(), if i == 0 { self.date } else { None }))
            .collect();
        if let Some((p, _)) = &self.spec.points {
            v.push((p, None));
        }
        if let Some(c) = &self.change {
            v.push((&c.previous, Some(c.since())));
        }
        v
    }

    /// A note for each input without a source entry, when no `--source`
    /// stands in for it.
    fn unattributed(&self) -> Warnings {
        let mut w = Warnings::default();
        if self.spec.source.is_some() {
            return w;
        }
        for (p, _) in self.inputs() {
            if !Source::of(p).is_attributed() {
                w.push(
                    crate::error::WarningCode::Unattributed,
                    format!(
                        "{}: no source entry in a README.md of its folder, so the report names it by its file name only; give the source with --source 'publisher, title, date, licence'",
                        p.display()
                    ),
                );
            }
        }
        w
    }

    /// Notes: column codes without a label, and what the run reported.
    fn notes(&self, h: &mut String, warnings: &Warnings) {
        let lang = self.lang();
        let _ = writeln!(
            h,
            "<section id=\"warnings\">\n<h2>{}</h2>",
            lang.pick("Hinweise", "Notes")
        );
        let unknown = self.unknown.borrow();
        if !unknown.is_empty() {
            let codes: Vec<String> = unknown.iter().map(|c| escape(c)).collect();
            let _ = writeln!(
                h,
                "<p class=\"codes\">{} {}.</p>",
                lang.pick(
                    "Ohne Bezeichnung im Codebuch, daher mit dem Spaltennamen der Eingabe gezeigt:",
                    "Without a label in the codebook, so shown by the input's column name:"
                ),
                codes.join(", ")
            );
        }
        warnings_list(h, warnings, lang);
        let _ = writeln!(h, "</section>");
    }

    /// Sources and date: every input with publisher, title, date and
    /// licence (or `--source` for those without an entry).
    fn sources(&self, h: &mut String) {
        let lang = self.lang();
        let _ = writeln!(
            h,
            "<section id=\"sources\">\n<h2>{}</h2>\n<p>{} {}.</p>\n<ul class=\"sources\">",
            lang.pick("Quellen und Stand", "Sources and date"),
            lang.pick("Stand der Zahlen:", "Figures as at"),
            escape(&self.date_text())
        );
        let mut lines: Vec<String> = Vec::new();
        for (p, d) in self.inputs() {
            let s = Source::of(p);
            let line = match (&self.spec.source, s.is_attributed()) {
                (Some(given), false) => given.clone(),
                _ => s.text(lang, d.map(|d| stand(lang, d)).as_deref()),
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        if let Some(given) = &self.spec.source {
            if !lines.contains(given) {
                lines.push(given.clone());
            }
        }
        for l in &lines {
            let _ = writeln!(h, "<li>{}</li>", escape(l));
        }
        let _ = writeln!(
            h,
            "</ul>\n<p class=\"note\">{} lor {}.</p>\n</section>\n</body>\n</html>",
            lang.pick("Erstellt mit", "Made with"),
            env!("CARGO_PKG_VERSION")
        );
    }
}

/// Break points in long German words of table headers (`Einwohner­innen`).
fn soft_hyphens(label: &str) -> String {
    label.replace("Einwohnerinnen", "Einwohner&shy;innen")
}

/// What the run reported, one line per kind with its number of messages:
/// the meaning of the kind in the report's language (the messages
/// themselves, in English and with file names, are on stderr).
fn warnings_list(h: &mut String, warnings: &Warnings, lang: Lang) {
    let mut kinds: BTreeMap<crate::error::WarningCode, usize> = BTreeMap::new();
    for w in warnings.distinct() {
        *kinds.entry(w.code).or_default() += 1;
    }
    if kinds.is_empty() {
        let _ = writeln!(
            h,
            "<p>{}</p>",
            lang.pick(
                "Beim Erstellen des Berichts gab es keine Meldungen.",
                "Nothing was reported while making the report."
            )
        );
        return;
    }
    let _ = writeln!(
        h,
        "<p>{}</p>\n<ul class=\"warnings\">",
        lang.pick(
            "Beim Erstellen des Berichts gemeldet (die einzelnen Meldungen gibt lor beim Erstellen aus):",
            "Reported while making the report (lor prints each message as it makes it):"
        )
    );
    for (code, n) in kinds {
        let count = match (lang, n) {
            (Lang::De, 1) => "1 Meldung".to_string(),
            (Lang::De, n) => format!("{} Meldungen", lang.int(n as f64)),
            (Lang::En, 1) => "1 message".to_string(),
            (Lang::En, n) => format!("{} messages", lang.int(n as f64)),
        };
        let kind = if crate::error::is_note(code) {
            lang.pick("Hinweis", "Note")
        } else {
            lang.pick("Warnung", "Warning")
        };
        let _ = writeln!(
            h,
            "<li data-code=\"{}\"><strong>{kind}:</strong> {} ({count})</li>",
            code.as_str(),
            escape(&crate::render::notes::sentence(code, lang))
        );
    }
    let _ = writeln!(h, "</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WarningCode;
    use crate::mapping::weights::Assign;

    fn sample(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample")).join(name)
    }

    /// The sample district (Bezirk 13) with its five Sozialräume, each PLR
    /// wholly in the Sozialraum of its largest part.
    fn sample_figures() -> Figures {
        use crate::pipeline::inputs::{assemble, InputPlan, Statistics};
        let plan = InputPlan {
            stats: Some(Statistics::File(
                sample("EWR202412E_Matrix.csv"),
                Default::default(),
            )),
            units: Some((sample("plr.geojson"), Default::default())),
            names: Some(sample("plr.csv")),
            sozialraum: Some(crate::mapping::sozialraum::SozialraumFile::new(
                &sample("sozialraeume.geojson"),
                Default::default(),
            )),
            ..InputPlan::default()
        };
        let (a, w) = assemble(&plan).unwrap();
        let rules = (&Default::default(), Default::default());
        a.into_figures(Some(Assign::Largest), Tolerance::default(), rules, w)
            .unwrap()
    }

    fn spec(series: Vec<PathBuf>) -> ReportSpec {
        ReportSpec {
            bezirk: "13".into(),
            maps: Vec::new(),
            method: Method::Quantiles,
            k: 5,
            points: None,
            source: None,
            tolerance: Tolerance::default(),
            assign: Assign::Largest,
            series,
            change_maps: Vec::new(),
            lang: Lang::De,
        }
    }

    fn page<'a>(fig: &'a Figures, spec: &'a ReportSpec, change: Option<Change>) -> Page<'a> {
        let (schema, figures) = figures_in(fig).unwrap();
        Page {
            fig,
            spec,
            sr_layer: &fig.sozialraum.as_ref().unwrap().0,
            place: fig.place(Some(&spec.bezirk)),
            date: Date::new(2024, 12),
            change,
            schema,
            figures,
            places: None,
            unknown: RefCell::new(BTreeSet::new()),
        }
    }

    /// The sum of column `col` over the rows of `table`.
    fn column_sum(table: &crate::table::stats::StatTable, col: &str) -> f64 {
        table
            .column(col)
            .unwrap()
            .cells
            .iter()
            .filter_map(|c| c.num())
            .sum()
    }

    #[test]
    fn key_figures_rows_add_up_to_the_bezirk() {
        let fig = sample_figures();
        let spec = spec(Vec::new());
        let (sr, _) = fig.level_table(MapLevel::Sozialraum).unwrap();
        let (bez, _) = fig.level_table(MapLevel::Lor(Level::Bezirk)).unwrap();
        let mut h = String::new();
        page(&fig, &spec, None).key_figures(&mut h, &sr, &bez);
        let people = [
            ("SR1", 37713),
            ("SR2", 77129),
            ("SR3", 25341),
            ("SR4", 44217),
            ("SR5", 32909),
        ];
        for (key, n) in people {
            let td = format!(r#"<td data-key="{key}" data-col="E_E" data-value="{n}">"#);
            assert!(h.contains(&td), "{td} not in {h}");
        }
        // Every PLR is in one Sozialraum: they add up to the Bezirk row,
        // which is the sum over the statistics' PLR.
        let total: i64 = people.iter().map(|p| p.1).sum();
        assert_eq!(total as f64, column_sum(&fig.table, "E_E"));
        assert!(h.contains(&format!(
            r#"<tr class="total"><td class="key">13</td><td class="name">Bezirk 13</td><td data-key="13" data-col="E_E" data-value="{total}">217.309</td>"#
        )));
        assert!(h.contains(
            "Jeder Planungsraum zählt ganz zu dem Sozialraum, in dem sein größter Teil liegt."
        ));
        assert!(!h.contains("Veränderung"));
        // Two header rows, five Sozialräume, the Bezirk.
        assert_eq!(h.matches("<tr").count(), 2 + 5 + 1);
    }

    #[test]
    fn change_row_is_the_difference_of_the_two_dates() {
        let fig = sample_figures();
        let files: Vec<PathBuf> = ["EWR202306E_Matrix.csv", "EWR202406E_Matrix.csv"]
            .iter()
            .map(|f| sample("series").join(f))
            .collect();
        let spec = spec(files.clone());
        let (change, _) = previous_date(&fig, &spec.series, "13").unwrap();
        assert_eq!(change.since().to_string(), "2024-06");
        assert_eq!(change.previous, files[1]);
        let (before, _) = crate::table::stats::read_stats(&files[1], &Default::default()).unwrap();
        let diff = column_sum(&fig.table, "E_E") - column_sum(&before, "E_E");
        assert_eq!(diff, 1176.0);
        let p = page(&fig, &spec, None);
        let mut h = String::new();
        p.change_row(&mut h, &change, "13", true);
        assert!(h.starts_with(
            r#"<tr class="change"><td class="key"></td><td class="name">Veränderung gegenüber 30.06.2024</td><td data-key="13" data-col="E_E change previous" data-value="1176">+1.176</td>"#
        ), "{h}");
        assert!(h.contains(r#"data-col="Anteil E_u6 change previous pp""#));
        assert!(h.ends_with("</tr>\n"));
    }

    #[test]
    fn the_latest_date_before_the_reports_is_the_previous_one() {
        let series: Vec<PathBuf> = std::fs::read_dir(sample("series"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        let own = sample("EWR202412E_Matrix.csv");
        let at = |y, m| Date::new(y, m).unwrap();
        let (prev, path, _) = latest_before(&series, &own, at(2024, 12), "13", "s.csv").unwrap();
        assert_eq!(prev.date, at(2024, 6));
        assert_eq!(path, sample("series").join("EWR202406E_Matrix.csv"));
        assert!(prev.table.keys.iter().all(|k| k.starts_with("13")));
        let (prev, _, _) = latest_before(&series, &own, at(2023, 1), "13", "s.csv").unwrap();
        assert_eq!(prev.date, at(2022, 12));
        let Err(e) = latest_before(&series, &own, at(2022, 6), "13", "s.csv") else {
            panic!("a date before the first was found");
        };
        assert_eq!(
            e.to_string(),
            "the series has no date before 2022-06, the date of s.csv (its dates: 2022-06, 2022-12, 2023-06, 2023-12, 2024-06, 2024-12)"
        );
        let twice = [series[0].clone(), series[0].clone()];
        let Err(e) = latest_before(&twice, &own, at(2030, 1), "13", "s.csv") else {
            panic!("two files of one date were accepted");
        };
        assert!(
            e.to_string()
                .ends_with(": a series takes one file per date"),
            "{e}"
        );
    }

    #[test]
    fn split_table_lists_parts_with_their_people() {
        let fig = sample_figures();
        let sr_layer = &fig.sozialraum.as_ref().unwrap().0;
        let ov = overlay(&fig.units, sr_layer, true);
        let mm = mismatch_of(&fig, sr_layer, &ov, Tolerance::default());
        let pgr = mm.levels.iter().find(|l| l.level == "pgr").unwrap();
        let mut h = String::new();
        split_table(&mut h, &mm, pgr, Lang::De);
        assert!(h.starts_with(
            "<h3>Geteilte Prognoseräume</h3>\n<div class=\"scroll\">\n<table class=\"split\" data-level=\"pgr\">"
        ));
        let rows: Vec<&str> = h.lines().filter(|l| l.starts_with("<tr><td")).collect();
        assert_eq!(
            rows[0],
            r#"<tr><td class="key">1310</td><td class="name">Altstadt</td><td class="key">SR2 Südwest</td><td>60,0</td><td data-key="1310" data-col="E_E" data-value="50277.653407028105">50.278</td></tr>"#
        );
        // The second part of the same PGR leaves key and name empty.
        assert!(rows[1].starts_with(
            r#"<tr><td class="key"></td><td class="name"></td><td class="key">SR1 Nordwest</td><td>40,0</td>"#
        ));
        assert_eq!(part_target(&mm, &None, Lang::De), "(in keinem Sozialraum)");
        assert_eq!(part_target(&mm, &None, Lang::En), "(in no Sozialraum)");
        assert_eq!(part_target(&mm, &Some("SR3".into()), Lang::De), "SR3 Mitte");
        assert_eq!(part_target(&mm, &Some("SR9".into()), Lang::De), "SR9");
    }

    #[test]
    fn places_go_to_the_sozialraum_of_their_plr() {
        let fig = sample_figures();
        let sr_layer = &fig.sozialraum.as_ref().unwrap().0;
        // One place in every PLR: each Sozialraum gets one per PLR it holds.
        let per_plr: BTreeMap<&str, f64> = fig
            .units
            .features
            .iter()
            .map(|f| (f.id.as_str(), 1.0))
            .collect();
        let by_sr = spread(&per_plr, sr_layer, &fig);
        assert_eq!(
            by_sr.keys().collect::<Vec<_>>(),
            ["SR1", "SR2", "SR3", "SR4", "SR5"]
        );
        let weights = fig.sozialraum.as_ref().unwrap().1.weights.rows();
        for (sr, n) in &by_sr {
            let plr = weights.iter().filter(|w| &w.target == sr).count();
            assert_eq!(*n, plr as f64, "{sr}");
            assert!(*n >= 1.0);
        }
        assert_eq!(by_sr.values().sum::<f64>(), per_plr.len() as f64);
    }

    #[test]
    fn warnings_are_listed_by_kind_in_the_reports_language() {
        let mut h = String::new();
        warnings_list(&mut h, &Warnings::default(), Lang::De);
        assert_eq!(
            h,
            "<p>Beim Erstellen des Berichts gab es keine Meldungen.</p>\n"
        );
        let mut w = Warnings::default();
        w.push(WarningCode::MissingPlr, "PLR 13100101 <missing>");
        w.push(WarningCode::MissingPlr, "PLR 13100102 <missing>");
        w.push(WarningCode::FixId, "data/x.geojson: feature 124 …");
        let mut h = String::new();
        warnings_list(&mut h, &w, Lang::De);
        assert!(h.contains(
            "<li data-code=\"missing-plr\"><strong>Warnung:</strong> Planungsräume der Referenzliste ohne Zeile in der Statistik. (2 Meldungen)</li>"
        ), "{h}");
        assert!(
            h.contains("<strong>Hinweis:</strong> Eine falsche Kennung"),
            "{h}"
        );
        // No message text (English, with paths) in the report.
        assert!(!h.contains("data/x.geojson") && !h.contains("13100101"));
        let mut h = String::new();
        warnings_list(&mut h, &w, Lang::En);
        assert!(
            h.contains("<strong>Warning:</strong> Units of the reference list"),
            "{h}"
        );
    }

    #[test]
    fn change_maps_need_a_series() {
        let fig = sample_figures();
        let mut spec = spec(Vec::new());
        let mut w = Warnings::default();
        assert!(change_of(&fig, &spec, &mut w).unwrap().is_none());
        spec.change_maps = vec![Indicator::parse("E_E").unwrap()];
        let Err(e) = change_of(&fig, &spec, &mut w) else {
            panic!("change maps without a series were accepted");
        };
        assert_eq!(
            e.to_string(),
            "a map of changes needs the statistics of an earlier date (a series)"
        );
    }
}
