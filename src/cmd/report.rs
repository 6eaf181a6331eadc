//! `lor report`: the quarterly Sozialraum report as one HTML file.

use anyhow::Result;
use lor::mapping::sozialraum::SozialraumFile;
use lor::pipeline::inputs::{InputPlan, Scope, Statistics};
use lor::render::classify::Method;
use lor::render::map::Indicator;

use super::args::{
    class_count_value, classes_value, InputPath, InputPattern, OutputPath, SozialraumArgs,
};
use super::Context;

const EXAMPLES: &str = "\
Example:
  # Charlottenburg-Wilmersdorf, 31.12.2018, with the 2021 Prognoseräume
  # standing in for its five Sozialräume, and the Kita places
  lor report data/berlin/stats/EWR201812E_Matrix.csv --bezirk 04 \\
      --units data/berlin/lor-2006/plr.geojson.gz --units-fix-id 124=04030417 \\
      --sozialraum data/berlin/lor-2021/pgr.geojson.gz \\
      --names data/berlin/lor-2006/plr-names.csv \\
      --points data/berlin/points/kitas.geojson.gz --points-sum e_platz \\
      --output b04-report.html

  # the sample district, with the change since the half-year before
  # (its series folder) and a map of that change
  lor report data/sample/EWR202412E_Matrix.csv --units data/sample/plr.geojson \\
      --sozialraum data/sample/sozialraeume.geojson --names data/sample/plr.csv \\
      --series data/sample/series --change-map 'Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100' \\
      --output auenwalde-report.html

Key figures come from the population register columns (E_E, E_EU1, E_E1U6,
…, E_E80U110) or those of the open-data population tables (inhabitants,
inhabitants_age_below_6, …); each --map is a choropleth per Planungsraum.
Columns are headed with their German labels where the codebook knows them.";

/// Write the Sozialraum report of a Bezirk as one HTML file (prints to A4).
#[derive(clap::Args)]
#[command(after_help = EXAMPLES, mut_arg("sozialraum", |a| a.required(true)))]
pub struct Args {
    /// Statistics file per Planungsraum (population register, CSV or XLSX).
    #[arg(value_name = "FILE")]
    stats: InputPath,
    /// The Bezirk (two digits); default: the one Bezirk of the file.
    #[arg(long, value_name = "BB")]
    bezirk: Option<String>,
    /// PLR polygons (GeoJSON or Shapefile).
    #[arg(long, value_name = "FILE")]
    units: InputPath,
    /// The Sozialraum polygons (needed), how PLR go to them, and their
    /// layer's flags.
    #[command(flatten)]
    sr: SozialraumArgs,
    #[command(flatten)]
    units_layer: super::args::UnitsLayer,
    /// How the columns are aggregated, as in `lor aggregate`.
    #[command(flatten)]
    rules: super::RuleArgs,
    /// Names table (e.g. lor-2006/plr-names.csv).
    #[arg(long, value_name = "FILE")]
    names: Option<InputPath>,
    /// Maps per PLR: a column or NAME=(A+B)/C*100. Repeatable. Default: the
    /// shares of people 65+ and of children under 6.
    #[arg(long, value_name = "COLUMN")]
    map: Vec<String>,
    /// Classes of the maps: quantiles, equal, jenks or breaks:1,2,3.
    #[arg(long, value_name = "HOW", default_value = "quantiles", value_parser = classes_value)]
    classes: Method,
    /// Number of classes (1–9).
    #[arg(short, value_name = "K", default_value = "5", value_parser = class_count_value)]
    k: usize,
    /// Facilities as points (e.g. Kitas), for places per child under 6.
    #[arg(long, value_name = "FILE", requires = "points_sum")]
    points: Option<InputPath>,
    /// The attribute of --points to sum (e.g. e_platz).
    #[arg(long, value_name = "ATTR", requires = "points")]
    points_sum: Option<String>,
    /// CRS of --points, e.g. EPSG:25833 (GeoJSON declares it; lon/lat means EPSG:4326).
    #[arg(long, value_name = "EPSG", requires = "points", value_parser = super::args::crs_value)]
    points_crs: Option<lor::spatial::crs::Crs>,
    /// CSV --points: the x / longitude column (detected otherwise).
    #[arg(long, value_name = "COLUMN", requires = "points")]
    points_x: Option<String>,
    /// CSV --points: the y / latitude column (detected otherwise).
    #[arg(long, value_name = "COLUMN", requires = "points")]
    points_y: Option<String>,
    /// Statistics of other dates: files, a folder or a glob, as for `lor
    /// series` (repeatable). The key figures get their change against the
    /// latest date before the report's (same LOR vintage).
    #[arg(long, value_name = "FILE|DIR|GLOB", value_hint = clap::ValueHint::AnyPath)]
    series: Vec<InputPattern>,
    /// A map per PLR of the change of a column or NAME=(A+B)/C*100 against
    /// that date, in diverging colours around zero (needs --series).
    /// Repeatable.
    #[arg(long, value_name = "COLUMN", requires = "series")]
    change_map: Vec<String>,
    /// Source and licence line, for inputs without a source entry in a
    /// README.md of their data folder (the others keep theirs: publisher,
    /// title, date, licence).
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    #[command(flatten)]
    read: super::args::StatsReadArgs,
    #[command(flatten)]
    lang: super::args::LangArgs,
    /// Write the report to this HTML file.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: OutputPath,
    /// Treat warnings as errors: exit code 3 and no report.
    #[arg(long)]
    strict: bool,
}

/// The checked flags of a report: the pipeline's plan and `--strict`.
struct Plan {
    pipeline: lor::pipeline::report::Plan,
    strict: bool,
}

fn plan(args: &Args) -> Result<Plan> {
    lor::render::output::require_extension(
        &args.output,
        "--output",
        "an HTML report",
        &["html", "htm"],
    )?;
    let scope = match &args.bezirk {
        Some(b) => Scope::Bezirk(lor::table::scope::Bezirk::parse(b)?),
        None => Scope::OfTheStatistics,
    };
    let (path, assign, layer) = args
        .sr
        .plan()?
        .expect("--sozialraum is required")
        .polygons("report")?;
    let tolerance = args.sr.tolerance()?;
    let inputs = InputPlan {
        stats: Some(Statistics::File(
            args.stats.to_path_buf(),
            args.read.options(),
        )),
        units: Some((args.units.to_path_buf(), args.units_layer.options())),
        names: args.names.as_deref().map(|n| n.to_path_buf()),
        sozialraum: Some(SozialraumFile::Polygons { path, layer }),
        scope,
        catalogue_names: true,
        keep_whole_units: false,
    };
    Ok(Plan {
        pipeline: lor::pipeline::report::Plan {
            inputs,
            assign,
            tolerance,
            rules: args.rules.flags(),
            missing: args.rules.missing_policy(),
            maps: indicators("--map", &args.map)?,
            method: args.classes.clone(),
            k: args.k,
            points: points(args),
            series: args.series.iter().map(|s| s.0.clone()).collect(),
            change_maps: indicators("--change-map", &args.change_map)?,
            source: args.source.clone(),
            output: args.output.to_path_buf(),
            lang: args.lang.lang,
        },
        strict: args.strict,
    })
}

fn indicators(flag: &str, given: &[String]) -> Result<Vec<Indicator>> {
    given
        .iter()
        .map(|m| Indicator::parse_flag(flag, m))
        .collect()
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(&args)?;
    ctx.finish(plan.strict, lor::pipeline::report::run(&plan.pipeline)?)
}

/// The facilities of the report with how to read them; messages name the
/// report's `--points-…` flags.
fn points(args: &Args) -> Option<(std::path::PathBuf, lor::points::read::PointOptions)> {
    let (path, sum) = args
        .points
        .as_deref()
        .map(|p| p.to_path_buf())
        .zip(args.points_sum.clone())?;
    let options = lor::points::read::PointOptions {
        sum: vec![sum],
        crs: args.points_crs,
        x: args.points_x.clone(),
        y: args.points_y.clone(),
        flags: lor::points::read::PointFlags::prefixed("points-"),
        ..Default::default()
    };
    Some((path, options))
}
