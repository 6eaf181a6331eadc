//! `lor mismatch`: where two boundary systems disagree.

use std::io::IsTerminal;

use super::args::{
    bezirk_value, levels_value, ALayer, BLayer, InputPath, Levels, OutputPath, ReportFormat,
    StatsReadArgs,
};
use super::Context;
use anyhow::Result;
use lor::error::{quality_error, usage_error};
use lor::quality::mismatch::{compare, Compared, Comparison};
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
      --svg b04.svg --geojson b04-pieces.geojson

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
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    min_share: f64,
    /// Parts smaller than this many m² are noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0)]
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
}

/// The report format: `--format`, else the output's extension (.csv or
/// .json), else a table on a terminal and CSV in a pipe.
fn report_format(args: &Args) -> Result<Fmt> {
    Ok(match args.format {
        Some(f) => f,
        None if args.output.is_none() && std::io::stdout().is_terminal() => Fmt::Table,
        None => match &args.output {
            None => Fmt::Csv,
            Some(o) => match lor::render::output::Format::for_output(o)? {
                lor::render::output::Format::Json => Fmt::Json,
                lor::render::output::Format::Csv => Fmt::Csv,
                _ => {
                    return Err(usage_error(format!(
                        "{}: the report is written as .csv or .json (or give --format table)",
                        o.display()
                    )))
                }
            },
        },
    })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    // The plan: every flag checked before any file is read.
    let fmt = report_format(&args)?;
    let (a_options, b_options) = (args.a_layer.options(), args.b_layer.options());
    let read = args.read.options();
    let compared = compare(&Comparison {
        a: &args.a,
        a_options: &a_options,
        b: &args.b,
        b_options: &b_options,
        bezirk: args.bezirk.as_ref(),
        stats: args
            .stats
            .as_deref()
            .map(|s| (s, &read, args.column.as_deref())),
        names: args.names.as_deref(),
        levels: &args.levels.0,
        tol: Tolerance::new(args.min_share, args.min_area)?,
        keep_pieces: args.geojson.is_some() || args.svg.is_some(),
    })?;
    ctx.warn(&compared.warnings);
    ctx.check_strict(args.strict, &compared.warnings)?;
    write_outputs(&args, fmt, &compared, ctx)?;
    if args.fail_on_split && compared.report.any_split() {
        return Err(quality_error(
            "units are split between the two systems (--fail-on-split)",
        ));
    }
    Ok(())
}

/// The output step: the report (file or stdout), the pieces and the map
/// (all files or none), the summary on stderr.
fn write_outputs(args: &Args, fmt: Fmt, compared: &Compared, ctx: &Context) -> Result<()> {
    let report = &compared.report;
    let text = match fmt {
        Fmt::Table => report.to_text().into_bytes(),
        Fmt::Csv => report.to_csv(args.text.guard()),
        Fmt::Json => report.to_json(),
    };
    let mut files = Vec::new();
    if let Some(o) = &args.output {
        files.push((o.to_path_buf(), text.clone()));
    }
    if let (Some(path), Some(geojson)) = (&args.geojson, compared.pieces_geojson()) {
        files.push((path.to_path_buf(), geojson?));
    }
    if let Some(path) = &args.svg {
        let mut inputs = vec![args.a.0.as_path(), args.b.0.as_path()];
        inputs.extend(args.stats.as_deref());
        let map_text = compared.map_text(args.bezirk.as_ref(), &inputs, args.source.as_deref());
        if let Some(svg) = compared.svg(&map_text) {
            files.push((path.to_path_buf(), svg.into_bytes()));
        }
    }
    if compared.polygons.is_none() && (args.geojson.is_some() || args.svg.is_some()) {
        ctx.info("warning: --geojson and --svg need polygons for B; none written for a list");
    }
    lor::render::write::Outputs {
        files,
        stdout: args.output.is_none().then_some(text),
        ..Default::default()
    }
    .write(&ctx.inputs)?;
    if fmt != Fmt::Table {
        for line in report.summary() {
            ctx.info(&line);
        }
    }
    Ok(())
}
