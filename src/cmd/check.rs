//! `lor check`: what is wrong with a delivery, before anything is computed.

use std::path::PathBuf;

use anyhow::Result;
use lor::check::{check_coverage, check_layer, check_nesting, check_totals, check_values};
use lor::error::{quality_error, usage_error, Warning, WarningCode, Warnings};
use lor::geometry::{read_layer, Layer};
use lor::key::Level;
use lor::names::Names;
use lor::stats::{read_stats, ReadOptions};

use super::args::{CheckFormat, GeometryLayer};
use super::Context;

const EXAMPLES: &str = "\
Examples:
  lor check data/berlin/stats/EWR201812E_Matrix.csv \\
      data/berlin/lor-2006/plr.geojson.gz data/berlin/lor-2006/bzr.geojson.gz \\
      --names data/berlin/lor-2006/plr-names.csv
  lor check --format json data/sample/EWR202412E_Matrix.csv data/sample/plr.geojson

Checks: keys (malformed, duplicate, unknown, missing against the names table or
the PLR polygons, mixed vintages), cells that are not numbers, negative counts,
shares outside 0–100, empty or suppressed cells, the file's own totals (E_E =
E_EM + E_EW = Σ age bands = Σ age groups); polygons: duplicate ids, invalid
rings, overlaps and gaps between units, PLR reaching outside their BZR/PGR.
Exit code 3 when there are findings (accept kinds with --allow CODE).";

/// Validate statistics and geometries without aggregating anything.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A statistics file per PLR (CSV or XLSX); '-' for none.
    stats: PathBuf,
    /// Polygon layers: PLR, and optionally BZR and PGR (by their key length).
    geometry: Vec<PathBuf>,
    /// Column with the keys of the statistics (found by name or content otherwise).
    #[arg(long, value_name = "COLUMN", help_heading = "Input")]
    key: Option<String>,
    /// Names table: the reference list of PLR.
    #[arg(long, value_name = "FILE")]
    names: Option<PathBuf>,
    /// Overlaps and gaps smaller than this many m² are digitising noise.
    #[arg(long, value_name = "M2", default_value_t = 1000.0)]
    tolerance: f64,
    /// Report format.
    #[arg(long, short, value_name = "FORMAT", value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    #[command(flatten)]
    layer: GeometryLayer,
    /// Decimal separator of the statistics file: ',' or '.' (detected by default).
    #[arg(long, value_name = "SEP")]
    decimal: Option<String>,
    /// The row (counted from 1) with the column names, when titles stand
    /// above it (detected otherwise).
    #[arg(long, value_name = "N")]
    header_row: Option<usize>,
    /// Findings allowed before the exit code is 3.
    #[arg(long, value_name = "N", default_value_t = 0)]
    max_findings: usize,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let json = args.format == CheckFormat::Json;
    let layer_opts = args.layer.options();
    if args.geometry.len() > 1 && !layer_opts.fix_ids.is_empty() {
        return Err(usage_error(
            "--geometry-fix-id with a feature number applies to one layer: check that layer alone, or fix by the wrong id (WRONG=KEY)",
        ));
    }
    let mut findings = Warnings::default();
    let mut checked: Vec<String> = Vec::new();
    let names = match &args.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            findings.extend(w);
            checked.push(format!("{} ({} PLR)", p.display(), n.units.len()));
            Some(n)
        }
        None => None,
    };
    let mut layers: Vec<Layer> = Vec::new();
    for g in &args.geometry {
        let (l, w) = read_layer(g, &layer_opts)?;
        findings.extend(w);
        checked.push(format!(
            "{} ({} polygons, {})",
            g.display(),
            l.features.len(),
            l.file_crs
        ));
        layers.push(l);
    }
    let plr = layers.iter().find(|l| l.lor_level() == Some(Level::Plr));
    if args.stats.as_os_str() != "-" {
        let decimal = match args.decimal.as_deref() {
            None => None,
            Some(",") => Some(b','),
            Some(".") => Some(b'.'),
            Some(d) => return Err(usage_error(format!("--decimal '{d}': use ',' or '.'"))),
        };
        let opts = ReadOptions {
            decimal,
            header_row: args.header_row,
            key: args.key.clone(),
            ..ReadOptions::default()
        };
        let (t, w) = read_stats(&args.stats, &opts)?;
        findings.extend(w);
        checked.push(format!(
            "{} ({} rows, {} columns, key '{}', {}{})",
            args.stats.display(),
            t.len(),
            t.columns.len(),
            t.key_column,
            t.vintage()
                .map(|v| v.0.label())
                .unwrap_or("vintage unknown"),
            if t.dialect.decimal_comma {
                ", decimal comma"
            } else {
                ""
            }
        ));
        findings.extend(check_coverage(&t, names.as_ref()));
        if let Some(p) = plr {
            let reference = Names::from_pairs(
                &p.source,
                p.features.iter().map(|f| (f.id.as_str(), f.name.as_str())),
            );
            let mut w = check_coverage(&t, Some(&reference));
            // The vintage is reported once, above.
            w.0.retain(|x| x.code != WarningCode::Vintage);
            for x in &mut w.0 {
                if x.code == WarningCode::UnknownKey {
                    x.code = WarningCode::NoGeometry;
                }
            }
            findings.extend(w);
        }
        findings.extend(check_totals(&t));
        findings.extend(check_values(&t));
    }
    for l in &layers {
        if l.lor_level() == Some(Level::Plr) || layers.len() == 1 {
            findings.extend(check_layer(l, args.tolerance));
        }
    }
    if let Some(p) = plr {
        for coarse in layers
            .iter()
            .filter(|l| matches!(l.lor_level(), Some(Level::Bzr | Level::Pgr)))
        {
            let level = coarse.lor_level().expect("checked");
            findings.extend(check_nesting(p, coarse, level, args.tolerance));
        }
        if let Some(n) = &names {
            let have: std::collections::BTreeSet<&str> =
                p.features.iter().map(|f| f.id.as_str()).collect();
            let missing: Vec<String> = n
                .units
                .iter()
                .filter(|u| !have.contains(u.as_str()))
                .map(|u| format!("{u} {}", n.name(u).unwrap_or("")))
                .collect();
            if !missing.is_empty() {
                findings.push(
                    lor::error::WarningCode::NoGeometry,
                    format!(
                        "{}: {} PLR of {} have no polygon: {}",
                        p.source,
                        missing.len(),
                        n.source,
                        lor::error::examples(&missing, 5)
                    ),
                );
            }
        }
    }

    let counted: Vec<&Warning> = ctx.findings(&findings);
    let report = if json {
        let items: Vec<serde_json::Value> = findings
            .iter()
            .map(|w| serde_json::json!({"code": w.code.as_str(), "message": w.message, "allowed": !counted.iter().any(|c| std::ptr::eq(*c, w))}))
            .collect();
        let mut v =
            serde_json::to_vec_pretty(&serde_json::json!({"checked": checked, "findings": items}))?;
        v.push(b'\n');
        v
    } else {
        let mut s = String::from("Checked:\n");
        for c in &checked {
            s.push_str(&format!("  {c}\n"));
        }
        if findings.is_empty() {
            s.push_str("\nNo findings.\n");
        } else {
            let mut by_code: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            for w in findings.iter() {
                *by_code.entry(w.code.as_str()).or_default() += 1;
            }
            s.push_str(&format!(
                "\n{} findings ({}):\n",
                findings.len(),
                by_code
                    .iter()
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            for w in findings.iter() {
                s.push_str(&format!("  [{}] {}\n", w.code, w.message));
            }
        }
        s.into_bytes()
    };
    lor::write::write_stdout(&report)?;
    if counted.len() > args.max_findings {
        return Err(quality_error(format!(
            "{} findings (more than --max-findings {})",
            counted.len(),
            args.max_findings
        )));
    }
    Ok(())
}
