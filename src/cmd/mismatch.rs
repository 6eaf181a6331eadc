//! `lor mismatch`: where two boundary systems disagree.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use lor::error::{quality_error, usage_error, Warnings};
use lor::geometry::{read_layer_in, read_two_layers, Layer};
use lor::key::Level;
use lor::map::{mismatch_map, pieces_geojson, source_line, MismatchText};
use lor::output::write_all_atomic;
use lor::overlay::{overlay, unit_parts, Overlay, Tolerance, UnitParts};
use lor::report::{Mismatch, MismatchInput};
use lor::stats::{read_stats, ReadOptions};
use lor::weights::read_list;

use super::args::{bezirk_value, levels_value, ALayer, BLayer, Levels, ReportFormat};
use super::Context;
use lor::mismatch::check_overlap;
use lor::scope::Bezirk;

type Fmt = ReportFormat;

const EXAMPLES: &str = "\
Examples:
  # LOR 2006 PLR of Charlottenburg-Wilmersdorf against the five 2021 PGR
  # (standing in for the Sozialräume), with the inhabitants affected
  lor mismatch data/berlin/lor-2006/plr.geojson.gz \\
      data/berlin/lor-2021/pgr.geojson.gz --bezirk 04 \\
      --stats data/berlin/stats/EWR201812E_Matrix.csv --column E_E \\
      --svg b04.svg --geojson b04-pieces.geojson

  # the sample district's Sozialräume
  lor mismatch data/sample/plr.geojson data/sample/sozialraeume.geojson \\
      --stats data/sample/EWR202412E_Matrix.csv --svg auenwalde.svg

A part of a unit is digitising noise when it is smaller than --min-share of
the unit's area or smaller than --min-area m²; a unit with two or more real
parts is split.";

/// Compare two boundary systems: which units of A are split between units of B.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Polygons of the first system (e.g. LOR PLR): GeoJSON or Shapefile.
    a: PathBuf,
    /// Polygons of the second system (e.g. Sozialräume), or a CSV/XLSX list
    /// "PLR or BZR → unit".
    b: PathBuf,

    /// Only this Bezirk (two digits): filters every layer and list whose
    /// ids are LOR keys, and the statistics.
    #[arg(long, value_name = "BB", value_parser = bezirk_value)]
    bezirk: Option<Bezirk>,
    #[command(flatten)]
    a_layer: ALayer,
    #[command(flatten)]
    b_layer: BLayer,
    /// Statistics per unit of A, for the people affected.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    stats: Option<PathBuf>,
    /// Names table (e.g. lor-2006/plr-names.csv) for the names of BZR and PGR.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<PathBuf>,
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
    /// The column of --stats to count (default: E_E, inhabitants or EW if present).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    column: Option<String>,

    /// Parts smaller than this share of their unit are noise (0–1).
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    min_share: f64,
    /// Parts smaller than this many m² are noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0)]
    min_area: f64,
    /// LOR levels of A to roll up to (when A has LOR keys).
    #[arg(long, value_name = "LEVELS", default_value = "bzr,pgr", value_parser = levels_value)]
    levels: Levels,

    /// Report format. Default: a table on a terminal, else csv.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<ReportFormat>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Write the intersection pieces as GeoJSON (WGS84) for QGIS.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    geojson: Option<PathBuf>,
    /// Write an SVG map of both systems with the split parts coloured.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    svg: Option<PathBuf>,
    /// Source and licence line of the map (default: the attribution in the
    /// README.md beside each input, as in data/berlin).
    #[arg(long, value_name = "TEXT", help_heading = "Output")]
    source: Option<String>,
    /// Exit with code 3 when any unit is split (for automated checks).
    #[arg(long)]
    fail_on_split: bool,
    /// Treat warnings (duplicate ids, keys without geometry, …) as errors.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    text: super::TextArgs,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    args.text.apply();
    // The plan: every flag checked before any file is read.
    let fmt = match args.format {
        Some(f) => f,
        None if args.output.is_none() && std::io::stdout().is_terminal() => Fmt::Table,
        None => match &args.output {
            None => Fmt::Csv,
            Some(o) => match lor::output::Format::for_output(o)? {
                lor::output::Format::Json => Fmt::Json,
                lor::output::Format::Csv => Fmt::Csv,
                _ => {
                    return Err(usage_error(format!(
                        "{}: the report is written as .csv or .json (or give --format table)",
                        o.display()
                    )))
                }
            },
        },
    };
    let tol = Tolerance::new(args.min_share, args.min_area)?;
    let levels = lor::scope::levels_in(args.bezirk.as_ref(), &args.levels.0);
    let a_opts = args.a_layer.options();
    let b_opts = args.b_layer.options();

    let mut warnings = Warnings::default();
    // Both polygon layers are read at once; units outside --bezirk are
    // passed over before they are checked and projected.
    let keep = args.bezirk.as_ref().map(|b| b.code());
    let b_is_list = lor::weights::is_list_path(&args.b);
    let (a_read, mut b_read) = if b_is_list {
        (read_layer_in(&args.a, &a_opts, keep), None)
    } else {
        let (x, y) = read_two_layers((&args.a, &a_opts, keep), (&args.b, &b_opts, keep));
        (x, Some(y))
    };
    let (mut a, w) = a_read?;
    warnings.extend(w);
    if let Some(bz) = &args.bezirk {
        bz.filter_layer(&mut a);
    }
    if a.features.is_empty() {
        return Err(lor::error::input_error(format!(
            "{}: no units left to compare{}",
            a.source,
            args.bezirk
                .as_ref()
                .map(|b| format!(" in Bezirk {}", b.code()))
                .unwrap_or_default()
        )));
    }
    let a_level = a.lor_level();

    // B: polygons or a list.
    type Compared = (
        Vec<UnitParts>,
        BTreeMap<String, (String, f64)>,
        Option<Overlay>,
        Option<Layer>,
    );
    let (units, b_units, ov, b_layer): Compared = if b_is_list {
        let (mut list, w) = read_list(&args.b, "b")?;
        warnings.extend(w);
        if let Some(bz) = &args.bezirk {
            bz.filter_list(&mut list);
        }
        let (units, b_units) = lor::mismatch::list_parts(&a, &list, &tol);
        (units, b_units, None, None)
    } else {
        let (mut b, w) = b_read.take().expect("read with A")?;
        warnings.extend(w);
        if let Some(bz) = &args.bezirk {
            bz.filter_layer(&mut b);
        }
        check_overlap((&a, &a_opts), (&b, &b_opts))?;
        let keep = args.geojson.is_some() || args.svg.is_some();
        let ov = overlay(&a, &b, keep);
        let units = unit_parts(&ov, &a, &b, &tol);
        let b_units = b
            .features
            .iter()
            .map(|f| (f.id.clone(), (f.name.clone(), f.area)))
            .collect();
        (units, b_units, Some(ov), Some(b))
    };

    // People per unit of A.
    let mut people: Option<(String, BTreeMap<String, f64>)> = None;
    let mut no_geometry: Vec<String> = Vec::new();
    if let Some(stats) = &args.stats {
        let read = ReadOptions {
            key: args.key.clone(),
            decimal: args.decimal,
            header_row: args.header_row,
            ..ReadOptions::default()
        };
        let (t, w) = read_stats(stats, &read)?;
        warnings.extend(w);
        let (p, w) =
            lor::mismatch::people_per_unit(&t, args.column.as_deref(), args.bezirk.as_ref(), &a)?;
        warnings.extend(w);
        let have: std::collections::BTreeSet<&str> =
            a.features.iter().map(|f| f.id.as_str()).collect();
        no_geometry =
            p.1.keys()
                .filter(|k| !have.contains(k.as_str()))
                .cloned()
                .collect();
        people = Some(p);
    }

    let (names, w) = lor::scope::load_names(args.names.as_deref(), None, args.bezirk.as_ref())?;
    warnings.extend(w);
    let names = names.unwrap_or_default();
    let rollups: Vec<Level> = levels
        .iter()
        .copied()
        .filter(|l| *l != Level::Plr)
        .collect();
    let report = Mismatch::new(MismatchInput {
        a_source: &a.source,
        b_source: &args.b.display().to_string(),
        units,
        a_level,
        rollups: &rollups,
        name_of: &|k: &str| names.name(k).unwrap_or_default().to_string(),
        b_units,
        people: people.as_ref().map(|(c, v)| (c.as_str(), v)),
        tol,
    });

    ctx.warn(&warnings);
    ctx.check_strict(args.strict, &warnings)?;
    let text = match fmt {
        Fmt::Table => report.to_text().into_bytes(),
        Fmt::Csv => report.to_csv(),
        Fmt::Json => report.to_json(),
    };
    let mut files = Vec::new();
    if let Some(o) = &args.output {
        files.push((o.clone(), text.clone()));
    }
    if let (Some(path), Some(ov), Some(b)) = (&args.geojson, &ov, &b_layer) {
        files.push((
            path.clone(),
            pieces_geojson(ov, &a, b, &report.levels[0].units)?,
        ));
    }
    if let (Some(path), Some(ov), Some(b)) = (&args.svg, &ov, &b_layer) {
        let title_of = |l: &Layer, other: &str| match l.lor_level() {
            Some(l) => l.german_plural().to_string(),
            None => other.to_string(),
        };
        let (a_title, b_title) = (title_of(&a, "units"), title_of(b, "Sozialräume"));
        let mut inputs = vec![args.a.as_path(), args.b.as_path()];
        if let Some(s) = &args.stats {
            inputs.push(s.as_path());
        }
        let text = MismatchText {
            id: String::new(),
            title: format!(
                "{a_title}{} against the {b_title}",
                args.bezirk
                    .as_ref()
                    .map(|b| b.code())
                    .map(|b| format!(
                        " of Bezirk {b}{}",
                        lor::key::bezirk_name(b)
                            .map(|n| format!(" {n}"))
                            .unwrap_or_default()
                    ))
                    .unwrap_or_default()
            ),
            subtitle: report.summary().join(" · "),
            source: source_line(&inputs, args.source.as_deref()),
            a_title,
            b_title,
            no_geometry: no_geometry
                .iter()
                .map(|k| match names.name(k) {
                    Some(n) if !n.is_empty() => format!("{k} {n}"),
                    _ => k.clone(),
                })
                .collect(),
        };
        files.push((
            path.clone(),
            mismatch_map(ov, &a, b, &report.levels[0].units, &text)
                .svg()
                .into_bytes(),
        ));
    }
    if b_layer.is_none() && (args.geojson.is_some() || args.svg.is_some()) {
        ctx.info("warning: --geojson and --svg need polygons for B; none written for a list");
    }
    write_all_atomic(&files)?;
    if args.output.is_none() {
        lor::write::write_stdout(&text)?;
    }
    if fmt != Fmt::Table {
        for line in report.summary() {
            ctx.info(&line);
        }
    }
    if args.fail_on_split && report.any_split() {
        return Err(quality_error(
            "units are split between the two systems (--fail-on-split)",
        ));
    }
    Ok(())
}
