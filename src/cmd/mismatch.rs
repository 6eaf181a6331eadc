//! `lor mismatch`: where two boundary systems disagree.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use lor::crs::parse_crs_flag;
use lor::error::{examples, quality_error, usage_error, Warnings};
use lor::geometry::{read_layer, Layer, LayerOptions};
use lor::key::Level;
use lor::map::{mismatch_map, pieces_geojson, source_line, MismatchText};
use lor::names::Names;
use lor::output::write_all_atomic;
use lor::overlay::{overlay, unit_parts, Overlay, Tolerance, UnitParts};
use lor::report::{thousands, Mismatch};
use lor::stats::{read_stats, ReadOptions};
use lor::weights::{expand_to, read_list};

use super::Context;

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

    /// Only this Bezirk (two digits): filters every layer whose ids are LOR keys.
    #[arg(long, value_name = "BB")]
    bezirk: Option<String>,
    /// Property with the ids of A (detected otherwise: id, PLR_ID, Schlüssel, …).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    a_id_field: Option<String>,
    /// Property with the names of A.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    a_name_field: Option<String>,
    /// Property with the ids of B.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    b_id_field: Option<String>,
    /// Property with the names of B.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    b_name_field: Option<String>,
    /// CRS of A when the file does not declare it (or declares it wrongly).
    #[arg(long, value_name = "EPSG", help_heading = "Input")]
    a_crs: Option<String>,
    /// CRS of B when the file does not declare it.
    #[arg(long, value_name = "EPSG", help_heading = "Input")]
    b_crs: Option<String>,
    /// Statistics per unit of A, for the people affected.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    stats: Option<PathBuf>,
    /// Names table (e.g. lor-2006/plr-names.csv) for the names of BZR and PGR.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<PathBuf>,
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
    #[arg(long, value_name = "LEVELS", default_value = "bzr,pgr")]
    levels: String,

    /// Report format: table, csv, json. Default: a table on a terminal, else csv.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<String>,
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

#[derive(Clone, Copy, PartialEq)]
enum Fmt {
    Table,
    Csv,
    Json,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    args.text.apply();
    // The plan: every flag checked before any file is read.
    let fmt = match args.format.as_deref() {
        Some("table") => Fmt::Table,
        Some("csv") => Fmt::Csv,
        Some("json") => Fmt::Json,
        Some(f) => {
            return Err(usage_error(format!(
                "--format '{f}': use table, csv or json"
            )))
        }
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
    let levels = super::aggregate::parse_levels(&args.levels)?;
    super::check_bezirk(args.bezirk.as_ref())?;
    let a_opts = LayerOptions {
        id_field: args.a_id_field.clone(),
        name_field: args.a_name_field.clone(),
        crs: args
            .a_crs
            .as_deref()
            .map(|c| parse_crs_flag("--a-crs", c))
            .transpose()?,
        ..LayerOptions::default()
    };
    let b_opts = LayerOptions {
        id_field: args.b_id_field.clone(),
        name_field: args.b_name_field.clone(),
        crs: args
            .b_crs
            .as_deref()
            .map(|c| parse_crs_flag("--b-crs", c))
            .transpose()?,
        ..LayerOptions::default()
    };

    let mut warnings = Warnings::default();
    let (mut a, w) = read_layer(&args.a, &a_opts)?;
    warnings.extend(w);
    if let Some(bz) = &args.bezirk {
        if a.lor_level().is_some() {
            a.filter_prefix(bz);
        }
    }
    if a.features.is_empty() {
        return Err(lor::error::input_error(format!(
            "{}: no units left to compare{}",
            a.source,
            args.bezirk
                .as_deref()
                .map(|b| format!(" in Bezirk {b}"))
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
    let (units, b_units, ov, b_layer): Compared = if lor::weights::is_list_path(&args.b) {
        let (list, w) = read_list(&args.b, "b")?;
        warnings.extend(w);
        let weights = expand_to(&list.table, a.features.iter().map(|f| f.id.as_str()));
        let mut by_src: BTreeMap<&str, Vec<(Option<String>, f64)>> = BTreeMap::new();
        for w in weights.rows() {
            by_src
                .entry(w.source.as_str())
                .or_default()
                .push((Some(w.target.clone()), w.weight));
        }
        let mut b_units: BTreeMap<String, (String, f64)> = BTreeMap::new();
        let mut units: Vec<UnitParts> = a
            .features
            .iter()
            .map(|f| {
                let pieces: Vec<(Option<String>, f64)> = by_src
                    .get(f.id.as_str())
                    .map(|v| v.iter().map(|(t, w)| (t.clone(), w * f.area)).collect())
                    .unwrap_or_default();
                for (t, ar) in &pieces {
                    let t = t.clone().expect("listed");
                    let e = b_units.entry(t.clone()).or_insert_with(|| {
                        (list.target_names.get(&t).cloned().unwrap_or_default(), 0.0)
                    });
                    e.1 += ar;
                }
                UnitParts::new(f.id.clone(), f.name.clone(), f.area, pieces, &tol)
            })
            .collect();
        units.sort_by(|x, y| x.key.cmp(&y.key));
        (units, b_units, None, None)
    } else {
        let (mut b, w) = read_layer(&args.b, &b_opts)?;
        warnings.extend(w);
        if let Some(bz) = &args.bezirk {
            if b.lor_level().is_some() {
                b.filter_prefix(bz);
            }
        }
        check_overlap(&a, &b)?;
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
        let (t, w) = read_stats(stats, &ReadOptions::default())?;
        warnings.extend(w);
        let col = match &args.column {
            Some(c) => t.column(c).map(|c| c.name.clone()).ok_or_else(|| {
                usage_error(format!(
                    "--column '{c}': no such column in {}. Columns: {}",
                    t.source,
                    examples(
                        &t.columns
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>(),
                        40
                    )
                ))
            })?,
            None => ["E_E", "inhabitants", "EW", "EW 31.12.2020", "Einwohner"]
                .iter()
                .find(|c| t.column(c).is_some())
                .map(|c| c.to_string())
                .ok_or_else(|| {
                    usage_error(format!(
                        "{}: say which column counts people with --column",
                        t.source
                    ))
                })?,
        };
        let c = t.column(&col).expect("checked");
        let mut values = BTreeMap::new();
        for (k, cell) in t.keys.iter().zip(&c.cells) {
            if args
                .bezirk
                .as_ref()
                .is_some_and(|b| !k.starts_with(b.as_str()))
            {
                continue;
            }
            if let Some(v) = cell.num() {
                values.insert(k.clone(), v);
            }
        }
        let have: std::collections::BTreeSet<&str> =
            a.features.iter().map(|f| f.id.as_str()).collect();
        let missing: Vec<String> = values
            .iter()
            .filter(|(k, _)| !have.contains(k.as_str()))
            .map(|(k, v)| format!("{k} ({} {col})", thousands(*v)))
            .collect();
        no_geometry = values
            .keys()
            .filter(|k| !have.contains(k.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let total: f64 = values
                .iter()
                .filter(|(k, _)| !have.contains(k.as_str()))
                .map(|(_, v)| v)
                .sum();
            warnings.push(
                "no-geometry",
                format!(
                    "{}: {} keys have no geometry in {} ({} {col} not in the report): {}",
                    t.source,
                    missing.len(),
                    a.source,
                    thousands(total),
                    examples(&missing, 5)
                ),
            );
        }
        people = Some((col, values));
    }

    let names = match &args.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            n
        }
        None => Names::default(),
    };
    let report = Mismatch::new(
        &a.source,
        &args.b.display().to_string(),
        units,
        a_level,
        &levels
            .iter()
            .copied()
            .filter(|l| *l != Level::Plr)
            .collect::<Vec<_>>(),
        &|k: &str| names.name(k).unwrap_or_default().to_string(),
        b_units,
        people.as_ref().map(|(c, v)| (c.as_str(), v)),
        tol,
    );

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
                    .as_deref()
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
    if b_layer.is_none() && (args.geojson.is_some() || args.svg.is_some()) && !ctx.quiet {
        eprintln!("warning: --geojson and --svg need polygons for B; none written for a list");
    }
    write_all_atomic(&files)?;
    if args.output.is_none() {
        lor::write::write_stdout(&text)?;
    }
    if !ctx.quiet && fmt != Fmt::Table {
        for line in report.summary() {
            eprintln!("{line}");
        }
    }
    if args.fail_on_split && report.any_split() {
        return Err(quality_error(
            "units are split between the two systems (--fail-on-split)",
        ));
    }
    Ok(())
}

/// Layers that do not overlap at all are in different CRS, or not of one place.
pub fn check_overlap(a: &Layer, b: &Layer) -> Result<()> {
    if let (Some(x), Some(y)) = (a.bbox(), b.bbox()) {
        let overlap = x.min().x <= y.max().x
            && y.min().x <= x.max().x
            && x.min().y <= y.max().y
            && y.min().y <= x.max().y;
        if !overlap {
            return Err(lor::error::input_error(format!(
                "{} ({}) and {} ({}) do not overlap at all: is one of them in another CRS than declared (--a-crs/--b-crs), or of another place?",
                a.source, a.file_crs, b.source, b.file_crs
            )));
        }
    }
    Ok(())
}
