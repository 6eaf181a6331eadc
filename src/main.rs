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
    /// Warnings and errors on stderr as 'text' or 'json' (one object a line).
    #[arg(long, global = true, value_name = "FORMAT", default_value = "text")]
    log_format: String,
    /// Accept warnings of this kind (e.g. missing-plr, duplicate-id): still
    /// printed, never a reason for exit code 3. Repeatable.
    #[arg(long, global = true, value_name = "CODE", value_delimiter = ',')]
    allow: Vec<String>,

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
    Check(cmd::check::Args),
    Run(cmd::run::Args),
    Layout(cmd::layout::Args),
}

/// Run one parsed command.
fn dispatch(command: Command, ctx: &cmd::Context) -> anyhow::Result<()> {
    match command {
        Command::Aggregate(args) => cmd::aggregate::run(args, ctx),
        Command::Mismatch(args) => cmd::mismatch::run(args, ctx),
        Command::Points(args) => cmd::points::run(args, ctx),
        Command::Crosswalk(args) => cmd::crosswalk::run(args, ctx),
        Command::Translate(args) => cmd::translate::run(args, ctx),
        Command::Sample(args) => cmd::sample::run(args, ctx),
        Command::Check(args) => cmd::check::run(args, ctx),
        Command::Run(args) => cmd::run::run(args, ctx),
        Command::Layout(args) => cmd::layout::run(args, ctx),
    }
}

/// Parse an argument list (from a job file) and run it in this process.
pub fn run_argv(argv: &[String], ctx: &cmd::Context) -> anyhow::Result<()> {
    let cli = Cli::try_parse_from(argv)
        .map_err(|e| lor::error::usage_error(e.to_string().trim_end().to_string()))?;
    if matches!(cli.command, Command::Run(_)) {
        return Err(lor::error::usage_error("a job cannot run another job"));
    }
    dispatch(cli.command, ctx)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log_json = cli.log_format == "json";
    if !matches!(cli.log_format.as_str(), "text" | "json") {
        eprintln!("error: --log-format '{}': use text or json", cli.log_format);
        return ExitCode::from(2);
    }
    let ctx = cmd::Context {
        quiet: cli.quiet,
        log_json,
        allow: cli.allow.clone(),
    };
    match dispatch(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = lor::error::exit_code_of(&e);
            if log_json {
                eprintln!(
                    "{}",
                    serde_json::json!({"level": "error", "exit_code": code, "message": format!("{e:#}")})
                );
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(code as u8)
        }
    }
}
