//! `lor series`: statistics of many dates, one table per level over time.

use std::path::{Path, PathBuf};

use anyhow::Result;
use lor::error::{input_error, usage_error, Warnings};
use lor::geometry::{read_layer, LayerOptions};
use lor::key::Vintage;
use lor::names::Names;
use lor::output::Format;
use lor::overlay::Tolerance;
use lor::series::{self, Against, Changes, Date, Dated, SozialraumWeights, Translation};
use lor::sozialraum;
use lor::stats::{read_stats, ReadOptions};
use lor::weights::{read_list, Assign};

use super::{Context, RuleArgs};

const EXAMPLES: &str = "\
Examples:
  # the sample district's half-years, old and new keys in the new keys,
  # with the change to the previous half-year and to the year before
  lor series data/sample/series --vintage 2021 --crosswalk data/sample/lor-alt-neu.csv \\
      --names data/sample/plr.csv --levels pgr,bez --change previous,year --change-columns E_E

  # Berlin 2018 and 2020 (LOR 2006) in the 58 Prognoseräume of LOR 2021
  lor series data/berlin/stats/population-2018-12/t1-planning-areas.csv \\
      data/berlin/stats/population-2020-12/t1-planning-areas.csv \\
      --weighted '*_percentage=inhabitants' --vintage 2021 --levels pgr,bez,berlin

Dates: from the ZEIT column, else the file name (EWR201812E_Matrix.csv,
bestand-2020-12.csv), else the folder name, else --date FILE=YYYY-MM.";

/// Statistics of many dates as one series: one table per level, the date
/// as a column (or the dates side by side with --wide).
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Statistics files per PLR (CSV or XLSX), a folder of them, or a glob
    /// such as 'data/EWR*.csv'.
    #[arg(required = true, value_name = "FILE|DIR|GLOB", value_hint = clap::ValueHint::AnyPath)]
    inputs: Vec<String>,
    /// The date of a file that does not say it: FILE=YYYY-MM (repeatable).
    #[arg(long, value_name = "FILE=DATE", help_heading = "Input")]
    date: Vec<String>,
    /// Column with the PLR keys (found by name or content otherwise).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    key: Option<String>,
    /// Sheet of XLSX workbooks (default: the first).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    sheet: Option<String>,
    /// Names table of the units (of the series' vintage).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    names: Option<PathBuf>,

    #[command(flatten)]
    rules: RuleArgs,

    /// One LOR vintage for the whole series: 2021 or 2006. Dates in the other
    /// vintage are translated (crosswalk from the bundled LOR geometry, or
    /// --crosswalk) and marked in the column 'translated_from'.
    #[arg(long, value_name = "YEAR", help_heading = "Vintage")]
    vintage: Option<String>,
    /// Crosswalk or key table (from, to[, weight]) from the other vintage;
    /// repeat to chain tables.
    #[arg(long, value_name = "FILE", help_heading = "Vintage")]
    crosswalk: Vec<PathBuf>,
    /// Polygons of the other vintage (instead of the bundled ones).
    #[arg(long, value_name = "FILE", requires = "to", help_heading = "Vintage")]
    from: Option<PathBuf>,
    /// Polygons of the series' vintage (instead of the bundled ones).
    #[arg(long, value_name = "FILE", requires = "from", help_heading = "Vintage")]
    to: Option<PathBuf>,
    #[command(flatten)]
    from_layer: super::args::FromLayer,
    #[command(flatten)]
    overlay: super::CrosswalkArgs,

    /// Changes: 'previous' (the date before) and/or 'year' (the same month a
    /// year earlier), comma-separated. Counts get the absolute and the
    /// relative (%) change, shares the difference in percentage points.
    #[arg(
        long,
        value_name = "AGAINST",
        value_delimiter = ',',
        help_heading = "Changes"
    )]
    change: Vec<String>,
    /// Columns with changes (names or globs, comma-separated); default: all
    /// count columns.
    #[arg(
        long,
        value_name = "COLS",
        value_delimiter = ',',
        help_heading = "Changes"
    )]
    change_columns: Vec<String>,

    /// Sozialräume as a CSV/XLSX list "PLR (or BZR) → Sozialraum" or as
    /// polygons (with --units); the same assignment for every date.
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    sozialraum: Option<PathBuf>,
    /// PLR polygons, for Sozialraum polygons.
    #[arg(long, value_name = "FILE", help_heading = "Sozialräume")]
    units: Option<PathBuf>,
    /// How PLR go to Sozialraum polygons: 'largest' or 'area'.
    #[arg(
        long,
        value_name = "HOW",
        default_value = "largest",
        help_heading = "Sozialräume"
    )]
    assign: String,

    /// Levels to compute: plr, bzr, pgr, bez, berlin (comma-separated).
    #[arg(
        long,
        value_name = "LEVELS",
        default_value = "bzr,pgr,bez,berlin",
        help_heading = "Output"
    )]
    levels: String,
    /// The dates side by side (one row per unit) instead of one row per unit
    /// and date. XLSX is always wide, with the changes in their own sheets.
    #[arg(long, help_heading = "Output")]
    wide: bool,
    /// Output format: csv, excel-csv, json, parquet, xlsx, table.
    #[arg(long, short, value_name = "FORMAT", help_heading = "Output")]
    format: Option<super::args::FormatArg>,
    /// Write to FILE, atomically.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Treat warnings as errors: exit code 3 and no output.
    #[arg(long)]
    strict: bool,
}

/// Statistics files named by the arguments: files, folders (their CSV and
/// XLSX files with a date in the name) and globs.
pub(super) fn expand_inputs(inputs: &[String], warnings: &mut Warnings) -> Result<Vec<PathBuf>> {
    let is_table = |p: &Path| {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        [".csv", ".csv.gz", ".xlsx", ".xls", ".txt"]
            .iter()
            .any(|e| n.ends_with(e))
    };
    let list = |dir: &Path| -> Result<Vec<PathBuf>> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| input_error(format!("{}: cannot read the folder: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        v.sort();
        Ok(v)
    };
    let mut out = Vec::new();
    for arg in inputs {
        let p = Path::new(arg);
        if p.is_dir() {
            let (dated, other): (Vec<PathBuf>, Vec<PathBuf>) =
                list(p)?.into_iter().filter(|f| is_table(f)).partition(|f| {
                    f.file_name()
                        .and_then(|n| Date::in_name(&n.to_string_lossy()))
                        .is_some()
                });
            if !other.is_empty() {
                warnings.push(
                    lor::error::WarningCode::SkippedFiles,
                    format!(
                        "{arg}: {} files without a date in their name are not part of the series: {} (give them as files, with --date FILE=YYYY-MM)",
                        other.len(),
                        lor::error::examples(
                            &other.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                            5
                        )
                    ),
                );
            }
            if dated.is_empty() {
                return Err(input_error(format!(
                    "{arg}: no statistics files with a date in their name (e.g. EWR202312E_Matrix.csv)"
                )));
            }
            out.extend(dated);
        } else if arg.contains(['*', '?']) && !p.exists() {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let pattern = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if dir.to_string_lossy().contains(['*', '?']) {
                return Err(usage_error(format!(
                    "'{arg}': a glob may only match file names, not folders"
                )));
            }
            let hits: Vec<PathBuf> = list(dir)?
                .into_iter()
                .filter(|f| {
                    f.file_name()
                        .is_some_and(|n| lor::rules::glob_match(&pattern, &n.to_string_lossy()))
                })
                .collect();
            if hits.is_empty() {
                return Err(input_error(format!("'{arg}': no file matches")));
            }
            out.extend(hits);
        } else {
            out.push(p.to_path_buf());
        }
    }
    Ok(out)
}

/// A bundled data file: beside the working folder, else in the source tree.
fn bundled(rel: &str) -> Result<PathBuf> {
    let here = Path::new(rel);
    if here.exists() {
        return Ok(here.to_path_buf());
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if src.exists() {
        return Ok(src);
    }
    Err(input_error(format!(
        "the bundled LOR geometry {rel} is not found: run lor in its project folder, or give --crosswalk FILE or --from/--to polygons"
    )))
}

/// The crosswalk other vintage → `want`: built from polygons (the bundled
/// ones by default), then chained with --crosswalk tables.
fn translation(
    args: &Args,
    want: Vintage,
    ctx: &Context,
    warnings: &mut Warnings,
) -> Result<Translation> {
    let mut start = None;
    if args.crosswalk.is_empty() || args.from.is_some() {
        let (from, to, fix) = match (&args.from, &args.to) {
            (Some(f), Some(t)) => (f.clone(), t.clone(), args.from_layer.options()),
            _ => match want {
                Vintage::Lor2021 => {
                    // Feature 124 of the 2006 PLR file carries the id 06010102
                    // a second time; its area and place are PLR 04030417.
                    // Feature 124 is recognised by the built-in catalogue
                    // (name and area of 04030417) and corrected, reported.
                    (
                        bundled("data/berlin/lor-2006/plr.geojson.gz")?,
                        bundled("data/berlin/lor-2021/pgr.geojson.gz")?,
                        LayerOptions {
                            auto_fix: true,
                            flag_prefix: "--from-".into(),
                            ..LayerOptions::default()
                        },
                    )
                }
                Vintage::Lor2006 => (
                    bundled("data/berlin/lor-2021/pgr.geojson.gz")?,
                    bundled("data/berlin/lor-2006/pgr.geojson.gz")?,
                    LayerOptions::default(),
                ),
            },
        };
        let (fl, w) = read_layer(&from, &fix)?;
        warnings.extend(w);
        let to_opts = LayerOptions::default();
        let (tl, w) = read_layer(&to, &to_opts)?;
        warnings.extend(w);
        lor::mismatch::check_overlap((&fl, &fix), (&tl, &to_opts))?;
        let level = tl
            .lor_level()
            .map(|l| l.code().to_string())
            .unwrap_or_else(|| "target".into());
        let (cw, w) = args.overlay.build(&fl, &tl, &level, warnings)?;
        warnings.extend(w);
        if !ctx.quiet {
            ctx.info(&format!("crosswalk {} → {}:", from.display(), to.display()));
            for l in cw.summary.lines() {
                ctx.info(&format!("  {l}"));
            }
        }
        start = Some(cw.table);
    }
    let (chain, w) = lor::crosswalk::read_chain(start, &args.crosswalk)?;
    warnings.extend(w);
    let chain = chain.expect("a crosswalk or polygons");
    let from = Vintage::detect(chain.sources())
        .map(|(v, _)| v)
        .ok_or_else(|| {
            input_error("the crosswalk's source keys are not LOR keys of 2006 or 2021")
        })?;
    if from == want {
        return Err(usage_error(format!(
            "--vintage {}: the crosswalk's source keys are already {}; give a crosswalk from the other vintage",
            want.label(),
            want.label()
        )));
    }
    let off = chain.incomplete_sources(1e-6);
    if !off.is_empty() {
        let list: Vec<String> = off.iter().map(|(k, w)| format!("{k} (Σ {w:.4})")).collect();
        warnings.push(
            lor::error::WarningCode::Weights,
            format!(
                "the weights of {} units of the crosswalk do not add up to 1 (used as given): {}",
                off.len(),
                lor::error::examples(&list, 5)
            ),
        );
    }
    Ok(Translation { from, chain })
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let format = super::table_format(args.format, args.output.as_deref(), true)?;
    if format == Format::GeoJson {
        return Err(usage_error(
            "lor series writes tables: use csv, excel-csv, json, parquet, xlsx or table",
        ));
    }
    let missing = args.rules.missing_policy();
    let levels = super::args::parse_levels(&args.levels)?.0;
    let vintage = args
        .vintage
        .as_deref()
        .map(|v| {
            Vintage::parse(v)
                .ok_or_else(|| usage_error(format!("--vintage '{v}': use 2006 or 2021")))
        })
        .transpose()?;
    if vintage.is_none() && (!args.crosswalk.is_empty() || args.from.is_some()) {
        return Err(usage_error(
            "--crosswalk and --from/--to translate into one vintage: say which with --vintage 2021 (or 2006)",
        ));
    }
    let against: Vec<Against> = args
        .change
        .iter()
        .map(|c| {
            Against::parse(c).ok_or_else(|| {
                usage_error(format!(
                    "--change '{c}': use previous, year or previous,year"
                ))
            })
        })
        .collect::<Result<_>>()?;
    if against.is_empty() && !args.change_columns.is_empty() {
        return Err(usage_error("--change-columns needs --change previous,year"));
    }
    let mut given: Vec<(PathBuf, Date)> = Vec::new();
    for d in &args.date {
        let (f, v) = d.split_once('=').ok_or_else(|| {
            usage_error(format!(
                "--date '{d}': write FILE=YYYY-MM, e.g. t1.csv=2020-12"
            ))
        })?;
        let date = Date::parse(v).ok_or_else(|| {
            usage_error(format!("--date '{d}': '{v}' is not a date such as 2020-12"))
        })?;
        given.push((PathBuf::from(f), date));
    }

    let mut warnings = Warnings::default();
    let files = expand_inputs(&args.inputs, &mut warnings)?;
    for (f, _) in &given {
        if !files.iter().any(|p| same_file(p, f)) {
            return Err(usage_error(format!(
                "--date {}: that file is not one of the series' files",
                f.display()
            )));
        }
    }
    let read = ReadOptions {
        key: args.key.clone(),
        sheet: args.sheet.clone(),
        ..ReadOptions::default()
    };
    let mut dated = Vec::with_capacity(files.len());
    for path in &files {
        let (table, w) = read_stats(path, &read)?;
        warnings.extend(w);
        warnings.extend(lor::check::check_totals(&table));
        let g = given
            .iter()
            .find(|(f, _)| same_file(path, f))
            .map(|(_, d)| *d);
        let (date, _, w) = series::date_of(&table, path, g)?;
        warnings.extend(w);
        dated.push(Dated { date, table });
    }
    let (dated, w) = series::order(dated)?;
    warnings.extend(w);
    let names = match &args.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            Some(n)
        }
        None => None,
    };
    // Coverage against the names (of the series' vintage): dates in that vintage.
    if let Some(n) = &names {
        for d in &dated {
            let own = d.table.vintage().map(|(v, _)| v);
            if vintage.is_none() || own.is_none() || own == vintage {
                warnings.extend(lor::check::check_coverage(&d.table, Some(n)));
            }
        }
    }

    let translation = match vintage {
        Some(v)
            if dated
                .iter()
                .any(|d| d.table.vintage().is_some_and(|(tv, _)| tv != v)) =>
        {
            Some(translation(&args, v, ctx, &mut warnings)?)
        }
        _ => None,
    };
    let sozialraum = match &args.sozialraum {
        None => None,
        Some(p) => Some(assign_sozialraum(&args, p, &dated, vintage, &mut warnings)?),
    };
    let plan = series::Plan {
        rules: args.rules.flags(),
        missing,
        levels,
        names: names.as_ref(),
        vintage,
        translation,
        sozialraum,
    };
    let (s, w) = series::build(&dated, &plan)?;
    warnings.extend(w);
    let changes = Changes {
        columns: if against.is_empty() {
            Vec::new()
        } else {
            series::change_columns(&s, &args.change_columns)?
        },
        against,
    };
    ctx.warn(&warnings);
    ctx.check_strict(args.strict, &warnings)?;

    let tables = if format == Format::Xlsx {
        // Sheet names as the value sheets have them: PGR, Bezirk, …
        let mut t = s.wide_values(None);
        if !changes.against.is_empty() {
            let named = |l: &str| format!("{} – Veränderung", lor::output::sheet_name(l));
            t.extend(s.wide_changes(&changes, Some(&named)));
        }
        t
    } else if args.wide {
        s.wide(&changes)
    } else {
        s.long(&changes, vintage.is_some())
    };
    super::aggregate::write_tables(&tables, format, args.output.as_deref())
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// The PLR → Sozialraum assignment for the units of the series' vintage (the
/// keys of its latest date in that vintage), the same for every date.
fn assign_sozialraum(
    args: &Args,
    path: &Path,
    dated: &[Dated],
    vintage: Option<Vintage>,
    warnings: &mut Warnings,
) -> Result<SozialraumWeights> {
    let base = dated
        .iter()
        .rev()
        .find(|d| match vintage {
            Some(v) => d.table.vintage().is_none_or(|(tv, _)| tv == v),
            None => true,
        })
        .ok_or_else(|| {
            usage_error("--sozialraum: no date of the series is in the vintage of the series to assign its PLR")
        })?;
    let list = lor::weights::is_list_path(path);
    let (source, how, units) = if list {
        let (l, w) = read_list(path, sozialraum::LEVEL)?;
        warnings.extend(w);
        (sozialraum::Source::List(l), Assign::Largest, None)
    } else {
        let how = Assign::parse(&args.assign).ok_or_else(|| {
            usage_error(format!("--assign '{}': use largest or area", args.assign))
        })?;
        let (layer, w) = read_layer(path, &LayerOptions::default())?;
        warnings.extend(w);
        let units = match &args.units {
            Some(u) => {
                let u_opts = LayerOptions::default();
                let (ul, w) = read_layer(u, &u_opts)?;
                warnings.extend(w);
                lor::mismatch::check_overlap((&ul, &u_opts), (&layer, &LayerOptions::default()))?;
                Some(ul)
            }
            None => None,
        };
        (sozialraum::Source::Polygons(layer), how, units)
    };
    let (a, w) = sozialraum::assign(
        &base.table,
        units.as_ref(),
        &source,
        how,
        &Tolerance::default(),
    )?;
    warnings.extend(w);
    let people = base
        .table
        .column("E_E")
        .or_else(|| base.table.column("inhabitants"))
        .map(|c| c.name.as_str());
    warnings.extend(sozialraum::report_unassigned(&base.table, &a, people));
    Ok(SozialraumWeights {
        weights: a.weights,
        names: a.names,
    })
}
