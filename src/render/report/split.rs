//! The report's mismatch section: the PLR of the figures against the
//! Sozialräume, and the split units of each level as tables.

use super::*;

/// The PLR of the figures against the Sozialräume: PLR, BZR and PGR, with
/// the people (`E_E`, `inhabitants`) in each part when the statistics have them.
pub(super) fn mismatch_of(
    fig: &Figures,
    sr_layer: &Layer,
    ov: &Overlay,
    tol: Tolerance,
) -> Mismatch {
    let units = unit_parts(ov, &fig.units, sr_layer, &tol);
    let column = population::people_column(|c| fig.table.column(c).is_some());
    let people: BTreeMap<String, f64> = match column.and_then(|c| fig.table.column(c)) {
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
    Mismatch::new(MismatchInput {
        a_source: &fig.units.source,
        b_source: &sr_layer.source,
        units,
        a_level: Some(Level::Plr),
        rollups: &[Level::Bzr, Level::Pgr],
        name_of: &|k: &str| fig.names.name(k).unwrap_or_default().to_string(),
        b_units,
        people: column.filter(|_| !people.is_empty()).map(|c| (c, &people)),
        part_people: PartPeople::AreaShare,
        tol,
    })
}

/// The table of the split units of one level (nothing when none is split):
/// each part with its Sozialraum, area share and people.
pub(super) fn split_table(h: &mut String, mm: &Mismatch, l: &LevelReport, lang: Lang) {
    let column = mm
        .people_column
        .as_deref()
        .unwrap_or(population::REGISTER.people);
    let split: Vec<_> = l.split().collect();
    if split.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h3>{} {}</h3>\n<div class=\"scroll\">\n<table class=\"split\" data-level=\"{}\">\n<thead><tr><th class=\"key\">{}</th><th class=\"name\">Name</th><th class=\"key\">{}</th><th>{}</th><th>{} ({})</th></tr></thead>\n<tbody>",
        lang.pick("Geteilte", "Split"),
        l.title,
        l.level,
        lang.pick("Einheit", "Unit"),
        lang.pick("Teil im Sozialraum", "Part in"),
        lang.pick("Flächenanteil %", "Area share %"),
        escape(&label_for(column)),
        lang.pick("geschätzt nach Fläche", "estimated by area")
    );
    for u in split {
        for (j, p) in u
            .parts
            .iter()
            .filter(|p| p.class != PartClass::Noise)
            .enumerate()
        {
            let _ = writeln!(
                h,
                "<tr><td class=\"key\">{}</td><td class=\"name\">{}</td><td class=\"key\">{}</td><td>{}</td>{}</tr>",
                if j == 0 { escape(&u.key) } else { String::new() },
                if j == 0 { escape(&u.name) } else { String::new() },
                escape(&part_target(mm, &p.target, lang)),
                lang.dec(p.share * 100.0, 1),
                cell(lang, &u.key, column, l.people_in(&u.key, &p.target), 0)
            );
        }
    }
    let _ = writeln!(h, "</tbody>\n</table>\n</div>");
}

/// The Sozialraum a part lies in, as key and name.
pub(super) fn part_target(mm: &Mismatch, target: &Option<String>, lang: Lang) -> String {
    match target {
        Some(t) => {
            let n = mm.b_units.get(t).map(|(n, _)| n.as_str()).unwrap_or("");
            if n.is_empty() {
                t.clone()
            } else {
                format!("{t} {n}")
            }
        }
        None => lang
            .pick("(in keinem Sozialraum)", "(in no Sozialraum)")
            .into(),
    }
}
