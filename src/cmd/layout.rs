//! `lor layout`: evaluate a Sozialraum layout built from LOR units, or
//! propose the contiguous one that moves the fewest people.

use std::path::PathBuf;

use anyhow::Result;
use lor::error::{usage_error, Warnings};
use lor::layout::evaluate::{evaluate, Evaluation};
use lor::layout::input::{load_units, read_regions, reference_outlines, whole_layout, Units};
use lor::layout::propose::{propose_layout, Limits, Proposal};
use lor::layout::tradeoff::alternatives;
use lor::layout::{Layout, Shares};
use lor::render::layout::{
    key_csv, layout_list, map_text, proposal_summary, proposal_title, render_evaluation,
    render_tradeoff, tradeoff_summary,
};
use lor::render::output::{require_extension, Format};
use lor::table::input::Inputs;
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
    #[arg(long, value_name = "SHARE")]
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
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    match args.action {
        Action::Evaluate(a) => run_evaluate(a, ctx),
        Action::Propose(a) => run_propose(a, ctx),
    }
}

fn load(c: &Common, warnings: &mut Warnings) -> Result<Units> {
    if let Some(b) = &c.bezirk {
        lor::table::scope::Bezirk::parse(b)?;
    }
    let (units, w) = load_units(
        &c.units,
        &c.units_layer.options(),
        c.bezirk.as_deref(),
        (&c.stats, &c.read.options()),
        c.column.as_deref(),
    )?;
    warnings.extend(w);
    Ok(units)
}

fn run_evaluate(a: EvaluateArgs, ctx: &Context) -> Result<()> {
    let format = super::table_format(a.common.format, a.output.as_deref(), true)?;
    if let Some(s) = &a.svg {
        require_extension(s, "--svg", "an SVG map", &["svg"])?;
    }
    let mut warnings = Warnings::default();
    let units = load(&a.common, &mut warnings)?;
    let bezirk = a.common.bezirk.as_deref();
    let (ids, shares, w) = read_regions(&a.layout, &units, bezirk, "LAYOUT")?;
    warnings.extend(w);
    let layout = whole_layout(ids, &shares, &units.keys, &a.layout.display().to_string())?;
    let reference = match &a.reference {
        Some(r) => {
            let (ids, sh, w) = read_regions(r, &units, bezirk, "--reference")?;
            warnings.extend(w);
            Some((ids, sh))
        }
        None => None,
    };
    let by_ref = reference.as_ref().map(|(i, s)| (s, i.as_slice()));
    let ev = evaluate(&units.graph, &units.keys, &units.people, &layout, by_ref);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(path) = &a.svg {
        let svg = evaluation_svg(&a, &units, &layout, &ev, reference.as_ref())?;
        files.push((path.to_path_buf(), svg));
    }
    ctx.warn(&warnings);
    let bytes = render_evaluation(&ev, format)?;
    write_outputs(files, a.output.as_deref(), bytes, &ctx.inputs)
}

/// The map of an evaluated layout against its reference.
fn evaluation_svg(
    a: &EvaluateArgs,
    units: &Units,
    layout: &Layout,
    ev: &Evaluation,
    reference: Option<&(Vec<String>, Shares)>,
) -> Result<Vec<u8>> {
    let bezirk = a.common.bezirk.as_deref();
    let mut inputs = vec![a.common.units.0.as_path(), a.common.stats.0.as_path()];
    let outlines = match (&a.reference, reference) {
        (Some(r), Some((ids, sh))) => {
            inputs.push(r.0.as_path());
            reference_outlines(r, units, bezirk, ids, sh)?
        }
        _ => Vec::new(),
    };
    let text = map_text(ev, bezirk, &a.layout, a.reference.as_deref(), &inputs);
    let by_ref = reference.map(|(i, s)| (s, i.as_slice()));
    let doc = lor::render::layout::layout_doc(units, layout, ev, by_ref, &outlines, &text);
    Ok(doc.svg().into_bytes())
}

/// Write `files` and the main output (to --output, else stdout after the
/// files): all files or none.
fn write_outputs(
    mut files: Vec<(PathBuf, Vec<u8>)>,
    output: Option<&std::path::Path>,
    bytes: Vec<u8>,
    inputs: &Inputs,
) -> Result<()> {
    let mut out = lor::render::write::Outputs::one(output, bytes);
    files.append(&mut out.files);
    out.files = files;
    out.write(inputs).map(drop)
}

/// The checked flags of `layout propose`.
struct ProposePlan {
    blocks: Level,
    /// The format of --report, by its extension.
    report_format: Option<Format>,
}

fn propose_plan(a: &ProposeArgs) -> Result<ProposePlan> {
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
    if a.alternatives.is_none() {
        check_outputs(a)?;
    }
    // --report conflicts with --alternatives (clap), so this is checked
    // only for a proposal.
    let report_format = match &a.report {
        Some(r) => Some(super::table_format(a.common.format, Some(r), false)?),
        None => None,
    };
    Ok(ProposePlan {
        blocks,
        report_format,
    })
}

fn run_propose(a: ProposeArgs, ctx: &Context) -> Result<()> {
    let plan = propose_plan(&a)?;
    if let Some(n) = a.alternatives {
        return run_alternatives(&a, plan.blocks, n, ctx);
    }
    let mut warnings = Warnings::default();
    let (units, ids, shares) = load_with_reference(&a, &mut warnings)?;
    let started = std::time::Instant::now();
    let limits = Limits::default();
    let prop = propose_layout(
        &units,
        &ids,
        &shares,
        a.regions,
        plan.blocks,
        a.balance,
        limits,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let reference = (&shares, ids.as_slice());
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &prop.layout,
        Some(reference),
    );
    ctx.warn(&warnings);
    let proposed = Proposed {
        units: &units,
        ids: &ids,
        shares: &shares,
        prop: &prop,
        ev: &ev,
    };
    let files = proposal_files(&a, &plan, &proposed)?;
    let list = layout_list(&units.keys, &prop.layout);
    write_outputs(files, a.output.as_deref(), list.into_bytes(), &ctx.inputs)?;
    for line in proposal_summary(&prop, &ev, a.regions, plan.blocks, seconds) {
        ctx.info(&line);
    }
    Ok(())
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

/// A proposal with its units, reference and evaluation.
struct Proposed<'a> {
    units: &'a Units,
    ids: &'a [String],
    shares: &'a Shares,
    prop: &'a Proposal,
    ev: &'a Evaluation,
}

/// --keys, --report and --svg of a proposal.
fn proposal_files(
    a: &ProposeArgs,
    plan: &ProposePlan,
    p: &Proposed,
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(k) = &a.keys {
        let bezirk = a
            .common
            .bezirk
            .clone()
            .unwrap_or_else(|| p.units.keys[0][..2].to_string());
        let csv = key_csv(&p.units.keys, &p.prop.layout, &bezirk);
        files.push((k.to_path_buf(), csv.into_bytes()));
    }
    if let (Some(r), Some(f)) = (&a.report, plan.report_format) {
        files.push((r.to_path_buf(), render_evaluation(p.ev, f)?));
    }
    if let Some(path) = &a.svg {
        files.push((path.to_path_buf(), proposal_svg(a, plan.blocks, p)?));
    }
    Ok(files)
}

/// The map of a proposal against its reference.
fn proposal_svg(a: &ProposeArgs, blocks: Level, p: &Proposed) -> Result<Vec<u8>> {
    let bezirk = a.common.bezirk.as_deref();
    let inputs = [
        a.common.units.0.as_path(),
        a.common.stats.0.as_path(),
        a.reference.0.as_path(),
    ];
    let outlines = reference_outlines(&a.reference, p.units, bezirk, p.ids, p.shares)?;
    let proposal = std::path::Path::new("proposal");
    let mut text = map_text(p.ev, bezirk, proposal, Some(&a.reference), &inputs);
    text.title = proposal_title(a.regions, blocks, bezirk, &a.reference);
    let by_ref = Some((p.shares, p.ids));
    let doc =
        lor::render::layout::layout_doc(p.units, &p.prop.layout, p.ev, by_ref, &outlines, &text);
    Ok(doc.svg().into_bytes())
}

/// The units and the reference region of each (`--reference`).
fn load_with_reference(
    a: &ProposeArgs,
    warnings: &mut Warnings,
) -> Result<(Units, Vec<String>, Shares)> {
    let units = load(&a.common, warnings)?;
    let (ids, shares, w) = read_regions(
        &a.reference,
        &units,
        a.common.bezirk.as_deref(),
        "--reference",
    )?;
    warnings.extend(w);
    Ok((units, ids, shares))
}

/// `--alternatives N`: the trade-off between balance and people moved.
fn run_alternatives(a: &ProposeArgs, blocks: Level, n: usize, ctx: &Context) -> Result<()> {
    if n == 0 {
        return Err(usage_error("--alternatives 0: ask for at least one row"));
    }
    let format = super::table_format(a.common.format, a.output.as_deref(), true)?;
    let mut warnings = Warnings::default();
    let (units, ids, shares) = load_with_reference(a, &mut warnings)?;
    let started = std::time::Instant::now();
    let limits = Limits::default();
    let t = alternatives(&units, &ids, &shares, a.regions, blocks, n, limits)?;
    let seconds = started.elapsed().as_secs_f64();
    ctx.warn(&warnings);
    let bytes = render_tradeoff(&t, format)?;
    lor::render::write::Outputs::one(a.output.as_deref(), bytes).write(&ctx.inputs)?;
    for line in tradeoff_summary(&t, a.regions, blocks, seconds) {
        ctx.info(&line);
    }
    Ok(())
}
