//! Weight tables: every mapping between two sets of units.
//!
//! A weight table lists `(source unit, target unit, weight)`: the share of the
//! source unit that belongs to the target unit. The LOR hierarchy (all weights
//! 1), a PLR → Sozialraum list, an area overlay and a crosswalk between LOR
//! vintages are all weight tables; aggregation applies one to a statistics
//! table.

use std::collections::{BTreeMap, BTreeSet};

use crate::table::key::Level;

#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    pub source: String,
    pub target: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeightTable {
    /// Name of the target level as written in the `level` output column
    /// (`bzr`, `pgr`, `bez`, `berlin`, `sozialraum`, …).
    pub level: String,
    /// Rows sorted by (target, source): the order in which sums are taken, so
    /// that results never depend on the order of the input.
    rows: Vec<Weight>,
}

impl WeightTable {
    pub fn new(level: impl Into<String>, mut rows: Vec<Weight>) -> WeightTable {
        rows.sort_by(|a, b| {
            (a.target.as_str(), a.source.as_str()).cmp(&(b.target.as_str(), b.source.as_str()))
        });
        WeightTable {
            level: level.into(),
            rows,
        }
    }

    /// The LOR hierarchy from the key digits: every source key to its parent
    /// at `level`, weight 1.
    pub fn hierarchy<'a>(keys: impl IntoIterator<Item = &'a str>, level: Level) -> WeightTable {
        let rows = keys
            .into_iter()
            .map(|k| Weight {
                source: k.to_string(),
                target: level.parent_of(k).to_string(),
                weight: 1.0,
            })
            .collect();
        WeightTable::new(level.code(), rows)
    }

    pub fn rows(&self) -> &[Weight] {
        &self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Target units in key order.
    pub fn targets(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.rows.iter().map(|w| w.target.as_str()).collect();
        set.into_iter().collect()
    }

    /// Source units in key order.
    pub fn sources(&self) -> BTreeSet<&str> {
        self.rows.iter().map(|w| w.source.as_str()).collect()
    }

    /// Rows grouped by target, in key order (each group sorted by source).
    pub fn groups(&self) -> impl Iterator<Item = (&str, &[Weight])> {
        self.rows
            .chunk_by(|a, b| a.target == b.target)
            .map(|g| (g[0].target.as_str(), g))
    }

    /// Total weight per source unit. For a table that neither loses nor
    /// invents anything each is 1.
    pub fn source_totals(&self) -> BTreeMap<&str, f64> {
        let mut m: BTreeMap<&str, f64> = BTreeMap::new();
        for w in &self.rows {
            *m.entry(w.source.as_str()).or_default() += w.weight;
        }
        m
    }

    /// Sources whose weights do not add up to 1 (within `tol`).
    pub fn incomplete_sources(&self, tol: f64) -> Vec<(&str, f64)> {
        self.source_totals()
            .into_iter()
            .filter(|(_, t)| (t - 1.0).abs() > tol)
            .collect()
    }

    /// Chain two tables: `self` maps A → B, `next` maps B → C; the result maps
    /// A → C with weight Σ_b w(a,b)·w(b,c).
    pub fn then(&self, next: &WeightTable) -> WeightTable {
        let mut by_source: BTreeMap<&str, Vec<&Weight>> = BTreeMap::new();
        for w in &next.rows {
            by_source.entry(w.source.as_str()).or_default().push(w);
        }
        let mut acc: BTreeMap<(String, String), f64> = BTreeMap::new();
        for a in &self.rows {
            if let Some(nexts) = by_source.get(a.target.as_str()) {
                for b in nexts {
                    *acc.entry((a.source.clone(), b.target.clone())).or_default() +=
                        a.weight * b.weight;
                }
            }
        }
        let rows = acc
            .into_iter()
            .map(|((source, target), weight)| Weight {
                source,
                target,
                weight,
            })
            .collect();
        WeightTable::new(next.level.clone(), rows)
    }
}

/// The scope of a run applied to a PLR/BZR → Sozialraum list.
impl crate::table::scope::Bezirk {
    /// Keep the rows of a PLR/BZR → Sozialraum list whose units lie in this Bezirk.
    pub fn filter_list(&self, list: &mut ListTable) {
        list.table = WeightTable::new(
            list.table.level.clone(),
            list.table
                .rows()
                .iter()
                .filter(|w| self.contains(&w.source))
                .cloned()
                .collect(),
        );
    }
}

/// How PLR figures are given to the units of another layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assign {
    /// The whole unit to the target with its largest real part (the
    /// planners' usual rule; counts stay whole numbers).
    Largest,
    /// Counts apportioned by the area shares of the real parts; slivers are
    /// dropped and the rest renormalised.
    Area,
}

impl Assign {
    pub fn parse(s: &str) -> Option<Assign> {
        match s {
            "largest" => Some(Assign::Largest),
            "area" => Some(Assign::Area),
            _ => None,
        }
    }
}

/// A weight table from classified parts, and the share of each source unit
/// that goes nowhere (units outside every target, or with a real part outside).
pub fn from_parts(
    level: &str,
    units: &[crate::spatial::overlay::UnitParts],
    assign: Assign,
) -> (WeightTable, Vec<(String, f64)>) {
    use crate::spatial::overlay::PartClass;
    let mut rows = Vec::new();
    let mut unassigned = Vec::new();
    for u in units {
        match assign {
            Assign::Largest => match u.largest() {
                Some(p) if p.target.is_some() => rows.push(Weight {
                    source: u.key.clone(),
                    target: p.target.clone().expect("checked"),
                    weight: 1.0,
                }),
                _ => unassigned.push((u.key.clone(), 1.0)),
            },
            Assign::Area => {
                let real: Vec<&crate::spatial::overlay::Part> = u
                    .parts
                    .iter()
                    .filter(|p| p.class != PartClass::Noise)
                    .collect();
                let total: f64 = real.iter().map(|p| p.area).sum();
                if total <= 0.0 {
                    unassigned.push((u.key.clone(), 1.0));
                    continue;
                }
                let mut outside = 0.0;
                for p in real {
                    let w = p.area / total;
                    match &p.target {
                        Some(t) => rows.push(Weight {
                            source: u.key.clone(),
                            target: t.clone(),
                            weight: w,
                        }),
                        None => outside += w,
                    }
                }
                if outside > 0.0 {
                    unassigned.push((u.key.clone(), outside));
                }
            }
        }
    }
    (WeightTable::new(level, rows), unassigned)
}

/// Expand a table whose sources are coarser LOR units (BZR → Sozialraum) to
/// the given finer keys (PLR), by the key digits.
pub fn expand_to<'a>(table: &WeightTable, keys: impl IntoIterator<Item = &'a str>) -> WeightTable {
    let mut by_source: BTreeMap<&str, Vec<&Weight>> = BTreeMap::new();
    for w in &table.rows {
        by_source.entry(w.source.as_str()).or_default().push(w);
    }
    let mut rows = Vec::new();
    for k in keys {
        // The longest listed prefix of the key wins (a PLR listed on its own
        // overrides its BZR).
        let hit = (2..=k.len())
            .rev()
            .step_by(2)
            .find_map(|n| by_source.get(&k[..n]));
        if let Some(ws) = hit {
            rows.extend(ws.iter().map(|w| Weight {
                source: k.to_string(),
                target: w.target.clone(),
                weight: w.weight,
            }));
        }
    }
    WeightTable::new(table.level.clone(), rows)
}

/// Is this file a list (CSV/XLSX) rather than polygons?
pub fn is_list_path(path: &std::path::Path) -> bool {
    matches!(
        crate::table::input::format_extension(path).as_str(),
        "csv" | "txt" | "tsv" | "xlsx" | "xls" | "ods"
    )
}

/// A list "unit → target" (PLR → Sozialraum, BZR → Sozialraum, …) read from
/// CSV or XLSX: a key column (PLR, BZR or PGR keys), a target column
/// (`Sozialraum`, `SR`, `target`, … or the first other column), optionally a
/// target name column and a weight column (`weight`, `Gewicht`, `Anteil`).
#[derive(Debug, Clone)]
pub struct ListTable {
    pub table: WeightTable,
    /// The level of the listed keys.
    pub key_level: Level,
    /// Names of the targets, where the list has them.
    pub target_names: BTreeMap<String, String>,
}

pub fn read_list(
    path: &std::path::Path,
    level_name: &str,
) -> anyhow::Result<(ListTable, crate::error::Warnings)> {
    read_list_located(path, level_name).map(|(list, _, w)| (list, w))
}

/// Units whose weights add up to more than 1 would count their people more
/// than once: an error naming them with their lines (a unit listed twice in
/// a list without weights, or shares that overshoot by more than 0.1 %).
fn over_one(table: &WeightTable, at: &KeyLines, weighted: bool) -> anyhow::Result<()> {
    let over: Vec<String> = table
        .source_totals()
        .iter()
        .filter(|(_, s)| **s > 1.001)
        .map(|(k, s)| {
            format!(
                "{}: Σ {}",
                at.describe(k),
                crate::text::format_f64((s * 1e6).round() / 1e6)
            )
        })
        .collect();
    if over.is_empty() {
        return Ok(());
    }
    Err(crate::error::input_error(format!(
        "{}: {} {} would count people more than once ({}): {}",
        at.source,
        over.len(),
        if over.len() == 1 { "unit" } else { "units" },
        if weighted {
            "their weights add up to more than 1"
        } else {
            "listed more than once without a weight column"
        },
        crate::error::examples(&over, 5)
    )))
}

/// Where the keys of a list are in its file, for messages about them.
#[derive(Debug, Clone, Default)]
pub struct KeyLines {
    /// The file as named in messages.
    pub source: String,
    /// `line` (text files) or `row` (spreadsheets).
    pub line_word: &'static str,
    /// Each listed key with the lines (rows) it is on, in file order.
    pub lines: BTreeMap<String, Vec<usize>>,
}

impl KeyLines {
    /// `04010101 (line 7)`, `04010101 (lines 2 and 59)`.
    pub fn describe(&self, key: &str) -> String {
        match self.lines.get(key).map(Vec::as_slice) {
            Some([l]) => format!("{key} ({} {l})", self.line_word),
            Some(ls) if !ls.is_empty() => {
                let (last, rest) = ls.split_last().expect("not empty");
                let rest: Vec<String> = rest.iter().map(|l| l.to_string()).collect();
                format!("{key} ({}s {} and {last})", self.line_word, rest.join(", "))
            }
            _ => key.to_string(),
        }
    }
}

/// [`read_list`], with the lines of every key.
pub fn read_list_located(
    path: &std::path::Path,
    level_name: &str,
) -> anyhow::Result<(ListTable, KeyLines, crate::error::Warnings)> {
    use crate::error::{examples, input_error};
    use crate::table::stats::{read_stats, ReadOptions};
    let opts = ReadOptions {
        allow_duplicate_keys: true,
        ..ReadOptions::default()
    };
    let (t, mut warnings) = read_stats(path, &opts)?;
    let cols = list_columns(&t)?;
    let (rows, names, bad) = list_rows(&t, &cols);
    if !bad.is_empty() {
        return Err(input_error(format!(
            "{}: {} rows cannot be used: {}",
            t.source,
            bad.len(),
            examples(&bad, 5)
        )));
    }
    let located = key_lines(&t);
    let table = WeightTable::new(level_name, rows);
    over_one(&table, &located, cols.weight.is_some())?;
    let off = table.incomplete_sources(1e-9);
    if !off.is_empty() {
        let list: Vec<String> = off.iter().map(|(k, w)| format!("{k} (Σ {w})")).collect();
        warnings.push(
                crate::error::WarningCode::Weights,
            format!(
                "{}: the weights of {} units do not add up to 1 (they are used as given, not renormalised): {}",
                t.source,
                off.len(),
                examples(&list, 5)
            ),
        );
    }
    Ok((
        ListTable {
            table,
            key_level: t.level,
            target_names: names,
        },
        located,
        warnings,
    ))
}

/// The columns of a list: its targets, weights and target names.
struct ListColumns {
    target: usize,
    weight: Option<usize>,
    /// The weights are percentages: one unit for the whole file, percent
    /// when any weight is above 1 (a row of 1 among percentages is 1 %).
    percent: bool,
    name: Option<usize>,
}

/// Find the columns of a list: the target column by name (`Sozialraum`,
/// `SR`, `target`, …) or else the first that is no weight column; the
/// weight column (`weight`, `Gewicht`, `Anteil`, `share`); a name column
/// (other than the target column, its name containing `name`).
fn list_columns(t: &crate::table::stats::StatTable) -> anyhow::Result<ListColumns> {
    let lower = |s: &str| s.to_lowercase();
    let target_names = [
        "sozialraum",
        "sr",
        "sozialraum_id",
        "sr_id",
        "sozialraum (nummer)",
        "target",
        "ziel",
        "to",
    ];
    let weight_names = ["weight", "gewicht", "anteil", "share"];
    let target = t
        .columns
        .iter()
        .position(|c| target_names.contains(&lower(&c.name).as_str()))
        .or_else(|| {
            t.columns
                .iter()
                .position(|c| !weight_names.contains(&lower(&c.name).as_str()))
        })
        .ok_or_else(|| {
            crate::error::input_error(format!(
                "{}: no column with the target units (e.g. 'Sozialraum')",
                t.source
            ))
        })?;
    let weight = t
        .columns
        .iter()
        .position(|c| weight_names.contains(&lower(&c.name).as_str()));
    let name = t
        .columns
        .iter()
        .enumerate()
        .position(|(i, c)| i != target && lower(&c.name).contains("name"));
    let percent = weight.is_some_and(|w| {
        t.columns[w]
            .cells
            .iter()
            .any(|c| c.num().is_some_and(|v| v > 1.0))
    });
    Ok(ListColumns {
        target,
        weight,
        percent,
        name,
    })
}

/// The weight rows of a list, the target names (first given per target)
/// and a description of every row that cannot be used.
fn list_rows(
    t: &crate::table::stats::StatTable,
    cols: &ListColumns,
) -> (Vec<Weight>, BTreeMap<String, String>, Vec<String>) {
    let mut rows = Vec::with_capacity(t.len());
    let mut names = BTreeMap::new();
    let mut bad = Vec::new();
    for (i, key) in t.keys.iter().enumerate() {
        let target = t.columns[cols.target].raw[i].trim().to_string();
        if target.is_empty() {
            bad.push(format!("{key} ({} {}): no target", t.line_word, t.lines[i]));
            continue;
        }
        let weight = match cols.weight {
            Some(w) => match row_weight(t, w, i, cols.percent) {
                Some(v) => v,
                None => {
                    bad.push(format!(
                        "{key} ({} {}): weight '{}'",
                        t.line_word,
                        t.lines[i],
                        crate::error::clip(&t.columns[w].raw[i])
                    ));
                    continue;
                }
            },
            None => 1.0,
        };
        if let Some(n) = cols.name {
            let name = t.columns[n].raw[i].trim();
            if !name.is_empty() {
                names
                    .entry(target.clone())
                    .or_insert_with(|| name.to_string());
            }
        }
        rows.push(Weight {
            source: key.clone(),
            target,
            weight,
        });
    }
    (rows, names, bad)
}

/// The weight in column `w` of row `i`: a share (0–1), or with `percent`
/// a percentage (up to 100, as a share); `None` for anything else.
fn row_weight(
    t: &crate::table::stats::StatTable,
    w: usize,
    i: usize,
    percent: bool,
) -> Option<f64> {
    match t.columns[w].cells[i].num() {
        Some(v) if !percent && (0.0..=1.0).contains(&v) => Some(v),
        Some(v) if percent && (0.0..=100.0).contains(&v) => Some(v / 100.0),
        _ => None,
    }
}

/// The lines (rows) of every key of the list.
fn key_lines(t: &crate::table::stats::StatTable) -> KeyLines {
    let mut lines: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (key, line) in t.keys.iter().zip(&t.lines) {
        lines.entry(key.clone()).or_default().push(*line);
    }
    KeyLines {
        source: t.source.clone(),
        line_word: t.line_word,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_table(text: &str) -> crate::table::stats::StatTable {
        let opts = crate::table::stats::ReadOptions {
            allow_duplicate_keys: true,
            ..crate::table::stats::ReadOptions::default()
        };
        crate::table::stats::read_stats_bytes("list.csv", text.as_bytes(), &opts)
            .unwrap()
            .0
    }

    #[test]
    fn list_columns_rows_and_lines() {
        let t = list_table(
            "PLR;Name;Anteil;SR\n04010101;Nord;60;SR1\n04010101;Süd;40;SR2\n04010102;;2;SR1\n04010103;x;1;\n",
        );
        let cols = list_columns(&t).unwrap();
        let name = |i: Option<usize>| i.map(|i| t.columns[i].name.clone());
        assert_eq!(t.columns[cols.target].name, "SR");
        assert_eq!(name(cols.weight).as_deref(), Some("Anteil"));
        assert_eq!(name(cols.name).as_deref(), Some("Name"));
        // Percent for the whole file (60 is above 1): 40 is 0.4, 1 is 0.01.
        assert!(cols.percent);
        assert_eq!(row_weight(&t, cols.weight.unwrap(), 0, true), Some(0.6));
        assert_eq!(row_weight(&t, cols.weight.unwrap(), 1, true), Some(0.4));
        assert_eq!(row_weight(&t, cols.weight.unwrap(), 1, false), None);
        let (rows, names, bad) = list_rows(&t, &cols);
        let got: Vec<(&str, &str, f64)> = rows
            .iter()
            .map(|w| (w.source.as_str(), w.target.as_str(), w.weight))
            .collect();
        assert_eq!(
            got,
            vec![
                ("04010101", "SR1", 0.6),
                ("04010101", "SR2", 0.4),
                ("04010102", "SR1", 0.02),
            ]
        );
        assert_eq!(names.get("SR1").map(String::as_str), Some("Nord"));
        assert_eq!(names.get("SR2").map(String::as_str), Some("Süd"));
        assert_eq!(bad, vec!["04010103 (line 5): no target"]);
        let lines = key_lines(&t);
        assert_eq!(lines.describe("04010101"), "04010101 (lines 2 and 3)");
    }

    #[test]
    fn a_list_without_a_target_column_name_uses_the_first_other_column() {
        let t = list_table("PLR;Gewicht;Ziel2\n04010101;150;SR1\n");
        let cols = list_columns(&t).unwrap();
        assert_eq!(t.columns[cols.target].name, "Ziel2");
        assert_eq!(row_weight(&t, cols.weight.unwrap(), 0, cols.percent), None);
        let (_, _, bad) = list_rows(&t, &cols);
        assert_eq!(bad, vec!["04010101 (line 2): weight '150'"]);
    }

    #[test]
    fn hierarchy_and_chain() {
        let keys = ["04030417", "04030418", "04020101"];
        let bzr = WeightTable::hierarchy(keys, Level::Bzr);
        assert_eq!(bzr.targets(), vec!["040201", "040304"]);
        let pgr = WeightTable::hierarchy(bzr.targets(), Level::Pgr);
        let chained = bzr.then(&pgr);
        assert_eq!(chained, WeightTable::hierarchy(keys, Level::Pgr));
        assert!(chained.incomplete_sources(1e-12).is_empty());
    }
}
