//! `lor mismatch`: where two boundary systems disagree.

use std::io::IsTerminal;

use super::args::{
    bezirk_value, levels_value, ALayer, BLayer, InputPath, Levels, OutputPath, ReportFormat,
    StatsReadArgs,
};
use super::Context;
use anyhow::Result;
use lor::error::{quality_error, usage_error};
use lor::pipeline::mismatch::Plan;
use lor::render::output::{require_extension, Format};
use lor::spatial::overlay::Tolerance;
use lor::table::scope::Bezirk;

type Fmt = ReportFormat;

const EXAMPLES: &str = "\
Examples:
  # LOR 2006 PLR of Charlottenburg-Wilmersdorf against the five 2021 PGR
  # (standing in for the Sozialräume), with the inhabitants affected
  lor mismatch data/berlin/lor-2006/plr.geojson.gz \\
      data/berlin/lor-2021/pgr.geojson.gz --bezirk 04 \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv --column E_E \\
      --svg b04.svg --png b04.png --geojson b04-pieces.geojson

  # the sample district's Sozialräume
  lor mismatch data/sample/plr.geojson data/sample/sozialraeume.geojson \\
      --stats data/sample/EWR202412E_Matrix.csv --svg auenwalde.svg

A part of a unit is digitising noise when it is smaller than --min-share of
the unit's area or smaller than --min-area m²; a unit with two or more real
parts is split.";

/// Compare two boundary systems: which units of A are split between units of B.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Polygons of the first system (e.g. LOR PLR): GeoJSON or Shapefile.
    a: InputPath,
    /// Polygons of the second system (e.g. Sozialräume), or a CSV/XLSX list
    /// "PLR or BZR → unit".
    b: InputPath,

    /// Only this Bezirk (two digits): filters every layer and list whose
    /// ids are LOR keys, and the statistics.
    #[arg(long, value_name = "BB", value_parser = bezirk_value)]
    bezirk: Option<Bezirk>,
    #[command(flatten)]
    a_layer: ALayer,
    #[command(flatten)]
    b_layer: BLayer,
    /// Statistics per unit of A, for the people affected.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    stats: Option<InputPath>,
    /// Names table (e.g. lor-2006/plr-names.csv) for the names of BZR and PGR.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<InputPath>,
    /// How --stats is read.
    #[command(flatten)]
    read: StatsReadArgs,
    /// The column of --stats to count (default: E_E, inhabitants or EW if present).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    column: Option<String>,

    /// Parts smaller than this share of their unit are noise (0–1).
    #[arg(long, value_name = "SHARE", default_value_t = 0.01, value_parser = super::args::share_value)]
    min_share: f64,
    /// Parts smaller than this many m² are noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0, value_parser = super::args::area_value)]
    min_area: f64,
    /// LOR levels of A to roll up to (when A has LOR keys).
    #[arg(long, value_name = "LEVELS", default_value = "bzr,pgr", value_parser = levels_value)]
    levels: Levels,

    /// Report format. Default: a table on a terminal, else csv.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<ReportFormat>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<OutputPath>,
    /// Write the intersection pieces as GeoJSON (WGS84) for QGIS.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    geojson: Option<OutputPath>,
    /// Write an SVG map of both systems with the split parts coloured.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    svg: Option<OutputPath>,
    /// Write the same map as PNG (for slides; needs a font such as DejaVu Sans).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    png: Option<OutputPath>,
    /// Source and licence line of the map (default: the attribution in the
    /// README.md beside each input, as in data/berlin).
    #[arg(long, value_name = "TEXT", help_heading = "Output")]
    source: Option<String>,
    /// Exit with code 3 when any unit is split (for automated checks).
    #[arg(long)]
    fail_on_split: bool,
    /// Treat warnings (duplicate ids, keys without geometry, …) as errors.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
    #[command(flatten)]
    lang: super::args::LangArgs,
}

/// The report format: `--format`, else the output's extension (.csv or
/// .json), else a table on a terminal and CSV in a pipe.
fn report_format(args: &Args) -> Result<Fmt> {
    Ok(match args.format {
        Some(f) => f,
        None if args.output.is_none() && std::io::stdout().is_terminal() => Fmt::Table,
        None => match &args.output {
            None => Fmt::Csv,
            Some(o) => match require_extension(
                o,
                "--output",
                "the report as CSV or JSON (or give --format)",
                &["csv", "json"],
            )? {
                "json" => Fmt::Json,
                _ => Fmt::Csv,
            },
        },
    })
}

/// Each file's name says what it holds: the pieces GeoJSON, the maps SVG
/// and PNG (an SVG named .png is refused with a hint at --png).
fn check_outputs(args: &Args) -> Result<()> {
    if let Some(svg) = &args.svg {
        if svg
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("png"))
        {
            return Err(usage_error(format!(
                "--svg '{}': this writes an SVG map; for a PNG of it give --png {0}",
                svg.display()
            )));
        }
    }
    for (path, flag, what, allowed) in [
        (
            &args.geojson,
            "--geojson",
            "the intersection pieces as GeoJSON",
            &["geojson", "json"][..],
        ),
        (&args.svg, "--svg", "an SVG map", &["svg"][..]),
        (&args.png, "--png", "a PNG map", &["png"][..]),
    ] {
        if let Some(p) = path {
            require_extension(p, flag, what, allowed)?;
        }
    }
    Ok(())
}

/// Every flag checked before any file is read.
fn plan(args: &Args) -> Result<Plan> {
    check_outputs(args)?;
    let format = match report_format(args)? {
        Fmt::Table => Format::Table,
        Fmt::Csv => Format::Csv,
        Fmt::Json => Format::Json,
    };
    Ok(Plan {
        a: args.a.to_path_buf(),
        a_options: args.a_layer.options(),
        b: args.b.to_path_buf(),
        b_options: args.b_layer.options(),
        bezirk: args.bezirk.clone(),
        stats: args
            .stats
            .as_deref()
            .map(|s| (s.to_path_buf(), args.read.options(), args.column.clone())),
        names: args.names.as_deref().map(|n| n.to_path_buf()),
        levels: args.levels.0.clone(),
        tolerance: Tolerance::new(args.min_share, args.min_area)?,
        format,
        output: args.output.as_deref().map(|o| o.to_path_buf()),
        geojson: args.geojson.as_deref().map(|o| o.to_path_buf()),
        svg: args.svg.as_deref().map(|o| o.to_path_buf()),
        png: args.png.as_deref().map(|o| o.to_path_buf()),
        source: args.source.clone(),
        fail_on_split: args.fail_on_split,
        guard: args.text.guard(),
        lang: args.lang.lang,
    })
}

/// The report, pieces and map written; then exit code 3 when units are
/// split and `--fail-on-split` asks for it.
pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(&args)?;
    let (outcome, failure) = lor::pipeline::mismatch::run(&plan)?;
    ctx.finish(args.strict, outcome)?;
    failure.map_or(Ok(()), |m| Err(quality_error(m)))
}
