//! The series built: every date aggregated to every level with the same
//! rules, the columns the union over the dates, per level one table of
//! units by dates.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use crate::aggregation::aggregate::{aggregate, MissingPolicy};
use crate::aggregation::rules::{plan_rules, plan_table, ColumnRule, Rule, RuleFlags};
use crate::error::{examples, usage_error, Warnings};
use crate::mapping::weights::WeightTable;
use crate::series::dates::{Date, Dated};
use crate::series::input::rows_missing_at_dates;
use crate::series::sozialraum::{
    unassigned_weights, SozialraumWeights, UNASSIGNED_KEY, UNASSIGNED_NAME,
};
use crate::series::translate::{to_chain_source, translations, warn_mixed_vintages, Translation};
use crate::table::key::{Level, Vintage};
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::table::names::Names;
use crate::table::stats::StatTable;

/// What to make of the dates.
pub struct Plan<'a> {
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
    pub levels: Vec<Level>,
    pub names: Option<&'a Names>,
    /// The vintage of the whole series (None: every date in its own keys).
    pub vintage: Option<Vintage>,
    pub translation: Option<Translation>,
    pub sozialraum: Option<SozialraumWeights>,
}

/// The kind of a column, for changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Summed (or min/max): absolute and relative change.
    Count,
    /// A share or rate (weighted mean, ratio): difference in percentage points.
    Share,
    /// Text: no change.
    Label,
}

/// One level of a series: per unit, per date, the values of every column.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelSeries {
    pub level: String,
    /// Units in key order, with their names.
    pub units: Vec<(String, String)>,
    /// `values[unit][date]`: None where the unit has no row at that date.
    pub values: Vec<Vec<Option<Vec<Value>>>>,
}

/// A series: the dates in order, what was translated, the columns (the union
/// over all dates) and one table per level.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub dates: Vec<Date>,
    /// Per date: the vintage it was translated from.
    pub translated: Vec<Option<Vintage>>,
    pub columns: Vec<String>,
    pub kinds: Vec<Kind>,
    /// The rule of each column (as the first date that has it was read):
    /// which columns `--round` and `--decimals` round.
    pub rules: Vec<ColumnRule>,
    pub levels: Vec<LevelSeries>,
}

/// Aggregate every date (already in date order, see
/// [`order`](crate::series::dates::order)) to every level with the same
/// rules.
pub fn build(dated: &[Dated], plan: &Plan) -> Result<(Series, Warnings)> {
    let mut warnings = Warnings::default();
    if dated.is_empty() {
        return Err(usage_error("a series needs at least one statistics file"));
    }
    let dates: Vec<Date> = dated.iter().map(|d| d.date).collect();
    warnings.extend(rows_missing_at_dates(dated));
    let translated = translations(dated, plan.vintage, plan.translation.as_ref())?;
    if plan.vintage.is_none() {
        warn_mixed_vintages(dated, &mut warnings);
    }
    let columns = Columns::of(dated, plan, &mut warnings)?;
    columns.warn_absent(dated, &mut warnings);
    let mut level_names: Vec<String> = plan.levels.iter().map(|l| l.code().to_string()).collect();
    if plan.sozialraum.is_some() {
        level_names.push(crate::mapping::sozialraum::LEVEL.to_string());
    }
    let b = Build {
        dated,
        plan,
        translated,
        columns,
    };
    let levels = level_names
        .iter()
        .enumerate()
        .map(|(li, name)| b.level(name, plan.levels.get(li).copied(), &mut warnings))
        .collect();
    Ok((
        Series {
            dates,
            translated: b.translated,
            columns: b.columns.names,
            kinds: b.columns.kinds,
            rules: b.columns.rules,
            levels,
        },
        warnings,
    ))
}

/// The rules of every date (the same flags) and the series' columns: the
/// union over the dates, in the order they first appear.
struct Columns {
    per_date: Vec<Vec<ColumnRule>>,
    /// Per date: its table with the derived columns (`--add`, `--ratio` of
    /// expressions), None when there are none and the table is read as it is.
    prepared: Vec<Option<StatTable>>,
    names: Vec<String>,
    kinds: Vec<Kind>,
    rules: Vec<ColumnRule>,
}

impl Columns {
    fn of(dated: &[Dated], plan: &Plan, warnings: &mut Warnings) -> Result<Columns> {
        let mut c = Columns {
            per_date: Vec::with_capacity(dated.len()),
            prepared: Vec::with_capacity(dated.len()),
            names: Vec::new(),
            kinds: Vec::new(),
            rules: Vec::new(),
        };
        let derives = !plan.rules.add.is_empty() || !plan.rules.ratio.is_empty();
        for d in dated {
            let (rules, w) = if derives {
                let mut t = d.table.clone();
                let planned = plan_table(&mut t, &plan.rules, plan.missing)?;
                c.prepared.push(Some(t));
                planned
            } else {
                c.prepared.push(None);
                plan_rules(&d.table, &plan.rules)?
            };
            warnings.extend(w);
            for r in rules.iter().filter(|r| r.rule != Rule::Drop) {
                if !c.names.contains(&r.column) {
                    c.names.push(r.column.clone());
                    c.kinds.push(match r.rule {
                        Rule::Mean { .. } | Rule::Ratio { .. } => Kind::Share,
                        Rule::Label => Kind::Label,
                        _ => Kind::Count,
                    });
                    c.rules.push(r.clone());
                }
            }
            c.per_date.push(rules);
        }
        Ok(c)
    }

    /// One warning naming, per date, the columns it does not have (they
    /// are left empty at that date).
    fn warn_absent(&self, dated: &[Dated], warnings: &mut Warnings) {
        let mut absent: Vec<String> = Vec::new();
        for (d, rules) in dated.iter().zip(&self.per_date) {
            let have: BTreeSet<&str> = rules
                .iter()
                .filter(|r| r.rule != Rule::Drop)
                .map(|r| r.column.as_str())
                .collect();
            let missing: Vec<&str> = self
                .names
                .iter()
                .map(String::as_str)
                .filter(|c| !have.contains(c))
                .collect();
            if !missing.is_empty() {
                absent.push(format!(
                    "{} ({}): {}",
                    d.date,
                    d.table.source,
                    examples(&missing, 8)
                ));
            }
        }
        if !absent.is_empty() {
            warnings.push(
                crate::error::WarningCode::Columns,
                format!(
                    "the files do not all have the same columns; these are left empty at these dates: {}",
                    absent.join("; ")
                ),
            );
        }
    }
}

/// Per date: the values of the series' columns for one unit (None: no row).
type UnitValues = Vec<Option<Vec<Value>>>;

/// Per unit, per date: the values of the series' columns.
type ByUnit = BTreeMap<String, UnitValues>;

/// The dates with their translations and rules, ready to be made into levels.
struct Build<'a, 'p> {
    dated: &'a [Dated],
    plan: &'a Plan<'p>,
    translated: Vec<Option<Vintage>>,
    columns: Columns,
}

impl Build<'_, '_> {
    /// One level (`level` None: the Sozialräume) over all dates; dates that
    /// cannot be made at it are left empty, with a warning.
    fn level(
        &self,
        level_name: &str,
        level: Option<Level>,
        warnings: &mut Warnings,
    ) -> LevelSeries {
        let mut by_unit = ByUnit::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut skipped: Vec<String> = Vec::new();
        for (di, d) in self.dated.iter().enumerate() {
            let Some(weights) = weights_for(d, self.translated[di], level, self.plan) else {
                skipped.push(d.date.to_string());
                continue;
            };
            let t = self.aggregate_date(di, level, &weights, warnings);
            self.add_rows(&t, di, level, &mut by_unit, &mut names);
        }
        if !skipped.is_empty() {
            warnings.push(
                crate::error::WarningCode::Level,
                format!(
                    "level {level_name}: the dates {} cannot be made at this level (their units or crosswalk are coarser) and are left empty",
                    skipped.join(", ")
                ),
            );
        }
        let (units, values) = unassigned_last(by_unit, names);
        LevelSeries {
            level: level_name.to_string(),
            units,
            values,
        }
    }

    /// Date `di` aggregated by `weights`; for the Sozialräume with the row
    /// of the people in no Sozialraum.
    fn aggregate_date(
        &self,
        di: usize,
        level: Option<Level>,
        weights: &WeightTable,
        warnings: &mut Warnings,
    ) -> LevelTable {
        let (missing, rules) = (self.plan.missing, &self.columns.per_date[di]);
        let table = self.columns.prepared[di]
            .as_ref()
            .unwrap_or(&self.dated[di].table);
        let (mut t, w) = aggregate(table, rules, weights, missing);
        warnings.extend(w);
        crate::aggregation::aggregate::keep_meaningful_key_parts(&mut t, level);
        if level.is_none() {
            if let Some(un) = unassigned_weights(table, weights) {
                let (u, w) = aggregate(table, rules, &un, missing);
                warnings.extend(w);
                t.keys.extend(u.keys);
                t.rows.extend(u.rows);
            }
        }
        t
    }

    /// The rows of date `di` into the series' columns, and the names of
    /// units not seen before.
    fn add_rows(
        &self,
        t: &LevelTable,
        di: usize,
        level: Option<Level>,
        by_unit: &mut ByUnit,
        names: &mut BTreeMap<String, String>,
    ) {
        // Where each series column is in this date's table (None: absent,
        // or a key part of a translated date, which names its old units).
        let at: Vec<Option<usize>> = self
            .columns
            .names
            .iter()
            .map(|c| {
                t.column_index(c)
                    .filter(|_| self.translated[di].is_none() || !is_key_part(c))
            })
            .collect();
        for (i, key) in t.keys.iter().enumerate() {
            let row: Vec<Value> = at
                .iter()
                .map(|j| match j {
                    Some(j) => t.rows[i][*j].clone(),
                    None => Value::Missing,
                })
                .collect();
            by_unit
                .entry(key.clone())
                .or_insert_with(|| vec![None; self.dated.len()])[di] = Some(row);
            if !names.contains_key(key) {
                names.insert(key.clone(), self.unit_name(key, level));
            }
        }
    }

    /// The name of a unit: of the Sozialraum, or from the names table.
    fn unit_name(&self, key: &str, level: Option<Level>) -> String {
        match (level, &self.plan.sozialraum) {
            _ if key == UNASSIGNED_KEY => UNASSIGNED_NAME.to_string(),
            (None, Some(sr)) => sr.names.get(key).cloned().unwrap_or_default(),
            _ => self
                .plan
                .names
                .and_then(|n| n.name(key))
                .unwrap_or_default()
                .to_string(),
        }
    }
}

/// Units in key order with their names and values, the unassigned row last.
fn unassigned_last(
    by_unit: ByUnit,
    mut names: BTreeMap<String, String>,
) -> (Vec<(String, String)>, Vec<UnitValues>) {
    let mut units: Vec<(String, String)> = Vec::with_capacity(by_unit.len());
    let mut values = Vec::with_capacity(by_unit.len());
    let mut tail = None;
    for (k, v) in by_unit {
        if k == UNASSIGNED_KEY {
            tail = Some((k, v));
            continue;
        }
        units.push((k.clone(), names.remove(&k).unwrap_or_default()));
        values.push(v);
    }
    if let Some((k, v)) = tail {
        units.push((k, UNASSIGNED_NAME.to_string()));
        values.push(v);
    }
    (units, values)
}

/// Label columns that repeat parts of the key (`BEZ`, `PGR`, `RAUMID`, …).
fn is_key_part(column: &str) -> bool {
    let c = column.trim().to_lowercase();
    [
        "bez",
        "pgr",
        "bzr",
        "plr",
        "raumid",
        "schlüssel",
        "district_id",
        "forecast_area_id",
        "district_region_id",
        "planning_area_id",
    ]
    .contains(&c.as_str())
}

/// The weights of one date to one level (None: cannot be made).
fn weights_for(
    d: &Dated,
    from: Option<Vintage>,
    level: Option<Level>,
    plan: &Plan,
) -> Option<WeightTable> {
    let keys = || d.table.keys.iter().map(String::as_str);
    // Units of the series' vintage: the date's own keys, or through the crosswalk.
    let (base, base_level): (Option<WeightTable>, Level) = match (from, &plan.translation) {
        (Some(_), Some(t)) => {
            let chain = to_chain_source(&t.chain, keys())?;
            let targets = chain.targets();
            let tl = targets
                .first()
                .and_then(|k| Level::from_digits(k.len()))
                .filter(|l| targets.iter().all(|k| l.digits() == k.len()))?;
            (Some(chain), tl)
        }
        _ => (None, d.table.level),
    };
    let unit_keys: Vec<String> = match &base {
        Some(b) => b.targets().into_iter().map(str::to_string).collect(),
        None => d.table.keys.clone(),
    };
    let step = match level {
        Some(l) if l < base_level => return None,
        Some(l) if l == base_level && base.is_some() => None,
        Some(l) => Some(WeightTable::hierarchy(
            unit_keys.iter().map(String::as_str),
            l,
        )),
        None => {
            let sr = &plan.sozialraum.as_ref()?.weights;
            let sources = sr.sources();
            if !unit_keys.iter().all(|k| sources.contains(k.as_str())) && base.is_some() {
                // Translated units the assignment does not know.
                let known = unit_keys
                    .iter()
                    .filter(|k| sources.contains(k.as_str()))
                    .count();
                if known == 0 {
                    return None;
                }
            }
            Some(sr.clone())
        }
    };
    match (base, step) {
        (Some(b), Some(s)) => Some(b.then(&s)),
        (Some(b), None) => Some(b),
        (None, Some(s)) => Some(s),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::changes::Changes;
    use crate::series::fixtures::{bzr_plan, dated};

    #[test]
    fn columns_are_the_union_with_absent_ones_named_per_date() {
        let dated = dated(&[
            (2023, 6, "RAUMID;E_E;X;Q\n13101101;100;40;10\n"),
            (2023, 12, "RAUMID;E_E;Q;BEZ\n13101101;110;20;13\n"),
        ]);
        let plan = bzr_plan(RuleFlags {
            weighted: vec!["Q=E_E".into()],
            ..Default::default()
        });
        let mut w = Warnings::default();
        let c = Columns::of(&dated, &plan, &mut w).unwrap();
        assert_eq!(c.names, ["E_E", "X", "Q", "BEZ"]);
        assert_eq!(
            c.kinds,
            [Kind::Count, Kind::Count, Kind::Share, Kind::Label]
        );
        assert_eq!(c.prepared.len(), 2);
        assert!(c.prepared.iter().all(Option::is_none));
        c.warn_absent(&dated, &mut w);
        let absent = w.iter().find(|w| w.code == "columns").unwrap();
        assert_eq!(
            absent.message,
            "the files do not all have the same columns; these are left empty at these dates: 2023-06 (2023-6): BEZ; 2023-12 (2023-12): X"
        );
    }

    #[test]
    fn the_unassigned_row_comes_last_with_its_name() {
        let row = |v: f64| vec![Some(vec![Value::Num(v)])];
        let by_unit: ByUnit = [
            ("-".to_string(), row(3.0)),
            ("SR1".to_string(), row(1.0)),
            ("SR2".to_string(), row(2.0)),
        ]
        .into_iter()
        .collect();
        let names = [("SR1".to_string(), "Nord".to_string())]
            .into_iter()
            .collect();
        let (units, values) = unassigned_last(by_unit, names);
        assert_eq!(
            units,
            [
                ("SR1".to_string(), "Nord".to_string()),
                ("SR2".to_string(), String::new()),
                ("-".to_string(), "nicht zugeordnet".to_string())
            ]
        );
        assert_eq!(values, [row(1.0), row(2.0), row(3.0)]);
    }

    #[test]
    fn added_and_ratio_columns_are_made_per_date() {
        // --add and an expression --ratio: new columns in every date's table,
        // aggregated by their own rules (sum; ratio of the sums).
        let dated = dated(&[
            (2023, 6, "RAUMID;A;B\n13101101;10;30\n13101102;20;40\n"),
            (2023, 12, "RAUMID;A;B\n13101101;15;35\n13101102;25;25\n"),
        ]);
        let plan = bzr_plan(RuleFlags {
            add: vec!["AB=A+B".into()],
            ratio: vec!["R=A/(A+B)*100".into()],
            ..Default::default()
        });
        let (s, _) = build(&dated, &plan).unwrap();
        assert!(s.columns.contains(&"AB".to_string()), "{:?}", s.columns);
        let ch = Changes::default();
        let t = &s.long(&ch, false)[0];
        let n = |r: usize, c: &str| t.rows[r][t.column_index(c).unwrap()].num();
        assert_eq!(n(0, "AB"), Some(100.0));
        assert_eq!(n(1, "AB"), Some(100.0));
        // 30 / 100 and 40 / 100 of the summed parts, not a sum of shares.
        assert_eq!(n(0, "R"), Some(30.0));
        assert_eq!(n(1, "R"), Some(40.0));
    }
}
