//! `lor crosswalk`: a weight table between two polygon layers.

use std::path::PathBuf;

use anyhow::Result;
use lor::error::Warnings;
use lor::geometry::{parse_fix_ids, read_layer, LayerOptions};
use lor::output::write_atomic;

use super::Context;

const EXAMPLES: &str = "\
Examples:
  # LOR 2006 Planungsräume → LOR 2021 Prognoseräume (feature 124 of the 2006
  # file is PLR 04030417, mislabelled 06010102)
  lor crosswalk data/berlin/lor-2006/plr.geojson.gz \\
      data/berlin/lor-2021/pgr.geojson.gz --fix-from-id 124=04030417 \\
      --output plr2006-pgr2021.csv

The CSV (from, to, area_m2, area_share, weight) can be reviewed, edited and
used with `lor translate --crosswalk`. Parts below the sliver tolerance are
digitising noise: weight 0, the rest renormalised.";

/// Build a crosswalk (weight table) from one polygon layer to another.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Source units (e.g. LOR 2006 PLR).
    from: PathBuf,
    /// Target units (e.g. LOR 2021 PGR).
    to: PathBuf,
    /// Correct a wrong id in FROM: FEATURE=KEY (feature number, 1-based), or
    /// 'auto' for features that the built-in catalogue recognises by name
    /// and area (each reported). Repeatable.
    #[arg(long, value_name = "N=KEY")]
    fix_from_id: Vec<String>,
    /// Correct a wrong id in TO.
    #[arg(long, value_name = "N=KEY")]
    fix_to_id: Vec<String>,
    #[command(flatten)]
    overlay: super::CrosswalkArgs,
    /// Write the crosswalk here (CSV, or Parquet for a .parquet name), atomically; stdout otherwise.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 3 when the crosswalk leaves units (partly) unassigned or has warnings.
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let mut warnings = Warnings::default();
    let (from, w) = read_layer(
        &args.from,
        &LayerOptions {
            fix_ids: parse_fix_ids(&args.fix_from_id)?,
            auto_fix: lor::geometry::wants_auto_fix(&args.fix_from_id),
            fix_flag: "--fix-from-id",
            ..LayerOptions::default()
        },
    )?;
    warnings.extend(w);
    let (to, w) = read_layer(
        &args.to,
        &LayerOptions {
            fix_ids: parse_fix_ids(&args.fix_to_id)?,
            auto_fix: lor::geometry::wants_auto_fix(&args.fix_to_id),
            fix_flag: "--fix-to-id",
            ..LayerOptions::default()
        },
    )?;
    warnings.extend(w);
    super::mismatch::check_overlap(&from, &to)?;
    let level = to
        .lor_level()
        .map(|l| l.code().to_string())
        .unwrap_or_else(|| "target".into());
    let (cw, w) = args.overlay.build(&from, &to, &level, &mut warnings)?;
    warnings.extend(w);
    if !cw.unassigned.is_empty() {
        let list: Vec<String> = cw
            .unassigned
            .iter()
            .map(|(k, s)| format!("{k} ({:.1} %)", s * 100.0))
            .collect();
        warnings.push(
            "unassigned",
            format!(
                "{} source units lie wholly or partly outside every target: {}",
                list.len(),
                lor::error::examples(&list, 5)
            ),
        );
    }
    ctx.warn(&warnings);
    if !ctx.quiet {
        for l in cw.summary.lines() {
            eprintln!("{l}");
        }
    }
    ctx.check_strict(args.strict, &warnings)?;
    let parquet = args
        .output
        .as_ref()
        .and_then(|o| o.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let bytes = if parquet {
        cw.to_parquet()?
    } else {
        cw.to_csv()
    };
    match &args.output {
        Some(p) => write_atomic(p, &bytes),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}
