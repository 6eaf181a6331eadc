//! `lor translate`: statistics of one set of units expressed in another
//! (LOR 2006 → LOR 2021), through crosswalks.

use std::path::PathBuf;

use anyhow::Result;
use lor::aggregation::rules::plan_table;
use lor::aggregation::translate::{translate_levels, translate_to_sozialraum, Translate};
use lor::error::{usage_error, Warnings};
use lor::mapping::weights::{read_list, WeightTable};
use lor::table::names::Names;
use lor::table::stats::{read_stats, ReadOptions};

use super::args::{
    levels_value, FromLayer, InputPath, Levels, SozialraumPlan, StatsReadArgs, TableOutputArgs,
    ToLayer,
};
use super::{Context, RuleArgs};

const EXAMPLES: &str = "\
Examples:
  # population of 31.12.2020 (LOR 2006 PLR) in the 58 Prognoseräume of LOR 2021
  lor translate data/berlin/stats/population-2020-12/t1-planning-areas.csv \\
      --from data/berlin/lor-2006/plr.geojson.gz --from-fix-id 124=04030417 \\
      --to data/berlin/lor-2021/pgr.geojson.gz \\
      --weighted '*_percentage=inhabitants' --levels pgr,bez,berlin

  # with a reviewed crosswalk, or a chain of key tables
  lor translate STATS.csv --crosswalk plr2006-pgr2021.csv --weighted '*_percentage=inhabitants'";

/// Translate statistics into the units of another layer or vintage.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Statistics per source unit.
    stats: InputPath,
    #[command(flatten)]
    read: StatsReadArgs,
    /// Crosswalk or key table (from, to[, weight]); repeat to chain tables.
    #[arg(long, value_name = "FILE")]
    crosswalk: Vec<InputPath>,
    /// Source polygons (instead of --crosswalk).
    #[arg(long, value_name = "FILE", requires = "to")]
    from: Option<InputPath>,
    /// Target polygons (instead of --crosswalk).
    #[arg(long, value_name = "FILE", requires = "from")]
    to: Option<InputPath>,
    #[command(flatten)]
    from_layer: FromLayer,
    #[command(flatten)]
    to_layer: ToLayer,
    #[command(flatten)]
    overlay: super::CrosswalkArgs,
    #[command(flatten)]
    rules: RuleArgs,
    /// Names of the target units (a names table, e.g. lor-2021/lor-2021.csv).
    #[arg(long, value_name = "FILE")]
    names: Option<InputPath>,
    /// Add the level 'sozialraum' from a list "target unit (or a coarser
    /// LOR unit) → Sozialraum" (CSV/XLSX).
    #[arg(long, value_name = "FILE")]
    sozialraum: Option<InputPath>,
    /// Target levels: the crosswalk's own level and coarser LOR levels.
    #[arg(long, value_name = "LEVELS", value_parser = levels_value)]
    levels: Option<Levels>,
    #[command(flatten)]
    out: TableOutputArgs,
    /// Warnings are errors (exit 3, nothing written).
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

/// The checked flags of a translation.
struct Plan {
    format: lor::render::output::Format,
    read: ReadOptions,
    /// The Sozialräume: a list.
    sozialraum: Option<SozialraumPlan>,
}

fn plan(args: &Args) -> Result<Plan> {
    let format = args.out.format(false)?;
    if format == lor::render::output::Format::GeoJson {
        return Err(usage_error(
            "translate writes tables (csv, excel-csv, json, parquet, xlsx, table); GeoJSON maps are made by aggregate with --units",
        ));
    }
    if args.crosswalk.is_empty() && args.from.is_none() {
        return Err(usage_error(
            "give --crosswalk FILE, or --from and --to polygons",
        ));
    }
    let sozialraum = args
        .sozialraum
        .as_deref()
        .map(SozialraumPlan::list_only)
        .transpose()?;
    Ok(Plan {
        format,
        read: args.read.options(),
        sozialraum,
    })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(&args)?;
    let missing = args.rules.missing_policy();
    let mut warnings = Warnings::default();
    let (mut table, w) = read_stats(&args.stats, &plan.read)?;
    warnings.extend(w);
    let chain = weight_chain(&args, ctx, &mut warnings)?;
    warnings.extend(lor::mapping::chain::check_coverage(&table, &chain)?);
    let (mut rules, w) = plan_table(&mut table, &args.rules.flags(), missing)?;
    warnings.extend(w);
    // The source units' key parts do not describe the target units.
    lor::aggregation::rules::drop_key_parts(&table, &mut rules);
    let names = target_names(&args, &chain, &mut warnings)?;
    let how = Translate {
        rules: &rules,
        missing,
        names: names.as_ref(),
    };
    let wanted = args.levels.as_ref().map(|l| l.0.as_slice());
    let (mut tables, w) = translate_levels(&table, &chain, wanted, &how);
    warnings.extend(w);
    if let Some(path) = plan.sozialraum.as_ref().map(SozialraumPlan::path) {
        let (list, w) = read_list(path, lor::mapping::sozialraum::LEVEL)?;
        warnings.extend(w);
        let source = path.display().to_string();
        let (t, w) = translate_to_sozialraum(&table, &chain, &list, &source, &how);
        warnings.extend(w);
        tables.push(t);
    }
    ctx.warn(&warnings);
    ctx.check_strict(args.strict, &warnings)?;
    args.out
        .write(&tables, plan.format, args.text.guard(), &ctx.inputs)
}

/// The weight table: built from polygons, or read and chained.
fn weight_chain(args: &Args, ctx: &Context, warnings: &mut Warnings) -> Result<WeightTable> {
    let mut chain: Option<WeightTable> = None;
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let (from_opts, to_opts) = (args.from_layer.options(), args.to_layer.options());
        let cw = args
            .overlay
            .build_from_polygons((from, &from_opts), (to, &to_opts), warnings)?;
        for l in cw.summary.lines() {
            ctx.info(&l);
        }
        chain = Some(cw.table);
    }
    let crosswalk: Vec<PathBuf> = args.crosswalk.iter().map(|c| c.to_path_buf()).collect();
    let (chain, w) = lor::mapping::crosswalk::read_chain(chain, &crosswalk)?;
    warnings.extend(w);
    Ok(chain.expect("checked in the plan"))
}

/// --names, else the built-in catalogue of the target units' vintage.
fn target_names(
    args: &Args,
    chain: &WeightTable,
    warnings: &mut Warnings,
) -> Result<Option<Names>> {
    Ok(match &args.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            Some(n)
        }
        None => {
            lor::table::catalogue::names_for("the target units", chain.targets()).map(|(n, w)| {
                warnings.extend(w);
                n
            })
        }
    })
}
