//! The `lor` command line: raw flags are parsed by clap, each subcommand
//! turns them into a checked plan, and the library does the work.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "lor",
    version,
    about = "Aggregate Berlin LOR statistics: Planungsräume into Bezirksregionen, Prognoseräume, Bezirke and Berlin",
    long_about = "Aggregate Berlin LOR statistics.\n\n\
        The statistics office publishes figures per Planungsraum (PLR). lor sums the counts \
        and weights the shares into Bezirksregionen (BZR), Prognoseräume (PGR), Bezirke and \
        Berlin, with the right rule for every column.\n\n\
        Exit codes: 0 success, 1 error in the input, 2 usage error, 3 data-quality findings \
        with --strict.",
    after_help = "Run `lor aggregate` without a file to see it work on the bundled sample district."
)]
struct Cli {
    /// Print no warnings (errors are still printed).
    #[arg(long, short, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum Command {
    Aggregate(cmd::aggregate::Args),
    Mismatch(cmd::mismatch::Args),
    Points(cmd::points::Args),
    Crosswalk(cmd::crosswalk::Args),
    Translate(cmd::translate::Args),
    Sample(cmd::sample::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = cmd::Context { quiet: cli.quiet };
    let result = match cli.command {
        Command::Aggregate(args) => cmd::aggregate::run(args, &ctx),
        Command::Mismatch(args) => cmd::mismatch::run(args, &ctx),
        Command::Points(args) => cmd::points::run(args, &ctx),
        Command::Crosswalk(args) => cmd::crosswalk::run(args, &ctx),
        Command::Translate(args) => cmd::translate::run(args, &ctx),
        Command::Sample(args) => cmd::sample::run(args, &ctx),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(lor::error::exit_code_of(&e) as u8)
        }
    }
}
