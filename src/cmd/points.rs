//! `lor points`: count facilities and sum their places per PLR, BZR, PGR,
//! Bezirk, Berlin and Sozialraum.

use std::io::IsTerminal;

use anyhow::Result;
use lor::error::usage_error;
use lor::pipeline::inputs::{InputPlan, Scope, Statistics};
use lor::points::per_unit::{Plan as CountPlan, SozialraumHow};
use lor::points::read::PointOptions;
use lor::points::tables::Per;
use lor::table::scope::Bezirk;

use super::args::{
    bezirk_value, levels_value, InputPath, LabelArgs, LangArgs, Levels, Missing, RoundArgs,
    SozialraumArgs, StatsReadArgs, TableOutputArgs, UnitsLayer,
};
use super::Context;

const EXAMPLES: &str = "\
Examples:
  # Kitas and their places per PLR, BZR, PGR, Bezirk and Berlin
  lor points data/berlin/points/kitas.geojson.gz \\
      --units data/berlin/lor-2006/plr.geojson.gz --sum e_platz

  # Kita places per child under 6 per Bezirksregion of Charlottenburg-Wilmersdorf
  lor points data/berlin/points/kitas.geojson.gz --sum e_platz \\
      --units data/berlin/lor-2006/plr.geojson.gz --bezirk 04 --levels bzr \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv --per 'Kinder_u6=E_EU1+E_E1U6'

  # Kita places per 100 children under 6 per Sozialraum (Kitas and children
  # go to the Sozialraum of their PLR alike)
  lor points data/berlin/points/kitas.geojson.gz --sum e_platz --bezirk 04 \\
      --units data/berlin/lor-2006/plr.geojson.gz --units-fix-id auto \\
      --sozialraum data/berlin/lor-2021/pgr.geojson.gz --levels bez \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv \\
      --per 'Kinder_u6=E_EU1+E_E1U6' --scale 100

Points: GeoJSON Point features (CRS from the file), or CSV with x/y
or lon/lat columns (--x, --y, --crs). A point on a border shared by two units
is counted once: in the unit east of a north-south border, north of an
east-west border.";

/// Count points (e.g. Kitas) and sum their attributes per unit.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Points: GeoJSON, or CSV with coordinate columns.
    points: InputPath,
    /// PLR polygons (GeoJSON or Shapefile).
    #[arg(long, value_name = "FILE")]
    units: InputPath,
    #[command(flatten)]
    units_layer: UnitsLayer,
    #[command(flatten)]
    sr: SozialraumArgs,
    /// Sum these numeric attributes (comma-separated; numbers stored as text are fine).
    #[arg(long, value_name = "ATTRS")]
    sum: Vec<String>,
    /// One count column per category of this attribute.
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// CSV: the x / longitude column.
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    x: Option<String>,
    /// CSV: the y / latitude column.
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    y: Option<String>,
    /// CRS of the points, e.g. EPSG:25833 (GeoJSON declares it; lon/lat means EPSG:4326).
    #[arg(long, value_name = "EPSG", help_heading = "Input", value_parser = super::args::crs_value)]
    crs: Option<lor::spatial::crs::Crs>,
    /// The attribute that names a point in messages (id, e_nr, … detected).
    #[arg(long, value_name = "ATTR", help_heading = "Input")]
    id_field: Option<String>,
    /// Names table for the names of PLR, BZR and PGR (e.g.
    /// lor-2006/plr-names.csv); it wins over the names in --units.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<InputPath>,
    /// Statistics per PLR for a denominator (with --per).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    stats: Option<InputPath>,
    /// How --stats is read.
    #[command(flatten)]
    read: StatsReadArgs,
    /// Denominator from --stats: 'NAME=COL+COL+…'; adds 'count per NAME' and
    /// '<sum> per NAME' at every level.
    #[arg(long, value_name = "NAME=COLS", requires = "stats")]
    per: Option<String>,
    /// Ratios per N units of the denominator: with --scale 100 the columns
    /// are 'count per 100 NAME' and '<sum> per 100 NAME' (places per 100
    /// children).
    #[arg(long, value_name = "N", requires = "per", value_parser = scale_value)]
    scale: Option<f64>,
    /// Units with a member whose value is missing (a PLR without a row in
    /// --stats): 'propagate' leaves the sum empty, 'skip' sums the known values.
    #[arg(long, value_name = "HOW", value_enum, default_value_t = Missing::Propagate)]
    missing: Missing,
    /// Only this Bezirk (two digits): its units and the points in them;
    /// points in other Bezirke are out of scope (counted in a note).
    #[arg(long, value_name = "BB", value_parser = bezirk_value)]
    bezirk: Option<Bezirk>,
    /// Levels: plr, bzr, pgr, bez, berlin, sozialraum (comma-separated;
    /// the Sozialraum level comes with --sozialraum).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "plr,bzr,pgr,bez,berlin",
        value_parser = levels_value,
        help_heading = "Output"
    )]
    levels: Levels,
    #[command(flatten)]
    out: TableOutputArgs,
    #[command(flatten)]
    round: RoundArgs,
    #[command(flatten)]
    labels: LabelArgs,
    #[command(flatten)]
    lang: LangArgs,
    /// Treat warnings (points outside every unit, unreadable values, …) as errors.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

/// clap's value parser for `--scale`: a positive number.
fn scale_value(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "'{s}' is not a positive number (e.g. 100 for places per 100 children)"
        )),
    }
}

/// The checked plan: the library's, and --strict (the binary's part).
struct Plan {
    pipeline: lor::pipeline::points::Plan,
    strict: bool,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(args)?;
    let bar = ProgressBar::new(ctx);
    let outcome = lor::pipeline::points::run_with_progress(&plan.pipeline, |done, total| {
        bar.show(done, total)
    });
    bar.finish();
    ctx.finish(plan.strict, outcome?)
}

/// Every flag checked, no file read: the run's plan, with what it reads
/// besides the points.
fn plan(args: Args) -> Result<Plan> {
    let format = args.out.format(true)?;
    if args.levels.1 && args.sr.sozialraum.is_none() {
        return Err(usage_error(
            "--levels sozialraum needs the Sozialräume: give them with --sozialraum (polygons or a list)",
        ));
    }
    let sum: Vec<String> = args
        .sum
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    lor::points::tables::check_sums(&sum)?;
    // The statistics are read for the denominator only.
    let (per, stats) = match (&args.per, &args.stats) {
        (Some(per), Some(stats)) => {
            let p = Per::parse(per)?;
            p.check_name(&sum, args.by.as_deref())?;
            let read = Statistics::File(stats.to_path_buf(), args.read.options());
            (Some(p.scaled(args.scale.unwrap_or(1.0))), Some(read))
        }
        _ => (None, None),
    };
    let sozialraum = args.sr.plan()?;
    let inputs = InputPlan {
        stats,
        units: Some((args.units.to_path_buf(), args.units_layer.options())),
        names: args.names.as_deref().map(|n| n.to_path_buf()),
        sozialraum: sozialraum.as_ref().map(|s| s.file()),
        scope: args.bezirk.clone().map_or(Scope::Berlin, Scope::Bezirk),
        catalogue_names: true,
        keep_whole_units: true,
    };
    // A list is applied as listed: the assignment is for polygons.
    let how = match &sozialraum {
        Some(sr) => Some(SozialraumHow {
            assign: sr
                .assign()
                .unwrap_or(lor::mapping::weights::Assign::Largest),
            tolerance: args.sr.tolerance()?,
        }),
        None => None,
    };
    let count = CountPlan {
        points: args.points.to_path_buf(),
        point_options: PointOptions {
            x: args.x.clone(),
            y: args.y.clone(),
            crs: args.crs,
            sum,
            by: args.by.clone(),
            id_field: args.id_field.clone(),
            ..PointOptions::default()
        },
        sozialraum: how,
        per,
        missing: args.missing.into(),
        bezirk: args.bezirk.clone(),
        levels: lor::table::scope::levels_in(args.bezirk.as_ref(), &args.levels.0),
    };
    Ok(Plan {
        pipeline: lor::pipeline::points::Plan {
            inputs,
            count,
            format,
            target: args.out.target(),
            guard: args.text.guard(),
            round: args.round.round,
            decimals: args.round.decimals,
            codebook: args.labels.codebook()?,
            lang: args.lang.lang,
        },
        strict: args.strict,
    })
}

/// A progress bar on stderr, only when stderr is a terminal.
struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn new(ctx: &Context) -> ProgressBar {
        ProgressBar((!ctx.quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(0),
                indicatif::ProgressDrawTarget::stderr(),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        }))
    }

    fn show(&self, done: u64, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
            b.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
