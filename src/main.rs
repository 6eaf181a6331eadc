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
    /// Messages on stderr (warnings, notes, summaries, errors) as text, or
    /// as JSON (one object a line).
    #[arg(long, global = true, value_name = "FORMAT", value_enum, default_value_t = cmd::args::LogFormat::Text)]
    log_format: cmd::args::LogFormat,
    /// Accept warnings of this kind (e.g. missing-plr, duplicate-id; the
    /// codes are listed in docs/warnings.md): still printed, never a reason
    /// for exit code 3. Repeatable.
    #[arg(long, global = true, value_name = "CODE", value_delimiter = ',', value_parser = cmd::allow_value)]
    allow: Vec<lor::error::WarningCode>,

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
    Series(cmd::series::Args),
    Check(cmd::check::Args),
    Catalogue(cmd::catalogue::Args),
    Run(cmd::run::Args),
    Map(cmd::map::Args),
    Report(cmd::report::Args),
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
        Command::Series(args) => cmd::series::run(args, ctx),
        Command::Check(args) => cmd::check::run(args, ctx),
        Command::Catalogue(args) => cmd::catalogue::run(args, ctx),
        Command::Run(args) => cmd::run::run(args, ctx),
        Command::Map(args) => cmd::map::run(args, ctx),
        Command::Report(args) => cmd::report::run(args, ctx),
        Command::Layout(args) => cmd::layout::run(args, ctx),
    }
}

/// Parse a command line: the flags, and the files the command reads.
fn parse<I, T>(argv: I) -> Result<(Cli, lor::table::input::Inputs), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(argv)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let inputs = cmd::args::inputs_of(&command, &matches);
    Ok((cli, inputs))
}

/// Parse an argument list (from a job file) and run it in this process,
/// with its own inputs: what another step read is no input of this one.
pub fn run_argv(argv: &[String], ctx: &cmd::Context) -> anyhow::Result<()> {
    let (cli, inputs) =
        parse(argv).map_err(|e| lor::error::usage_error(e.to_string().trim_end().to_string()))?;
    if matches!(cli.command, Command::Run(_)) {
        return Err(lor::error::usage_error("a job cannot run another job"));
    }
    let ctx = cmd::Context {
        inputs,
        ..ctx.clone()
    };
    dispatch(cli.command, &ctx)
}

/// Was `--log-format json` given? Read from the raw arguments, for the
/// usage errors clap finds before the arguments are parsed.
fn wants_json_log<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> bool {
    let args: Vec<std::ffi::OsString> = args.into_iter().skip(1).collect();
    let mut json = false;
    for (i, a) in args.iter().enumerate() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--log-format" {
            json = args.get(i + 1).is_some_and(|v| v == "json");
        } else if let Some(v) = a.strip_prefix("--log-format=") {
            json = v == "json";
        }
    }
    json
}

/// The text of a usage error clap found: without its `error: ` prefix and
/// the closing hint to try `--help`.
fn clap_message(e: &clap::Error) -> String {
    use clap::error::ErrorKind;
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return "a subcommand is needed: see --help for the list".to_string();
    }
    let text = e.render().to_string();
    let text = text.trim();
    let text = text.strip_prefix("error: ").unwrap_or(text);
    let text = text
        .strip_suffix("For more information, try '--help'.")
        .unwrap_or(text);
    text.trim().to_string()
}

/// A usage error clap found before a command ran (unknown flag, bad
/// value, missing argument): with `--log-format json` one JSON line and
/// exit 2, else clap's own text; `--help` and `--version` print as usual.
fn clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let shown = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if shown || !wants_json_log(std::env::args_os()) {
        e.exit()
    }
    let code = lor::error::exit_code_of(&lor::error::usage_error(""));
    cmd::print_err(
        &serde_json::json!({"level": "error", "exit_code": code, "message": clap_message(&e)})
            .to_string(),
    );
    ExitCode::from(code as u8)
}

fn main() -> ExitCode {
    let (cli, inputs) = match parse(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) => return clap_error(e),
    };
    let log_json = cli.log_format == cmd::args::LogFormat::Json;
    let ctx = cmd::Context {
        quiet: cli.quiet,
        log_json,
        allow: cli.allow.clone(),
        inputs,
    };
    match dispatch(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        // The one broken-pipe handler: a reader that stopped early
        // (`lor run --dry-run | head`) is a normal end.
        Err(e) if lor::render::write::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let code = lor::error::exit_code_of(&e);
            if log_json {
                cmd::print_err(
                    &serde_json::json!({"level": "error", "exit_code": code, "message": format!("{e:#}")})
                        .to_string(),
                );
            } else {
                cmd::print_err(&format!("error: {e:#}"));
            }
            ExitCode::from(code as u8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// The library modules whose messages name flags, and the commands that
    /// can print those messages.
    /// The library files (paths below `src/`) whose messages name flags,
    /// with the commands that can print them. A file entry also covers the
    /// folder of the same name (`spatial/geometry.rs` covers
    /// `spatial/geometry/*.rs`), so that a split keeps its commands.
    const EMITTERS: &[(&str, &[&str])] = &[
        (
            "aggregation/aggregate.rs",
            &["aggregate", "translate", "points"],
        ),
        ("aggregation/expr.rs", &["aggregate", "translate"]),
        (
            "aggregation/rename.rs",
            &["aggregate", "series", "translate"],
        ),
        ("aggregation/rules.rs", &["aggregate", "translate"]),
        ("aggregation/sozialraum.rs", &["aggregate", "points"]),
        ("layout", &["layout"]),
        ("mapping/crosswalk.rs", &["crosswalk", "translate"]),
        ("mapping/sozialraum.rs", &["aggregate", "points"]),
        (
            "mapping/weights.rs",
            &["aggregate", "mismatch", "points", "translate"],
        ),
        ("points/per_unit.rs", &["points"]),
        ("pipeline/aggregate.rs", &["aggregate"]),
        ("pipeline/check.rs", &["check"]),
        // The one input assembly names --units; `check` passes no units.
        (
            "pipeline/inputs.rs",
            &["aggregate", "points", "map", "report"],
        ),
        ("pipeline/layout.rs", &["layout"]),
        ("pipeline/mismatch.rs", &["mismatch"]),
        ("pipeline/points.rs", &["points"]),
        ("pipeline/series.rs", &["series"]),
        ("pipeline/translate.rs", &["translate"]),
        ("points/population.rs", &["crosswalk", "translate"]),
        (
            "points/read.rs",
            &["points", "crosswalk", "translate", "report"],
        ),
        ("points/tables.rs", &["points"]),
        ("quality/check.rs", &["check"]),
        ("quality/checks.rs", &["aggregate", "check"]),
        // check_overlap (all layer commands) names flags through LayerOptions only.
        ("quality/mismatch", &["mismatch"]),
        ("quality/reconcile.rs", &["aggregate"]),
        ("render/classify.rs", &["map", "report"]),
        ("render/crosswalk.rs", &["crosswalk"]),
        ("render/labels.rs", &["aggregate"]),
        ("render/layout.rs", &["layout"]),
        ("render/map.rs", &["map", "report"]),
        ("render/mismatch.rs", &["mismatch"]),
        ("render/output.rs", &["aggregate", "points"]),
        ("render/report.rs", &["report"]),
        ("series", &["series"]),
        ("spatial/crs.rs", &["points", "crosswalk", "translate"]),
        (
            "spatial/geometry.rs",
            &[
                "aggregate",
                "mismatch",
                "points",
                "crosswalk",
                "translate",
                "check",
            ],
        ),
        (
            "spatial/overlay.rs",
            &["aggregate", "mismatch", "crosswalk", "translate", "points"],
        ),
        (
            "spatial/scope.rs",
            &["aggregate", "mismatch", "points", "check"],
        ),
        ("table/catalogue.rs", &["aggregate", "points", "translate"]),
        (
            "table/names.rs",
            &["aggregate", "mismatch", "points", "translate", "check"],
        ),
        (
            "table/scope.rs",
            &["aggregate", "mismatch", "points", "check"],
        ),
        (
            "table/stats.rs",
            &[
                "aggregate",
                "mismatch",
                "points",
                "translate",
                "check",
                "report",
                "map",
                "series",
                "layout",
            ],
        ),
    ];

    /// The commands that can print the messages of the library file `rel`
    /// (a path below `src/`).
    fn emitters_of(rel: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = EMITTERS
            .iter()
            .filter(|(e, _)| {
                rel == *e || rel.starts_with(&format!("{}/", e.trim_end_matches(".rs")))
            })
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `--flag` words in the code (not the comments) of a source file.
    fn mentioned_flags(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with("//") {
                continue;
            }
            let b = line.as_bytes();
            let mut i = 0;
            while i + 2 < b.len() {
                if &b[i..i + 2] == b"--"
                    && b[i + 2].is_ascii_lowercase()
                    && (i == 0 || b[i - 1] != b'-')
                {
                    let start = i + 2;
                    let mut end = start;
                    while end < b.len()
                        && (b[end].is_ascii_lowercase()
                            || b[end].is_ascii_digit()
                            || b[end] == b'-')
                    {
                        end += 1;
                    }
                    out.push(line[start..end].trim_end_matches('-').to_string());
                    i = end;
                } else {
                    i += 1;
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn library_messages_name_only_flags_of_the_commands_that_print_them() {
        let root = Cli::command();
        let longs = |cmd: &str| -> Vec<String> {
            let sub = root.find_subcommand(cmd).expect(cmd);
            // A command with its own subcommands (`layout evaluate|propose`)
            // has the flags of all of them.
            sub.get_arguments()
                .chain(sub.get_subcommands().flat_map(|s| s.get_arguments()))
                .chain(root.get_arguments())
                .flat_map(|a| {
                    a.get_long()
                        .into_iter()
                        .chain(a.get_all_aliases().unwrap_or_default())
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        // The library's files: every .rs below src/ but the command line.
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut wrong = Vec::new();
        for path in files {
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with("cmd/") || rel == "main.rs" {
                continue;
            }
            let flags = mentioned_flags(&std::fs::read_to_string(&path).unwrap());
            let commands = emitters_of(&rel);
            if !flags.is_empty() && commands.is_empty() {
                wrong.push(format!("{rel}: names {flags:?}; add it to EMITTERS"));
            }
            for cmd in &commands {
                let known = longs(cmd);
                for f in &flags {
                    if !known.contains(f) {
                        wrong.push(format!("{rel}: --{f} is not a flag of `lor {cmd}`"));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// docs/warnings.md and docs/flags.md are generated from the program;
    /// `LOR_UPDATE_DOCS=1 cargo test --bin lor` rewrites them.
    #[test]
    fn generated_docs_are_current() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        let results = [
            crate::cmd::docs::check_or_update(
                &docs.join("warnings.md"),
                &crate::cmd::docs::warnings_markdown(),
            ),
            crate::cmd::docs::check_or_update(
                &docs.join("flags.md"),
                &crate::cmd::docs::flags_markdown(Cli::command()),
            ),
        ];
        let errors: Vec<String> = results.into_iter().filter_map(Result::err).collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    /// The inputs of a run come from its own command line: the values of
    /// its input flags (keywords left out), a folder as its files, the
    /// flags of a nested subcommand too. Another command line (the next
    /// step of a job) has only its own.
    #[test]
    fn each_command_line_has_its_own_inputs() {
        let sample = |n: &str| format!("{}/data/sample/{n}", env!("CARGO_MANIFEST_DIR"));
        let files = |argv: &[&str]| -> Vec<String> {
            let (_, inputs) = super::parse(argv).unwrap();
            inputs
                .paths()
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        let stats = sample("EWR202412E_Matrix.csv");
        let names = sample("plr.csv");
        assert_eq!(
            files(&[
                "lor",
                "aggregate",
                &stats,
                "--names",
                &names,
                "--labels",
                "de",
                "-o",
                "o.csv"
            ]),
            ["EWR202412E_Matrix.csv", "plr.csv"]
        );
        assert_eq!(
            files(&["lor", "aggregate", &sample("indikatoren.csv")]),
            ["indikatoren.csv"]
        );
        let series = files(&["lor", "series", &sample("series"), "-o", "s.csv"]);
        assert_eq!(series.len(), 6, "{series:?}");
        assert!(series.iter().all(|f| f.starts_with("EWR")), "{series:?}");
        assert_eq!(
            files(&[
                "lor",
                "layout",
                "evaluate",
                &sample("sozialraeume.geojson"),
                "--units",
                &sample("plr.geojson"),
                "--stats",
                &stats,
            ]),
            [
                "sozialraeume.geojson",
                "plr.geojson",
                "EWR202412E_Matrix.csv"
            ]
        );
    }

    #[test]
    fn log_format_json_is_found_in_the_raw_arguments() {
        let j = |a: &[&str]| super::wants_json_log(a.iter().map(std::ffi::OsString::from));
        assert!(j(&["lor", "--log-format", "json", "aggregate", "--bad"]));
        assert!(j(&["lor", "aggregate", "--log-format=json", "--bad"]));
        assert!(!j(&["lor", "aggregate", "--log-format", "text"]));
        assert!(!j(&["lor", "aggregate", "--", "--log-format", "json"]));
        assert!(!j(&["lor", "--log-format"]));
    }

    #[test]
    fn clap_messages_lose_prefix_and_hint() {
        use clap::Parser;
        let e = match super::Cli::try_parse_from(["lor", "aggregate", "--decimal", "x"]) {
            Err(e) => e,
            Ok(_) => panic!("--decimal x parsed"),
        };
        assert_eq!(
            super::clap_message(&e),
            "invalid value 'x' for '--decimal <SEP>': 'x': use ',' or '.'"
        );
    }

    #[test]
    fn flags_are_found_in_code_not_comments() {
        let text = "// --ignored\nlet m = \"use --units-fix-id N=KEY or --crs\";";
        assert_eq!(mentioned_flags(text), vec!["crs", "units-fix-id"]);
    }
}
