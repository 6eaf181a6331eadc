//! The title rows of the tables a command writes (XLSX): what the figures
//! are, for which area, at which date, on which LOR vintage, from which
//! source; alike for `aggregate`, `translate`, `series` and `points`.

use std::path::Path;

use crate::pipeline::inputs::Statistics;
use crate::render::output::{source_text, subject_of, Title};
use crate::series::dates::{date_of, Date};
use crate::table::level::LevelTable;
use crate::table::scope::Bezirk;
use crate::table::stats::StatTable;
use crate::text::Lang;

/// The source of the figures for a title: the attribution of the files
/// (never their names), or the words for the bundled sample.
pub fn source_of(stats: Option<&Statistics>, more: &[&Path], lang: Lang) -> Option<String> {
    let mut paths: Vec<&Path> = Vec::new();
    let mut sample = false;
    match stats {
        Some(Statistics::File(p, _)) => paths.push(p),
        Some(Statistics::Sample(_)) => sample = true,
        None => {}
    }
    paths.extend(more);
    let mut parts = Vec::new();
    if sample {
        parts.push(
            lang.pick(
                "erfundener Beispielbezirk Auenwalde (lor sample)",
                "the invented sample district Auenwalde (lor sample)",
            )
            .to_string(),
        );
    }
    if !paths.is_empty() {
        parts.push(source_text(&paths));
    }
    parts.retain(|p| !p.is_empty());
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The reference date of a statistics file (its `ZEIT` column, else a date
/// in its file or folder name), as the last day of its month: `31.12.2018`.
pub fn stand(table: &StatTable, path: Option<&Path>, lang: Lang) -> Option<String> {
    let path = path.unwrap_or_else(|| Path::new(&table.source));
    date_of(table, path, None)
        .ok()
        .map(|(d, _, _)| month_end(d, lang))
}

/// A month as its last day: `31.12.2018`.
pub fn month_end(d: Date, lang: Lang) -> String {
    lang.month_end(d.year, d.month)
}

/// The area of a run for its title: "Bezirk Charlottenburg-Wilmersdorf"
/// (the name from the Bezirk row of the tables, else the code), nothing for
/// all of Berlin.
pub fn area(bezirk: Option<&Bezirk>, tables: &[LevelTable]) -> Option<String> {
    let b = bezirk?;
    let name = tables
        .iter()
        .find(|t| t.level == "bez")
        .and_then(|t| {
            t.keys
                .iter()
                .position(|k| k == b.code())
                .map(|i| &t.names[i])
        })
        .filter(|n| !n.is_empty() && n.as_str() != b.code());
    Some(match name {
        Some(n) => format!("Bezirk {n}"),
        None => format!("Bezirk {}", b.code()),
    })
}

/// The path of the statistics of a run, if they are a file.
pub fn stats_path(stats: Option<&Statistics>) -> Option<&Path> {
    match stats {
        Some(Statistics::File(p, _)) => Some(p.as_path()),
        _ => None,
    }
}

/// The title of a table of statistics read from `path` (none for the
/// sample): its subject from its columns, the area, its date, its LOR
/// vintage and `source`.
pub fn of_statistics(
    table: &StatTable,
    path: Option<&Path>,
    source: Option<String>,
    bezirk: Option<&Bezirk>,
    tables: &[LevelTable],
    lang: Lang,
) -> Title {
    Title {
        subject: subject_of(table.columns.iter().map(|c| c.name.as_str()), lang),
        area: area(bezirk, tables),
        date: stand(table, path, lang),
        vintage: table.vintage().map(|(v, _)| v.label().to_string()),
        source,
        period: None,
    }
}
