//! `lor aggregate`: PLR statistics into BZR, PGR, Bezirk and Berlin.

use anyhow::Result;
use lor::error::usage_error;
use lor::mapping::weights::Assign;
use lor::pipeline::inputs::{InputPlan, Scope, Statistics};
use lor::render::output::{Format, Target};

use super::args::{
    levels_value, BezirkArgs, InputPath, InputRenameArgs, LabelArgs, Levels, OutputDir, RoundArgs,
    SozialraumArgs, SozialraumPlan, StatsReadArgs, TableOutputArgs, UnitsLayer,
};
use super::{Context, RuleArgs};

const EXAMPLES: &str = "\
Examples:
  # the bundled sample district, as a readable table
  lor aggregate

  # the statistics office's population file, all levels, with names
  lor aggregate data/berlin/stats/EWR201812E_Matrix.csv \\
      --names data/berlin/lor-2006/plr-names.csv --output ewr-2018.csv

  # shares in % weighted by the inhabitants of each PLR
  lor aggregate data/berlin/stats/population-2018-12/t2-planning-areas.csv \\
      --weighted '*_percentage=inhabitants' --levels bzr,pgr

  # social indicators (LOR 2021), one file per level for Excel
  lor aggregate data/berlin/stats/mss-2021-kontext-plr2021.csv \\
      --weighted 'K*=EW 31.12.2020' --format excel-csv --output-dir mss-2021/

Rules: count columns are summed. Columns that look like shares or rates
(`*_percentage`, `Anteil*`, `*quote*`, `K01`, non-integer values within 0-100)
are never summed: give them a rule with --weighted or --ratio, or say --sum.
Labels (ZEIT, STADTRAUM, the key parts BEZ/PGR/BZR/PLR, text) are kept where
all members agree.";

/// Aggregate a PLR statistics file into BZR, PGR, Bezirk and Berlin.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Statistics file per Planungsraum (CSV or XLSX). Without a file, the
    /// bundled sample district is used.
    #[arg(value_name = "FILE")]
    stats: Option<InputPath>,
    #[command(flatten)]
    read: StatsReadArgs,
    #[command(flatten)]
    rename_input: InputRenameArgs,
    /// Names table (PLR key with PLR/BZR/PGR/Bezirk names), e.g.
    /// lor-2006/plr-names.csv; also the reference list for coverage.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<InputPath>,

    #[command(flatten)]
    rules: RuleArgs,

    /// Levels to compute: plr, bzr, pgr, bez, berlin (comma-separated).
    /// With --bezirk, the Bezirk is the top level (no Berlin row).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "bzr,pgr,bez,berlin",
        value_parser = levels_value,
        help_heading = "Output"
    )]
    levels: Levels,
    #[command(flatten)]
    out: TableOutputArgs,
    #[command(flatten)]
    round: RoundArgs,
    /// Write one file per level (bzr.csv, pgr.csv, …) into DIR.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath, help_heading = "Output", conflicts_with = "output")]
    output_dir: Option<OutputDir>,
    /// PLR polygons (GeoJSON or Shapefile): needed for Sozialraum polygons;
    /// their names name the PLR where --names does not.
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    units: Option<InputPath>,
    #[command(flatten)]
    units_layer: UnitsLayer,
    #[command(flatten)]
    sr: SozialraumArgs,
    #[command(flatten)]
    scope: BezirkArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    lang: super::args::LangArgs,
    /// Keep the key-part columns (BEZ, PGR, BZR, PLR, STADTRAUM, …) in XLSX,
    /// where they are left out by default (CSV keeps them; drop them there
    /// with --drop).
    #[arg(long, help_heading = "Output")]
    keep_labels: bool,
    /// Compare the computed levels with published tables (CSV; the level of
    /// each row from its key length): counts must be equal, shares within
    /// --check-tolerance. Each deviation is a warning; --strict fails.
    #[arg(long, value_name = "FILE", num_args = 1.., help_heading = "Check")]
    check_against: Vec<InputPath>,
    /// Match a computed column with a published one: 'COMPUTED=PUBLISHED'.
    #[arg(long, value_name = "A=B", help_heading = "Check")]
    map: Vec<String>,
    /// Largest accepted difference of a share, ratio or mean from the
    /// published value (in the column's unit, e.g. percentage points).
    #[arg(long, value_name = "X", default_value_t = 0.01, help_heading = "Check", value_parser = super::args::tolerance_value)]
    check_tolerance: f64,
    /// Treat warnings (unknown keys, missing PLR, totals that disagree, …)
    /// as errors: exit code 3 and no output.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

/// The checked plan: the library's, and --strict (the binary's part).
struct Plan {
    pipeline: lor::pipeline::aggregate::Plan,
    strict: bool,
}

/// Where the output goes and in which format; GeoJSON needs the polygons.
fn output_plan(args: &Args) -> Result<(Target, Format)> {
    let target = match (args.out.path(), &args.output_dir) {
        (Some(f), _) => Target::File(f.to_path_buf()),
        (None, Some(d)) => Target::Dir(d.to_path_buf()),
        (None, None) => Target::Stdout,
    };
    let format = match &target {
        // One file per level: CSV unless --format says otherwise.
        Target::Dir(_) => args.out.format.map(Format::from).unwrap_or(Format::Csv),
        Target::File(_) | Target::Stdout => args.out.format(true)?,
    };
    if format == Format::GeoJson && args.units.is_none() {
        return Err(usage_error(
            "GeoJSON output needs the polygons of the units: give the PLR polygons with --units",
        ));
    }
    Ok((target, format))
}

fn plan(args: Args) -> Result<Plan> {
    let levels = lor::table::scope::levels_in(args.scope.bezirk.as_ref(), &args.levels.0);
    if args.levels.1 && args.sr.sozialraum.is_none() {
        return Err(usage_error(
            "--levels sozialraum needs the Sozialräume: give them with --sozialraum (polygons or a list)",
        ));
    }
    let (target, format) = output_plan(&args)?;
    let sozialraum = args.sr.plan()?;
    let tolerance = args.sr.tolerance()?;
    let inputs = InputPlan {
        stats: Some(match args.stats {
            Some(f) => Statistics::File(f.0, args.read.options()),
            None => Statistics::Sample(args.read.options()),
        }),
        units: args.units.map(|p| (p.0, args.units_layer.options())),
        names: args.names.map(|n| n.0),
        sozialraum: sozialraum.as_ref().map(SozialraumPlan::file),
        scope: args.scope.bezirk.map_or(Scope::Berlin, Scope::Bezirk),
        catalogue_names: true,
        keep_whole_units: false,
    };
    let pipeline = lor::pipeline::aggregate::Plan {
        inputs,
        rules: args.rules.flags(),
        missing: args.rules.missing_policy(),
        levels,
        format,
        target,
        assign: sozialraum
            .as_ref()
            .and_then(SozialraumPlan::assign)
            .unwrap_or(Assign::Largest),
        tolerance,
        rename_input: args.rename_input.rename_input,
        round: args.round.round,
        decimals: args.round.decimals,
        map: lor::quality::reconcile::parse_map(&args.map)?,
        check_against: args.check_against.into_iter().map(|p| p.0).collect(),
        check_tolerance: args.check_tolerance,
        codebook: args.labels.codebook()?,
        keep_labels: args.keep_labels,
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
    ctx.finish(plan.strict, lor::pipeline::aggregate::run(&plan.pipeline)?)
}
