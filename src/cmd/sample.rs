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
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
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
