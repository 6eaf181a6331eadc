//! `lor check`: what is wrong with a delivery, before anything is computed.

use super::args::{bezirk_value, CheckFormat, GeometryLayer, InputPath, StatsReadArgs};
use super::Context;
use anyhow::Result;
use lor::error::{quality_error, usage_error, WarningCode};
use lor::pipeline::check::ReportFormat;
use lor::pipeline::inputs::{InputPlan, Scope, Statistics};
use lor::table::scope::Bezirk;

const EXAMPLES: &str = "\
Examples:
  lor check data/berlin/stats/EWR201812E_Matrix.csv \\
      data/berlin/lor-2006/plr.geojson.gz data/berlin/lor-2006/bzr.geojson.gz \\
      --names data/berlin/lor-2006/plr-names.csv
  lor check --format json data/sample/EWR202412E_Matrix.csv data/sample/plr.geojson

Checks: keys (malformed, duplicate, unknown, missing against the names table or
the PLR polygons, mixed vintages), cells that are not numbers, negative counts,
shares outside 0–100, empty or suppressed cells, the file's own totals (E_E =
E_EM + E_EW = Σ age bands = Σ age groups); polygons: duplicate ids, invalid
rings, overlaps and gaps between units, PLR reaching outside their BZR/PGR.
Exit code 3 when there are findings (accept kinds with --allow CODE).";

/// Validate statistics and geometries without aggregating anything.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A statistics file per PLR (CSV or XLSX); '-' for none.
    stats: InputPath,
    /// Polygon layers: PLR, and optionally BZR and PGR (by their key length).
    geometry: Vec<InputPath>,
    #[command(flatten)]
    read: StatsReadArgs,
    /// Names table: the reference list of PLR.
    #[arg(long, value_name = "FILE")]
    names: Option<InputPath>,
    /// Only this Bezirk (two digits): statistics rows, names and LOR-keyed
    /// layers (as in aggregate).
    #[arg(long, value_name = "BB", value_parser = bezirk_value)]
    bezirk: Option<Bezirk>,
    /// Overlaps and gaps smaller than this many m² are digitising noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0, value_parser = super::args::area_value)]
    tolerance: f64,
    /// Report format.
    #[arg(long, short, value_name = "FORMAT", value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    #[command(flatten)]
    layer: GeometryLayer,
    /// Findings allowed before the exit code is 3.
    #[arg(long, value_name = "N", default_value_t = 0)]
    max_findings: usize,
}

/// Every flag checked before any file is read; `allow` are the kinds of
/// findings `--allow` accepts.
fn plan(args: &Args, allow: &[WarningCode]) -> Result<lor::pipeline::check::Plan> {
    let layer_options = args.layer.options();
    if args.geometry.len() > 1 && !layer_options.fix_ids.is_empty() {
        return Err(usage_error(
            "--geometry-fix-id with a feature number applies to one layer: check that layer alone, or fix by the wrong id (WRONG=KEY)",
        ));
    }
    Ok(lor::pipeline::check::Plan {
        inputs: InputPlan {
            stats: (args.stats.as_os_str() != "-")
                .then(|| Statistics::File(args.stats.to_path_buf(), args.read.options())),
            names: args.names.as_deref().map(|n| n.to_path_buf()),
            scope: args.bezirk.clone().map_or(Scope::Berlin, Scope::Bezirk),
            // Without --names the built-in catalogue is the reference, as
            // in every command that reads statistics.
            catalogue_names: true,
            ..InputPlan::default()
        },
        geometry: args.geometry.iter().map(|g| g.to_path_buf()).collect(),
        layer_options,
        tolerance: args.tolerance,
        format: match args.format {
            CheckFormat::Text => ReportFormat::Text,
            CheckFormat::Json => ReportFormat::Json,
        },
        allow: allow.to_vec(),
        max_findings: args.max_findings,
    })
}

/// The report on stdout; then exit code 3 when more findings count than
/// `--max-findings` allows.
pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(&args, &ctx.allow)?;
    let (outcome, failure) = lor::pipeline::check::run(&plan)?;
    ctx.finish(false, outcome)?;
    failure.map_or(Ok(()), |m| Err(quality_error(m)))
}
