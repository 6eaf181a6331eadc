//! `lor series`: statistics of many dates, one table per level over time.

use anyhow::Result;
use lor::error::usage_error;
use lor::mapping::weights::Assign;
use lor::pipeline::series::Sozialraum;
use lor::render::output::Format;
use lor::series::changes::Against;
use lor::spatial::geometry::LayerOptions;

use super::args::{
    levels_value, AssignArg, BezirkArgs, InputPath, InputPattern, InputRenameArgs, LabelArgs,
    Levels, RoundArgs, SozialraumPlan, StatsReadArgs, TableOutputArgs,
};
use super::{Context, RuleArgs};

const EXAMPLES: &str = "\
Examples:
  # the sample district's half-years, old and new keys in the new keys,
  # with the change to the previous half-year and to the year before
  lor series data/sample/series --vintage 2021 --crosswalk data/sample/lor-alt-neu.csv \\
      --names data/sample/plr.csv --levels pgr,bez --change previous,year --change-columns E_E

  # Berlin 2018 and 2020 (LOR 2006) in the 58 Prognoseräume of LOR 2021
  lor series data/berlin/stats/population-2018-12/t1-planning-areas.csv \\
      data/berlin/stats/population-2020-12/t1-planning-areas.csv \\
      --weighted '*_percentage=inhabitants' --vintage 2021 --levels pgr,bez,berlin

Dates: from the ZEIT column, else the file name (EWR201812E_Matrix.csv,
bestand-2020-12.csv), else the folder name, else --date FILE=YYYY-MM.";

/// Statistics of many dates as one series: one table per level, the date
/// as a column (or the dates side by side with --wide).
#[derive(clap::Args)]
#[command(
    after_help = EXAMPLES,
    mut_arg("vintage", |a| a.help_heading("Vintage").help(
        "One LOR vintage for the whole series: 2021 or 2006. Dates in the other \
         vintage are translated (crosswalk from the bundled LOR geometry, or \
         --crosswalk) and marked in the column 'translated_from'."
    )),
    mut_arg("round", |a| a.help(
        "Round counts to N decimals at every date so that every level still \
         adds up: the units of a level add up to their rounded parent (largest \
         remainder), the Sozialräume to the Bezirk or Berlin. The changes are \
         taken of the rounded values: each change is the difference of the \
         numbers shown (and the changes add up like the values)."
    )),
    mut_arg("decimals", |a| a.help(
        "Round shares, ratios and means to N decimals, and the relative \
         changes (%) and the changes of shares (pp)."
    )),
    mut_arg("labels", |a| a.help(
        "Column headers: 'de' for the built-in German labels of the \
         statistics office's codes (E_E, E_EU1, K01, inhabitants…), or a CSV \
         file 'code;label'. The date and change columns follow the label \
         ('Einwohnerinnen und Einwohner insgesamt 2023-06', '… change previous'). XLSX \
         keeps the codes in a second header row."
    )),
    mut_arg("rename", |a| a.help(
        "Rename a column of the series in the output: 'OLD=NEW' (the \
         statistics' column; its date and change columns follow). Repeatable."
    ))
)]
pub struct Args {
    /// Statistics files per PLR (CSV or XLSX), a folder of them, or a glob
    /// such as 'data/sample/series/EWR*.csv'.
    #[arg(required = true, value_name = "FILE|DIR|GLOB", value_hint = clap::ValueHint::AnyPath)]
    inputs: Vec<InputPattern>,
    /// The date of a file that does not say it: FILE=YYYY-MM (repeatable).
    #[arg(long, value_name = "FILE=DATE", help_heading = "Input", value_parser = super::args::dated_file_value)]
    date: Vec<super::args::DatedFile>,
    /// How the statistics are read; its --vintage is the series' vintage.
    #[command(flatten)]
    read: StatsReadArgs,
    #[command(flatten)]
    rename_input: InputRenameArgs,
    #[command(flatten)]
    scope: BezirkArgs,
    /// Names table of the units (of the series' vintage).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<InputPath>,

    #[command(flatten)]
    rules: RuleArgs,

    /// Crosswalk or key table (from, to[, weight]) from the other vintage;
    /// repeat to chain tables.
    #[arg(long, value_name = "FILE", help_heading = "Vintage")]
    crosswalk: Vec<InputPath>,
    /// Polygons of the other vintage (instead of the bundled ones).
    #[arg(long, value_name = "FILE", requires = "to", help_heading = "Vintage")]
    from: Option<InputPath>,
    /// Polygons of the series' vintage (instead of the bundled ones).
    #[arg(long, value_name = "FILE", requires = "from", help_heading = "Vintage")]
    to: Option<InputPath>,
    #[command(flatten)]
    from_layer: super::args::FromLayer,
    #[command(flatten)]
    overlay: super::CrosswalkArgs,

    /// Changes: 'previous' (the date before) and/or 'year' (the same month a
    /// year earlier), comma-separated. Counts get the absolute and the
    /// relative (%) change, shares the difference in percentage points.
    #[arg(
        long,
        value_name = "AGAINST",
        value_delimiter = ',',
        value_parser = change_value,
        help_heading = "Changes"
    )]
    change: Vec<Against>,
    /// Columns with changes (names or globs, comma-separated); default: all
    /// count columns.
    #[arg(
        long,
        value_name = "COLS",
        value_delimiter = ',',
        help_heading = "Changes"
    )]
    change_columns: Vec<String>,

    /// Sozialräume as a CSV/XLSX list "PLR (or BZR) → Sozialraum" or as
    /// polygons (with --units); the same assignment for every date.
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    sozialraum: Option<InputPath>,
    /// PLR polygons, for Sozialraum polygons.
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    units: Option<InputPath>,
    /// How PLR go to Sozialraum polygons: 'largest' or 'area' ('list'
    /// when --sozialraum is a list).
    #[arg(
        long,
        value_name = "HOW",
        value_enum,
        default_value_t = AssignArg::Largest,
        help_heading = "Sozialräume"
    )]
    assign: AssignArg,

    /// Levels to compute: plr, bzr, pgr, bez, berlin (comma-separated).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "bzr,pgr,bez,berlin",
        value_parser = levels_value,
        help_heading = "Output"
    )]
    levels: Levels,
    /// The dates side by side (one row per unit) instead of one row per unit
    /// and date. XLSX is always wide, with the changes in their own sheets.
    #[arg(long, help_heading = "Output")]
    wide: bool,
    #[command(flatten)]
    out: TableOutputArgs,
    #[command(flatten)]
    round: RoundArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    lang: super::args::LangArgs,
    /// Treat warnings as errors: exit code 3 and no output.
    #[arg(long)]
    strict: bool,
}

/// The checked plan: the library's, and --strict (the binary's part).
struct Plan {
    pipeline: lor::pipeline::series::Plan,
    strict: bool,
}

/// Every flag checked before a file is read.
fn plan(args: Args) -> Result<Plan> {
    let format = args.out.format(true)?;
    if format == Format::GeoJson {
        return Err(usage_error(
            "lor series writes tables: use csv, excel-csv, json, parquet, xlsx or table",
        ));
    }
    let vintage = args.read.vintage;
    if vintage.is_none() && (!args.crosswalk.is_empty() || args.from.is_some()) {
        return Err(usage_error(
            "--crosswalk and --from/--to translate into one vintage: say which with --vintage 2021 (or 2006)",
        ));
    }
    if args.change.is_empty() && !args.change_columns.is_empty() {
        return Err(usage_error("--change-columns needs --change previous,year"));
    }
    // Series read no layer flags for the Sozialraum polygons.
    let units = args.units.map(|u| u.0);
    let sozialraum = args
        .sozialraum
        .as_deref()
        .map(|p| SozialraumPlan::new(p, args.assign, LayerOptions::default()))
        .transpose()?
        .map(|sr| Sozialraum {
            file: sr.file(),
            assign: sr.assign().unwrap_or(Assign::Largest),
            units,
        });
    let polygons = match (args.from, args.to) {
        (Some(f), Some(t)) => Some(((f.0, args.from_layer.options()), t.0)),
        _ => None,
    };
    let pipeline = lor::pipeline::series::Plan {
        inputs: args.inputs.into_iter().map(|i| i.0).collect(),
        given: args.date.iter().map(|d| (d.file.clone(), d.date)).collect(),
        // --vintage is the series' vintage: dates of the other one are
        // translated, not warned about.
        read: lor::table::stats::ReadOptions {
            vintage: None,
            ..args.read.options()
        },
        rename_input: args.rename_input.rename_input,
        bezirk: args.scope.bezirk,
        names: args.names.map(|n| n.0),
        rules: args.rules.flags(),
        missing: args.rules.missing_policy(),
        levels: args.levels.0,
        vintage,
        crosswalk: args.crosswalk.into_iter().map(|c| c.0).collect(),
        polygons,
        overlay: args.overlay.overlay()?,
        against: args.change,
        change_columns: args.change_columns,
        sozialraum,
        wide: args.wide,
        round: args.round.round,
        decimals: args.round.decimals,
        codebook: args.labels.codebook()?,
        format,
        target: args.out.target(),
        lang: args.lang.lang,
    };
    Ok(Plan {
        pipeline,
        strict: args.strict,
    })
}

/// clap's value parser for one part of `--change`: previous (prev) or year.
fn change_value(c: &str) -> Result<Against, String> {
    Against::parse(c).ok_or_else(|| format!("'{c}': use previous, year or previous,year"))
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(args)?;
    ctx.finish(plan.strict, lor::pipeline::series::run(&plan.pipeline)?)
}
