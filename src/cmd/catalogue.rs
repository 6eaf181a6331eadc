//! `lor catalogue`: the built-in LOR key lists (keys, names, hierarchy).

use anyhow::Result;
use lor::error::usage_error;
use lor::table::key::{Level, Vintage};

use super::Context;

const EXAMPLES: &str = "\
Examples:
  # the Prognoseräume of LOR 2021
  lor catalogue --vintage 2021 --level pgr

  # all LOR 2006 Planungsräume with names and areas, for Excel
  lor catalogue --level plr --format excel-csv --output plr-2006.csv

Bundled geometry, accepted wherever a layer file is asked for:
  lor2006:plr, lor2006:bzr, lor2006:pgr, lor2021:pgr, bezirke";

/// Print or export the built-in LOR catalogue: keys, names and hierarchy of
/// LOR 2006 and LOR 2021.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// LOR vintage: 2006 or 2021.
    #[arg(long, value_name = "YEAR", default_value = "2021", value_parser = super::args::vintage_value)]
    vintage: Vintage,
    /// Levels: plr, bzr, pgr, bez (comma-separated).
    #[arg(long, value_name = "LEVELS", default_value = "bez,pgr,bzr,plr")]
    level: String,
    #[command(flatten)]
    out: super::args::TableOutputArgs,
}

/// Every flag checked: the library's plan (the catalogue has no warnings,
/// so no --strict).
fn plan(args: Args) -> Result<lor::pipeline::catalogue::Plan> {
    let mut levels = Vec::new();
    for part in args
        .level
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match Level::parse(part) {
            Some(Level::Berlin) | None => {
                return Err(usage_error(format!(
                    "--level: unknown level '{part}'; use plr, bzr, pgr or bez"
                )))
            }
            Some(l) if !levels.contains(&l) => levels.push(l),
            Some(_) => {}
        }
    }
    if levels.is_empty() {
        return Err(usage_error("--level: no level given"));
    }
    // Coarse to fine, as the hierarchy reads.
    levels.sort_by(|a, b| b.cmp(a));
    Ok(lor::pipeline::catalogue::Plan {
        vintage: args.vintage,
        levels,
        format: args.out.format(true)?,
        target: args.out.target(),
    })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = plan(args)?;
    ctx.finish(false, lor::pipeline::catalogue::run(&plan)?)
}
