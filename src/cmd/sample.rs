//! `lor sample`: write the bundled sample district's files.

use std::path::PathBuf;

use anyhow::Result;
use lor::render::write::Outputs;
use lor::sample::Sample;

use super::Context;

/// Write the invented sample district (names and statistics) to a directory.
///
/// The files are what `lor aggregate` uses when it is given no file; the
/// copies in the repository's data/sample/ are made with this command.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  lor sample --output-dir data/sample")]
pub struct Args {
    /// Write the files into this directory (created if needed).
    #[arg(long, short = 'd', default_value = "data/sample")]
    output_dir: super::args::OutputDir,
    /// Instead: write N random points (CSV, EPSG:25833) to points.csv, for load tests.
    #[arg(long, value_name = "N")]
    points: Option<u64>,
    /// Where the random points fall.
    #[arg(
        long,
        value_name = "AREA",
        value_enum,
        default_value_t = Extent::Berlin,
        requires = "points"
    )]
    extent: Extent,
}

/// The area random points are spread over.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Extent {
    /// All of Berlin.
    Berlin,
    /// The invented sample district.
    Sample,
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    if let Some(n) = args.points {
        let extent = match args.extent {
            Extent::Berlin => lor::sample::BERLIN_EXTENT,
            Extent::Sample => lor::sample::SAMPLE_EXTENT,
        };
        // Streamed into the file: memory stays flat for any N.
        let path = args.output_dir.join("points.csv");
        std::fs::create_dir_all(&args.output_dir)?;
        lor::render::write::write_file_with(&path, &ctx.inputs, |f| {
            lor::sample::write_random_points(f, n, extent, 42)
        })?;
        ctx.info(&format!("wrote {} ({n} points)", path.display()));
        return Ok(());
    }
    let sample = Sample::generate();
    let files: Vec<(PathBuf, Vec<u8>)> = sample
        .files()
        .into_iter()
        .map(|(name, text)| (args.output_dir.join(name), text.into_bytes()))
        .collect();
    let written: Vec<String> = files.iter().map(|f| f.0.display().to_string()).collect();
    Outputs {
        files,
        ..Outputs::default()
    }
    .write(&ctx.inputs)?;
    for path in written {
        ctx.info(&format!("wrote {path}"));
    }
    Ok(())
}
