//! `lor crosswalk`: a weight table between two polygon layers.

use super::args::{InputPath, OutputPath};

use anyhow::Result;

use super::args::{FromLayer, ToLayer};
use super::Context;

const EXAMPLES: &str = "\
Examples:
  # LOR 2006 Planungsräume → LOR 2021 Prognoseräume (feature 124 of the 2006
  # file is PLR 04030417, mislabelled 06010102)
  lor crosswalk data/berlin/lor-2006/plr.geojson.gz \\
      data/berlin/lor-2021/pgr.geojson.gz --from-fix-id 124=04030417 \\
      --output plr2006-pgr2021.csv

The CSV (from, to, area_m2, area_share, weight) can be reviewed, edited and
used with `lor translate --crosswalk`. Parts below the sliver tolerance are
digitising noise: weight 0, the rest renormalised.";

/// Build a crosswalk (weight table) from one polygon layer to another.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Source units (e.g. LOR 2006 PLR).
    from: InputPath,
    /// Target units (e.g. LOR 2021 PGR).
    to: InputPath,
    #[command(flatten)]
    from_layer: FromLayer,
    #[command(flatten)]
    to_layer: ToLayer,
    #[command(flatten)]
    overlay: super::CrosswalkArgs,
    /// Write the crosswalk here (CSV, or Parquet for a .parquet name), atomically; stdout otherwise.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<OutputPath>,
    /// Exit with 3 when the crosswalk leaves units (partly) unassigned or has warnings.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

/// Whether --output names a Parquet file (CSV otherwise; other names are refused).
fn parquet_output(output: Option<&std::path::Path>) -> Result<bool> {
    let Some(o) = output else {
        return Ok(false);
    };
    let ext = lor::render::output::require_extension(
        o,
        "--output",
        "a crosswalk as CSV or Parquet",
        &["csv", "parquet"],
    )?;
    Ok(ext == "parquet")
}

/// The checked plan: the library's, and --strict (the binary's part).
struct Plan {
    pipeline: lor::pipeline::crosswalk::Plan,
    strict: bool,
}

fn plan(args: Args) -> Result<Plan> {
    let parquet = parquet_output(args.output.as_deref())?;
    let pipeline = lor::pipeline::crosswalk::Plan {
        from: (args.from.0, args.from_layer.options()),
        to: (args.to.0, args.to_layer.options()),
        overlay: args.overlay.overlay()?,
        output: args.output.map(|o| o.0),
        parquet,
        guard: args.text.guard(),
    };
    Ok(Plan {
        pipeline,
        strict: args.strict,
    })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(args)?;
    ctx.finish(plan.strict, lor::pipeline::crosswalk::run(&plan.pipeline)?)
}
