//! `lor layout`: evaluate a Sozialraum layout built from LOR units, or
//! propose the contiguous one that moves the fewest people.

use std::path::PathBuf;

use anyhow::Result;
use lor::aggregate::{LevelTable, Value};
use lor::error::{usage_error, Warnings};
use lor::key::Level;
use lor::layout::{
    alternatives, evaluate, key_table, layout_doc, load_units, propose_layout, read_regions,
    reference_outlines, whole_layout, Evaluation, Limits, Shares, Tradeoff, Units, BAND_STEP,
};
use lor::map::{source_line, LayoutText};
use lor::output::{render, require_extension, write_atomic, Format};
use lor::report::thousands;

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
    units: PathBuf,
    /// Statistics per PLR with the people (column E_E unless --column).
    #[arg(long, value_name = "FILE")]
    stats: PathBuf,
    /// The column of --stats with the people.
    #[arg(long, value_name = "COLUMN")]
    column: Option<String>,
    /// Only this Bezirk (two digits).
    #[arg(long, value_name = "BB")]
    bezirk: Option<String>,
    #[command(flatten)]
    units_layer: super::args::UnitsLayer,
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
    layout: PathBuf,
    #[command(flatten)]
    common: Common,
    /// The reference layout (list or polygons), for the people moved.
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,
    /// Write the evaluation to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Draw the layout against the reference as an SVG map to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
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
    reference: PathBuf,
    /// Number of regions (at least the reference's).
    #[arg(long, value_name = "N")]
    regions: usize,
    /// Blocks that are never cut: plr or bzr.
    #[arg(long, value_name = "LEVEL", default_value = "plr")]
    blocks: String,
    /// Every region's people within ± this share of the mean (e.g. 0.25).
    #[arg(long, value_name = "SHARE")]
    balance: Option<f64>,
    /// Write the list 'PLR,Sozialraum' (usable as --sozialraum) to FILE
    /// instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write the proposed LOR keys (new PGR, BZR, PLR per old PLR) as CSV.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// Write the evaluation of the proposal (format by extension: .csv, .json, .txt).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Draw the proposal against the reference as an SVG map to FILE.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
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
        lor::scope::Bezirk::parse(b)?;
    }
    let (units, w) = load_units(
        &c.units,
        &c.units_layer.options(),
        c.bezirk.as_deref(),
        &c.stats,
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
    let (ids, shares, w) = read_regions(&a.layout, &units, a.common.bezirk.as_deref(), "LAYOUT")?;
    warnings.extend(w);
    let layout = whole_layout(ids, &shares, &units.keys, &a.layout.display().to_string())?;
    let reference = match &a.reference {
        Some(r) => {
            let (ids, sh, w) = read_regions(r, &units, a.common.bezirk.as_deref(), "--reference")?;
            warnings.extend(w);
            Some((ids, sh))
        }
        None => None,
    };
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &layout,
        reference.as_ref().map(|(i, s)| (s, i.as_slice())),
    );
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(path) = &a.svg {
        let mut inputs = vec![a.common.units.as_path(), a.common.stats.as_path()];
        let outlines = match (&a.reference, &reference) {
            (Some(r), Some((ids, sh))) => {
                inputs.push(r.as_path());
                reference_outlines(r, &units, a.common.bezirk.as_deref(), ids, sh)?
            }
            _ => Vec::new(),
        };
        let text = map_text(
            &ev,
            a.common.bezirk.as_deref(),
            &a.layout,
            a.reference.as_deref(),
            &inputs,
        );
        let doc = layout_doc(
            &units,
            &layout,
            &ev,
            reference.as_ref().map(|(i, s)| (s, i.as_slice())),
            &outlines,
            &text,
        );
        files.push((path.clone(), doc.svg().into_bytes()));
    }
    ctx.warn(&warnings);
    let bytes = render_evaluation(&ev, format)?;
    if let Some(o) = &a.output {
        files.push((o.clone(), bytes.clone()));
    }
    lor::output::write_all_atomic(&files)?;
    if a.output.is_none() {
        emit(None, &bytes)?;
    }
    Ok(())
}

/// Title, figures and source line of a layout map.
fn map_text(
    ev: &Evaluation,
    bezirk: Option<&str>,
    layout: &std::path::Path,
    reference: Option<&std::path::Path>,
    inputs: &[&std::path::Path],
) -> LayoutText {
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let place = bezirk
        .map(|b| {
            format!(
                " in Bezirk {b}{}",
                lor::key::bezirk_name(b)
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let title = match reference {
        Some(r) => format!(
            "{} regions{place}: {} against {}",
            ev.regions.len(),
            name(layout),
            name(r)
        ),
        None => format!("{} regions{place}: {}", ev.regions.len(), name(layout)),
    };
    let min = ev.regions.iter().map(|r| r.people).fold(f64::MAX, f64::min);
    let max = ev.regions.iter().map(|r| r.people).fold(f64::MIN, f64::max);
    let mut sub = Vec::new();
    if let Some(m) = ev.moved {
        sub.push(format!(
            "people moved {} ({:.2} %)",
            thousands(m.round()),
            100.0 * m / ev.people.max(1.0)
        ));
    }
    sub.push(format!(
        "regions {}–{} people (max/min {:.2})",
        thousands(min.round()),
        thousands(max.round()),
        ev.max_min_ratio
    ));
    sub.push(format!(
        "parts {}",
        ev.regions.iter().map(|r| r.parts).sum::<usize>()
    ));
    sub.push(format!("cut BZR {}", ev.cut_bzr.len()));
    LayoutText {
        id: String::new(),
        title,
        subtitle: sub.join(" · "),
        source: source_line(inputs, None),
        regions_title: "Regions (people)".into(),
        reference_title: reference
            .map(|r| format!("reference: {}", name(r)))
            .unwrap_or_default(),
    }
}

fn emit(output: Option<&PathBuf>, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    match output {
        Some(o) => write_atomic(o, bytes),
        None => {
            std::io::stdout().write_all(bytes)?;
            Ok(())
        }
    }
}

fn run_propose(a: ProposeArgs, ctx: &Context) -> Result<()> {
    let blocks = match a.blocks.as_str() {
        "plr" => Level::Plr,
        "bzr" => Level::Bzr,
        b => return Err(usage_error(format!("--blocks '{b}': use plr or bzr"))),
    };
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
    if let Some(n) = a.alternatives {
        return run_alternatives(&a, blocks, n, ctx);
    }
    check_outputs(&a)?;
    let report_format = match &a.report {
        Some(r) => Some(super::table_format(a.common.format, Some(r), false)?),
        None => None,
    };
    let mut warnings = Warnings::default();
    let (units, ids, shares) = load_with_reference(&a, &mut warnings)?;
    let started = std::time::Instant::now();
    let prop = propose_layout(
        &units,
        &ids,
        &shares,
        a.regions,
        blocks,
        a.balance,
        Limits::default(),
    )?;
    let elapsed = started.elapsed();
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &prop.layout,
        Some((&shares, ids.as_slice())),
    );
    ctx.warn(&warnings);

    // The list, usable as --sozialraum.
    let mut list = String::from("PLR,Sozialraum\n");
    let mut order: Vec<usize> = (0..units.keys.len()).collect();
    order.sort_by(|&x, &y| units.keys[x].cmp(&units.keys[y]));
    for i in order {
        list.push_str(&format!(
            "{},{}\n",
            units.keys[i], prop.layout.ids[prop.layout.region[i]]
        ));
    }
    let bezirk = a
        .common
        .bezirk
        .clone()
        .unwrap_or_else(|| units.keys[0][..2].to_string());
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(k) = &a.keys {
        let mut t = String::from("PLR,Sozialraum,PGR_neu,BZR_neu,PLR_neu\n");
        for (old, r, pgr, bzr, plr) in key_table(&units.keys, &prop.layout, &bezirk) {
            t.push_str(&format!("{old},{r},{pgr},{bzr},{plr}\n"));
        }
        files.push((k.clone(), t.into_bytes()));
    }
    if let (Some(r), Some(f)) = (&a.report, report_format) {
        files.push((r.clone(), render_evaluation(&ev, f)?));
    }
    if let Some(path) = &a.svg {
        let inputs = [
            a.common.units.as_path(),
            a.common.stats.as_path(),
            a.reference.as_path(),
        ];
        let outlines = reference_outlines(
            &a.reference,
            &units,
            a.common.bezirk.as_deref(),
            &ids,
            &shares,
        )?;
        let mut text = map_text(
            &ev,
            a.common.bezirk.as_deref(),
            std::path::Path::new("proposal"),
            Some(&a.reference),
            &inputs,
        );
        text.title = format!(
            "Proposal: {} regions of whole {}{} against {}",
            a.regions,
            blocks.german_plural(),
            a.common
                .bezirk
                .as_ref()
                .map(|b| format!(" in Bezirk {b}"))
                .unwrap_or_default(),
            a.reference
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
        let doc = layout_doc(
            &units,
            &prop.layout,
            &ev,
            Some((&shares, ids.as_slice())),
            &outlines,
            &text,
        );
        files.push((path.clone(), doc.svg().into_bytes()));
    }
    if let Some(o) = &a.output {
        files.push((o.clone(), list.clone().into_bytes()));
    }
    lor::output::write_all_atomic(&files)?;
    if a.output.is_none() {
        emit(None, list.as_bytes())?;
    }
    if !ctx.quiet {
        let s = &prop.solution;
        let total = ev.people;
        ctx.info(&format!(
            "layout: {} regions of whole {} ({} blocks), method {}{}, {:.1} s",
            a.regions,
            blocks.german_plural(),
            prop.blocks.len(),
            s.method,
            if s.nodes > 0 {
                format!(" ({} nodes)", s.nodes)
            } else {
                String::new()
            },
            elapsed.as_secs_f64()
        ));
        ctx.info(&format!(
            "layout: people moved {} of {} ({:.2} %); of them {} in the parts of blocks outside their reference region (moved by any layout of whole blocks)",
            thousands(s.cost.round()),
            thousands(total.round()),
            100.0 * s.cost / total.max(1.0),
            thousands(prop.unavoidable.round())
        ));
        if s.optimal {
            ctx.info("layout: optimal (proven: no layout moves fewer people)");
        } else {
            ctx.info(&format!(
                "layout: not proven optimal: lower bound {} people moved, gap {} ({:.2} % of the people)",
                thousands(s.lower_bound.round()),
                thousands((s.cost - s.lower_bound).max(0.0).round()),
                100.0 * (s.cost - s.lower_bound).max(0.0) / total.max(1.0)
            ));
        }
        for (b, from, to, people) in &prop.moved_blocks {
            ctx.info(&format!(
                "layout: {b} moves from {from} to {to} ({} people)",
                thousands(people.round())
            ));
        }
        ctx.info(&format!(
            "layout: populations {:.0}–{:.0} (max/min {:.2}); cut BZR {}, cut PGR {}",
            ev.regions.iter().map(|r| r.people).fold(f64::MAX, f64::min),
            ev.regions.iter().map(|r| r.people).fold(f64::MIN, f64::max),
            ev.max_min_ratio,
            ev.cut_bzr.len(),
            ev.cut_pgr.len()
        ));
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
    let t = alternatives(
        &units,
        &ids,
        &shares,
        a.regions,
        blocks,
        n,
        Limits::default(),
    )?;
    let elapsed = started.elapsed();
    ctx.warn(&warnings);
    let bytes = render_tradeoff(&t, format)?;
    match &a.output {
        Some(o) => write_atomic(o, &bytes)?,
        None => emit(None, &bytes)?,
    }
    if !ctx.quiet {
        ctx.info(&format!(
            "layout: {} rows of {} regions of whole {}, {:.1} s; without a band the largest deviation from the mean is {:.1} %; the tightest band with a layout is ±{:.1} % ({})",
            t.rows.len(),
            a.regions,
            blocks.german_plural(),
            elapsed.as_secs_f64(),
            100.0 * t.free_deviation,
            100.0 * t.tightest,
            if t.tightest_proven {
                format!("proven: no layout within ±{:.1} %", 100.0 * (t.tightest - BAND_STEP))
            } else {
                format!(
                    "not proven: the search for ±{:.1} % was stopped",
                    100.0 * (t.tightest - BAND_STEP)
                )
            }
        ));
        for r in &t.rows {
            ctx.info(&format!(
                "layout: band {}: {:.1} s",
                band_key(r.band),
                r.seconds
            ));
        }
    }
    Ok(())
}

fn band_key(band: Option<f64>) -> String {
    match band {
        Some(b) => lor::map::decimal(b, 3),
        None => "none".into(),
    }
}

/// The trade-off table: one row per band.
fn tradeoff_table(t: &Tradeoff) -> LevelTable {
    let columns: Vec<String> = [
        "people_moved",
        "share_moved_pct",
        "min_people",
        "max_people",
        "max_deviation_pct",
        "max_min_ratio",
        "parts",
        "cut_bzr",
        "moved_blocks",
        "proven_optimal",
        "lower_bound",
        "gap",
        "method",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
    let rows = t
        .rows
        .iter()
        .map(|r| match &r.result {
            Ok((prop, ev)) => {
                let s = &prop.solution;
                let min = ev.regions.iter().map(|r| r.people).fold(f64::MAX, f64::min);
                let max = ev.regions.iter().map(|r| r.people).fold(f64::MIN, f64::max);
                let dev = ev
                    .regions
                    .iter()
                    .map(|r| r.deviation.abs())
                    .fold(0.0, f64::max);
                vec![
                    Value::Num(round(s.cost, 0)),
                    Value::Num(round(100.0 * s.cost / ev.people.max(1.0), 2)),
                    Value::Num(round(min, 0)),
                    Value::Num(round(max, 0)),
                    Value::Num(round(100.0 * dev, 1)),
                    Value::Num(round(ev.max_min_ratio, 3)),
                    Value::Num(ev.regions.iter().map(|r| r.parts).sum::<usize>() as f64),
                    Value::Num(ev.cut_bzr.len() as f64),
                    Value::Num(prop.moved_blocks.len() as f64),
                    Value::Text(if s.optimal { "yes" } else { "no" }.into()),
                    Value::Num(round(s.lower_bound, 0)),
                    Value::Num(round((s.cost - s.lower_bound).max(0.0), 0)),
                    Value::Text(s.method.into()),
                ]
            }
            Err(e) => {
                let mut row = vec![Value::Missing; 12];
                row.push(Value::Text(
                    match e {
                        lor::layout::ProposeError::Infeasible => "no layout (proven)",
                        _ => "no layout found",
                    }
                    .into(),
                ));
                row
            }
        })
        .collect();
    LevelTable {
        level: "balance".into(),
        keys: t.rows.iter().map(|r| band_key(r.band)).collect(),
        names: vec![String::new(); t.rows.len()],
        columns,
        rows,
    }
}

fn render_tradeoff(t: &Tradeoff, format: Format) -> Result<Vec<u8>> {
    let table = tradeoff_table(t);
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = table
                .keys
                .iter()
                .zip(&table.rows)
                .zip(&t.rows)
                .map(|((k, row), r)| {
                    let mut m = serde_json::Map::new();
                    m.insert(
                        "balance".into(),
                        r.band
                            .map(|b| serde_json::json!(b))
                            .unwrap_or(serde_json::Value::Null),
                    );
                    let _ = k;
                    for (c, v) in table.columns.iter().zip(row) {
                        m.insert(
                            c.clone(),
                            match v {
                                Value::Num(x) => serde_json::json!(x),
                                Value::Text(s) => serde_json::json!(s),
                                Value::Missing => serde_json::Value::Null,
                            },
                        );
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            let v = serde_json::json!({
                "rows": rows,
                "free_max_deviation": (t.free_deviation * 1e4).round() / 1e4,
                "tightest_band": (t.tightest * 1e4).round() / 1e4,
                "tightest_band_proven": t.tightest_proven,
            });
            let mut out = serde_json::to_vec_pretty(&v)?;
            out.push(b'\n');
            Ok(out)
        }
        Format::Table => {
            let mut out = render(&[table], Format::Table)?;
            out.extend_from_slice(
                format!(
                    "\nbalance: every region within ± this share of the mean; tightest band with a layout ±{:.1} %{}\n",
                    100.0 * t.tightest,
                    if t.tightest_proven {
                        format!(" (none within ±{:.1} %, proven)", 100.0 * (t.tightest - BAND_STEP))
                    } else {
                        String::new()
                    }
                )
                .as_bytes(),
            );
            Ok(out)
        }
        f => render(&[table], f),
    }
}

fn region_table(ev: &Evaluation) -> LevelTable {
    let mut columns: Vec<String> = [
        "PLR",
        "people",
        "area_km2",
        "parts",
        "compactness",
        "deviation_pct",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if ev.moved.is_some() {
        columns.push("people_moved_in".into());
    }
    let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
    LevelTable {
        level: "region".into(),
        keys: ev.regions.iter().map(|r| r.id.clone()).collect(),
        names: vec![String::new(); ev.regions.len()],
        columns,
        rows: ev
            .regions
            .iter()
            .map(|r| {
                let mut row = vec![
                    Value::Num(r.units as f64),
                    Value::Num(round(r.people, 0)),
                    Value::Num(round(r.area / 1e6, 3)),
                    Value::Num(r.parts as f64),
                    Value::Num(round(r.compactness, 3)),
                    Value::Num(round(r.deviation * 100.0, 1)),
                ];
                if let Some(m) = r.moved_in {
                    row.push(Value::Num(round(m, 0)));
                }
                row
            })
            .collect(),
    }
}

/// The evaluation: the region table in every format; text and JSON also
/// carry the layout's figures and the people moved per pair of regions.
fn render_evaluation(ev: &Evaluation, format: Format) -> Result<Vec<u8>> {
    let table = region_table(ev);
    match format {
        Format::Json => {
            let regions: Vec<serde_json::Value> = table
                .keys
                .iter()
                .zip(&table.rows)
                .map(|(k, row)| {
                    let mut m = serde_json::Map::new();
                    m.insert("region".into(), k.clone().into());
                    for (c, v) in table.columns.iter().zip(row) {
                        m.insert(
                            c.clone(),
                            match v {
                                Value::Num(x) => serde_json::json!(x),
                                _ => serde_json::Value::Null,
                            },
                        );
                    }
                    serde_json::Value::Object(m)
                })
                .collect();
            let v = serde_json::json!({
                "regions": regions,
                "people": ev.people,
                "max_min_ratio": (ev.max_min_ratio * 1000.0).round() / 1000.0,
                "cut_bzr": ev.cut_bzr,
                "cut_pgr": ev.cut_pgr,
                "people_moved": ev.moved.map(|m| m.round()),
                "share_moved": ev.moved.map(|m| (m / ev.people.max(1.0) * 1e4).round() / 1e4),
                "moved_pairs": ev.pairs.iter().map(|(r, s, p)| serde_json::json!({
                    "reference": r, "region": s, "people": p.round()
                })).collect::<Vec<_>>(),
            });
            let mut out = serde_json::to_vec_pretty(&v)?;
            out.push(b'\n');
            Ok(out)
        }
        Format::Table => {
            let mut out = render(&[table], Format::Table)?;
            let mut s = String::new();
            s.push_str(&format!(
                "\npeople {}; largest/smallest region {:.2}\n",
                thousands(ev.people.round()),
                ev.max_min_ratio
            ));
            s.push_str(&format!(
                "cut BZR ({}): {}\ncut PGR ({}): {}\n",
                ev.cut_bzr.len(),
                ev.cut_bzr.join(", "),
                ev.cut_pgr.len(),
                ev.cut_pgr.join(", ")
            ));
            if let Some(m) = ev.moved {
                s.push_str(&format!(
                    "people in another region than their reference region: {} ({:.2} %)\n",
                    thousands(m.round()),
                    100.0 * m / ev.people.max(1.0)
                ));
                for (r, t, p) in &ev.pairs {
                    s.push_str(&format!("  {r} → {t}: {}\n", thousands(p.round())));
                }
            }
            out.extend_from_slice(s.as_bytes());
            Ok(out)
        }
        f => render(&[table], f),
    }
}
