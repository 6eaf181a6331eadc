//! `lor check`: what is wrong with a delivery, before anything is computed.

use std::path::PathBuf;

use super::args::{bezirk_value, CheckFormat, GeometryLayer, InputPath, StatsReadArgs};
use super::Context;
use anyhow::Result;
use lor::error::{quality_error, usage_error, Warning};
use lor::pipeline::inputs::{assemble, InputPlan, Scope, Statistics};
use lor::quality::check::{check_delivery, Delivery};
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
    #[arg(long, value_name = "M2", default_value_t = 1000.0)]
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

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    // The plan: every flag checked before any file is read.
    let layer_options = args.layer.options();
    if args.geometry.len() > 1 && !layer_options.fix_ids.is_empty() {
        return Err(usage_error(
            "--geometry-fix-id with a feature number applies to one layer: check that layer alone, or fix by the wrong id (WRONG=KEY)",
        ));
    }
    let geometry: Vec<PathBuf> = args.geometry.iter().map(|g| g.to_path_buf()).collect();
    // The statistics and the names table, read and cut as every command
    // reads them; the names only as the reference list.
    let inputs = InputPlan {
        stats: (args.stats.as_os_str() != "-")
            .then(|| Statistics::File(args.stats.to_path_buf(), args.read.options())),
        names: args.names.as_deref().map(|n| n.to_path_buf()),
        scope: args.bezirk.clone().map_or(Scope::Berlin, Scope::Bezirk),
        ..InputPlan::default()
    };
    let (read, warnings) = assemble(&inputs)?;
    let report = check_delivery(&Delivery {
        stats: read.table.as_ref().map(|t| (args.stats.0.as_path(), t)),
        geometry: &geometry,
        layer_options: &layer_options,
        names: args.names.as_deref().zip(read.names.as_ref()),
        read: &warnings,
        tolerance: args.tolerance,
        bezirk: args.bezirk.as_ref(),
    })?;
    // The output step: the report on stdout, the exit code from the
    // findings that are not accepted.
    let counted: Vec<&Warning> = ctx.findings(&report.findings);
    let bytes = match args.format {
        CheckFormat::Json => report.to_json(&|w| !counted.iter().any(|c| std::ptr::eq(*c, w)))?,
        CheckFormat::Text => report.to_text().into_bytes(),
    };
    lor::render::write::Outputs::one(None, bytes).write(&ctx.inputs)?;
    if counted.len() > args.max_findings {
        return Err(quality_error(format!(
            "{} findings (more than --max-findings {})",
            counted.len(),
            args.max_findings
        )));
    }
    Ok(())
}
