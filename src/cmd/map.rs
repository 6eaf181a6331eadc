//! `lor map`: a choropleth of one column per PLR, BZR, PGR or Sozialraum.

use anyhow::Result;
use lor::error::usage_error;
use lor::mapping::sozialraum::SozialraumFile;
use lor::pipeline::inputs::{InputPlan, Scope, Statistics};
use lor::render::classify::Method;
use lor::render::map::{ChoroSpec, Indicator, MapLevel};

use super::args::{
    class_count_value, classes_value, map_level_value, InputPath, OutputPath, SozialraumArgs,
};

use super::Context;

const EXAMPLES: &str = "\
Examples:
  # share of people 65+ per PLR of Charlottenburg-Wilmersdorf, with the
  # Sozialraum borders (here the 2021 Prognoseräume) drawn over
  lor map data/berlin/stats/EWR201812E_Matrix.csv \\
      --units data/berlin/lor-2006/plr.geojson.gz --bezirk 04 \\
      --sozialraum data/berlin/lor-2021/pgr.geojson.gz --units-fix-id 124=04030417 \\
      --column 'Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100' --output b04-65plus.svg

  # children under 6 per Bezirksregion, natural breaks, as PNG for slides
  lor map data/sample/EWR202412E_Matrix.csv --units data/sample/plr.geojson \\
      --level bzr --column 'Kinder_u6=(E_EU1+E_E1U6)/E_E*100' --classes jenks -k 4 \\
      --output kinder.png

--column is a column of the file or a share of sums, NAME=(A+B)/C*100: counts
are aggregated first (as `lor aggregate` does), then divided.";

/// Draw a choropleth map of one column per PLR, BZR, PGR or Sozialraum.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Statistics file per Planungsraum (CSV or XLSX).
    file: InputPath,
    /// PLR polygons (GeoJSON or Shapefile).
    #[arg(long, value_name = "FILE")]
    units: InputPath,
    /// The column to map, or a share NAME=(A+B)/C*100 of aggregated counts.
    #[arg(long, value_name = "COLUMN")]
    column: String,
    /// The units of the map: plr, bzr, pgr or sozialraum.
    #[arg(long, value_name = "LEVEL", default_value = "plr", value_parser = map_level_value)]
    level: MapLevel,
    /// Sozialraum polygons (their borders drawn over, and --level
    /// sozialraum), how PLR go to them, and their layer's flags.
    #[command(flatten)]
    sr: SozialraumArgs,
    /// Classes: quantiles, equal, jenks (natural breaks) or breaks:1,2,3.
    #[arg(long, value_name = "HOW", default_value = "quantiles", value_parser = classes_value)]
    classes: Method,
    /// Number of classes (1–9).
    #[arg(short, value_name = "K", default_value = "5", value_parser = class_count_value)]
    k: usize,
    /// Only this Bezirk (two digits).
    #[arg(long, value_name = "BB")]
    bezirk: Option<String>,
    /// Names table (e.g. lor-2006/plr-names.csv) for names and coverage.
    #[arg(long, value_name = "FILE")]
    names: Option<InputPath>,
    #[command(flatten)]
    units_layer: super::args::UnitsLayer,
    /// Source and licence line (default: the attribution in the README.md
    /// beside each input, as in data/berlin).
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    #[command(flatten)]
    read: super::args::StatsReadArgs,
    /// How the columns are aggregated, as in `lor aggregate`.
    #[command(flatten)]
    rules: super::RuleArgs,
    /// Write the map to FILE: SVG or PNG (by extension); SVG on stdout without it.
    #[arg(long, short, value_name = "FILE")]
    output: Option<OutputPath>,
    /// Treat warnings as errors: exit code 3 and no map.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    lang: super::args::LangArgs,
}

/// The checked flags of a map: the pipeline's plan and `--strict`.
struct Plan {
    pipeline: lor::pipeline::map::Plan,
    strict: bool,
}

fn plan(args: &Args) -> Result<Plan> {
    let indicator = Indicator::parse_flag("--column", &args.column)?;
    let level = args.level;
    let method = args.classes.clone();
    let scope = match &args.bezirk {
        Some(b) => Scope::Bezirk(lor::table::scope::Bezirk::parse(b)?),
        None => Scope::Berlin,
    };
    let sozialraum = args.sr.plan()?.map(|p| p.polygons("map")).transpose()?;
    if level == MapLevel::Sozialraum && sozialraum.is_none() {
        return Err(usage_error(
            "--level sozialraum needs the Sozialraum polygons: add --sozialraum FILE",
        ));
    }
    let spec = ChoroSpec {
        indicator,
        level,
        method,
        k: args.k,
        bezirk: args.bezirk.clone(),
        source: args.source.clone(),
        id: String::new(),
        lang: args.lang.lang,
    };
    let png = is_png(args.output.as_deref())?;
    let assign = sozialraum.as_ref().map(|(_, a, _)| *a);
    let inputs = InputPlan {
        stats: Some(Statistics::File(
            args.file.to_path_buf(),
            args.read.options(),
        )),
        units: Some((args.units.to_path_buf(), args.units_layer.options())),
        names: args.names.as_deref().map(|n| n.to_path_buf()),
        sozialraum: sozialraum.map(|(path, _, layer)| SozialraumFile::Polygons { path, layer }),
        scope,
        catalogue_names: true,
        keep_whole_units: false,
    };
    Ok(Plan {
        pipeline: lor::pipeline::map::Plan {
            spec,
            inputs,
            assign,
            tolerance: args.sr.tolerance()?,
            rules: args.rules.flags(),
            missing: args.rules.missing_policy(),
            png,
            output: args.output.as_deref().map(|o| o.to_path_buf()),
        },
        strict: args.strict,
    })
}

/// Whether --output names a PNG file (SVG otherwise; other names are refused).
fn is_png(output: Option<&std::path::Path>) -> Result<bool> {
    let Some(o) = output else {
        return Ok(false);
    };
    let ext = lor::render::output::require_extension(
        o,
        "--output",
        "an SVG or PNG map",
        &["svg", "png"],
    )?;
    Ok(ext == "png")
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(&args)?;
    ctx.finish(plan.strict, lor::pipeline::map::run(&plan.pipeline)?)
}
