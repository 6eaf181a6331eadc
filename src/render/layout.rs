//! What `lor layout` reports: the evaluation and trade-off tables in every
//! output format, the proposed list and keys, the map's title and figures,
//! and the summary lines of a proposal. The computation is in
//! [`crate::layout`]; this module only turns its results into text.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;

use crate::layout::evaluate::Evaluation;
use crate::layout::input::Units;
use crate::layout::propose::{key_table, Proposal, ProposeError};
use crate::layout::tradeoff::{Tradeoff, BAND_STEP};
use crate::layout::{Layout, Shares};
use crate::render::draw::layout::{layout_map, LayoutText, LayoutUnit};
use crate::render::draw::source::source_line;
use crate::render::draw::MapDoc;
use crate::render::output::{render, Format};
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::text::{thousands, Lang};

/// `x` rounded to `d` decimals; never `-0` (a small negative deviation
/// rounds to 0, not to −0, in every format).
fn round(x: f64, d: i32) -> f64 {
    positive_zero((x * 10f64.powi(d)).round() / 10f64.powi(d))
}

/// `-0.0` as `0.0` (adding `+0.0` turns −0 into +0 and keeps every other
/// number), so that no output writes `-0`.
fn positive_zero(x: f64) -> f64 {
    x + 0.0
}

/// A number of a JSON document: never `-0.0`. Every number the layout's
/// JSON writes goes through here.
fn json_num(x: f64) -> serde_json::Value {
    serde_json::json!(positive_zero(x))
}

/// Smallest and largest people of a region.
fn people_range(ev: &Evaluation) -> (f64, f64) {
    let min = ev.regions.iter().map(|r| r.people).fold(f64::MAX, f64::min);
    let max = ev.regions.iter().map(|r| r.people).fold(f64::MIN, f64::max);
    (min, max)
}

/// The list 'PLR,Sozialraum' of a layout by key (usable as `--sozialraum`).
pub fn layout_list(keys: &[String], layout: &Layout) -> String {
    let mut list = String::from("PLR,Sozialraum\n");
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&x, &y| keys[x].cmp(&keys[y]));
    for i in order {
        list.push_str(&format!("{},{}\n", keys[i], layout.ids[layout.region[i]]));
    }
    list
}

/// The proposed LOR keys as CSV (see [`key_table`]).
pub fn key_csv(keys: &[String], layout: &Layout) -> String {
    let mut t = String::from("PLR,Sozialraum,PGR_neu,BZR_neu,PLR_neu\n");
    for (old, r, pgr, bzr, plr) in key_table(keys, layout) {
        t.push_str(&format!("{old},{r},{pgr},{bzr},{plr}\n"));
    }
    t
}

/// "in Bezirk 04 Charlottenburg-Wilmersdorf" (or nothing for Berlin).
fn in_bezirk(bezirk: Option<&str>) -> String {
    bezirk
        .map(|b| {
            format!(
                " in Bezirk {b}{}",
                crate::table::key::bezirk_name(b)
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// What the reference regions are, in words: the plural of their LOR
/// level when the regions matched to them have LOR keys of one level
/// ("Prognoseräume"), else "Referenzregionen" ("reference regions").
fn reference_words(ev: &Evaluation, lang: Lang) -> String {
    let mut level = None;
    for r in ev.regions.iter().filter_map(|r| r.reference.as_deref()) {
        let l = Level::from_digits(r.len()).filter(|_| r.bytes().all(|b| b.is_ascii_digit()));
        if l.is_none() || (level.is_some() && level != l) {
            level = None;
            break;
        }
        level = l;
    }
    match level {
        Some(l) => l.german_plural().to_string(),
        None => lang
            .pick("Referenzregionen", "reference regions")
            .to_string(),
    }
}

/// Title, figures and source line of a layout map in `lang`: the regions
/// and the place; the reference by what its regions are, never by file.
pub fn map_text(
    ev: &Evaluation,
    bezirk: Option<&str>,
    reference: bool,
    inputs: &[&Path],
    lang: Lang,
) -> LayoutText {
    let place = in_bezirk(bezirk);
    let n = ev.regions.len();
    let what = reference_words(ev, lang);
    let title = match (lang, reference) {
        (Lang::De, true) => format!(
            "{n} Regionen{place}: Einteilung im Vergleich zu den {}",
            dative(&what)
        ),
        (Lang::De, false) => format!("{n} Regionen{place}: Einteilung"),
        (Lang::En, true) => format!("{n} regions{place}: layout against the {what}"),
        (Lang::En, false) => format!("{n} regions{place}: layout"),
    };
    LayoutText {
        id: String::new(),
        title,
        subtitle: map_figures(ev, lang),
        source: source_line(inputs, None),
        regions_title: lang
            .pick(
                "Regionen (Einwohnerinnen und Einwohner)",
                "Regions (people)",
            )
            .into(),
        reference_title: match (reference, what.as_str()) {
            (false, _) => String::new(),
            (true, "Referenzregionen") => "Grenzen der Referenzregionen".into(),
            (true, "reference regions") => "reference borders".into(),
            (true, _) => format!("{}: {what}", lang.pick("Referenz", "reference")),
        },
        lang,
    }
}

/// The dative plural of a German plural ("den Prognoseräumen").
fn dative(plural: &str) -> String {
    if plural.ends_with('e') {
        format!("{plural}n")
    } else {
        plural.to_string()
    }
}

/// The figures under a layout map's title.
fn map_figures(ev: &Evaluation, lang: Lang) -> String {
    let (min, max) = people_range(ev);
    let pct = |v: f64| lang.dec(100.0 * v / ev.people.max(1.0), 2);
    let parts = ev.regions.iter().map(|r| r.parts).sum::<usize>() as f64;
    let cut = ev.cut_bzr.len() as f64;
    let mut sub = Vec::new();
    match lang {
        Lang::De => {
            if let Some(m) = ev.moved {
                sub.push(format!(
                    "in einer anderen Region als in der Referenz {} Einw. ({} %)",
                    lang.int(m),
                    pct(m)
                ));
            }
            sub.push(format!(
                "Regionen {}–{} Einw. (max/min {})",
                lang.int(min),
                lang.int(max),
                lang.dec(ev.max_min_ratio, 2)
            ));
            sub.push(format!("Teilflächen {}", lang.int(parts)));
            sub.push(format!("zerschnittene BZR {}", lang.int(cut)));
        }
        Lang::En => {
            if let Some(m) = ev.moved {
                sub.push(format!("people moved {} ({} %)", lang.int(m), pct(m)));
            }
            sub.push(format!(
                "regions {}–{} people (max/min {})",
                lang.int(min),
                lang.int(max),
                lang.dec(ev.max_min_ratio, 2)
            ));
            sub.push(format!("parts {}", lang.int(parts)));
            sub.push(format!("cut BZR {}", lang.int(cut)));
        }
    }
    sub.join(" · ")
}

/// The title of a proposal's map, the reference named by what its
/// regions are.
pub fn proposal_title(
    regions: usize,
    blocks: Level,
    bezirk: Option<&str>,
    ev: &Evaluation,
    lang: Lang,
) -> String {
    let place = bezirk
        .map(|b| format!(" in Bezirk {b}"))
        .unwrap_or_default();
    let what = reference_words(ev, lang);
    match lang {
        Lang::De => format!(
            "Vorschlag: {regions} Regionen aus ganzen {}{place} im Vergleich zu den {}",
            dative(blocks.german_plural()),
            dative(&what)
        ),
        Lang::En => format!(
            "Proposal: {regions} regions of whole {}{place} against the {what}",
            blocks.german_plural()
        ),
    }
}

/// The summary of a proposal: how it was found, the people moved, whether
/// it is optimal, the moved blocks and the populations (one line each).
pub fn proposal_summary(
    prop: &Proposal,
    ev: &Evaluation,
    regions: usize,
    blocks: Level,
    seconds: f64,
) -> Vec<String> {
    let s = &prop.solution;
    let total = ev.people;
    let mut lines = vec![
        format!(
            "layout: {} regions of whole {} ({} blocks), method {}{}, {:.1} s",
            regions,
            blocks.german_plural(),
            prop.blocks.len(),
            s.method,
            if s.nodes > 0 {
                format!(" ({} nodes)", s.nodes)
            } else {
                String::new()
            },
            seconds
        ),
        format!(
            "layout: people moved {} of {} ({:.2} %); of them {} in the parts of blocks outside their reference region (moved by any layout of whole blocks)",
            thousands(s.cost.round()),
            thousands(total.round()),
            100.0 * s.cost / total.max(1.0),
            thousands(prop.unavoidable.round())
        ),
    ];
    if s.optimal {
        lines.push("layout: optimal (proven: no layout moves fewer people)".into());
    } else {
        lines.push(format!(
            "layout: not proven optimal: lower bound {} people moved, gap {} ({:.2} % of the people)",
            thousands(s.lower_bound.round()),
            thousands((s.cost - s.lower_bound).max(0.0).round()),
            100.0 * (s.cost - s.lower_bound).max(0.0) / total.max(1.0)
        ));
    }
    for (b, from, to, people) in &prop.moved_blocks {
        lines.push(format!(
            "layout: {b} moves from {from} to {to} ({} people)",
            thousands(people.round())
        ));
    }
    let (min, max) = people_range(ev);
    lines.push(format!(
        "layout: populations {:.0}–{:.0} (max/min {:.2}); cut BZR {}, cut PGR {}",
        min,
        max,
        ev.max_min_ratio,
        ev.cut_bzr.len(),
        ev.cut_pgr.len()
    ));
    lines
}

/// The summary of a trade-off: one line for the whole, one per band.
pub fn tradeoff_summary(t: &Tradeoff, regions: usize, blocks: Level, seconds: f64) -> Vec<String> {
    let mut lines = vec![format!(
        "layout: {} rows of {} regions of whole {}, {:.1} s; without a band the largest deviation from the mean is {:.1} %; the tightest band with a layout is ±{:.1} % ({})",
        t.rows.len(),
        regions,
        blocks.german_plural(),
        seconds,
        100.0 * t.free_deviation,
        100.0 * t.tightest,
        if t.tightest_proven {
            format!("proven: no layout within ±{:.1} %", 100.0 * (t.tightest - BAND_STEP))
        } else {
            format!(
                "not proven: the search for ±{:.1} % was stopped",
                100.0 * (t.tightest - BAND_STEP)
            )
        }
    )];
    for r in &t.rows {
        lines.push(format!(
            "layout: band {}: {:.1} s",
            band_key(r.band),
            r.seconds
        ));
    }
    lines
}

/// The key of a band row: the share with up to 3 decimals, or `none`.
pub fn band_key(band: Option<f64>) -> String {
    match band {
        Some(b) => crate::text::decimal(b, 3),
        None => "none".into(),
    }
}

const TRADEOFF_COLUMNS: [&str; 13] = [
    "people_moved",
    "share_moved_pct",
    "min_people",
    "max_people",
    "max_deviation_pct",
    "max_min_ratio",
    "parts",
    "cut_bzr",
    "moved_blocks",
    "proven_optimal",
    "lower_bound",
    "gap",
    "method",
];

/// The trade-off table: one row per band.
pub fn tradeoff_table(t: &Tradeoff) -> LevelTable {
    LevelTable {
        level: "balance".into(),
        keys: t.rows.iter().map(|r| band_key(r.band)).collect(),
        names: vec![String::new(); t.rows.len()],
        columns: TRADEOFF_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows: t
            .rows
            .iter()
            .map(|r| match &r.result {
                Ok((prop, ev)) => tradeoff_row(prop, ev),
                Err(e) => no_layout_row(e),
            })
            .collect(),
    }
}

/// The row of a band with a layout.
fn tradeoff_row(prop: &Proposal, ev: &Evaluation) -> Vec<Value> {
    let s = &prop.solution;
    let (min, max) = people_range(ev);
    let dev = ev
        .regions
        .iter()
        .map(|r| r.deviation.abs())
        .fold(0.0, f64::max);
    vec![
        Value::Num(round(s.cost, 0)),
        Value::Num(round(100.0 * s.cost / ev.people.max(1.0), 2)),
        Value::Num(round(min, 0)),
        Value::Num(round(max, 0)),
        Value::Num(round(100.0 * dev, 1)),
        Value::Num(round(ev.max_min_ratio, 3)),
        Value::Num(ev.regions.iter().map(|r| r.parts).sum::<usize>() as f64),
        Value::Num(ev.cut_bzr.len() as f64),
        Value::Num(prop.moved_blocks.len() as f64),
        Value::Text(if s.optimal { "yes" } else { "no" }.into()),
        Value::Num(round(s.lower_bound, 0)),
        Value::Num(round((s.cost - s.lower_bound).max(0.0), 0)),
        Value::Text(s.method.into()),
    ]
}

/// The row of a band without a layout: empty cells and why.
fn no_layout_row(e: &ProposeError) -> Vec<Value> {
    let mut row = vec![Value::Missing; TRADEOFF_COLUMNS.len() - 1];
    row.push(Value::Text(
        match e {
            ProposeError::Infeasible => "no layout (proven)",
            _ => "no layout found",
        }
        .into(),
    ));
    row
}

fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Num(x) => json_num(*x),
        Value::Text(s) => serde_json::json!(s),
        Value::Missing => serde_json::Value::Null,
    }
}

fn pretty(v: &serde_json::Value) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)?;
    out.push(b'\n');
    Ok(out)
}

/// The trade-off in `format`: the table, with the tightest band under a
/// terminal table and in JSON.
pub fn render_tradeoff(t: &Tradeoff, format: Format) -> Result<Vec<u8>> {
    let table = tradeoff_table(t);
    match format {
        Format::Json => pretty(&tradeoff_json(t, &table)),
        Format::Table => {
            let mut out = render(&[table], Format::Table)?;
            out.extend_from_slice(
                format!(
                    "\nbalance: every region within ± this share of the mean; tightest band with a layout ±{:.1} %{}\n",
                    100.0 * t.tightest,
                    if t.tightest_proven {
                        format!(" (none within ±{:.1} %, proven)", 100.0 * (t.tightest - BAND_STEP))
                    } else {
                        String::new()
                    }
                )
                .as_bytes(),
            );
            Ok(out)
        }
        f => render(&[table], f),
    }
}

fn tradeoff_json(t: &Tradeoff, table: &LevelTable) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = table
        .rows
        .iter()
        .zip(&t.rows)
        .map(|(row, r)| {
            let mut m = serde_json::Map::new();
            m.insert(
                "balance".into(),
                r.band.map(json_num).unwrap_or(serde_json::Value::Null),
            );
            for (c, v) in table.columns.iter().zip(row) {
                m.insert(c.clone(), json_value(v));
            }
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::json!({
        "rows": rows,
        "free_max_deviation": json_num(round(t.free_deviation, 4)),
        "tightest_band": json_num(round(t.tightest, 4)),
        "tightest_band_proven": t.tightest_proven,
    })
}

/// The evaluation's table: one row per region.
pub fn region_table(ev: &Evaluation) -> LevelTable {
    let mut columns: Vec<String> = [
        "PLR",
        "people",
        "area_km2",
        "parts",
        "compactness",
        "deviation_pct",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if ev.moved.is_some() {
        columns.push("people_moved_in".into());
    }
    let rows = ev
        .regions
        .iter()
        .map(|r| {
            let mut row = vec![
                Value::Num(r.units as f64),
                Value::Num(round(r.people, 0)),
                Value::Num(round(r.area / 1e6, 3)),
                Value::Num(r.parts as f64),
                Value::Num(round(r.compactness, 3)),
                Value::Num(round(r.deviation * 100.0, 1)),
            ];
            if let Some(m) = r.moved_in {
                row.push(Value::Num(round(m, 0)));
            }
            row
        })
        .collect();
    LevelTable {
        level: "region".into(),
        keys: ev.regions.iter().map(|r| r.id.clone()).collect(),
        names: ev.regions.iter().map(|r| r.name.clone()).collect(),
        columns,
        rows,
    }
}

/// The evaluation: the region table in every format; text and JSON also
/// carry the layout's figures and the people moved per pair of regions.
pub fn render_evaluation(ev: &Evaluation, format: Format) -> Result<Vec<u8>> {
    let table = region_table(ev);
    match format {
        Format::Json => pretty(&evaluation_json(ev, &table)),
        Format::Table => {
            let mut out = render(&[table], Format::Table)?;
            out.extend_from_slice(evaluation_text(ev).as_bytes());
            Ok(out)
        }
        f => render(&[table], f),
    }
}

fn evaluation_json(ev: &Evaluation, table: &LevelTable) -> serde_json::Value {
    let regions: Vec<serde_json::Value> = table
        .keys
        .iter()
        .zip(&table.rows)
        .zip(&ev.regions)
        .map(|((k, row), r)| {
            let mut m = serde_json::Map::new();
            m.insert("region".into(), k.clone().into());
            m.insert("name".into(), r.name.clone().into());
            if ev.moved.is_some() {
                m.insert(
                    "reference".into(),
                    r.reference
                        .clone()
                        .map_or(serde_json::Value::Null, Into::into),
                );
            }
            for (c, v) in table.columns.iter().zip(row) {
                m.insert(
                    c.clone(),
                    match v {
                        Value::Num(x) => json_num(*x),
                        _ => serde_json::Value::Null,
                    },
                );
            }
            serde_json::Value::Object(m)
        })
        .collect();
    serde_json::json!({
        "regions": regions,
        "people": json_num(ev.people),
        "max_min_ratio": json_num(round(ev.max_min_ratio, 3)),
        "cut_bzr": ev.cut_bzr,
        "cut_pgr": ev.cut_pgr,
        "people_moved": ev.moved.map(|m| json_num(round(m, 0))),
        "share_moved": ev.moved.map(|m| json_num(round(m / ev.people.max(1.0), 4))),
        "moved_pairs": ev.pairs.iter().map(|(r, s, p)| serde_json::json!({
            "reference": r, "region": s, "people": json_num(round(*p, 0))
        })).collect::<Vec<_>>(),
    })
}

/// The lines under the terminal table of an evaluation.
fn evaluation_text(ev: &Evaluation) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "\npeople {}; largest/smallest region {:.2}\n",
        thousands(ev.people.round()),
        ev.max_min_ratio
    ));
    s.push_str(&format!(
        "cut BZR ({}): {}\ncut PGR ({}): {}\n",
        ev.cut_bzr.len(),
        ev.cut_bzr.join(", "),
        ev.cut_pgr.len(),
        ev.cut_pgr.join(", ")
    ));
    if let Some(m) = ev.moved {
        s.push_str(&format!(
            "people in another region than their reference region: {} ({:.2} %)\n",
            thousands(m.round()),
            100.0 * m / ev.people.max(1.0)
        ));
        for (r, t, p) in &ev.pairs {
            s.push_str(&format!("  {r} → {t}: {}\n", thousands(p.round())));
        }
    }
    s
}

/// The map of a layout against its reference (see
/// [`layout_map`]): units filled by their region, units whose
/// region differs from their reference region (largest share) striped,
/// the reference's borders (`outlines`) on top.
pub fn layout_doc(
    units: &Units,
    layout: &Layout,
    ev: &Evaluation,
    reference: Option<(&Shares, &[String])>,
    outlines: &[(String, geo::MultiPolygon<f64>)],
    text: &LayoutText,
) -> MapDoc {
    let k = layout.ids.len();
    let mut neighbours: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); k];
    for (i, a) in units.graph.adj.iter().enumerate() {
        for &(j, _) in a {
            let (r, s) = (layout.region[i], layout.region[j]);
            if r != s {
                neighbours[r].insert(s);
            }
        }
    }
    let list: Vec<LayoutUnit> = units
        .layer
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let r = layout.region[i];
            // Striped: the unit's reference region (largest share) is not
            // the one its region is matched to.
            let matched = ev.regions.get(r).and_then(|x| x.reference.as_ref());
            let moved = reference.is_some_and(|(shares, ref_ids)| {
                shares[i]
                    .iter()
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                    .is_none_or(|&(q, _)| Some(&ref_ids[q]) != matched)
            });
            LayoutUnit {
                key: units.keys[i].clone(),
                geometry: f.geometry.clone(),
                region: r,
                moved,
            }
        })
        .collect();
    let regions: Vec<(String, f64)> = ev
        .regions
        .iter()
        .map(|r| (r.id.clone(), r.people))
        .collect();
    layout_map(&list, &regions, &neighbours, outlines, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::evaluate::RegionFigures;
    use crate::layout::propose::Solution;
    use crate::layout::tradeoff::Alternative;

    fn region(id: &str, people: f64, deviation: f64, moved_in: Option<f64>) -> RegionFigures {
        RegionFigures {
            id: id.into(),
            name: format!("Region {id}"),
            reference: Some(id.into()),
            units: 2,
            people,
            area: 1_234_567.0,
            parts: 1,
            compactness: 0.56789,
            deviation,
            moved_in,
        }
    }

    fn evaluation() -> Evaluation {
        Evaluation {
            regions: vec![
                region("A", 1200.0, 0.2, Some(150.0)),
                region("B", 800.4, -0.2, Some(0.0)),
            ],
            people: 2000.4,
            max_min_ratio: 1.4993,
            cut_bzr: vec!["040101".into()],
            cut_pgr: vec![],
            moved: Some(150.0),
            pairs: vec![("B".into(), "A".into(), 150.0)],
        }
    }

    fn layout() -> Layout {
        Layout {
            ids: vec!["A".into(), "B".into()],
            region: vec![0, 1, 0],
        }
    }

    fn keys() -> Vec<String> {
        vec!["04020201".into(), "04010102".into(), "04010101".into()]
    }

    fn proposal(optimal: bool) -> Proposal {
        Proposal {
            layout: layout(),
            solution: Solution {
                region: vec![0, 1],
                cost: 150.0,
                lower_bound: if optimal { 150.0 } else { 100.0 },
                optimal,
                method: "branch-and-bound",
                nodes: 17,
            },
            blocks: vec![("040101".into(), "A".into()), ("040202".into(), "B".into())],
            moved_blocks: vec![("040101".into(), "B".into(), "A".into(), 150.0)],
            unavoidable: 20.0,
        }
    }

    #[test]
    fn list_and_keys_are_sorted_by_the_old_key() {
        assert_eq!(
            layout_list(&keys(), &layout()),
            "PLR,Sozialraum\n04010101,A\n04010102,B\n04020201,A\n"
        );
        // Region A keeps its key, with the old BZR 040101 as A01 and
        // 040202 as A02; region B is B.
        assert_eq!(
            key_csv(&keys(), &layout()),
            "PLR,Sozialraum,PGR_neu,BZR_neu,PLR_neu\n\
             04010101,A,A,A01,A0101\n\
             04010102,B,B,B01,B0101\n\
             04020201,A,A,A02,A0201\n"
        );
    }

    #[test]
    fn map_text_names_place_figures_and_the_reference_in_words() {
        let t = map_text(&evaluation(), Some("04"), true, &[], Lang::De);
        assert_eq!(
            t.title,
            "2 Regionen in Bezirk 04 Charlottenburg-Wilmersdorf: Einteilung im Vergleich zu den Referenzregionen"
        );
        assert_eq!(
            t.subtitle,
            "in einer anderen Region als in der Referenz 150 Einw. (7,50 %) · Regionen 800–1.200 Einw. (max/min 1,50) · Teilflächen 2 · zerschnittene BZR 1"
        );
        assert_eq!(t.reference_title, "Grenzen der Referenzregionen");
        let t = map_text(&evaluation(), Some("04"), true, &[], Lang::En);
        assert_eq!(
            t.subtitle,
            "people moved 150 (7.50 %) · regions 800–1,200 people (max/min 1.50) · parts 2 · cut BZR 1"
        );
        // Reference regions with PGR keys are Prognoseräume.
        let mut ev = evaluation();
        ev.regions[0].reference = Some("0401".into());
        ev.regions[1].reference = Some("0402".into());
        assert_eq!(
            proposal_title(5, Level::Bzr, Some("04"), &ev, Lang::De),
            "Vorschlag: 5 Regionen aus ganzen Bezirksregionen in Bezirk 04 im Vergleich zu den Prognoseräumen"
        );
        assert_eq!(
            proposal_title(5, Level::Plr, None, &ev, Lang::En),
            "Proposal: 5 regions of whole Planungsräume against the Prognoseräume"
        );
    }

    #[test]
    fn evaluation_table_and_text() {
        let ev = evaluation();
        let t = region_table(&ev);
        assert_eq!(
            t.columns.last().map(String::as_str),
            Some("people_moved_in")
        );
        assert_eq!(
            t.rows[1],
            vec![
                Value::Num(2.0),
                Value::Num(800.0),
                Value::Num(1.235),
                Value::Num(1.0),
                Value::Num(0.568),
                Value::Num(-20.0),
                Value::Num(0.0),
            ]
        );
        assert_eq!(
            evaluation_text(&ev),
            "\npeople 2,000; largest/smallest region 1.50\ncut BZR (1): 040101\ncut PGR (0): \n\
             people in another region than their reference region: 150 (7.50 %)\n  B → A: 150\n"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&render_evaluation(&ev, Format::Json).unwrap()).unwrap();
        assert_eq!(json["share_moved"], serde_json::json!(0.075));
        assert_eq!(json["regions"][0]["deviation_pct"], serde_json::json!(20.0));
    }

    /// A region a hair below the mean has a deviation of −0.0004 %: it is
    /// written 0, never `-0`, in JSON, CSV and the table; names and the
    /// matched reference are in every format.
    #[test]
    fn no_negative_zero_and_names_in_every_format() {
        let mut ev = evaluation();
        ev.regions[1].deviation = -0.000004;
        ev.regions[1].name = "Charlottenburg Nord".into();
        for f in [Format::Json, Format::Csv, Format::Table] {
            let text = String::from_utf8(render_evaluation(&ev, f).unwrap()).unwrap();
            assert!(
                !text.contains("-0.0") && !text.contains(",-0,"),
                "{f:?}: {text}"
            );
            assert!(text.contains("Charlottenburg Nord"), "{f:?}: {text}");
        }
        let json: serde_json::Value =
            serde_json::from_slice(&render_evaluation(&ev, Format::Json).unwrap()).unwrap();
        assert_eq!(json["regions"][1]["deviation_pct"], serde_json::json!(0.0));
        assert_eq!(json["regions"][1]["name"], "Charlottenburg Nord");
        assert_eq!(json["regions"][1]["reference"], "B");
        assert_eq!(round(-0.00001, 2).to_string(), "0");
    }

    #[test]
    fn summary_says_how_good_the_proposal_is() {
        let lines = proposal_summary(&proposal(false), &evaluation(), 2, Level::Plr, 1.26);
        assert!(
            lines[0].ends_with("(2 blocks), method branch-and-bound (17 nodes), 1.3 s"),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("layout: people moved 150 of 2,000 (7.50 %); of them 20 "));
        assert_eq!(
            lines[2],
            "layout: not proven optimal: lower bound 100 people moved, gap 50 (2.50 % of the people)"
        );
        assert_eq!(lines[3], "layout: 040101 moves from B to A (150 people)");
        assert_eq!(
            lines[4],
            "layout: populations 800–1200 (max/min 1.50); cut BZR 1, cut PGR 0"
        );
        let optimal = proposal_summary(&proposal(true), &evaluation(), 2, Level::Plr, 1.0);
        assert_eq!(
            optimal[2],
            "layout: optimal (proven: no layout moves fewer people)"
        );
    }

    #[test]
    fn tradeoff_rows_with_and_without_a_layout() {
        let t = Tradeoff {
            rows: vec![
                Alternative {
                    band: None,
                    result: Ok((proposal(true), evaluation())),
                    seconds: 0.5,
                },
                Alternative {
                    band: Some(0.05),
                    result: Err(ProposeError::Infeasible),
                    seconds: 0.26,
                },
            ],
            free_deviation: 0.2,
            tightest: 0.1,
            tightest_proven: true,
        };
        let table = tradeoff_table(&t);
        assert_eq!(table.keys, vec!["none".to_string(), "0.050".to_string()]);
        assert_eq!(table.rows[0][0], Value::Num(150.0));
        assert_eq!(table.rows[0][1], Value::Num(7.5));
        assert_eq!(table.rows[0][4], Value::Num(20.0));
        assert_eq!(table.rows[0][9], Value::Text("yes".into()));
        assert_eq!(table.rows[1][0], Value::Missing);
        assert_eq!(table.rows[1][12], Value::Text("no layout (proven)".into()));
        let lines = tradeoff_summary(&t, 2, Level::Plr, 0.75);
        assert!(lines[0].contains("largest deviation from the mean is 20.0 %; the tightest band with a layout is ±10.0 % (proven: no layout within ±9.5 %)"), "{}", lines[0]);
        assert_eq!(lines[2], "layout: band 0.050: 0.3 s");
        let json: serde_json::Value =
            serde_json::from_slice(&render_tradeoff(&t, Format::Json).unwrap()).unwrap();
        assert_eq!(json["rows"][1]["balance"], serde_json::json!(0.05));
        assert_eq!(json["rows"][1]["people_moved"], serde_json::Value::Null);
        assert_eq!(json["tightest_band"], serde_json::json!(0.1));
    }
}
