//! Series: statistics of many dates, each aggregated with the same rules,
//! in one table per level with the date as a column; optionally all in one
//! LOR vintage (dates of the other vintage translated through a crosswalk)
//! and with the change against the previous date and the year before.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::aggregation::aggregate::{aggregate, MissingPolicy};
use crate::aggregation::rules::{plan_rules, plan_table, ColumnRule, Rule, RuleFlags};
use crate::error::{examples, input_error, usage_error, Warnings};
use crate::mapping::weights::{Weight, WeightTable};
use crate::spatial::geometry::LayerOptions;
use crate::table::key::{Level, Vintage};
use crate::table::level::LevelTable;
use crate::table::level::Value;
use crate::table::names::Names;
use crate::table::stats::StatTable;

/// Key and name of the row that holds what is in no Sozialraum.
pub const UNASSIGNED_KEY: &str = "-";
pub const UNASSIGNED_NAME: &str = "nicht zugeordnet";

/// A reference date: year and month (`ZEIT` 201812 is 2018-12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Date {
    pub fn new(year: i32, month: u32) -> Option<Date> {
        ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some(Date { year, month })
    }

    /// The same month one year earlier.
    pub fn year_before(self) -> Date {
        Date {
            year: self.year - 1,
            month: self.month,
        }
    }

    /// A whole value: `201812`, `2018-12`, `2018_12`, `12/2018`, `31.12.2018`,
    /// `2018-12-31`, `20181231`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let parts: Vec<&str> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .collect();
        let num = |p: &str| p.parse::<i64>().ok();
        match parts.as_slice() {
            [one] if one.len() == 6 => Date::new(num(&one[..4])? as i32, num(&one[4..])? as u32),
            [one] if one.len() == 8 => Date::new(num(&one[..4])? as i32, num(&one[4..6])? as u32),
            [a, b] if a.len() == 4 && b.len() <= 2 => Date::new(num(a)? as i32, num(b)? as u32),
            [a, b] if b.len() == 4 && a.len() <= 2 => Date::new(num(b)? as i32, num(a)? as u32),
            [a, b, _] if a.len() == 4 => Date::new(num(a)? as i32, num(b)? as u32),
            [_, b, c] if c.len() == 4 => Date::new(num(c)? as i32, num(b)? as u32),
            _ => None,
        }
    }

    /// A date inside a file or folder name: `EWR201812E_Matrix.csv`,
    /// `population-2020-12`, `bestand_2023_06.xlsx`.
    pub fn in_name(name: &str) -> Option<Date> {
        let b = name.as_bytes();
        let digits_at = |i: usize, n: usize| -> bool {
            i + n <= b.len()
                && b[i..i + n].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_digit())
                && (i + n == b.len() || !b[i + n].is_ascii_digit())
        };
        for i in 0..b.len() {
            // YYYYMM as its own run of digits.
            if digits_at(i, 6) {
                if let Some(d) = Date::parse(&name[i..i + 6]) {
                    return Some(d);
                }
            }
            // YYYY-MM, YYYY_MM, YYYY.MM
            if i + 7 <= b.len()
                && b[i..i + 4].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_digit())
                && matches!(b[i + 4], b'-' | b'_' | b'.')
                && digits_at(i + 5, 2)
            {
                if let Some(d) = Date::new(
                    name[i..i + 4].parse().ok()?,
                    name[i + 5..i + 7].parse().ok()?,
                ) {
                    return Some(d);
                }
            }
        }
        None
    }
}

/// Where a file's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    Zeit,
    FileName,
    Folder,
    Given,
}

/// The one date in the `ZEIT` column (None without the column or values);
/// several dates or a value that is no date are errors.
fn zeit_date(table: &StatTable) -> Result<Option<Date>> {
    let Some(c) = table.column("ZEIT") else {
        return Ok(None);
    };
    let values: BTreeSet<&str> = c
        .raw
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    match values.len() {
        0 => Ok(None),
        1 => {
            let v = values.into_iter().next().expect("one");
            Ok(Some(Date::parse(v).ok_or_else(|| {
                input_error(format!(
                    "{}: column ZEIT: '{v}' is not a date such as 201812",
                    table.source
                ))
            })?))
        }
        _ => {
            let v: Vec<&str> = values.into_iter().collect();
            Err(input_error(format!(
                "{}: column ZEIT has {} different dates ({}); a series takes one file per date",
                table.source,
                v.len(),
                examples(&v, 5)
            )))
        }
    }
}

/// The date of a statistics file: `given` (from `--date`), else its `ZEIT`
/// column (one value for all rows), else its file name, else its folder's
/// name. Disagreements are warned about; no date at all is an error.
pub fn date_of(
    table: &StatTable,
    path: &Path,
    given: Option<Date>,
) -> Result<(Date, DateSource, Warnings)> {
    let mut warnings = Warnings::default();
    let zeit = zeit_date(table)?;
    let from_name = path
        .file_name()
        .and_then(|n| Date::in_name(&n.to_string_lossy()));
    let from_folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| Date::in_name(&n.to_string_lossy()));
    let found = [
        (zeit, DateSource::Zeit),
        (from_name, DateSource::FileName),
        (from_folder, DateSource::Folder),
    ];
    if let Some(g) = given {
        if let Some((d, _)) = found.iter().find_map(|(d, s)| d.map(|d| (d, s))) {
            if d != g {
                warnings.push(
                    crate::error::WarningCode::Date,
                    format!(
                        "{}: --date says {g} but the file says {d}; {g} is used",
                        table.source
                    ),
                );
            }
        }
        return Ok((g, DateSource::Given, warnings));
    }
    if let (Some(z), Some(n)) = (zeit, from_name) {
        if z != n {
            warnings.push(
                crate::error::WarningCode::Date,
                format!(
                    "{}: ZEIT says {z} but the file name says {n}; {z} (ZEIT) is used",
                    table.source
                ),
            );
        }
    }
    match found.iter().find_map(|(d, s)| d.map(|d| (d, *s))) {
        Some((d, s)) => Ok((d, s, warnings)),
        None => Err(usage_error(format!(
            "{}: no date found (no ZEIT column, no date such as 201812 or 2020-12 in the file or folder name): give it with --date {}=YYYY-MM",
            table.source,
            path.display()
        ))),
    }
}

/// One date of a series: its statistics per PLR (or coarser LOR units).
#[derive(Debug)]
pub struct Dated {
    pub date: Date,
    pub table: StatTable,
}

/// How dates of the other vintage reach the series' vintage: a weight table
/// from their units (PLR, or the crosswalk's source level) to units of the
/// series' vintage.
#[derive(Debug, Clone)]
pub struct Translation {
    pub from: Vintage,
    pub chain: WeightTable,
}

/// Sozialräume: units of the series' vintage → Sozialraum, the same for
/// every date.
#[derive(Debug, Clone)]
pub struct SozialraumWeights {
    pub weights: WeightTable,
    pub names: BTreeMap<String, String>,
}

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
    pub levels: Vec<LevelSeries>,
}

/// Sort the dates (a note when they were given out of order) and refuse
/// duplicates.
pub fn order(mut dated: Vec<Dated>) -> Result<(Vec<Dated>, Warnings)> {
    let mut warnings = Warnings::default();
    if dated.windows(2).any(|w| w[0].date > w[1].date) {
        warnings.push(
            crate::error::WarningCode::Date,
            format!(
                "the files were not given in date order; the series is sorted by date ({})",
                dated
                    .iter()
                    .map(|d| d.date.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    dated.sort_by_key(|d| d.date);
    if let Some(w) = dated.windows(2).find(|w| w[0].date == w[1].date) {
        return Err(input_error(format!(
            "{} and {} are both of {}: a series takes one file per date (give the right one with --date FILE=YYYY-MM)",
            w[0].table.source, w[1].table.source, w[0].date
        )));
    }
    Ok((dated, warnings))
}

/// Aggregate every date (already in date order, see [`order`]) to every
/// level with the same rules.
pub fn build(dated: &[Dated], plan: &Plan) -> Result<(Series, Warnings)> {
    let mut warnings = Warnings::default();
    if dated.is_empty() {
        return Err(usage_error("a series needs at least one statistics file"));
    }
    let dates: Vec<Date> = dated.iter().map(|d| d.date).collect();
    warnings.extend(rows_missing_at_dates(dated));
    let translated = translations(dated, plan)?;
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
            levels,
        },
        warnings,
    ))
}

/// Per date: the vintage it is translated from (None: as it is). A date in
/// the other vintage without a crosswalk from it is an error.
fn translations(dated: &[Dated], plan: &Plan) -> Result<Vec<Option<Vintage>>> {
    let mut translated = Vec::with_capacity(dated.len());
    for d in dated {
        let own = d.table.vintage().map(|(v, _)| v);
        let t = match (plan.vintage, own) {
            (Some(want), Some(v)) if v != want => {
                if plan.translation.as_ref().is_none_or(|t| t.from != v) {
                    return Err(usage_error(format!(
                        "{} ({}) has {} keys and the series is in {}: give a crosswalk {} → {}",
                        d.table.source,
                        d.date,
                        v.label(),
                        want.label(),
                        v.label(),
                        want.label()
                    )));
                }
                Some(v)
            }
            _ => None,
        };
        translated.push(t);
    }
    Ok(translated)
}

/// A warning when the dates (in their own keys) are in both LOR vintages.
fn warn_mixed_vintages(dated: &[Dated], warnings: &mut Warnings) {
    let vs: BTreeSet<&str> = dated
        .iter()
        .filter_map(|d| d.table.vintage().map(|(v, _)| v.label()))
        .collect();
    if vs.len() > 1 {
        warnings.push(
            crate::error::WarningCode::Vintage,
            "the dates are in different LOR vintages (LOR 2006 and LOR 2021), so units do not match across 1 January 2021; translate them into one with --vintage 2021 (or 2006)".to_string(),
        );
    }
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
}

impl Columns {
    fn of(dated: &[Dated], plan: &Plan, warnings: &mut Warnings) -> Result<Columns> {
        let mut c = Columns {
            per_date: Vec::with_capacity(dated.len()),
            prepared: Vec::with_capacity(dated.len()),
            names: Vec::new(),
            kinds: Vec::new(),
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

/// Unit names for a series without a names file: the built-in catalogue of
/// the series' vintage (`--vintage`), or of the vintage its keys are in, as
/// `lor aggregate` names its units. None when the keys are no LOR keys.
pub fn catalogue_names(dated: &[Dated], vintage: Option<Vintage>) -> Option<(Names, Warnings)> {
    let source = "the series";
    match vintage {
        Some(v) => {
            crate::table::catalogue::names_for(source, crate::table::catalogue::get(v).plr())
        }
        None => crate::table::catalogue::names_for(
            source,
            dated
                .iter()
                .flat_map(|d| d.table.keys.iter().map(String::as_str)),
        ),
    }
}

/// Units that have a row at some dates of a series and none at others of
/// the same LOR vintage and level: their people would show as a change
/// that is none (a row left out of a file, not people moving), so each
/// such date is named with its missing keys.
pub fn rows_missing_at_dates(dated: &[Dated]) -> Warnings {
    let mut warnings = Warnings::default();
    let group = |d: &Dated| (d.table.vintage().map(|(v, _)| v.label()), d.table.level);
    for d in dated {
        let others: BTreeSet<&str> = dated
            .iter()
            .filter(|o| group(o) == group(d) && o.date != d.date)
            .flat_map(|o| o.table.keys.iter().map(String::as_str))
            .collect();
        let own: BTreeSet<&str> = d.table.keys.iter().map(String::as_str).collect();
        let missing: Vec<&str> = others.difference(&own).copied().collect();
        if !missing.is_empty() {
            warnings.push(
                crate::error::WarningCode::MissingPlr,
                format!(
                    "{} ({}): no row for {} {} of the other dates, so their people are missing from the totals and changes of this date: {}",
                    d.table.source,
                    d.date,
                    missing.len(),
                    if missing.len() == 1 {
                        d.table.level.german()
                    } else {
                        d.table.level.german_plural()
                    },
                    examples(&missing, 8)
                ),
            );
        }
    }
    warnings
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

/// A crosswalk whose sources are coarser than the keys (e.g. PGR 2021 →
/// PGR 2006 for PLR 2021 statistics) gets the hierarchy in front.
fn to_chain_source<'a>(
    chain: &WeightTable,
    keys: impl Iterator<Item = &'a str> + Clone,
) -> Option<WeightTable> {
    let src_len = chain.sources().iter().next()?.len();
    let key_len = keys.clone().next()?.len();
    if key_len == src_len {
        return Some(chain.clone());
    }
    let l = Level::from_digits(src_len)?;
    if key_len < src_len {
        return None;
    }
    Some(WeightTable::hierarchy(keys, l).then(chain))
}

/// Source → `-` with the part of each source that the weights leave out.
fn unassigned_weights(table: &StatTable, weights: &WeightTable) -> Option<WeightTable> {
    let totals = weights.source_totals();
    let rows: Vec<Weight> = table
        .keys
        .iter()
        .filter_map(|k| {
            let rest = 1.0 - totals.get(k.as_str()).copied().unwrap_or(0.0);
            (rest > 1e-9).then(|| Weight {
                source: k.clone(),
                target: UNASSIGNED_KEY.to_string(),
                weight: rest,
            })
        })
        .collect();
    (!rows.is_empty()).then(|| WeightTable::new(weights.level.clone(), rows))
}

/// Changes against which date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The date before in the series.
    Previous,
    /// The same month one year earlier.
    Year,
}

impl Against {
    pub fn parse(s: &str) -> Option<Against> {
        match s.trim() {
            "previous" | "prev" => Some(Against::Previous),
            "year" => Some(Against::Year),
            _ => None,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Against::Previous => "previous",
            Against::Year => "year",
        }
    }
}

/// The change columns for `column` (of `kind`) against `a`: names and whether
/// each is relative.
fn change_names(column: &str, kind: Kind, a: Against) -> Vec<(String, ChangeKind)> {
    match kind {
        Kind::Share => vec![(
            format!("{column} change {} pp", a.word()),
            ChangeKind::Points,
        )],
        _ => vec![
            (
                format!("{column} change {}", a.word()),
                ChangeKind::Absolute,
            ),
            (
                format!("{column} change {} %", a.word()),
                ChangeKind::Relative,
            ),
        ],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeKind {
    Absolute,
    Relative,
    Points,
}

/// Which columns get changes: the named ones (globs allowed), or every
/// count column.
pub fn change_columns(series: &Series, wanted: &[String]) -> Result<Vec<usize>> {
    if wanted.is_empty() {
        return Ok((0..series.columns.len())
            .filter(|&j| series.kinds[j] == Kind::Count)
            .collect());
    }
    let mut out = Vec::new();
    for w in wanted {
        let hits: Vec<usize> = (0..series.columns.len())
            .filter(|&j| crate::aggregation::rules::glob_match(w, &series.columns[j]))
            .collect();
        if hits.is_empty() {
            return Err(usage_error(format!(
                "--change-columns '{w}': no such column; the series has {}",
                examples(&series.columns, 8)
            )));
        }
        for j in hits {
            if series.kinds[j] == Kind::Label {
                return Err(usage_error(format!(
                    "--change-columns: '{}' is a label (text), it has no change",
                    series.columns[j]
                )));
            }
            if !out.contains(&j) {
                out.push(j);
            }
        }
    }
    Ok(out)
}

/// What to add to the tables.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub against: Vec<Against>,
    /// Column indices of the series.
    pub columns: Vec<usize>,
}

impl Series {
    /// Index of the date to compare date `t` with.
    fn reference(&self, t: usize, a: Against) -> Option<usize> {
        match a {
            Against::Previous => t.checked_sub(1),
            Against::Year => {
                let want = self.dates[t].year_before();
                self.dates.iter().position(|d| *d == want)
            }
        }
    }

    /// Names of the change columns, in output order.
    pub fn change_header(&self, ch: &Changes) -> Vec<String> {
        let mut h = Vec::new();
        for &j in &ch.columns {
            for &a in &ch.against {
                h.extend(
                    change_names(&self.columns[j], self.kinds[j], a)
                        .into_iter()
                        .map(|(n, _)| n),
                );
            }
        }
        h
    }

    /// The change values of unit `u` of level `l` at date `t`.
    fn change_values(&self, l: usize, u: usize, t: usize, ch: &Changes) -> Vec<Value> {
        let vals = &self.levels[l].values[u];
        let get = |t: usize, j: usize| -> Option<f64> { vals[t].as_ref().and_then(|r| r[j].num()) };
        let mut out = Vec::new();
        for &j in &ch.columns {
            for &a in &ch.against {
                let cur = get(t, j);
                let prev = self.reference(t, a).and_then(|r| get(r, j));
                for (_, kind) in change_names(&self.columns[j], self.kinds[j], a) {
                    let v = match (cur, prev) {
                        (Some(c), Some(p)) => match kind {
                            ChangeKind::Absolute | ChangeKind::Points => Some(c - p),
                            ChangeKind::Relative if p != 0.0 => Some((c - p) / p * 100.0),
                            ChangeKind::Relative => None,
                        },
                        _ => None,
                    };
                    out.push(v.map(Value::Num).unwrap_or(Value::Missing));
                }
            }
        }
        out
    }

    /// Long form: per level a table with one row per unit and date (sorted
    /// by unit, then date): `date`, `translated_from` (with a vintage), the
    /// columns, the changes.
    pub fn long(&self, ch: &Changes, with_translated: bool) -> Vec<LevelTable> {
        let mut header = vec!["date".to_string()];
        if with_translated {
            header.push("translated_from".to_string());
        }
        header.extend(self.columns.iter().cloned());
        header.extend(self.change_header(ch));
        self.levels
            .iter()
            .enumerate()
            .map(|(l, ls)| {
                let mut t = LevelTable {
                    level: ls.level.clone(),
                    keys: Vec::new(),
                    names: Vec::new(),
                    columns: header.clone(),
                    rows: Vec::new(),
                };
                for (u, (key, name)) in ls.units.iter().enumerate() {
                    for (d, date) in self.dates.iter().enumerate() {
                        let Some(vals) = &ls.values[u][d] else {
                            continue;
                        };
                        let mut row = vec![Value::Text(date.to_string())];
                        if with_translated {
                            row.push(match self.translated[d] {
                                Some(v) => Value::Text(v.label().to_string()),
                                None => Value::Missing,
                            });
                        }
                        row.extend(vals.iter().cloned());
                        row.extend(self.change_values(l, u, d, ch));
                        t.keys.push(key.clone());
                        t.names.push(name.clone());
                        t.rows.push(row);
                    }
                }
                t
            })
            .collect()
    }

    fn date_label(&self, d: usize) -> String {
        match self.translated[d] {
            Some(v) => format!("{} ({})", self.dates[d], v.label()),
            None => self.dates[d].to_string(),
        }
    }

    /// Wide form: per level one row per unit; per column the dates side by
    /// side (`E_E 2023-06`, a translated date as `E_E 2020-12 (LOR 2006)`).
    /// The changes, if any, follow the same way.
    pub fn wide(&self, ch: &Changes) -> Vec<LevelTable> {
        let mut out = self.wide_values(None);
        if !ch.against.is_empty() {
            let changes = self.wide_changes(ch, None);
            for (t, c) in out.iter_mut().zip(changes) {
                t.columns.extend(c.columns);
                for (r, cr) in t.rows.iter_mut().zip(c.rows) {
                    r.extend(cr);
                }
            }
        }
        out
    }

    /// The values, wide; `level_name` renames the levels (for sheets).
    pub fn wide_values(&self, level_name: Option<&dyn Fn(&str) -> String>) -> Vec<LevelTable> {
        let mut header = Vec::new();
        for c in &self.columns {
            for d in 0..self.dates.len() {
                header.push(format!("{c} {}", self.date_label(d)));
            }
        }
        self.levels
            .iter()
            .map(|ls| {
                let rows = ls
                    .values
                    .iter()
                    .map(|per_date| {
                        let mut row = Vec::with_capacity(header.len());
                        for j in 0..self.columns.len() {
                            for v in per_date {
                                row.push(
                                    v.as_ref().map(|r| r[j].clone()).unwrap_or(Value::Missing),
                                );
                            }
                        }
                        row
                    })
                    .collect();
                LevelTable {
                    level: level_name
                        .map(|f| f(&ls.level))
                        .unwrap_or_else(|| ls.level.clone()),
                    keys: ls.units.iter().map(|u| u.0.clone()).collect(),
                    names: ls.units.iter().map(|u| u.1.clone()).collect(),
                    columns: header.clone(),
                    rows,
                }
            })
            .collect()
    }

    /// The changes, wide: per change column the dates side by side.
    pub fn wide_changes(
        &self,
        ch: &Changes,
        level_name: Option<&dyn Fn(&str) -> String>,
    ) -> Vec<LevelTable> {
        let names = self.change_header(ch);
        let mut header = Vec::new();
        for n in &names {
            for d in 0..self.dates.len() {
                header.push(format!("{n} {}", self.date_label(d)));
            }
        }
        self.levels
            .iter()
            .enumerate()
            .map(|(l, ls)| {
                let rows = (0..ls.units.len())
                    .map(|u| {
                        let per_date: Vec<Vec<Value>> = (0..self.dates.len())
                            .map(|d| {
                                if ls.values[u][d].is_some() {
                                    self.change_values(l, u, d, ch)
                                } else {
                                    vec![Value::Missing; names.len()]
                                }
                            })
                            .collect();
                        let mut row = Vec::with_capacity(header.len());
                        for j in 0..names.len() {
                            for pd in &per_date {
                                row.push(pd[j].clone());
                            }
                        }
                        row
                    })
                    .collect();
                LevelTable {
                    level: level_name
                        .map(|f| f(&ls.level))
                        .unwrap_or_else(|| ls.level.clone()),
                    keys: ls.units.iter().map(|u| u.0.clone()).collect(),
                    names: ls.units.iter().map(|u| u.1.clone()).collect(),
                    columns: header.clone(),
                    rows,
                }
            })
            .collect()
    }
}

// ---- The series' inputs: files, dates, translation, Sozialräume ----

/// A statistics file by its name: CSV, XLSX or text.
fn is_table(p: &Path) -> bool {
    let n = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    [".csv", ".csv.gz", ".xlsx", ".xls", ".txt"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// The files of a folder, sorted.
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| input_error(format!("{}: cannot read the folder: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    Ok(v)
}

/// Statistics files named by the arguments: files, folders (their CSV and
/// XLSX files with a date in the name) and globs. `date_flag` is the
/// caller's flag that dates a file (`--date` of `lor series`), if it has one.
pub fn expand_inputs(
    inputs: &[String],
    date_flag: Option<&str>,
    warnings: &mut Warnings,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for arg in inputs {
        let p = Path::new(arg);
        if p.is_dir() {
            out.extend(dated_files_in(arg, date_flag, warnings)?);
        } else if arg.contains(['*', '?']) && !p.exists() {
            out.extend(glob_files(arg)?);
        } else {
            out.push(p.to_path_buf());
        }
    }
    Ok(out)
}

/// The statistics files of folder `arg` with a date in their name; the
/// others are reported.
fn dated_files_in(
    arg: &str,
    date_flag: Option<&str>,
    warnings: &mut Warnings,
) -> Result<Vec<PathBuf>> {
    let (dated, other): (Vec<PathBuf>, Vec<PathBuf>) = list_dir(Path::new(arg))?
        .into_iter()
        .filter(|f| is_table(f))
        .partition(|f| {
            f.file_name()
                .and_then(|n| Date::in_name(&n.to_string_lossy()))
                .is_some()
        });
    if !other.is_empty() {
        warnings.push(
            crate::error::WarningCode::SkippedFiles,
            format!(
                "{arg}: {} files without a date in their name are not part of the series: {} ({})",
                other.len(),
                examples(
                    &other
                        .iter()
                        .map(|f| f.display().to_string())
                        .collect::<Vec<_>>(),
                    5
                ),
                match date_flag {
                    Some(flag) => format!("give them as files, with {flag} FILE=YYYY-MM"),
                    None => "name them with their date, e.g. EWR202406E_Matrix.csv".to_string(),
                }
            ),
        );
    }
    if dated.is_empty() {
        return Err(input_error(format!(
            "{arg}: no statistics files with a date in their name (e.g. EWR202312E_Matrix.csv)"
        )));
    }
    Ok(dated)
}

/// The files matched by glob `arg` (the pattern only in the file name).
fn glob_files(arg: &str) -> Result<Vec<PathBuf>> {
    let p = Path::new(arg);
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pattern = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(usage_error(format!(
            "'{arg}': a glob may only match file names, not folders"
        )));
    }
    let hits: Vec<PathBuf> = list_dir(dir)?
        .into_iter()
        .filter(|f| {
            f.file_name().is_some_and(|n| {
                crate::aggregation::rules::glob_match(&pattern, &n.to_string_lossy())
            })
        })
        .collect();
    if hits.is_empty() {
        return Err(input_error(format!("'{arg}': no file matches")));
    }
    Ok(hits)
}

/// The same file, by name or by canonical path.
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// Read the files of a series with their dates (`given`: FILE=DATE for
/// files that do not say it), each checked against its own totals, in
/// date order.
pub fn read_dated(
    files: &[PathBuf],
    read: &crate::table::stats::ReadOptions,
    given: &[(PathBuf, Date)],
) -> Result<(Vec<Dated>, Warnings)> {
    for (f, _) in given {
        if !files.iter().any(|p| same_file(p, f)) {
            return Err(usage_error(format!(
                "--date {}: that file is not one of the series' files",
                f.display()
            )));
        }
    }
    let mut warnings = Warnings::default();
    let mut dated = Vec::with_capacity(files.len());
    for path in files {
        let (table, w) = crate::table::stats::read_stats(path, read)?;
        warnings.extend(w);
        warnings.extend(crate::quality::checks::check_totals(&table));
        let g = given
            .iter()
            .find(|(f, _)| same_file(path, f))
            .map(|(_, d)| *d);
        let (date, _, w) = date_of(&table, path, g)?;
        warnings.extend(w);
        dated.push(Dated { date, table });
    }
    let (dated, w) = order(dated)?;
    warnings.extend(w);
    Ok((dated, warnings))
}

/// Coverage against the names (of the series' vintage): the dates in that
/// vintage (every date without one).
pub fn check_coverage(dated: &[Dated], names: &Names, vintage: Option<Vintage>) -> Warnings {
    let mut warnings = Warnings::default();
    for d in dated {
        let own = d.table.vintage().map(|(v, _)| v);
        if vintage.is_none() || own.is_none() || own == vintage {
            warnings.extend(crate::quality::checks::check_coverage(
                &d.table,
                Some(names),
            ));
        }
    }
    warnings
}

/// Whether some date is in another vintage than `vintage`.
pub fn needs_translation(dated: &[Dated], vintage: Option<Vintage>) -> bool {
    vintage.is_some_and(|v| {
        dated
            .iter()
            .any(|d| d.table.vintage().is_some_and(|(tv, _)| tv != v))
    })
}

/// A bundled data file: beside the working folder, else in the source tree.
fn bundled(rel: &str) -> Result<PathBuf> {
    let here = Path::new(rel);
    if here.exists() {
        return Ok(here.to_path_buf());
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if src.exists() {
        return Ok(src);
    }
    Err(input_error(format!(
        "the bundled LOR geometry {rel} is not found: run lor in its project folder, or give --crosswalk FILE or --from/--to polygons"
    )))
}

/// The bundled polygons of the other vintage and of `want` (PLR 2006 →
/// PGR 2021, or PGR 2021 → PGR 2006), with the options of the first.
pub fn bundled_polygons(want: Vintage) -> Result<(PathBuf, PathBuf, LayerOptions)> {
    Ok(match want {
        // Feature 124 of the 2006 PLR file carries the id 06010102 a second
        // time; its area and place are PLR 04030417. Feature 124 is
        // recognised by the built-in catalogue (name and area of 04030417)
        // and corrected, reported.
        Vintage::Lor2021 => (
            bundled("data/berlin/lor-2006/plr.geojson.gz")?,
            bundled("data/berlin/lor-2021/pgr.geojson.gz")?,
            LayerOptions {
                auto_fix: true,
                flag_prefix: "--from-".into(),
                ..LayerOptions::default()
            },
        ),
        Vintage::Lor2006 => (
            bundled("data/berlin/lor-2021/pgr.geojson.gz")?,
            bundled("data/berlin/lor-2006/pgr.geojson.gz")?,
            LayerOptions::default(),
        ),
    })
}

impl Translation {
    /// The translation into `want` through `chain`, whose sources must be
    /// keys of the other vintage; sources whose weights do not add up to 1
    /// are reported (and used as given).
    pub fn new(chain: WeightTable, want: Vintage) -> Result<(Translation, Warnings)> {
        let from = Vintage::detect(chain.sources())
            .map(|(v, _)| v)
            .ok_or_else(|| {
                input_error("the crosswalk's source keys are not LOR keys of 2006 or 2021")
            })?;
        if from == want {
            return Err(usage_error(format!(
                "--vintage {}: the crosswalk's source keys are already {}; give a crosswalk from the other vintage",
                want.label(),
                want.label()
            )));
        }
        let mut warnings = Warnings::default();
        let off = chain.incomplete_sources(1e-6);
        if !off.is_empty() {
            let list: Vec<String> = off.iter().map(|(k, w)| format!("{k} (Σ {w:.4})")).collect();
            warnings.push(
                crate::error::WarningCode::Weights,
                format!(
                    "the weights of {} units of the crosswalk do not add up to 1 (used as given): {}",
                    off.len(),
                    examples(&list, 5)
                ),
            );
        }
        Ok((Translation { from, chain }, warnings))
    }
}

/// Where the Sozialräume of a series come from.
pub enum SozialraumInput<'a> {
    /// A CSV/XLSX list "PLR (or BZR) → Sozialraum".
    List(&'a Path),
    /// Polygons, with how PLR go to them and the PLR polygons (if given).
    Polygons(&'a Path, crate::mapping::weights::Assign, Option<&'a Path>),
}

/// The PLR → Sozialraum assignment for the units of the series' vintage (the
/// keys of its latest date in that vintage), the same for every date.
pub fn sozialraum_weights(
    dated: &[Dated],
    vintage: Option<Vintage>,
    input: SozialraumInput,
) -> Result<(SozialraumWeights, Warnings)> {
    use crate::mapping::sozialraum;
    let base = dated
        .iter()
        .rev()
        .find(|d| match vintage {
            Some(v) => d.table.vintage().is_none_or(|(tv, _)| tv == v),
            None => true,
        })
        .ok_or_else(|| {
            usage_error("--sozialraum: no date of the series is in the vintage of the series to assign its PLR")
        })?;
    let mut warnings = Warnings::default();
    let (source, how, units) = sozialraum_source(input, &mut warnings)?;
    let tolerance = crate::spatial::overlay::Tolerance::default();
    let (a, w) = sozialraum::assign(&base.table, units.as_ref(), &source, how, &tolerance)?;
    warnings.extend(w);
    let people = base
        .table
        .column("E_E")
        .or_else(|| base.table.column("inhabitants"))
        .map(|c| c.name.as_str());
    warnings.extend(sozialraum::report_unassigned(&base.table, &a, people));
    let weights = SozialraumWeights {
        weights: a.weights,
        names: a.names,
    };
    Ok((weights, warnings))
}

/// Read the Sozialräume (and the PLR polygons for polygons).
fn sozialraum_source(
    input: SozialraumInput,
    warnings: &mut Warnings,
) -> Result<(
    crate::mapping::sozialraum::Source,
    crate::mapping::weights::Assign,
    Option<crate::spatial::geometry::Layer>,
)> {
    use crate::spatial::geometry::read_layer;
    match input {
        SozialraumInput::List(path) => {
            let (l, w) =
                crate::mapping::weights::read_list(path, crate::mapping::sozialraum::LEVEL)?;
            warnings.extend(w);
            let source = crate::mapping::sozialraum::Source::List(l);
            Ok((source, crate::mapping::weights::Assign::Largest, None))
        }
        SozialraumInput::Polygons(path, how, units) => {
            let (layer, w) = read_layer(path, &LayerOptions::default())?;
            warnings.extend(w);
            let units = match units {
                Some(u) => {
                    let u_opts = LayerOptions::default();
                    let (ul, w) = read_layer(u, &u_opts)?;
                    warnings.extend(w);
                    let sr = (&layer, &LayerOptions::default());
                    crate::quality::mismatch::check_overlap((&ul, &u_opts), sr)?;
                    Some(ul)
                }
                None => None,
            };
            Ok((
                crate::mapping::sozialraum::Source::Polygons(layer),
                how,
                units,
            ))
        }
    }
}

/// How the tables of a series are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One row per unit and date (with the column `translated_from` when
    /// the series has one vintage).
    Long { with_translated: bool },
    /// The dates side by side.
    Wide,
    /// Wide, with the changes in sheets of their own (XLSX).
    Sheets,
}

impl Series {
    /// The tables of the series in `shape`.
    pub fn tables(&self, changes: &Changes, shape: Shape) -> Vec<LevelTable> {
        match shape {
            Shape::Sheets => {
                // Sheet names as the value sheets have them: PGR, Bezirk, …
                let mut t = self.wide_values(None);
                if !changes.against.is_empty() {
                    let named = |l: &str| format!("{} – Veränderung", crate::text::sheet_name(l));
                    t.extend(self.wide_changes(changes, Some(&named)));
                }
                t
            }
            Shape::Wide => self.wide(changes),
            Shape::Long { with_translated } => self.long(changes, with_translated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::stats::{read_stats_bytes, ReadOptions};

    #[test]
    fn dates_from_values_and_names() {
        let d = |y, m| Some(Date { year: y, month: m });
        assert_eq!(Date::parse("201812"), d(2018, 12));
        assert_eq!(Date::parse("2020-12"), d(2020, 12));
        assert_eq!(Date::parse("31.12.2020"), d(2020, 12));
        assert_eq!(Date::parse("06/2023"), d(2023, 6));
        assert_eq!(Date::parse("201813"), None);
        assert_eq!(Date::in_name("EWR201812E_Matrix.csv"), d(2018, 12));
        assert_eq!(Date::in_name("population-2020-12"), d(2020, 12));
        assert_eq!(Date::in_name("bestand_2023_06.xlsx"), d(2023, 6));
        assert_eq!(Date::in_name("t1-planning-areas.csv"), None);
        assert_eq!(Date::in_name("plr2006-pgr2021.csv"), None);
        assert_eq!(d(2024, 6).unwrap().year_before(), d(2023, 6).unwrap());
    }

    fn table(name: &str, text: &str) -> StatTable {
        read_stats_bytes(name, text.as_bytes(), &ReadOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn a_row_missing_at_one_date_is_named() {
        let d = |date, text: &str| Dated {
            date,
            table: table("x.csv", text),
        };
        let (a, b) = (Date::new(2024, 6).unwrap(), Date::new(2024, 12).unwrap());
        let dated = [
            d(a, "RAUMID;E_E\n13100101;6030\n13100102;100\n"),
            d(b, "RAUMID;E_E\n13100101;6030\n13100102;100\n13100103;7\n"),
        ];
        let w = rows_missing_at_dates(&dated);
        let texts: Vec<String> = w.iter().map(|w| w.message.clone()).collect();
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(
            texts[0].contains("(2024-06): no row for 1 Planungsraum of the other dates")
                && texts[0].ends_with(": 13100103"),
            "{}",
            texts[0]
        );
        // The same keys at every date: nothing to say.
        assert!(rows_missing_at_dates(&dated[..1]).is_empty());
    }

    #[test]
    fn date_of_prefers_zeit_and_warns_on_disagreement() {
        let t = table(
            "a.csv",
            "ZEIT;RAUMID;E_E\n202306;13101101;5\n202306;13101102;7\n",
        );
        let (d, s, w) = date_of(&t, Path::new("x/EWR202312E_Matrix.csv"), None).unwrap();
        assert_eq!(
            (d.to_string(), s),
            ("2023-06".to_string(), DateSource::Zeit)
        );
        assert!(w.has("date"));
        let t = table("b.csv", "RAUMID;E_E\n13101101;5\n");
        let (d, s, _) = date_of(&t, Path::new("population-2020-12/t1.csv"), None).unwrap();
        assert_eq!(
            (d.to_string(), s),
            ("2020-12".to_string(), DateSource::Folder)
        );
        assert!(date_of(&t, Path::new("t1.csv"), None).is_err());
        let given = Date::new(2019, 6);
        let (d, s, _) = date_of(&t, Path::new("t1.csv"), given).unwrap();
        assert_eq!(
            (d.to_string(), s),
            ("2019-06".to_string(), DateSource::Given)
        );
    }

    #[test]
    fn zeit_has_one_date_or_none() {
        let t = table(
            "a.csv",
            "ZEIT;RAUMID;E_E\n201812;13101101;5\n 201812 ;13101102;7\n",
        );
        assert_eq!(zeit_date(&t).unwrap(), Date::new(2018, 12));
        let t = table("b.csv", "RAUMID;E_E\n13101101;5\n");
        assert_eq!(zeit_date(&t).unwrap(), None);
        let t = table(
            "c.csv",
            "ZEIT;RAUMID;E_E\n201812;13101101;5\n201912;13101102;7\n",
        );
        assert_eq!(
            zeit_date(&t).unwrap_err().to_string(),
            "c.csv: column ZEIT has 2 different dates (201812, 201912); a series takes one file per date"
        );
        let t = table("d.csv", "ZEIT;RAUMID;E_E\nQ4;13101101;5\n");
        assert_eq!(
            zeit_date(&t).unwrap_err().to_string(),
            "d.csv: column ZEIT: 'Q4' is not a date such as 201812"
        );
    }

    #[test]
    fn order_sorts_and_refuses_duplicates() {
        let mk = |y, m, n: &str| Dated {
            date: Date::new(y, m).unwrap(),
            table: table(n, "RAUMID;E_E\n13101101;5\n"),
        };
        let (v, w) = order(vec![mk(2024, 6, "b"), mk(2023, 12, "a")]).unwrap();
        assert_eq!(v[0].date.to_string(), "2023-12");
        assert!(w.has("date"));
        let e = order(vec![mk(2024, 6, "b"), mk(2024, 6, "a")]).unwrap_err();
        assert!(e.to_string().contains("both of 2024-06"), "{e}");
    }

    /// Dated tables from (year, month, CSV text).
    fn dated(files: &[(i32, u32, &str)]) -> Vec<Dated> {
        files
            .iter()
            .map(|(y, m, t)| Dated {
                date: Date::new(*y, *m).unwrap(),
                table: table(&format!("{y}-{m}"), t),
            })
            .collect()
    }

    /// A plan to the BZR with these rules.
    fn bzr_plan(rules: RuleFlags) -> Plan<'static> {
        Plan {
            rules,
            missing: MissingPolicy::Propagate,
            levels: vec![Level::Bzr],
            names: None,
            vintage: None,
            translation: None,
            sozialraum: None,
        }
    }

    #[test]
    fn changes_counts_relative_shares_in_points_and_missing_columns_empty() {
        // Two PLR in one BZR, three dates; the last file has no column X.
        let files = [
            (
                2023,
                6,
                "RAUMID;E_E;X;Q\n13101101;100;40;10\n13101102;300;160;20\n",
            ),
            (
                2023,
                12,
                "RAUMID;E_E;X;Q\n13101101;110;50;10\n13101102;290;150;30\n",
            ),
            (2024, 6, "RAUMID;E_E;Q\n13101101;120;20\n13101102;330;20\n"),
        ];
        let dated = dated(&files);
        let plan = bzr_plan(RuleFlags {
            weighted: vec!["Q=E_E".into()],
            ..Default::default()
        });
        let (s, w) = build(&dated, &plan).unwrap();
        assert!(w.has("columns"), "{w:?}");
        assert_eq!(s.columns, ["E_E", "X", "Q"]);
        assert_eq!(s.kinds, [Kind::Count, Kind::Count, Kind::Share]);
        let ch = Changes {
            against: vec![Against::Previous, Against::Year],
            columns: change_columns(&s, &["E_E".into(), "Q".into()]).unwrap(),
        };
        let t = &s.long(&ch, false)[0];
        assert_eq!(
            t.columns,
            [
                "date",
                "E_E",
                "X",
                "Q",
                "E_E change previous",
                "E_E change previous %",
                "E_E change year",
                "E_E change year %",
                "Q change previous pp",
                "Q change year pp"
            ]
        );
        assert_eq!(t.keys, ["131011", "131011", "131011"]);
        let n = |r: usize, c: &str| t.rows[r][t.column_index(c).unwrap()].num();
        // 400 → 400 → 450; Q = (10·100+20·300)/400 = 17.5, (1100+8700)/400 = 24.5,
        // (2400+6600)/450 = 20.
        assert_eq!(n(0, "E_E"), Some(400.0));
        assert_eq!(n(1, "Q"), Some(24.5));
        assert_eq!(n(2, "X"), None);
        assert_eq!(n(0, "E_E change previous"), None);
        assert_eq!(n(2, "E_E change previous"), Some(50.0));
        assert_eq!(n(2, "E_E change previous %"), Some(12.5));
        assert_eq!(n(2, "E_E change year"), Some(50.0));
        assert_eq!(n(1, "E_E change year"), None);
        assert_eq!(n(1, "Q change previous pp"), Some(7.0));
        assert_eq!(n(2, "Q change year pp"), Some(2.5));
        let wide = &s.wide(&ch)[0];
        assert_eq!(wide.keys, ["131011"]);
        assert_eq!(wide.columns[0], "E_E 2023-06");
        assert_eq!(wide.num("131011", "E_E 2024-06"), Some(450.0));
        assert_eq!(wide.num("131011", "E_E change year 2024-06"), Some(50.0));
    }

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
    fn translations_need_a_crosswalk_from_the_other_vintage() {
        // 2021 keys (PLR 13100101) in a series in LOR 2006.
        let dated = dated(&[(2024, 6, "RAUMID;E_E\n13100101;5\n")]);
        let mut plan = bzr_plan(RuleFlags::default());
        assert_eq!(translations(&dated, &plan).unwrap(), [None]);
        plan.vintage = Some(Vintage::Lor2006);
        let e = translations(&dated, &plan).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2024-6 (2024-06) has LOR 2021 keys and the series is in LOR 2006: give a crosswalk LOR 2021 → LOR 2006"
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
        let ch = Changes {
            against: vec![],
            columns: vec![],
        };
        let t = &s.long(&ch, false)[0];
        let n = |r: usize, c: &str| t.rows[r][t.column_index(c).unwrap()].num();
        assert_eq!(n(0, "AB"), Some(100.0));
        assert_eq!(n(1, "AB"), Some(100.0));
        // 30 / 100 and 40 / 100 of the summed parts, not a sum of shares.
        assert_eq!(n(0, "R"), Some(30.0));
        assert_eq!(n(1, "R"), Some(40.0));
    }

    /// A fresh folder under the system's temporary folder.
    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("lor-series-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn inputs_from_folders_globs_and_files() {
        let d = scratch("inputs");
        for f in [
            "EWR201812E_Matrix.csv",
            "bestand-2020-12.csv",
            "notes.csv",
            "readme.md",
        ] {
            std::fs::write(d.join(f), "RAUMID;E_E\n04030417;5\n").unwrap();
        }
        let mut w = Warnings::default();
        let dir = d.display().to_string();
        let files = expand_inputs(std::slice::from_ref(&dir), Some("--date"), &mut w).unwrap();
        assert_eq!(
            files,
            vec![
                d.join("EWR201812E_Matrix.csv"),
                d.join("bestand-2020-12.csv")
            ]
        );
        assert!(w.has("skipped-files"), "{w:?}");
        assert!(w
            .iter()
            .any(|x| x.message.contains("1 files without a date")));
        let glob = format!("{dir}/EWR*.csv");
        let files = expand_inputs(&[glob, "x.csv".into()], None, &mut Warnings::default()).unwrap();
        assert_eq!(
            files,
            vec![d.join("EWR201812E_Matrix.csv"), PathBuf::from("x.csv")]
        );
        let e = expand_inputs(&[format!("{dir}/*.xlsx")], None, &mut w).unwrap_err();
        assert!(e.to_string().ends_with("': no file matches"), "{e}");
        let e = expand_inputs(&[format!("{dir}/*/x.csv")], None, &mut w).unwrap_err();
        assert!(e.to_string().contains("not folders"), "{e}");
        // Dates given for files of the series, in date order.
        let undated = d.join("notes.csv");
        let given = [(undated.clone(), Date::new(2019, 6).unwrap())];
        let files = [d.join("bestand-2020-12.csv"), undated];
        let (v, _) = read_dated(&files, &Default::default(), &given).unwrap();
        let dates: Vec<String> = v.iter().map(|x| x.date.to_string()).collect();
        assert_eq!(dates, vec!["2019-06", "2020-12"]);
        let other = [(d.join("readme.md"), Date::new(2019, 6).unwrap())];
        let e = read_dated(&files, &Default::default(), &other).unwrap_err();
        assert!(
            e.to_string().contains("is not one of the series' files"),
            "{e}"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn translation_needs_the_other_vintage_and_reports_weights() {
        let w = |s: &str, t: &str, x: f64| Weight {
            source: s.into(),
            target: t.into(),
            weight: x,
        };
        // 2006 PLR → 2021 PLR; 04030418 goes only 0.9 anywhere.
        let chain = WeightTable::new(
            "plr",
            vec![
                w("04030417", "04100101", 1.0),
                w("04030418", "04100101", 0.5),
                w("04030418", "04100102", 0.4),
            ],
        );
        let (t, warnings) = Translation::new(chain.clone(), Vintage::Lor2021).unwrap();
        assert_eq!(t.from, Vintage::Lor2006);
        assert!(warnings.iter().any(|x| x.message
            == "the weights of 1 units of the crosswalk do not add up to 1 (used as given): 04030418 (Σ 0.9000)"));
        let e = Translation::new(chain, Vintage::Lor2006).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "--vintage LOR 2006: the crosswalk's source keys are already LOR 2006"
            ),
            "{e}"
        );
        let d = dated(&[(2020, 12, "RAUMID;E_E\n04030417;5\n")]);
        assert!(needs_translation(&d, Some(Vintage::Lor2021)));
        assert!(!needs_translation(&d, Some(Vintage::Lor2006)));
        assert!(!needs_translation(&d, None));
    }

    #[test]
    fn tables_by_shape() {
        let d = dated(&[
            (2023, 6, "RAUMID;E_E\n13101101;100\n13101102;300\n"),
            (2023, 12, "RAUMID;E_E\n13101101;110\n13101102;330\n"),
        ]);
        let (s, _) = build(&d, &bzr_plan(RuleFlags::default())).unwrap();
        let changes = Changes {
            against: vec![Against::Previous],
            columns: change_columns(&s, &[]).unwrap(),
        };
        let long = s.tables(
            &changes,
            Shape::Long {
                with_translated: false,
            },
        );
        assert_eq!(long.len(), 1);
        assert_eq!(long[0].keys.len(), 2, "one row per BZR and date");
        let wide = s.tables(&changes, Shape::Wide);
        assert_eq!(wide[0].keys.len(), 1, "one row per BZR");
        let sheets = s.tables(&changes, Shape::Sheets);
        assert_eq!(sheets.len(), 2, "values and changes");
        assert!(
            sheets[1].level.ends_with(" – Veränderung"),
            "{}",
            sheets[1].level
        );
    }
}
