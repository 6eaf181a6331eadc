//! `lor translate`: statistics of one set of units expressed in another
//! (LOR 2006 → LOR 2021), through crosswalks.

use anyhow::Result;
use lor::error::usage_error;

use super::args::{
    levels_value, BezirkArgs, FromLayer, InputPath, InputRenameArgs, LabelArgs, Levels, RoundArgs,
    SozialraumPlan, StatsReadArgs, TableOutputArgs, ToLayer,
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
    #[command(flatten)]
    rename_input: InputRenameArgs,
    #[command(flatten)]
    scope: BezirkArgs,
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
    #[command(flatten)]
    round: RoundArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    lang: super::args::LangArgs,
    /// Warnings are errors (exit 3, nothing written).
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

/// The checked plan: the library's, and --strict (the binary's part).
struct Plan {
    pipeline: lor::pipeline::translate::Plan,
    strict: bool,
}

fn plan(args: Args) -> Result<Plan> {
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
    let polygons = match (args.from, args.to) {
        (Some(from), Some(to)) => Some(lor::pipeline::translate::Polygons {
            from: (from.0, args.from_layer.options()),
            to: (to.0, args.to_layer.options()),
            overlay: args.overlay.overlay()?,
        }),
        _ => None,
    };
    let pipeline = lor::pipeline::translate::Plan {
        stats: args.stats.0,
        read: args.read.options(),
        rename_input: args.rename_input.rename_input,
        bezirk: args.scope.bezirk,
        polygons,
        crosswalk: args.crosswalk.into_iter().map(|c| c.0).collect(),
        rules: args.rules.flags(),
        missing: args.rules.missing_policy(),
        names: args.names.map(|n| n.0),
        sozialraum: sozialraum.map(|s| s.path().to_path_buf()),
        levels: args.levels.map(|l| l.0),
        round: args.round.round,
        decimals: args.round.decimals,
        codebook: args.labels.codebook()?,
        format,
        target: args.out.target(),
        guard: args.text.guard(),
        lang: args.lang.lang,
    };
    Ok(Plan {
        pipeline,
        strict: args.strict,
    })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(args)?;
    ctx.finish(plan.strict, lor::pipeline::translate::run(&plan.pipeline)?)
}
