//! `lor points`: count facilities and sum their places per PLR, BZR, PGR,
//! Bezirk, Berlin and Sozialraum.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use lor::aggregate::{aggregate, aggregate_levels, MissingPolicy};
use lor::error::{usage_error, WarningCode, Warnings};
use lor::geometry::{read_layer, Layer};
use lor::overlay::Tolerance;
use lor::point_tables::{
    counted_outside_of, identity, point_rules, scoped_order, some_ids, tally_columns, unit_table,
    Per,
};
use lor::points::{tally_points, PointOptions};
use lor::report::thousands;
use lor::rules::{ColumnRule, Origin, Rule};
use lor::scope::Bezirk;
use lor::sozialraum;
use lor::stats::{read_stats, ReadOptions, StatTable};
use lor::weights::{read_list, Assign};

use super::args::{
    bezirk_value, levels_value, FormatArg, Levels, Missing, SozialraumLayer, UnitsLayer,
};
use super::Context;

const EXAMPLES: &str = "\
Examples:
  # Kitas and their places per PLR, BZR, PGR, Bezirk and Berlin
  lor points data/berlin/points/kitas.geojson.gz \\
      --units data/berlin/lor-2006/plr.geojson.gz --sum e_platz

  # Kita places per child under 6 per Bezirksregion of Charlottenburg-Wilmersdorf
  lor points data/berlin/points/kitas.geojson.gz --sum e_platz \\
      --units data/berlin/lor-2006/plr.geojson.gz --bezirk 04 --levels bzr \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv --per 'Kinder_u6=E_EU1+E_E1U6'

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
    #[command(flatten)]
    units_layer: UnitsLayer,
    /// Sozialraum polygons (points are located in them directly), or a
    /// list PLR/BZR → Sozialraum.
    #[arg(long, value_name = "FILE")]
    sozialraum: Option<PathBuf>,
    #[command(flatten)]
    sozialraum_layer: SozialraumLayer,
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
    #[arg(long, value_name = "EPSG", help_heading = "Input", value_parser = super::args::crs_value)]
    crs: Option<lor::crs::Crs>,
    /// The attribute that names a point in messages (id, e_nr, … detected).
    #[arg(long, value_name = "ATTR", help_heading = "Input")]
    id_field: Option<String>,
    /// Names table for the names of PLR, BZR and PGR (e.g.
    /// lor-2006/plr-names.csv); it wins over the names in --units.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<PathBuf>,
    /// Statistics per PLR for a denominator (with --per).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    stats: Option<PathBuf>,
    /// Column with the keys of the statistics (found by name or content otherwise).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    key: Option<String>,
    /// Decimal separator of the statistics: ',' or '.' (detected by default).
    #[arg(long, value_name = "SEP", value_parser = super::args::decimal_value)]
    decimal: Option<u8>,
    /// The row (counted from 1) with the column names, when titles stand
    /// above it (detected otherwise).
    #[arg(long, value_name = "N")]
    header_row: Option<usize>,
    /// Denominator from --stats: 'NAME=COL+COL+…'; adds 'count per NAME' and
    /// '<sum> per NAME' at every level.
    #[arg(long, value_name = "NAME=COLS", requires = "stats")]
    per: Option<String>,
    /// Units with a member whose value is missing (a PLR without a row in
    /// --stats): 'propagate' leaves the sum empty, 'skip' sums the known values.
    #[arg(long, value_name = "HOW", value_enum, default_value_t = Missing::Propagate)]
    missing: Missing,
    /// Only this Bezirk (two digits): its units and the points in them;
    /// points in other Bezirke are out of scope (counted in a note).
    #[arg(long, value_name = "BB", value_parser = bezirk_value)]
    bezirk: Option<Bezirk>,
    /// Levels: plr, bzr, pgr, bez, berlin (comma-separated).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "plr,bzr,pgr,bez,berlin",
        value_parser = levels_value,
        help_heading = "Output"
    )]
    levels: Levels,
    /// Output format. Default: from --output's extension; a table on a
    /// terminal, else csv.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<FormatArg>,
    /// Write one long table to FILE (atomically).
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Treat warnings (points outside every unit, unreadable values, …) as errors.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

/// Whether a unit is in the scope of the run.
fn in_scope(bezirk: Option<&Bezirk>, layer: &Layer) -> impl Fn(&str) -> bool {
    let b = bezirk.filter(|_| layer.lor_level().is_some()).cloned();
    move |k: &str| b.as_ref().is_none_or(|b| b.contains(k))
}

/// A copy of a layer cut to the Bezirk, if there is one.
fn scoped(layer: &Layer, bezirk: Option<&Bezirk>) -> Option<Layer> {
    bezirk.map(|b| {
        let mut l = layer.clone();
        b.filter_layer(&mut l);
        l
    })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    args.text.apply();
    // Plan: every flag checked before any file is read.
    let bezirk = args.bezirk.as_ref();
    let levels = lor::scope::levels_in(bezirk, &args.levels.0);
    let format = super::table_format(args.format, args.output.as_deref(), true)?;
    let sum: Vec<String> = args
        .sum
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let per = args.per.as_deref().map(Per::parse).transpose()?;
    let missing: MissingPolicy = args.missing.into();
    let opts = PointOptions {
        x: args.x.clone(),
        y: args.y.clone(),
        crs: args.crs,
        sum,
        by: args.by.clone(),
        id_field: args.id_field.clone(),
        delimiter: None,
        flags: Default::default(),
    };

    let mut warnings = Warnings::default();
    let (all_units, w) = read_layer(&args.units, &args.units_layer.options())?;
    warnings.extend(w);
    if all_units.lor_level() != Some(lor::key::Level::Plr) {
        return Err(usage_error(format!(
            "{}: --units must be PLR polygons with 8-digit keys",
            all_units.source
        )));
    }
    let scoped_units = scoped(&all_units, bezirk);
    let units = scoped_units.as_ref().unwrap_or(&all_units);
    let (sr_layer, sr_list) = match &args.sozialraum {
        Some(p) if lor::weights::is_list_path(p) => {
            let (mut l, w) = read_list(p, sozialraum::LEVEL)?;
            warnings.extend(w);
            if let Some(b) = bezirk {
                b.filter_list(&mut l);
            }
            (None, Some(l))
        }
        Some(p) => {
            let (l, w) = read_layer(p, &args.sozialraum_layer.options())?;
            warnings.extend(w);
            (Some(l), None)
        }
        None => (None, None),
    };
    // Points are located in the whole layers: a point in another Bezirk is
    // out of scope, not outside.
    let mut layers: Vec<&Layer> = vec![&all_units];
    if let Some(l) = &sr_layer {
        layers.push(l);
    }

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
            WarningCode::Outside,
            format!(
                "{}: {} of {} points lie outside every PLR of {} and are in no total: {}",
                run.source,
                thousands(plr_tally.outside as f64),
                thousands(run.total as f64),
                lor::report::short(&all_units.source),
                some_ids(&plr_tally.outside_ids, plr_tally.outside)
            ),
        );
    }
    if plr_tally.overlap > 0 {
        warnings.push(
            WarningCode::Overlap,
            format!("{}: {} points lie where two PLR polygons overlap; each went to the PLR with the smaller key", run.source, plr_tally.overlap),
        );
    }

    // PLR table with point columns and the denominator.
    let order = scoped_order(&all_units, in_scope(bezirk, &all_units));
    let out_of_scope = counted_outside_of(plr_tally, &order);
    let keys: Vec<String> = order
        .iter()
        .map(|&i| all_units.features[i].id.clone())
        .collect();
    let mut cols = tally_columns(plr_tally, &order, &run.sum_names, run.by_name.as_deref());
    let value_cols: Vec<String> = std::iter::once("count".to_string())
        .chain(run.sum_names.iter().cloned())
        .collect();
    let mut stats_table: Option<StatTable> = None;
    if let Some(per) = &per {
        let (t, w) = read_stats(
            args.stats.as_ref().expect("clap requires --stats"),
            &ReadOptions {
                key: args.key.clone(),
                decimal: args.decimal,
                header_row: args.header_row,
                ..ReadOptions::default()
            },
        )?;
        warnings.extend(w);
        let (values, w) = per.values(&t, &keys)?;
        warnings.extend(w);
        cols.push((per.name.clone(), values));
        stats_table = Some(t);
    }
    let plr_table = unit_table(&run.source, keys, cols);
    let rules = point_rules(&plr_table, &value_cols, per.as_ref());
    let (names, w) = lor::scope::load_names(args.names.as_deref(), Some(units), bezirk)?;
    warnings.extend(w);
    let (mut tables, w) = aggregate_levels(&plr_table, &rules, &levels, names.as_ref(), missing);
    warnings.extend(w);

    // Sozialräume: points located in their polygons; denominators through
    // the PLR → Sozialraum assignment; or, for a list, PLR counts mapped.
    if let Some(sr) = &sr_layer {
        let t = &run.tallies[1];
        if t.outside > 0 {
            warnings.push(
                WarningCode::Outside,
                format!(
                    "{}: {} points lie outside every Sozialraum: {}",
                    run.source,
                    thousands(t.outside as f64),
                    some_ids(&t.outside_ids, t.outside)
                ),
            );
        }
        let order = scoped_order(sr, in_scope(bezirk, sr));
        let scoped_sr = scoped(sr, bezirk);
        let sr_in_scope = scoped_sr.as_ref().unwrap_or(sr);
        let sr_keys: Vec<String> = order.iter().map(|&i| sr.features[i].id.clone()).collect();
        let mut cols = tally_columns(t, &order, &run.sum_names, run.by_name.as_deref());
        if let (Some(per), Some(_)) = (&per, &stats_table) {
            let den_rules = vec![ColumnRule {
                column: per.name.clone(),
                rule: Rule::Sum,
                origin: Origin::Count,
            }];
            let (a, w) = sozialraum::assign(
                &plr_table,
                Some(units),
                &sozialraum::Source::Polygons(sr_in_scope.clone()),
                Assign::Largest,
                &Tolerance::default(),
            )?;
            warnings.extend(w);
            let (den, _) = aggregate(&plr_table, &den_rules, &a.weights, missing);
            cols.push((
                per.name.clone(),
                sr_keys.iter().map(|k| den.num(k, &per.name)).collect(),
            ));
        }
        let sr_table = unit_table(&run.source, sr_keys.clone(), cols);
        let (mut lt, w) = aggregate(
            &sr_table,
            &rules,
            &identity(sozialraum::LEVEL, &sr_keys),
            missing,
        );
        warnings.extend(w);
        lt.names = lt
            .keys
            .iter()
            .map(|k| sr.get(k).map(|f| f.name.clone()).unwrap_or_default())
            .collect();
        tables.push(lt);
    }
    if let Some(list) = &sr_list {
        let (a, w) = sozialraum::assign(
            &plr_table,
            None,
            &sozialraum::Source::List(list.clone()),
            Assign::Largest,
            &Tolerance::default(),
        )?;
        warnings.extend(w);
        let (mut lt, w) = aggregate(&plr_table, &rules, &a.weights, missing);
        warnings.extend(w);
        lt.names = lt
            .keys
            .iter()
            .map(|k| a.names.get(k).cloned().unwrap_or_default())
            .collect();
        tables.push(lt);
    }

    ctx.warn(&warnings);
    let in_units = run.total - plr_tally.outside;
    ctx.info(&match bezirk {
        None => format!(
            "{} points, {} in PLR of {}",
            thousands(run.total as f64),
            thousands(in_units as f64),
            lor::report::short(&units.source)
        ),
        Some(b) => format!(
            "{} points, {} in PLR of Bezirk {} ({} in other Bezirke are out of scope)",
            thousands(run.total as f64),
            thousands(in_units as f64 - out_of_scope),
            b.code(),
            thousands(out_of_scope)
        ),
    });
    ctx.check_strict(args.strict, &warnings)?;
    super::aggregate::write_tables(&tables, format, args.output.as_deref())
}
