//! `lor points`: count facilities and sum their places per PLR, BZR, PGR,
//! Bezirk, Berlin and Sozialraum.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use lor::aggregate::{aggregate_levels, MissingPolicy};
use lor::crs::parse_crs_flag;
use lor::error::{examples, usage_error, Warnings};
use lor::geometry::{read_layer, Layer, LayerOptions};
use lor::names::Names;
use lor::overlay::Tolerance;
use lor::points::{tally_points, PointOptions, Tally};
use lor::report::thousands;
use lor::rules::{ColumnRule, Origin, Rule};
use lor::sozialraum;
use lor::stats::{read_stats, Cell, Column, ColumnType, Dialect, ReadOptions, StatTable};
use lor::weights::{read_list, Assign};

use super::Context;

const EXAMPLES: &str = "\
Examples:
  # Kitas and their places per PLR, BZR, PGR, Bezirk and Berlin
  lor points data/berlin/points/kitas.geojson.gz \\
      --units data/berlin/lor-2006/plr.geojson.gz --sum e_platz

  # Kita places per child under 6 per Bezirksregion of Charlottenburg-Wilmersdorf
  lor points data/berlin/points/kitas.geojson.gz --sum e_platz \\
      --units data/berlin/lor-2006/plr.geojson.gz --bezirk 04 --levels bzr \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv --per 'Kinder_u6=E_EU1+E_E1U6' \\
      --scale 100

Points: GeoJSON Point/MultiPoint features (CRS from the file), or CSV with x/y
or lon/lat columns (--x, --y, --crs). A point on a border shared by two units
is counted once: in the unit east of a north-south border, north of an
east-west border.";

/// Count points (e.g. Kitas) and sum their attributes per unit.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Points: GeoJSON, or CSV with coordinate columns.
    points: PathBuf,
    /// PLR polygons (GeoJSON or Shapefile).
    #[arg(long, value_name = "FILE")]
    units: PathBuf,
    /// Sozialraum polygons (points are located in them directly), or a
    /// list PLR/BZR → Sozialraum.
    #[arg(long, value_name = "FILE")]
    sozialraum: Option<PathBuf>,
    /// Sum these numeric attributes (comma-separated; numbers stored as text are fine).
    #[arg(long, value_name = "ATTRS")]
    sum: Vec<String>,
    /// One count column per category of this attribute.
    #[arg(long, value_name = "ATTR")]
    by: Option<String>,
    /// CSV: the x / longitude column.
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    x: Option<String>,
    /// CSV: the y / latitude column.
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    y: Option<String>,
    /// CRS of the points, e.g. EPSG:25833 (GeoJSON declares it; lon/lat means EPSG:4326).
    #[arg(long, value_name = "EPSG", help_heading = "Input")]
    crs: Option<String>,
    /// The attribute that names a point in messages (id, e_nr, … detected).
    #[arg(long, value_name = "ATTR", help_heading = "Input")]
    id_field: Option<String>,
    /// Names table for the names of BZR and PGR (e.g. lor-2006/plr-names.csv).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<PathBuf>,
    /// Statistics per PLR for a denominator (with --per).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    stats: Option<PathBuf>,
    /// Denominator from --stats: 'NAME=COL+COL+…'; adds 'count per NAME' and
    /// '<sum> per NAME' at every level.
    #[arg(long, value_name = "NAME=COLS", requires = "stats")]
    per: Option<String>,
    /// Scale the ratios of --per: 100 gives places per 100 children
    /// (columns '<sum> per 100 NAME').
    #[arg(long, value_name = "N", default_value_t = 1.0, requires = "per")]
    scale: f64,
    /// Only this Bezirk (two digits).
    #[arg(long, value_name = "BB")]
    bezirk: Option<String>,
    /// Levels: plr, bzr, pgr, bez, berlin (comma-separated).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "plr,bzr,pgr,bez,berlin",
        help_heading = "Output"
    )]
    levels: String,
    /// csv, excel-csv, json, parquet, xlsx, table.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<String>,
    /// Write one long table to FILE (atomically).
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Treat warnings (points outside every unit, unreadable values, …) as errors.
    #[arg(long)]
    strict: bool,
}

/// A statistics-shaped table from per-unit values, so that the aggregation
/// machinery applies unchanged.
fn table_of(
    source: &str,
    keys: Vec<String>,
    columns: Vec<(String, Vec<Option<f64>>)>,
) -> StatTable {
    let n = keys.len();
    StatTable {
        source: source.to_string(),
        dialect: Dialect {
            format: "points",
            delimiter: b',',
            encoding: "UTF-8",
            bom: false,
            decimal_comma: false,
        },
        key_column: "key".into(),
        line_word: "unit",
        level: lor::key::Level::Plr,
        lines: (1..=n).collect(),
        columns: columns
            .into_iter()
            .map(|(name, vals)| Column {
                name,
                kind: ColumnType::Numeric,
                cells: vals
                    .into_iter()
                    .map(|v| v.map(Cell::Num).unwrap_or(Cell::Empty))
                    .collect(),
                raw: vec![String::new(); n],
            })
            .collect(),
        keys,
    }
}

/// Count columns of a tally, in unit order `order`.
fn tally_columns(
    t: &Tally,
    order: &[usize],
    sum_names: &[String],
    by: Option<&str>,
) -> Vec<(String, Vec<Option<f64>>)> {
    let pick = |v: &Vec<f64>| order.iter().map(|&i| Some(v[i])).collect::<Vec<_>>();
    let mut cols = vec![("count".to_string(), pick(&t.count))];
    for (name, v) in sum_names.iter().zip(&t.sums) {
        cols.push((name.clone(), pick(v)));
    }
    if let Some(b) = by {
        for (cat, v) in &t.by {
            cols.push((format!("{b}: {cat}"), pick(v)));
        }
    }
    cols
}

fn sorted_order(layer: &Layer) -> Vec<usize> {
    let mut o: Vec<usize> = (0..layer.features.len()).collect();
    o.sort_by(|&a, &b| layer.features[a].id.cmp(&layer.features[b].id));
    o
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    // Plan.
    let levels = super::aggregate::parse_levels(&args.levels)?;
    if super::aggregate::names_sozialraum(&args.levels) && args.sozialraum.is_none() {
        return Err(usage_error(
            "--levels sozialraum needs the Sozialräume: give them with --sozialraum",
        ));
    }
    let format = super::table_format(args.format.as_ref(), args.output.as_deref(), true)?;
    let sum: Vec<String> = args
        .sum
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let per = match &args.per {
        None => None,
        Some(p) => {
            let (name, expr) = match p.split_once('=') {
                Some((n, e)) => (n.trim().to_string(), e.to_string()),
                None => (p.trim().to_string(), p.to_string()),
            };
            let cols: Vec<String> = expr
                .split('+')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            if name.is_empty() || cols.is_empty() {
                return Err(usage_error(format!(
                    "--per '{p}': write NAME=COLUMN+COLUMN+…"
                )));
            }
            Some((name, cols))
        }
    };
    if !(args.scale.is_finite() && args.scale > 0.0) {
        return Err(usage_error(format!(
            "--scale {}: give a positive number, e.g. 100 for places per 100",
            args.scale
        )));
    }
    super::check_bezirk(args.bezirk.as_ref())?;
    let opts = PointOptions {
        x: args.x.clone(),
        y: args.y.clone(),
        crs: args
            .crs
            .as_deref()
            .map(|c| parse_crs_flag("--crs", c))
            .transpose()?,
        sum: sum.clone(),
        by: args.by.clone(),
        id_field: args.id_field.clone(),
        delimiter: None,
    };

    let mut warnings = Warnings::default();
    let (mut units, w) = read_layer(&args.units, &LayerOptions::default())?;
    warnings.extend(w);
    if units.lor_level() != Some(lor::key::Level::Plr) {
        return Err(usage_error(format!(
            "{}: --units must be PLR polygons with 8-digit keys",
            units.source
        )));
    }
    if let Some(b) = &args.bezirk {
        units.filter_prefix(b);
    }
    let (sr_layer, sr_list) = match &args.sozialraum {
        Some(p) if lor::weights::is_list_path(p) => {
            let (l, w) = read_list(p, sozialraum::LEVEL)?;
            warnings.extend(w);
            (None, Some(l))
        }
        Some(p) => {
            let (mut l, w) = read_layer(p, &LayerOptions::default())?;
            warnings.extend(w);
            if let (Some(b), Some(_)) = (&args.bezirk, l.lor_level()) {
                l.filter_prefix(b);
            }
            (Some(l), None)
        }
        None => (None, None),
    };
    let layers: Vec<&Layer> = vec![&units];

    let bar = (!ctx.quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::with_draw_target(
            Some(0),
            indicatif::ProgressDrawTarget::stderr(),
        );
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let (run, w) = tally_points(&args.points, &opts, &layers, |done, total| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
        }
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    warnings.extend(w);
    let plr_tally = &run.tallies[0];
    if plr_tally.outside > 0 {
        warnings.push(
            "outside",
            format!(
                "{}: {} of {} points lie outside every PLR of {}{} and are in no total: {}",
                run.source,
                thousands(plr_tally.outside as f64),
                thousands(run.total as f64),
                lor::report::short(&units.source),
                args.bezirk
                    .as_deref()
                    .map(|b| format!(" in Bezirk {b}"))
                    .unwrap_or_default(),
                some_ids(&plr_tally.outside_ids, plr_tally.outside)
            ),
        );
    }
    if plr_tally.overlap > 0 {
        warnings.push(
            "overlap",
            format!("{}: {} points lie where two PLR polygons overlap; each went to the PLR with the smaller key", run.source, plr_tally.overlap),
        );
    }

    // PLR table with point columns and the denominator.
    let order = sorted_order(&units);
    let keys: Vec<String> = order
        .iter()
        .map(|&i| units.features[i].id.clone())
        .collect();
    let mut cols = tally_columns(plr_tally, &order, &run.sum_names, run.by_name.as_deref());
    let value_cols: Vec<String> = std::iter::once("count".to_string())
        .chain(run.sum_names.iter().cloned())
        .collect();
    if let Some((name, parts)) = &per {
        let (t, w) = read_stats(
            args.stats.as_ref().expect("clap requires --stats"),
            &ReadOptions::default(),
        )?;
        warnings.extend(w);
        for p in parts {
            if t.column(p).is_none() {
                return Err(usage_error(format!(
                    "--per: no column '{p}' in {}. Columns: {}",
                    t.source,
                    examples(
                        &t.columns
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>(),
                        40
                    )
                )));
            }
        }
        let denom = |k: &str| -> Option<f64> {
            let i = t.keys.iter().position(|x| x == k)?;
            parts
                .iter()
                .map(|p| t.column(p).expect("checked").cells[i].num())
                .sum()
        };
        let missing: Vec<&str> = keys
            .iter()
            .filter(|k| !t.keys.contains(k))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            warnings.push(
                "missing-plr",
                format!(
                    "{}: {} PLR of the units layer have no row; their ratios are empty: {}",
                    t.source,
                    missing.len(),
                    examples(&missing, 5)
                ),
            );
        }
        cols.push((name.clone(), keys.iter().map(|k| denom(k)).collect()));
    }
    let plr_table = table_of(&run.source, keys, cols);
    let mut rules: Vec<ColumnRule> = plr_table
        .columns
        .iter()
        .map(|c| ColumnRule {
            column: c.name.clone(),
            rule: Rule::Sum,
            origin: Origin::Count,
        })
        .collect();
    if let Some((name, _)) = &per {
        for v in &value_cols {
            rules.push(ColumnRule {
                column: if args.scale == 1.0 {
                    format!("{v} per {name}")
                } else {
                    format!("{v} per {} {name}", lor::stats::format_f64(args.scale))
                },
                rule: Rule::Ratio {
                    numerator: v.clone(),
                    denominator: name.clone(),
                    factor: args.scale,
                },
                origin: Origin::Explicit,
            });
        }
    }
    let mut names = Names::from_pairs(
        &units.source,
        units
            .features
            .iter()
            .map(|f| (f.id.as_str(), f.name.as_str())),
    );
    if let Some(p) = &args.names {
        let (n, w) = Names::read(p)?;
        warnings.extend(w);
        names.merge(&n);
    } else if let Some((n, w)) =
        lor::catalogue::names_for(&units.source, plr_table.keys.iter().map(String::as_str))
    {
        warnings.extend(w);
        names.merge(&n);
    }
    let (mut tables, w) = aggregate_levels(
        &plr_table,
        &rules,
        &levels,
        Some(&names),
        MissingPolicy::Propagate,
    );
    warnings.extend(w);

    // Sozialräume: the PLR → Sozialraum assignment carries points and
    // denominators alike (no children counted under one Sozialraum and
    // their facilities under another); what is in no Sozialraum is a row.
    let sr_source = match (sr_layer, sr_list) {
        (Some(l), _) => Some(sozialraum::Source::Polygons(l)),
        (None, Some(l)) => Some(sozialraum::Source::List(l)),
        (None, None) => None,
    };
    if let Some(source) = &sr_source {
        let (a, w) = sozialraum::assign(
            &plr_table,
            Some(&units),
            source,
            Assign::Largest,
            &Tolerance::default(),
        )?;
        warnings.extend(w);
        warnings.extend(sozialraum::report_unassigned(&plr_table, &a, Some("count")));
        let (lt, w) =
            sozialraum::aggregate_complete(&plr_table, &rules, &a, MissingPolicy::Propagate);
        warnings.extend(w);
        tables.push(lt);
    }

    ctx.warn(&warnings);
    if !ctx.quiet {
        eprintln!(
            "{} points, {} in PLR of {}",
            thousands(run.total as f64),
            thousands((run.total - plr_tally.outside) as f64),
            lor::report::short(&units.source)
        );
    }
    ctx.check_strict(args.strict, &warnings)?;
    super::aggregate::write_tables(&tables, format, args.output.as_deref())
}

/// The first ids kept, and how many more there are.
fn some_ids(ids: &[String], total: u64) -> String {
    let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
    let rest = total.saturating_sub(shown.len() as u64);
    if rest > 0 {
        format!("{} and {} more", shown.join(", "), thousands(rest as f64))
    } else {
        shown.join(", ")
    }
}
