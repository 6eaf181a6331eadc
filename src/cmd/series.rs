//! `lor series`: statistics of many dates, one table per level over time.

use std::path::PathBuf;

use anyhow::Result;
use lor::aggregation::series::{
    self, Against, Changes, Date, Dated, Shape, SozialraumInput, Translation,
};
use lor::error::{usage_error, Warnings};
use lor::mapping::weights::Assign;
use lor::render::output::Format;
use lor::spatial::geometry::LayerOptions;
use lor::table::key::Vintage;
use lor::table::names::Names;

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
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Statistics files per PLR (CSV or XLSX), a folder of them, or a glob
    /// such as 'data/sample/series/EWR*.csv'.
    #[arg(required = true, value_name = "FILE|DIR|GLOB", value_hint = clap::ValueHint::AnyPath)]
    inputs: Vec<String>,
    /// The date of a file that does not say it: FILE=YYYY-MM (repeatable).
    #[arg(long, value_name = "FILE=DATE", help_heading = "Input")]
    date: Vec<String>,
    #[command(flatten)]
    read: super::args::StatsReadArgs,
    /// Names table of the units (of the series' vintage).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<PathBuf>,

    #[command(flatten)]
    rules: RuleArgs,

    /// One LOR vintage for the whole series: 2021 or 2006. Dates in the other
    /// vintage are translated (crosswalk from the bundled LOR geometry, or
    /// --crosswalk) and marked in the column 'translated_from'.
    #[arg(long, value_name = "YEAR", help_heading = "Vintage")]
    vintage: Option<String>,
    /// Crosswalk or key table (from, to[, weight]) from the other vintage;
    /// repeat to chain tables.
    #[arg(long, value_name = "FILE", help_heading = "Vintage")]
    crosswalk: Vec<PathBuf>,
    /// Polygons of the other vintage (instead of the bundled ones).
    #[arg(long, value_name = "FILE", requires = "to", help_heading = "Vintage")]
    from: Option<PathBuf>,
    /// Polygons of the series' vintage (instead of the bundled ones).
    #[arg(long, value_name = "FILE", requires = "from", help_heading = "Vintage")]
    to: Option<PathBuf>,
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
        help_heading = "Changes"
    )]
    change: Vec<String>,
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
    sozialraum: Option<PathBuf>,
    /// PLR polygons, for Sozialraum polygons.
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    units: Option<PathBuf>,
    /// How PLR go to Sozialraum polygons: 'largest' or 'area'.
    #[arg(
        long,
        value_name = "HOW",
        default_value = "largest",
        help_heading = "Sozialräume"
    )]
    assign: String,

    /// Levels to compute: plr, bzr, pgr, bez, berlin (comma-separated).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "bzr,pgr,bez,berlin",
        help_heading = "Output"
    )]
    levels: String,
    /// The dates side by side (one row per unit) instead of one row per unit
    /// and date. XLSX is always wide, with the changes in their own sheets.
    #[arg(long, help_heading = "Output")]
    wide: bool,
    /// Output format: csv, excel-csv, json, parquet, xlsx, table.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<super::args::FormatArg>,
    /// Write to FILE, atomically.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Treat warnings as errors: exit code 3 and no output.
    #[arg(long)]
    strict: bool,
}

/// The checked flags of a series (all validated before a file is read).
struct Plan {
    format: Format,
    levels: Vec<lor::table::key::Level>,
    vintage: Option<Vintage>,
    against: Vec<Against>,
    /// --date FILE=YYYY-MM.
    given: Vec<(PathBuf, Date)>,
    /// How PLR go to Sozialraum polygons (`None` for a list or without --sozialraum).
    assign: Option<Assign>,
}

fn plan(args: &Args) -> Result<Plan> {
    let format = super::table_format(args.format, args.output.as_deref(), true)?;
    if format == Format::GeoJson {
        return Err(usage_error(
            "lor series writes tables: use csv, excel-csv, json, parquet, xlsx or table",
        ));
    }
    let levels = super::args::parse_levels(&args.levels)?.0;
    let vintage = args
        .vintage
        .as_deref()
        .map(|v| {
            Vintage::parse(v)
                .ok_or_else(|| usage_error(format!("--vintage '{v}': use 2006 or 2021")))
        })
        .transpose()?;
    if vintage.is_none() && (!args.crosswalk.is_empty() || args.from.is_some()) {
        return Err(usage_error(
            "--crosswalk and --from/--to translate into one vintage: say which with --vintage 2021 (or 2006)",
        ));
    }
    let against = parse_changes(&args.change)?;
    if against.is_empty() && !args.change_columns.is_empty() {
        return Err(usage_error("--change-columns needs --change previous,year"));
    }
    let given = parse_dates(&args.date)?;
    let assign = match &args.sozialraum {
        Some(p) if !lor::mapping::weights::is_list_path(p) => {
            Some(Assign::parse(&args.assign).ok_or_else(|| {
                usage_error(format!("--assign '{}': use largest or area", args.assign))
            })?)
        }
        _ => None,
    };
    Ok(Plan {
        format,
        levels,
        vintage,
        against,
        given,
        assign,
    })
}

/// --change previous,year.
fn parse_changes(change: &[String]) -> Result<Vec<Against>> {
    change
        .iter()
        .map(|c| {
            Against::parse(c).ok_or_else(|| {
                usage_error(format!(
                    "--change '{c}': use previous, year or previous,year"
                ))
            })
        })
        .collect()
}

/// --date FILE=YYYY-MM, repeated.
fn parse_dates(dates: &[String]) -> Result<Vec<(PathBuf, Date)>> {
    let mut given = Vec::new();
    for d in dates {
        let (f, v) = d.split_once('=').ok_or_else(|| {
            usage_error(format!(
                "--date '{d}': write FILE=YYYY-MM, e.g. t1.csv=2020-12"
            ))
        })?;
        let date = Date::parse(v).ok_or_else(|| {
            usage_error(format!("--date '{d}': '{v}' is not a date such as 2020-12"))
        })?;
        given.push((PathBuf::from(f), date));
    }
    Ok(given)
}

/// The crosswalk other vintage → `want`: built from polygons (the bundled
/// ones by default), then chained with --crosswalk tables.
fn translation(
    args: &Args,
    want: Vintage,
    ctx: &Context,
    warnings: &mut Warnings,
) -> Result<Translation> {
    let mut start = None;
    if args.crosswalk.is_empty() || args.from.is_some() {
        let (from, to, fix) = match (&args.from, &args.to) {
            (Some(f), Some(t)) => (f.clone(), t.clone(), args.from_layer.options()),
            _ => series::bundled_polygons(want)?,
        };
        let to_opts = LayerOptions::default();
        let cw = args
            .overlay
            .build_from_polygons((&from, &fix), (&to, &to_opts), warnings)?;
        if !ctx.quiet {
            ctx.info(&format!("crosswalk {} → {}:", from.display(), to.display()));
            for l in cw.summary.lines() {
                ctx.info(&format!("  {l}"));
            }
        }
        start = Some(cw.table);
    }
    let (chain, w) = lor::mapping::crosswalk::read_chain(start, &args.crosswalk)?;
    warnings.extend(w);
    let chain = chain.expect("a crosswalk or polygons");
    let (t, w) = Translation::new(chain, want)?;
    warnings.extend(w);
    Ok(t)
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(&args)?;
    let mut warnings = Warnings::default();
    let files = series::expand_inputs(&args.inputs, Some("--date"), &mut warnings)?;
    let read = args.read.options();
    let (dated, w) = series::read_dated(&files, &read, &plan.given)?;
    warnings.extend(w);
    let names = match &args.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            warnings.extend(series::check_coverage(&dated, &n, plan.vintage));
            Some(n)
        }
        None => series::catalogue_names(&dated, plan.vintage).map(|(n, w)| {
            warnings.extend(w);
            n
        }),
    };
    let (s, w) = series::build(
        &dated,
        &build_plan(&args, &plan, &dated, names.as_ref(), ctx, &mut warnings)?,
    )?;
    warnings.extend(w);
    let changes = Changes {
        columns: if plan.against.is_empty() {
            Vec::new()
        } else {
            series::change_columns(&s, &args.change_columns)?
        },
        against: plan.against,
    };
    ctx.warn(&warnings);
    ctx.check_strict(args.strict, &warnings)?;
    let shape = match plan.format {
        Format::Xlsx => Shape::Sheets,
        _ if args.wide => Shape::Wide,
        _ => Shape::Long {
            with_translated: plan.vintage.is_some(),
        },
    };
    super::aggregate::write_tables(
        &s.tables(&changes, shape),
        plan.format,
        args.output.as_deref(),
    )
}

/// The library's plan: rules, levels, names, and the translation and
/// Sozialräume (read here: they need the dates).
fn build_plan<'a>(
    args: &Args,
    plan: &Plan,
    dated: &[Dated],
    names: Option<&'a Names>,
    ctx: &Context,
    warnings: &mut Warnings,
) -> Result<series::Plan<'a>> {
    let translation = match plan.vintage {
        Some(v) if series::needs_translation(dated, plan.vintage) => {
            Some(translation(args, v, ctx, warnings)?)
        }
        _ => None,
    };
    let sozialraum = match &args.sozialraum {
        None => None,
        Some(p) => {
            let input = match plan.assign {
                None => SozialraumInput::List(p),
                Some(how) => SozialraumInput::Polygons(p, how, args.units.as_deref()),
            };
            let (sr, w) = series::sozialraum_weights(dated, plan.vintage, input)?;
            warnings.extend(w);
            Some(sr)
        }
    };
    Ok(series::Plan {
        rules: args.rules.flags(),
        missing: args.rules.missing_policy(),
        levels: plan.levels.clone(),
        names,
        vintage: plan.vintage,
        translation,
        sozialraum,
    })
}
