//! `lor sample`: write the bundled sample district's files.

use std::path::PathBuf;

use anyhow::Result;
use lor::output::write_all_atomic;
use lor::sample::Sample;

use super::Context;

/// Write the invented sample district (names and statistics) to a directory.
///
/// The files are what `lor aggregate` uses when it is given no file; the
/// copies in the repository's data/sample/ are made with this command.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  lor sample --output-dir data/sample")]
pub struct Args {
    /// Directory to write the files to (created if needed).
    #[arg(long, short = 'd', default_value = "data/sample")]
    output_dir: PathBuf,
    /// Instead: write N random points (CSV, EPSG:25833) to points.csv, for load tests.
    #[arg(long, value_name = "N")]
    points: Option<u64>,
    /// Where the random points fall: 'berlin' or 'sample'.
    #[arg(
        long,
        value_name = "AREA",
        default_value = "berlin",
        requires = "points"
    )]
    extent: String,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    if let Some(n) = args.points {
        let extent = match args.extent.as_str() {
            "berlin" => lor::sample::BERLIN_EXTENT,
            "sample" => lor::sample::SAMPLE_EXTENT,
            e => {
                return Err(lor::error::usage_error(format!(
                    "--extent '{e}': use berlin or sample"
                )))
            }
        };
        // Streamed into the file: memory stays flat for any N.
        let path = args.output_dir.join("points.csv");
        std::fs::create_dir_all(&args.output_dir)?;
        lor::output::write_atomic_with(&path, |f| {
            lor::sample::write_random_points(f, n, extent, 42)
        })?;
        if !ctx.quiet {
            eprintln!("wrote {} ({n} points)", path.display());
        }
        return Ok(());
    }
    let sample = Sample::generate();
    let files: Vec<(PathBuf, Vec<u8>)> = sample
        .files()
        .into_iter()
        .map(|(name, text)| (args.output_dir.join(name), text.into_bytes()))
        .collect();
    write_all_atomic(&files)?;
    if !ctx.quiet {
        for (path, _) in &files {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}
