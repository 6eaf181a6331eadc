//! `lor catalogue`: the built-in LOR key lists (keys, names, hierarchy).

use std::path::PathBuf;

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
    #[arg(long, value_name = "YEAR", default_value = "2021")]
    vintage: String,
    /// Levels: plr, bzr, pgr, bez (comma-separated).
    #[arg(long, value_name = "LEVELS", default_value = "bez,pgr,bzr,plr")]
    level: String,
    /// Output format: csv, excel-csv, json, parquet, xlsx, table.
    #[arg(long, short, value_name = "FORMAT")]
    format: Option<super::args::FormatArg>,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args, _ctx: &Context) -> Result<()> {
    let vintage = Vintage::parse(&args.vintage)
        .ok_or_else(|| usage_error(format!("--vintage '{}': use 2006 or 2021", args.vintage)))?;
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
    let format = super::table_format(args.format, args.output.as_deref(), true)?;
    let tables = lor::table::catalogue::get(vintage).tables(&levels);
    super::aggregate::write_tables(&tables, format, args.output.as_deref(), Default::default())
}
