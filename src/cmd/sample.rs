//! `lor sample`: write the bundled sample district's files.

use anyhow::Result;

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

fn plan(args: Args) -> lor::pipeline::sample::Plan {
    let points = args.points.map(|n| lor::pipeline::sample::RandomPoints {
        n,
        extent: match args.extent {
            Extent::Berlin => lor::sample::BERLIN_EXTENT,
            Extent::Sample => lor::sample::SAMPLE_EXTENT,
        },
        seed: 42,
    });
    lor::pipeline::sample::Plan {
        dir: args.output_dir.0,
        points,
    }
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    ctx.finish(false, lor::pipeline::sample::run(&plan(args))?)
}
