//! `lor translate`: statistics of one set of units expressed in another
//! (LOR 2006 → LOR 2021), through crosswalks.

use std::path::PathBuf;

use anyhow::Result;
use lor::aggregate::{aggregate, name_units};
use lor::error::{examples, usage_error, Warnings};
use lor::geometry::{parse_fix_ids, read_layer, LayerOptions};
use lor::key::Level;
use lor::names::Names;
use lor::rules::plan_rules;
use lor::stats::{read_stats, ReadOptions};
use lor::weights::{read_list, WeightTable};

use super::{Context, RuleArgs};

const EXAMPLES: &str = "\
Examples:
  # population of 31.12.2020 (LOR 2006 PLR) in the 58 Prognoseräume of LOR 2021
  lor translate data/berlin/stats/population-2020-12/t1-planning-areas.csv \\
      --from data/berlin/lor-2006/plr.geojson.gz --fix-from-id 124=04030417 \\
      --to data/berlin/lor-2021/pgr.geojson.gz \\
      --weighted '*_percentage=inhabitants' --levels pgr,bez,berlin

  # with a reviewed crosswalk, or a chain of key tables
  lor translate STATS.csv --crosswalk plr2006-pgr2021.csv --weighted '*_percentage=inhabitants'";

/// Translate statistics into the units of another layer or vintage.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Statistics per source unit.
    stats: PathBuf,
    /// Crosswalk or key table (from, to[, weight]); repeat to chain tables.
    #[arg(long, value_name = "FILE")]
    crosswalk: Vec<PathBuf>,
    /// Source polygons (instead of --crosswalk).
    #[arg(long, value_name = "FILE", requires = "to")]
    from: Option<PathBuf>,
    /// Target polygons (instead of --crosswalk).
    #[arg(long, value_name = "FILE", requires = "from")]
    to: Option<PathBuf>,
    /// Correct a wrong id in --from: FEATURE=KEY.
    #[arg(long, value_name = "N=KEY")]
    fix_from_id: Vec<String>,
    #[command(flatten)]
    overlay: super::CrosswalkArgs,
    #[command(flatten)]
    rules: RuleArgs,
    /// Names of the target units (a names table, e.g. lor-2021/lor-2021.csv).
    #[arg(long, value_name = "FILE")]
    names: Option<PathBuf>,
    /// Add the level 'sozialraum' from a list "target unit (or a coarser
    /// LOR unit) → Sozialraum" (CSV/XLSX).
    #[arg(long, value_name = "FILE")]
    sozialraum: Option<PathBuf>,
    /// Target levels: the crosswalk's own level and coarser LOR levels.
    #[arg(long, value_name = "LEVELS")]
    levels: Option<String>,
    #[arg(long, short, value_name = "FORMAT")]
    format: Option<String>,
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Warnings are errors (exit 3, nothing written).
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let format = super::table_format(args.format.as_ref(), args.output.as_deref(), false)?;
    if args.crosswalk.is_empty() && args.from.is_none() {
        return Err(usage_error(
            "give --crosswalk FILE, or --from and --to polygons",
        ));
    }
    let missing_policy = args.rules.missing_policy()?;
    let mut warnings = Warnings::default();
    let (table, w) = read_stats(&args.stats, &ReadOptions::default())?;
    warnings.extend(w);

    // The weight table: built from polygons, or read and chained.
    let mut chain: Option<WeightTable> = None;
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let (fl, w) = read_layer(
            from,
            &LayerOptions {
                fix_ids: parse_fix_ids(&args.fix_from_id)?,
                ..LayerOptions::default()
            },
        )?;
        warnings.extend(w);
        let (tl, w) = read_layer(to, &LayerOptions::default())?;
        warnings.extend(w);
        super::mismatch::check_overlap(&fl, &tl)?;
        let level = tl
            .lor_level()
            .map(|l| l.code().to_string())
            .unwrap_or_else(|| "target".into());
        let (cw, w) = args.overlay.build(&fl, &tl, &level, &mut warnings)?;
        warnings.extend(w);
        if !ctx.quiet {
            for l in cw.summary.lines() {
                eprintln!("{l}");
            }
        }
        chain = Some(cw.table);
    }
    let (chain, w) = lor::crosswalk::read_chain(chain, &args.crosswalk)?;
    warnings.extend(w);
    let mut chain = chain.expect("checked above");

    // Coverage: keys of the statistics the crosswalk does not know, and
    // sources whose weights do not add up to 1.
    let sources = chain.sources();
    let unknown: Vec<&str> = table
        .keys
        .iter()
        .map(String::as_str)
        .filter(|k| !sources.contains(k))
        .collect();
    if !unknown.is_empty() {
        warnings.push(
            "unknown-key",
            format!(
                "{}: {} keys are not in the crosswalk, so their figures are in no target unit: {}",
                table.source,
                unknown.len(),
                examples(&unknown, 5)
            ),
        );
    }
    let keys: std::collections::BTreeSet<&str> = table.keys.iter().map(String::as_str).collect();
    let off: Vec<String> = chain
        .incomplete_sources(1e-6)
        .into_iter()
        .filter(|(k, _)| keys.contains(k))
        .map(|(k, w)| format!("{k} (Σ {w:.4})"))
        .collect();
    if !off.is_empty() {
        warnings.push(
            "weights",
            format!(
                "the weights of {} units do not add up to 1 (used as given, not renormalised; figures are lost or invented): {}",
                off.len(),
                examples(&off, 5)
            ),
        );
    }

    let (rules, w) = plan_rules(&table, &args.rules.flags())?;
    warnings.extend(w);
    let names = match &args.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            Some(n)
        }
        None => None,
    };
    // Target level and the coarser LOR levels above it.
    let targets: Vec<String> = chain.targets().into_iter().map(str::to_string).collect();
    let target_level = targets
        .first()
        .and_then(|k| Level::from_digits(k.len()))
        .filter(|_| {
            targets
                .iter()
                .all(|k| k.bytes().all(|b| b.is_ascii_digit()))
        });
    let wanted: Vec<Level> = match (&args.levels, target_level) {
        (Some(l), _) => super::aggregate::parse_levels(l)?,
        (None, Some(tl)) => Level::ALL.iter().copied().filter(|l| *l >= tl).collect(),
        (None, None) => Vec::new(),
    };
    let mut tables = Vec::new();
    match target_level {
        Some(tl) => {
            chain.level = tl.code().to_string();
            for l in wanted {
                if l < tl {
                    warnings.push(
                        "level",
                        format!(
                            "the targets are {}; {} cannot be made",
                            tl.german_plural(),
                            l.german_plural()
                        ),
                    );
                    continue;
                }
                let weights = if l == tl {
                    chain.clone()
                } else {
                    chain.then(&WeightTable::hierarchy(
                        targets.iter().map(String::as_str),
                        l,
                    ))
                };
                let (mut t, w) = aggregate(&table, &rules, &weights, missing_policy);
                warnings.extend(w);
                name_units(&mut t, names.as_ref());
                tables.push(t);
            }
        }
        None => {
            let (mut t, w) = aggregate(&table, &rules, &chain, missing_policy);
            warnings.extend(w);
            name_units(&mut t, names.as_ref());
            tables.push(t);
        }
    }
    if let Some(path) = &args.sozialraum {
        let (list, w) = read_list(path, lor::sozialraum::LEVEL)?;
        warnings.extend(w);
        let to_sr = lor::weights::expand_to(&list.table, targets.iter().map(String::as_str));
        let missing: Vec<&str> = targets
            .iter()
            .map(String::as_str)
            .filter(|k| !to_sr.sources().contains(k))
            .collect();
        if !missing.is_empty() {
            warnings.push(
                "unassigned",
                format!(
                    "{}: {} target units are in no Sozialraum: {}",
                    path.display(),
                    missing.len(),
                    examples(&missing, 5)
                ),
            );
        }
        let (mut t, w) = aggregate(&table, &rules, &chain.then(&to_sr), missing_policy);
        warnings.extend(w);
        t.names = t
            .keys
            .iter()
            .map(|k| list.target_names.get(k).cloned().unwrap_or_default())
            .collect();
        tables.push(t);
    }
    ctx.warn(&warnings);
    ctx.check_strict(args.strict, &warnings)?;
    super::aggregate::write_tables(&tables, format, args.output.as_deref())
}
