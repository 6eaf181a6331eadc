//! Aggregation rules: how each column of a statistics table is aggregated.
//!
//! Counts are summed. Shares and rates are never summed: they are weighted
//! means (weighted by a count column) or ratios recomputed from two count
//! columns. Labels (`ZEIT`, `STADTRAUM`, the redundant key parts) are carried
//! where constant. A column that looks like a share and has no rule stops the
//! run with the flag to use.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::table::columns::{count_like_name, label_name, share_like_name};
use crate::table::stats::{Cell, ColumnType, StatTable};

#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Σ weight × value.
    Sum,
    /// Σ w·a·x / Σ w·a, with `a` the named weight column.
    Mean {
        weight: String,
    },
    /// Σ w·num / Σ w·den × factor.
    Ratio {
        numerator: String,
        denominator: String,
        factor: f64,
    },
    Min,
    Max,
    /// The value if all members agree, else empty. Never summed.
    Label,
    /// Not in the output.
    Drop,
}

impl Rule {
    pub fn describe(&self) -> String {
        match self {
            Rule::Sum => "sum".into(),
            Rule::Mean { weight } => format!("mean weighted by '{weight}'"),
            Rule::Ratio {
                numerator,
                denominator,
                factor,
            } => {
                if *factor == 1.0 {
                    format!("ratio {numerator}/{denominator}")
                } else {
                    format!("ratio {numerator}/{denominator}×{factor}")
                }
            }
            Rule::Min => "min".into(),
            Rule::Max => "max".into(),
            Rule::Label => "label (kept where constant)".into(),
            Rule::Drop => "dropped".into(),
        }
    }
}

/// Why a column got its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Named in a flag or job file.
    Explicit,
    /// A numeric column with counts.
    Count,
    /// Text, a time stamp, or a redundant part of the key.
    Label,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRule {
    pub column: String,
    pub rule: Rule,
    pub origin: Origin,
}

/// Rules as given on the command line, before they are checked against a
/// table. Each entry is one flag value.
#[derive(Debug, Clone, Default)]
pub struct RuleFlags {
    /// `COL[,COL…]`: sum these even if they look like shares.
    pub sum: Vec<String>,
    /// `PATTERN[,PATTERN…]=WEIGHT`: weighted mean.
    pub weighted: Vec<String>,
    /// `COL=NUMERATOR/DENOMINATOR[*FACTOR]`: recomputed ratio; a `COL` that
    /// is not in the table is added as a new column.
    pub ratio: Vec<String>,
    pub min: Vec<String>,
    pub max: Vec<String>,
    /// Carry as a label (kept where constant).
    pub carry: Vec<String>,
    pub drop: Vec<String>,
    /// `NAME=EXPR`: a new column computed per row (see [`crate::aggregation::expr`]),
    /// then aggregated by its own rule like any column.
    pub add: Vec<String>,
}

/// Glob match with `*` (any run of characters) and `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty())
}

/// Columns of `table` matched by a name or glob. A plain name also matches
/// case-insensitively. No match is a usage error naming the flag.
fn resolve<'a>(table: &'a StatTable, pattern: &str, flag: &str) -> Result<Vec<&'a str>> {
    let names = table.columns.iter().map(|c| c.name.as_str());
    let found: Vec<&str> = if pattern.contains(['*', '?']) {
        names.filter(|n| glob_match(pattern, n)).collect()
    } else {
        let exact: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| *n == pattern)
            .collect();
        if exact.is_empty() {
            names.filter(|n| n.eq_ignore_ascii_case(pattern)).collect()
        } else {
            exact
        }
    };
    if found.is_empty() {
        let all: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let hint = if pattern == table.key_column {
            " (it is the key column)".to_string()
        } else {
            String::new()
        };
        return Err(usage_error(format!(
            "{flag} '{pattern}': no such column in {}{hint}. Columns: {}",
            table.source,
            examples(&all, 60)
        )));
    }
    Ok(found)
}

fn numeric_column<'a>(table: &'a StatTable, name: &str, flag: &str) -> Result<&'a str> {
    let cols = resolve(table, name, flag)?;
    if cols.len() != 1 {
        return Err(usage_error(format!(
            "{flag}: '{name}' must name exactly one column, it matches {}",
            cols.join(", ")
        )));
    }
    let c = table.column(cols[0]).expect("resolved");
    if c.kind != ColumnType::Numeric {
        return Err(usage_error(format!(
            "{flag}: column '{}' holds text, not numbers",
            c.name
        )));
    }
    Ok(cols[0])
}

/// Does the name say the column holds (a part of) a LOR key?
fn key_part_name(name: &str) -> bool {
    let l = name.trim().to_lowercase();
    matches!(l.as_str(), "bez" | "pgr" | "bzr" | "plr" | "raumid")
        || l.ends_with("_id")
        || l.ends_with("(nummer)")
}

/// Drop the label columns that hold parts of the source units' keys (`BEZ`,
/// `PGR`, `BZR`, `PLR`, `forecast_area_id`, …): in target units of another
/// unit system (a crosswalk to LOR 2021, Sozialräume) they would carry the
/// source vintage's numbers into units they do not describe. Returns the
/// columns dropped.
pub fn drop_key_parts(table: &StatTable, rules: &mut [ColumnRule]) -> Vec<String> {
    let mut dropped = Vec::new();
    for r in rules.iter_mut() {
        if r.rule != Rule::Label {
            continue;
        }
        let Some(i) = table.column_index(&r.column) else {
            continue;
        };
        if key_part_name(&r.column) || is_key_part(table, i) {
            r.rule = Rule::Drop;
            dropped.push(r.column.clone());
        }
    }
    dropped
}

/// Is every value of the column a part of the row's key (the `BEZ`, `PGR`,
/// `BZR`, `PLR` columns of the statistics office's file)?
fn is_key_part(table: &StatTable, col: usize) -> bool {
    let c = &table.columns[col];
    if c.kind != ColumnType::Numeric || table.is_empty() {
        return false;
    }
    let spans = [(0, 2), (2, 4), (4, 6), (6, 8), (0, 4), (0, 6), (0, 8)];
    spans.iter().any(|&(a, b)| {
        let mut any = false;
        let all = table.keys.iter().zip(&c.cells).all(|(k, cell)| {
            if b > k.len() {
                return false;
            }
            match cell.num() {
                Some(v) => {
                    any = true;
                    k[a..b].parse::<f64>().ok() == Some(v)
                }
                None => true,
            }
        });
        all && any
    })
}

/// Non-integer values, all between 0 and 100: most likely a share in %.
pub fn share_like_values(table: &StatTable, col: usize) -> bool {
    let c = &table.columns[col];
    let mut fractional = false;
    for v in c.values().flatten() {
        if !(0.0..=100.0).contains(&v) {
            return false;
        }
        if v.fract() != 0.0 {
            fractional = true;
        }
    }
    fractional
}

/// Is every value of column `col` 100 (or 0 or 100, most of them 100)?
/// That is a share (100 % of the unit) whatever the column's name says:
/// open-data tables have `inhabitants` = 100.0 in every row of their
/// percentage tables. At least three rows, so that a small table of counts
/// is not taken for one.
pub fn hundred_values(table: &StatTable, col: usize) -> bool {
    let (mut hundreds, mut zeros) = (0usize, 0usize);
    for v in table.columns[col].values().flatten() {
        match v {
            100.0 => hundreds += 1,
            0.0 => zeros += 1,
            _ => return false,
        }
    }
    hundreds >= 3 && hundreds > zeros
}

/// Parse `A/B`, `A/B*100` or `A/B %` into (numerator, denominator, factor).
fn parse_ratio(spec: &str) -> Option<(String, String, f64)> {
    let (body, factor) = if let Some(b) = spec.trim().strip_suffix('%') {
        (b.trim(), 100.0)
    } else if let Some((b, f)) = spec.rsplit_once('*') {
        (b.trim(), f.trim().parse::<f64>().ok()?)
    } else {
        (spec.trim(), 1.0)
    };
    let (n, d) = body.split_once('/')?;
    let (n, d) = (n.trim(), d.trim());
    (!n.is_empty() && !d.is_empty()).then(|| (n.to_string(), d.to_string(), factor))
}

/// The hidden column that holds the numerator or denominator expression of
/// the ratio `name` (computed by [`plan_table`], dropped from the output).
pub fn ratio_helper(name: &str, part: &str) -> String {
    format!("{name} [{part}]")
}

fn ratio_helpers(flags: &RuleFlags) -> Vec<String> {
    flags
        .ratio
        .iter()
        .filter_map(|v| v.split_once('='))
        .flat_map(|(c, _)| {
            let c = c.trim();
            [ratio_helper(c, "numerator"), ratio_helper(c, "denominator")]
        })
        .collect()
}

/// `COL=NUM/DEN[*F]` of `--ratio` → (column, numerator column, denominator
/// column, factor). Plain column names (which may contain spaces) are read
/// as before; anything else is an expression (see [`crate::aggregation::expr`]) whose
/// numerator and denominator, when not a single column, are the helper
/// columns added by [`plan_table`].
fn resolve_ratio(table: &StatTable, v: &str) -> Result<(String, String, String, f64)> {
    if let Some((col, spec)) = v.split_once('=') {
        if let Some((n, d, factor)) = parse_ratio(spec) {
            if let (Ok(n), Ok(d)) = (
                numeric_column(table, &n, "--ratio"),
                numeric_column(table, &d, "--ratio"),
            ) {
                return Ok((col.trim().to_string(), n.to_string(), d.to_string(), factor));
            }
        }
    }
    let r = crate::aggregation::expr::parse_ratio("--ratio", v, table)?;
    let side = |e: &crate::aggregation::expr::Expr, part: &str| -> Result<String> {
        match e.as_column() {
            Some(c) => Ok(c.to_string()),
            None => {
                let h = ratio_helper(&r.name, part);
                if table.column(&h).is_none() {
                    return Err(usage_error(format!(
                        "--ratio '{v}': the {part} is an expression; it is computed when the rules are planned with the table (plan_table)"
                    )));
                }
                Ok(h)
            }
        }
    };
    Ok((
        r.name.clone(),
        side(&r.numerator, "numerator")?,
        side(&r.denominator, "denominator")?,
        r.factor,
    ))
}

/// Compute the derived columns (`--add`, and the numerators and
/// denominators of `--ratio` expressions) into `table`, then decide the
/// rule of every column as [`plan_rules`] does.
///
/// A derived column that divides is a ratio, not a count: without a rule
/// (`--weighted`, `--ratio`, `--sum`…) it is an error, never summed.
pub fn plan_table(
    table: &mut StatTable,
    flags: &RuleFlags,
    missing: crate::aggregation::aggregate::MissingPolicy,
) -> Result<(Vec<ColumnRule>, Warnings)> {
    let mut warnings = Warnings::default();
    let mut dividing: Vec<(String, String)> = Vec::new();
    for v in &flags.add {
        let (name, e) = crate::aggregation::expr::parse("--add", v, table)?;
        warnings.extend(crate::aggregation::expr::add_column(
            table, &name, &e, missing, "--add",
        )?);
        if e.divides() {
            dividing.push((name, v.clone()));
        }
    }
    for v in &flags.ratio {
        let simple = v
            .split_once('=')
            .and_then(|(_, s)| parse_ratio(s))
            .is_some_and(|(n, d, _)| {
                numeric_column(table, &n, "--ratio").is_ok()
                    && numeric_column(table, &d, "--ratio").is_ok()
            });
        if simple {
            continue;
        }
        let r = crate::aggregation::expr::parse_ratio("--ratio", v, table)?;
        for (e, part) in [(&r.numerator, "numerator"), (&r.denominator, "denominator")] {
            let h = ratio_helper(&r.name, part);
            if e.as_column().is_none() && table.column(&h).is_none() {
                warnings.extend(crate::aggregation::expr::add_column(
                    table, &h, e, missing, "--ratio",
                )?);
            }
        }
    }
    let (rules, w) = plan_rules(table, flags)?;
    warnings.extend(w);
    for (name, v) in dividing {
        if rules
            .iter()
            .any(|r| r.column == name && r.origin == Origin::Count)
        {
            return Err(usage_error(format!(
                "--add '{v}': the expression divides, so '{name}' is a ratio and must not be summed. \
                 Recompute it from sums with --ratio '{v}' instead, or give it a rule, e.g. --weighted '{name}=COUNT_COLUMN'; \
                 if it really is a count, say --sum '{name}'"
            )));
        }
    }
    Ok((rules, warnings))
}

/// Decide the rule of every column of `table`.
///
/// Explicit flags win; then labels; then counts. A column that looks like a
/// share or rate but has no rule is an error that names the columns and the
/// flag to use.
pub fn plan_rules(table: &StatTable, flags: &RuleFlags) -> Result<(Vec<ColumnRule>, Warnings)> {
    let mut warnings = Warnings::default();
    let mut explicit = Explicit {
        table,
        rules: BTreeMap::new(),
    };
    explicit.simple(flags)?;
    explicit.weighted(flags)?;
    let derived = explicit.ratios(flags)?;
    let mut rules = column_rules(table, flags, &explicit.rules, &mut warnings)?;
    rules.extend(derived);
    warn_share_weights(&rules, &mut warnings);
    Ok((rules, warnings))
}

/// The rules the flags give, by column, with the flag that gave each.
struct Explicit<'t> {
    table: &'t StatTable,
    rules: BTreeMap<&'t str, (Rule, String)>,
}

impl<'t> Explicit<'t> {
    /// Give `col` a rule; two different rules for one column are an error.
    fn set(&mut self, col: &str, rule: Rule, flag: String) -> Result<()> {
        if let Some((prev, prev_flag)) = self.rules.get(col) {
            if *prev != rule {
                return Err(usage_error(format!(
                    "column '{col}' has two rules: {prev_flag} and {flag}"
                )));
            }
        }
        // The key borrows the column name from the table.
        let key: &'t str = self
            .table
            .columns
            .iter()
            .find(|c| c.name == col)
            .map(|c| c.name.as_str())
            .expect("resolved column");
        self.rules.insert(key, (rule, flag));
        Ok(())
    }

    /// `--sum`, `--min`, `--max`, `--carry`, `--drop`.
    fn simple(&mut self, flags: &RuleFlags) -> Result<()> {
        let simple: [(&Vec<String>, Rule, &str); 5] = [
            (&flags.sum, Rule::Sum, "--sum"),
            (&flags.min, Rule::Min, "--min"),
            (&flags.max, Rule::Max, "--max"),
            (&flags.carry, Rule::Label, "--carry"),
            (&flags.drop, Rule::Drop, "--drop"),
        ];
        for (values, rule, flag) in simple {
            for v in values {
                for pat in split_list(v) {
                    for col in resolve(self.table, pat, flag)? {
                        if rule != Rule::Drop
                            && rule != Rule::Label
                            && self.table.column(col).map(|c| c.kind) == Some(ColumnType::Text)
                        {
                            return Err(usage_error(format!(
                                "{flag} '{pat}': column '{col}' holds text, not numbers"
                            )));
                        }
                        self.set(col, rule.clone(), format!("{flag} '{pat}'"))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// `--weighted COLS=WEIGHT`: means weighted by a count column.
    fn weighted(&mut self, flags: &RuleFlags) -> Result<()> {
        for v in &flags.weighted {
            let (pats, weight) = v.rsplit_once('=').ok_or_else(|| {
                usage_error(format!(
                    "--weighted '{v}': write COLUMNS=WEIGHT, e.g. --weighted 'K01=EW 31.12.2020' or '*_percentage=inhabitants'"
                ))
            })?;
            let weight = numeric_column(self.table, weight.trim(), "--weighted")?.to_string();
            for pat in split_list(pats) {
                for col in resolve(self.table, pat, "--weighted")? {
                    if col == weight {
                        continue; // `*=E_E` must not make E_E a mean of itself
                    }
                    if let Some(c) = self
                        .table
                        .column(col)
                        .filter(|c| c.kind == ColumnType::Text)
                    {
                        if !pat.contains('*') {
                            let at = c.cells.iter().position(|x| matches!(x, Cell::Text(_)));
                            return Err(input_error(match at {
                                Some(i) => format!(
                                    "{}, {} {}, column '{col}': {} (--weighted names this column, so it must hold numbers)",
                                    self.table.source,
                                    self.table.line_word,
                                    self.table.lines[i],
                                    crate::table::stats::numbers::number_problem(&c.raw[i], self.table.dialect.decimal_comma)
                                ),
                                None => format!("--weighted '{v}': column '{col}' holds text, not numbers"),
                            }));
                        }
                    }
                    self.set(
                        col,
                        Rule::Mean {
                            weight: weight.clone(),
                        },
                        format!("--weighted '{v}'"),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// `--ratio COL=NUM/DEN`: shares recomputed from counts; a column the
    /// table does not have is a new (derived) column, returned.
    fn ratios(&mut self, flags: &RuleFlags) -> Result<Vec<ColumnRule>> {
        let mut derived: Vec<ColumnRule> = Vec::new();
        for v in &flags.ratio {
            let (col, numerator, denominator, factor) = resolve_ratio(self.table, v)?;
            let col = col.trim();
            let rule = Rule::Ratio {
                numerator: numerator.clone(),
                denominator: denominator.clone(),
                factor,
            };
            if self.table.column(col).is_none() && !col.contains(['*', '?']) && !col.is_empty() {
                // A new column, computed from two counts.
                if derived.iter().any(|d: &ColumnRule| d.column == col) {
                    return Err(usage_error(format!(
                        "--ratio: column '{col}' is defined twice"
                    )));
                }
                derived.push(ColumnRule {
                    column: col.to_string(),
                    rule,
                    origin: Origin::Explicit,
                });
                continue;
            }
            for c in resolve(self.table, col, "--ratio")? {
                self.set(
                    c,
                    Rule::Ratio {
                        numerator: numerator.clone(),
                        denominator: denominator.clone(),
                        factor,
                    },
                    format!("--ratio '{v}'"),
                )?;
            }
        }
        Ok(derived)
    }
}

/// The rule of every column of the table: explicit, else a label, else a
/// count; a column that looks like a share without a rule is an error that
/// says how to give one.
fn column_rules(
    table: &StatTable,
    flags: &RuleFlags,
    explicit: &BTreeMap<&str, (Rule, String)>,
    warnings: &mut Warnings,
) -> Result<Vec<ColumnRule>> {
    let mut rules = Vec::with_capacity(table.columns.len());
    let mut unruled_shares: Vec<&str> = Vec::new();
    let mut proven: Vec<String> = Vec::new();
    let helpers = ratio_helpers(flags);
    for (i, c) in table.columns.iter().enumerate() {
        if helpers.contains(&c.name) {
            rules.push(ColumnRule {
                column: c.name.clone(),
                rule: Rule::Drop,
                origin: Origin::Explicit,
            });
            continue;
        }
        if let Some((rule, flag)) = explicit.get(c.name.as_str()) {
            if *rule == Rule::Sum && share_like_name(&c.name) {
                warnings.push(
                crate::error::WarningCode::SummedShare,
                    format!(
                        "column '{}' looks like a share or rate but is summed ({flag}); the sums are only meaningful if it holds counts",
                        c.name
                    ),
                );
            }
            rules.push(ColumnRule {
                column: c.name.clone(),
                rule: rule.clone(),
                origin: Origin::Explicit,
            });
            continue;
        }
        let Some((rule, origin)) = default_rule(table, i) else {
            if let Some(rule) = proven_share(table, i) {
                proven.push(format!("{} = {}", c.name, proven_formula(&rule)));
                rules.push(ColumnRule {
                    column: c.name.clone(),
                    rule,
                    origin: Origin::Count,
                });
                continue;
            }
            unruled_shares.push(&c.name);
            continue;
        };
        rules.push(ColumnRule {
            column: c.name.clone(),
            rule,
            origin,
        });
    }
    if !proven.is_empty() {
        warnings.push(
            crate::error::WarningCode::ProvenShare,
            format!(
                "{}: {} share column{} {} that share of the counts in every row, so {} recomputed from the aggregated counts: {}",
                table.source,
                proven.len(),
                if proven.len() == 1 { "" } else { "s" },
                if proven.len() == 1 { "is" } else { "are" },
                if proven.len() == 1 { "it is" } else { "they are" },
                examples(&proven, 20)
            ),
        );
    }
    if !unruled_shares.is_empty() {
        let weight = rules
            .iter()
            .find(|r| r.origin == Origin::Count)
            .map(|r| r.column.as_str())
            .unwrap_or("COUNT_COLUMN");
        let pattern = suggest_pattern(&unruled_shares);
        let hundreds: Vec<&str> = unruled_shares
            .iter()
            .copied()
            .filter(|n| {
                table
                    .column_index(n)
                    .is_some_and(|i| hundred_values(table, i))
            })
            .collect();
        let why = if hundreds.is_empty() {
            String::new()
        } else {
            format!(
                " ({} {} 100 in every row: a share, 100 % of each unit, whatever the name says)",
                examples(&hundreds, 5),
                if hundreds.len() == 1 { "is" } else { "are" }
            )
        };
        return Err(usage_error(format!(
            "{}: {} column{} look{} like shares or rates and must not be summed: {}{why}.\n\
             Say how to aggregate them, for example as a mean weighted by a count column:\n    \
             --weighted '{pattern}={weight}'\n\
             or recompute a share from counts with --ratio 'COLUMN=NUMERATOR/DENOMINATOR*100'.\n\
             If they really are counts, sum them with --sum COLUMNS.",
            table.source,
            unruled_shares.len(),
            if unruled_shares.len() == 1 { "" } else { "s" },
            if unruled_shares.len() == 1 { "s" } else { "" },
            examples(&unruled_shares, 20),
        )));
    }
    Ok(rules)
}

/// The rule of column `col` without a flag: a label for text, a time stamp
/// or a redundant key part, a sum for counts, `None` for a column that looks
/// like a share or rate (it needs a rule from a flag).
pub fn default_rule(table: &StatTable, col: usize) -> Option<(Rule, Origin)> {
    let c = &table.columns[col];
    if c.kind == ColumnType::Text || label_name(&c.name) || is_key_part(table, col) {
        Some((Rule::Label, Origin::Label))
    } else if share_like_name(&c.name)
        || hundred_values(table, col)
        || (share_like_values(table, col) && !count_like_name(&c.name))
    {
        None
    } else {
        Some((Rule::Sum, Origin::Count))
    }
}

/// Suffixes of a share column named after the count it is the share of
/// (`inhabitants_female_percentage` of `inhabitants_female`).
const SHARE_SUFFIXES: [&str; 2] = ["_percentage", "_pct"];

/// How far a published share may be from the one its counts give, in
/// percentage points: shares rounded to one decimal still agree.
const SHARE_SLACK: f64 = 0.05;

/// The ratio that a share column without a rule is proven to be: `X_percentage`
/// is `X / PEOPLE × 100` in every row of the file (PEOPLE the table's people
/// column, `inhabitants` or `E_E`; X and PEOPLE counts), as in the open-data
/// population tables. A unit without people must have no share or 0.
/// `None` when a row disagrees, or the columns are not there.
fn proven_share(table: &StatTable, col: usize) -> Option<Rule> {
    let name = &table.columns[col].name;
    let base = SHARE_SUFFIXES.iter().find_map(|s| name.strip_suffix(s))?;
    let people = crate::table::population::people_column(|c| table.column(c).is_some())?;
    let (n, d) = (table.column_index(base)?, table.column_index(people)?);
    let is_count = |i: usize| matches!(default_rule(table, i), Some((Rule::Sum, _)));
    if !is_count(n) || !is_count(d) {
        return None;
    }
    let (share, num, den) = (&table.columns[col], &table.columns[n], &table.columns[d]);
    let mut compared = 0usize;
    for ((s, x), p) in share.cells.iter().zip(&num.cells).zip(&den.cells) {
        match (s.num(), x.num(), p.num()) {
            (Some(s), Some(x), Some(p)) if p > 0.0 => {
                if (s - x / p * 100.0).abs() > SHARE_SLACK {
                    return None;
                }
                compared += 1;
            }
            (None | Some(0.0), _, Some(0.0)) => {}
            _ => return None,
        }
    }
    (compared > 0).then(|| Rule::Ratio {
        numerator: base.to_string(),
        denominator: people.to_string(),
        factor: 100.0,
    })
}

/// `X / PEOPLE × 100`, for the note of a proven share.
fn proven_formula(rule: &Rule) -> String {
    match rule {
        Rule::Ratio {
            numerator,
            denominator,
            ..
        } => format!("{numerator} / {denominator} × 100"),
        other => other.describe(),
    }
}

/// Weight and ratio columns must themselves be in the table (checked) and
/// numeric; a weight that is itself a share would give nonsense.
fn warn_share_weights(rules: &[ColumnRule], warnings: &mut Warnings) {
    for r in rules {
        if let Rule::Mean { weight } = &r.rule {
            if share_like_name(weight) {
                warnings.push(
                crate::error::WarningCode::ShareWeight,
                    format!(
                        "column '{}' is weighted by '{weight}', which looks like a share, not a count",
                        r.column
                    ),
                );
            }
        }
    }
}

/// A glob that covers the given columns, for the hint in an error message:
/// a common suffix (`*_percentage`) or prefix (`K*`), else the names.
fn suggest_pattern(cols: &[&str]) -> String {
    if cols.len() == 1 {
        return cols[0].to_string();
    }
    let first = cols[0];
    let suffix_len = (0..first.len())
        .take_while(|&n| {
            let s = &first[first.len() - n - 1..];
            first.is_char_boundary(first.len() - n - 1) && cols.iter().all(|c| c.ends_with(s))
        })
        .count();
    if suffix_len >= 3 {
        return format!("*{}", &first[first.len() - suffix_len..]);
    }
    let prefix_len = (1..=first.len())
        .take_while(|&n| {
            first.is_char_boundary(n) && cols.iter().all(|c| c.starts_with(&first[..n]))
        })
        .count();
    if prefix_len >= 1 {
        return format!("{}*", &first[..prefix_len]);
    }
    cols.join(",")
}

/// A statistics table from CSV text with its planned rules (no flags,
/// missing values propagated): the setup of tests that aggregate.
#[cfg(test)]
pub(crate) fn planned(text: &str) -> (crate::table::stats::StatTable, Vec<ColumnRule>) {
    let opts = crate::table::stats::ReadOptions::default();
    let (mut t, _) =
        crate::table::stats::read_stats_bytes("st.csv", text.as_bytes(), &opts).unwrap();
    let missing = crate::aggregation::aggregate::MissingPolicy::Propagate;
    let (rules, _) = plan_table(&mut t, &RuleFlags::default(), missing).unwrap();
    (t, rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*_percentage", "inhabitants_female_percentage"));
        assert!(!glob_match("*_percentage", "inhabitants_female"));
        assert!(glob_match("K0?", "K01"));
        assert!(glob_match("K*", "K17"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("E_E", "E_EM"));
    }

    #[test]
    fn share_names() {
        for n in [
            "K01",
            "inhabitants_percentage",
            "Anteil Frauen",
            "Arbeitslosenquote",
            "Geburtenrate",
        ] {
            assert!(share_like_name(n), "{n}");
        }
        for n in [
            "E_E",
            "inhabitants",
            "EW 31.12.2020",
            "Bezirksregion",
            "e_platz",
        ] {
            assert!(!share_like_name(n), "{n}");
        }
    }

    #[test]
    fn patterns() {
        assert_eq!(
            suggest_pattern(&["a_percentage", "b_percentage"]),
            "*_percentage"
        );
        assert_eq!(suggest_pattern(&["K01", "K02", "K17"]), "K*");
        assert_eq!(
            parse_ratio("E_EW/E_E*100"),
            Some(("E_EW".into(), "E_E".into(), 100.0))
        );
        assert_eq!(parse_ratio("a/b %"), Some(("a".into(), "b".into(), 100.0)));
    }

    /// A count's name over 100 in every row is a share: not summed without a rule.
    #[test]
    fn a_column_of_hundreds_is_a_share_whatever_its_name() {
        let text =
            "RAUMID;E_E;inhabitants\n04010101;100;100.0\n04010102;50;100.0\n04020201;30;100.0\n";
        let opts = crate::table::stats::ReadOptions::default();
        let (mut t, _) =
            crate::table::stats::read_stats_bytes("t3.csv", text.as_bytes(), &opts).unwrap();
        assert!(hundred_values(&t, 1) && !hundred_values(&t, 0));
        let missing = crate::aggregation::aggregate::MissingPolicy::Propagate;
        let e = plan_table(&mut t, &RuleFlags::default(), missing).unwrap_err();
        assert!(
            e.to_string().contains("t3.csv: 1 column looks like shares or rates and must not be summed: inhabitants (inhabitants is 100 in every row"),
            "{e}"
        );
        // Two rows of 100 may be people; 100 and 0 (most 100) is a share.
        let (t, _) = crate::table::stats::read_stats_bytes(
            "small.csv",
            b"RAUMID;E_E\n04010101;100\n04010102;100\n",
            &opts,
        )
        .unwrap();
        assert!(!hundred_values(&t, 0));
        let (t, _) = crate::table::stats::read_stats_bytes(
            "flags.csv",
            b"RAUMID;X\n04010101;100\n04010102;0\n04010103;100\n04010104;100\n",
            &opts,
        )
        .unwrap();
        assert!(hundred_values(&t, 0));
    }

    /// A share named after its count is proven when every row is that
    /// count's share of the people (rounded to one decimal is enough; a
    /// unit without people has no share or 0); one row off is no proof.
    #[test]
    fn a_share_of_its_count_in_every_row_is_a_ratio() {
        let read = |text: &str| {
            let opts = crate::table::stats::ReadOptions::default();
            crate::table::stats::read_stats_bytes("t.csv", text.as_bytes(), &opts)
                .unwrap()
                .0
        };
        let t = read(
            "id,inhabitants,inhabitants_female,inhabitants_female_percentage\n\
             01011101,3384,1633,48.3\n01011102,0,0,\n01011103,200,50,25.0\n",
        );
        let (rules, notes) = plan_rules(&t, &RuleFlags::default()).unwrap();
        let share = rules.iter().find(|r| r.column.ends_with("_percentage"));
        assert_eq!(
            share.unwrap().rule,
            Rule::Ratio {
                numerator: "inhabitants_female".into(),
                denominator: "inhabitants".into(),
                factor: 100.0
            }
        );
        assert!(notes.has("proven-share"), "{notes:?}");
        assert!(
            notes.0[0]
                .message
                .contains("inhabitants_female_percentage = inhabitants_female / inhabitants × 100"),
            "{notes:?}"
        );
        // 25.1 for 50 of 200 is no share of the count: refused.
        let off = read(
            "id,inhabitants,inhabitants_female,inhabitants_female_percentage\n\
             01011101,3384,1633,48.3\n01011103,200,50,25.1\n",
        );
        let e = plan_rules(&off, &RuleFlags::default()).unwrap_err();
        assert!(e.to_string().contains("must not be summed"), "{e}");
        // Without the count it is a share of nothing known: refused.
        let alone = read("id,inhabitants,x_percentage\n01011101,3384,48.3\n01011103,200,25\n");
        assert!(plan_rules(&alone, &RuleFlags::default()).is_err());
    }
}
