//! `lor layout`: evaluate a Sozialraum layout built from LOR units, or
//! propose the contiguous one that moves the fewest people.

use std::path::PathBuf;

use anyhow::Result;
use lor::error::usage_error;
use lor::pipeline::layout::{self, AlternativesPlan, EvaluatePlan, ProposePlan, UnitsPlan};
use lor::render::output::require_extension;
use lor::table::key::Level;

use super::args::{BlocksArg, InputPath, OutputPath};
use super::Context;

const EXAMPLES: &str = "\
Examples:
  # the five 2021 Prognoseräume of Charlottenburg-Wilmersdorf, evaluated on
  # the 2006 PLR against themselves
  lor layout evaluate data/berlin/lor-2021/pgr.geojson.gz --bezirk 04 \\
      --units data/berlin/lor-2006/plr.geojson.gz --units-fix-id 124=04030417 \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv \\
      --reference data/berlin/lor-2021/pgr.geojson.gz

  # five contiguous regions of whole BZR, each within ±25 % of the mean
  lor layout propose --bezirk 04 --units data/berlin/lor-2006/plr.geojson.gz \\
      --units-fix-id 124=04030417 --stats data/berlin/stats/EWR201812E_Matrix.csv \\
      --reference data/berlin/lor-2021/pgr.geojson.gz --regions 5 \\
      --blocks bzr --balance 0.25

Units are neighbours when they share a border of positive length (a shared
corner is not enough; borders within 1 m count as shared).";

/// Evaluate or propose a layout of regions built from LOR units.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    Evaluate(EvaluateArgs),
    Propose(ProposeArgs),
}

#[derive(clap::Args)]
struct Common {
    /// PLR polygons (GeoJSON or Shapefile): the units of the layout.
    #[arg(long, value_name = "FILE")]
    units: InputPath,
    /// Statistics per PLR with the people (column E_E unless --column).
    #[arg(long, value_name = "FILE")]
    stats: InputPath,
    /// The column of --stats with the people.
    #[arg(long, value_name = "COLUMN")]
    column: Option<String>,
    /// Only this Bezirk (two digits).
    #[arg(long, value_name = "BB")]
    bezirk: Option<String>,
    #[command(flatten)]
    units_layer: super::args::UnitsLayer,
    #[command(flatten)]
    read: super::args::StatsReadArgs,
    /// Output format: table, csv, json. Default: a table on a terminal, else csv.
    #[arg(long, short, value_name = "FORMAT")]
    format: Option<super::args::FormatArg>,
}

/// Evaluate a layout: per region people, area, parts, compactness,
/// deviation from the mean; cut BZR/PGR; people moved against a reference.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
struct EvaluateArgs {
    /// The layout: a list (CSV/XLSX, PLR or BZR → region) or polygons
    /// (each PLR to the region with its largest share).
    layout: InputPath,
    #[command(flatten)]
    common: Common,
    /// The reference layout (list or polygons), for the people moved.
    #[arg(long, value_name = "FILE")]
    reference: Option<InputPath>,
    /// Write the evaluation to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<OutputPath>,
    /// Write the layout against the reference as an SVG map to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<OutputPath>,
    #[command(flatten)]
    lang: super::args::LangArgs,
}

/// Propose regions of whole blocks (PLR or BZR), every region contiguous,
/// moving the fewest people away from their reference region.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
struct ProposeArgs {
    #[command(flatten)]
    common: Common,
    /// The reference layout (list or polygons), e.g. the Sozialräume.
    #[arg(long, value_name = "FILE")]
    reference: InputPath,
    /// Number of regions (at least the reference's).
    #[arg(long, value_name = "N")]
    regions: usize,
    /// Blocks that are never cut: plr or bzr.
    #[arg(long, value_name = "LEVEL", value_enum, default_value_t = BlocksArg::Plr)]
    blocks: BlocksArg,
    /// Every region's people within ± this share of the mean (e.g. 0.25).
    #[arg(long, value_name = "SHARE", value_parser = super::args::share_value)]
    balance: Option<f64>,
    /// Write the list 'PLR,Sozialraum' (usable as --sozialraum) to FILE
    /// instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<OutputPath>,
    /// Write the proposed LOR keys (new PGR, BZR, PLR per old PLR) as CSV.
    #[arg(long, value_name = "FILE")]
    keys: Option<OutputPath>,
    /// Write the evaluation of the proposal (format by extension: .csv, .json, .txt).
    #[arg(long, value_name = "FILE")]
    report: Option<OutputPath>,
    /// Write the proposal against the reference as an SVG map to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<OutputPath>,
    /// Instead of one proposal, the trade-off between balance and people
    /// moved in N rows: no band, then bands down to the tightest with a
    /// layout (table, CSV or JSON by --format, to stdout or --output).
    #[arg(long, value_name = "N", conflicts_with_all = ["balance", "keys", "report", "svg"])]
    alternatives: Option<usize>,
    #[command(flatten)]
    lang: super::args::LangArgs,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    match args.action {
        Action::Evaluate(a) => ctx.finish(false, layout::evaluate(&evaluate_plan(&a)?)?),
        Action::Propose(a) => match propose_plan(&a)? {
            Proposal::One(plan) => ctx.finish(false, layout::propose(&plan)?),
            Proposal::Alternatives(plan) => ctx.finish(false, layout::alternatives(&plan)?),
        },
    }
}

/// The units of the layout, the Bezirk checked.
fn units_plan(c: &Common) -> Result<UnitsPlan> {
    if let Some(b) = &c.bezirk {
        lor::table::scope::Bezirk::parse(b)?;
    }
    Ok(UnitsPlan {
        units: c.units.to_path_buf(),
        layer: c.units_layer.options(),
        stats: c.stats.to_path_buf(),
        read: c.read.options(),
        column: c.column.clone(),
        bezirk: c.bezirk.clone(),
    })
}

fn evaluate_plan(a: &EvaluateArgs) -> Result<EvaluatePlan> {
    let format = super::table_format(a.common.format, a.output.as_deref(), true)?;
    if let Some(s) = &a.svg {
        require_extension(s, "--svg", "an SVG map", &["svg"])?;
    }
    Ok(EvaluatePlan {
        units: units_plan(&a.common)?,
        layout: a.layout.to_path_buf(),
        reference: a.reference.as_deref().map(|r| r.to_path_buf()),
        format,
        output: path(&a.output),
        svg: path(&a.svg),
        lang: a.lang.lang,
    })
}

fn path(p: &Option<OutputPath>) -> Option<PathBuf> {
    p.as_deref().map(|p| p.to_path_buf())
}

/// The checked flags of `layout propose`: one proposal, or the trade-off.
enum Proposal {
    One(ProposePlan),
    Alternatives(AlternativesPlan),
}

fn propose_plan(a: &ProposeArgs) -> Result<Proposal> {
    let blocks = Level::from(a.blocks);
    if let Some(b) = a.balance {
        if !(b > 0.0 && b < 1.0) {
            return Err(usage_error(format!(
                "--balance {b}: give a share between 0 and 1, e.g. 0.25 for ±25 % of the mean"
            )));
        }
    }
    if a.regions == 0 {
        return Err(usage_error("--regions 0: ask for at least one region"));
    }
    if let Some(rows) = a.alternatives {
        if rows == 0 {
            return Err(usage_error("--alternatives 0: ask for at least one row"));
        }
        let format = super::table_format(a.common.format, a.output.as_deref(), true)?;
        return Ok(Proposal::Alternatives(AlternativesPlan {
            units: units_plan(&a.common)?,
            reference: a.reference.to_path_buf(),
            regions: a.regions,
            blocks,
            rows,
            format,
            output: path(&a.output),
        }));
    }
    check_outputs(a)?;
    // --report conflicts with --alternatives (clap), so this is checked
    // only for a proposal.
    let report = match &a.report {
        Some(r) => Some((
            r.to_path_buf(),
            super::table_format(a.common.format, Some(r), false)?,
        )),
        None => None,
    };
    Ok(Proposal::One(ProposePlan {
        units: units_plan(&a.common)?,
        reference: a.reference.to_path_buf(),
        regions: a.regions,
        blocks,
        balance: a.balance,
        output: path(&a.output),
        keys: path(&a.keys),
        report,
        svg: path(&a.svg),
        lang: a.lang.lang,
    }))
}

/// Each output's name says what it holds: the list and the keys are CSV,
/// the map SVG (the report's format is its extension).
fn check_outputs(a: &ProposeArgs) -> Result<()> {
    for (path, flag, what, ext) in [
        (
            &a.output,
            "--output",
            "the list 'PLR,Sozialraum' as CSV",
            "csv",
        ),
        (&a.keys, "--keys", "the proposed LOR keys as CSV", "csv"),
        (&a.svg, "--svg", "an SVG map", "svg"),
    ] {
        if let Some(p) = path {
            require_extension(p, flag, what, &[ext])?;
        }
    }
    Ok(())
}
