//! `lor crosswalk`: a weight table between two polygon layers.

use super::args::{InputPath, OutputPath};

use anyhow::Result;
use lor::error::Warnings;

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
    match lor::render::output::Format::from_path(o) {
        Some(lor::render::output::Format::Parquet) => Ok(true),
        Some(lor::render::output::Format::Csv) => Ok(false),
        _ => Err(lor::error::usage_error(format!(
            "{}: a crosswalk is written as .csv or .parquet; name the file so",
            o.display()
        ))),
    }
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let parquet = parquet_output(args.output.as_deref())?;
    let mut warnings = Warnings::default();
    let (from_opts, to_opts) = (args.from_layer.options(), args.to_layer.options());
    let cw = args.overlay.build_from_polygons(
        (&*args.from, &from_opts),
        (&*args.to, &to_opts),
        &mut warnings,
    )?;
    warnings.extend(lor::mapping::crosswalk::unassigned_warnings(&cw.unassigned));
    ctx.warn(&warnings);
    for l in cw.summary.lines() {
        ctx.info(&l);
    }
    ctx.check_strict(args.strict, &warnings)?;
    let bytes = if parquet {
        cw.to_parquet()?
    } else {
        cw.to_csv(args.text.guard())
    };
    lor::render::write::Outputs::one(args.output.as_deref(), bytes)
        .write(&ctx.inputs)
        .map(drop)
}
