//! `lor run JOB.toml`: every quarterly table from one cron line.
//!
//! The job file, its plan and its staging are the library's
//! ([`lor::jobs`]); this command tells the library what each kind of step
//! may say (from the subcommands' clap definitions), runs the steps in this
//! process and commits their outputs, all or none.

use std::path::PathBuf;

use anyhow::Result;
use lor::jobs::StepSpec;

use super::Context;

/// Run all steps of a job file.
#[derive(clap::Args)]
#[command(
    after_help = "Example (see jobs/ and docs/unattended.md):\n  lor run jobs/auenwalde.toml\n\n\
    Exit codes: 0 all written; 1 an input is wrong; 2 the job file is wrong;\n\
    3 data-quality findings with strict = true (nothing written)."
)]
pub struct Args {
    /// The job file (TOML).
    job: PathBuf,
    /// Treat findings as errors even if the job does not say strict = true.
    #[arg(long)]
    strict: bool,
    /// Print the commands the job would run, and run nothing.
    #[arg(long)]
    dry_run: bool,
}

/// What a job file may say in a step of each kind, from the clap
/// definition of the subcommand of that name: its positionals (needed in a
/// job unless they take any number of values), its long flags, which take
/// a path (a path value hint: `PathBuf` values) and which of those are
/// outputs (the "Output" help heading; a folder with a `DirPath` hint).
fn step_specs() -> Vec<StepSpec> {
    use clap::{CommandFactory, ValueHint};
    let mut root = crate::Cli::command();
    root.build();
    lor::jobs::STEP_KINDS
        .iter()
        .map(|kind| {
            let c = root
                .find_subcommand(kind)
                .expect("every step kind is a subcommand");
            let key = |a: &clap::Arg| match a.get_long() {
                Some(l) => l.to_string(),
                None => a.get_id().as_str().to_string(),
            };
            let path = |a: &&clap::Arg| {
                matches!(
                    a.get_value_hint(),
                    ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
                )
            };
            let output = |a: &clap::Arg| a.get_help_heading() == Some(OUTPUT_HEADING);
            StepSpec {
                kind: kind.to_string(),
                positionals: c
                    .get_positionals()
                    .map(|a| {
                        let many = a.get_num_args().is_some_and(|n| n.max_values() > 1);
                        (key(a), a.is_required_set() || !many)
                    })
                    .collect(),
                // Long flags, and one-letter flags without a long name
                // (`k` for `-k`); `--help` is not a step's setting.
                flags: c
                    .get_arguments()
                    .filter(|a| !a.is_positional() && a.get_id() != "help")
                    .filter_map(|a| {
                        a.get_long()
                            .map(str::to_string)
                            .or_else(|| a.get_short().map(String::from))
                    })
                    .collect(),
                inputs: c
                    .get_arguments()
                    .filter(path)
                    .filter(|a| !output(a))
                    .map(key)
                    .collect(),
                outputs: c
                    .get_arguments()
                    .filter(path)
                    .filter(|a| output(a))
                    .map(|a| (key(a), a.get_value_hint() == ValueHint::DirPath))
                    .collect(),
            }
        })
        .collect()
}

/// The help heading of every flag that names a file a command writes.
pub const OUTPUT_HEADING: &str = "Output";

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = lor::jobs::plan_file(&args.job, &step_specs(), args.strict)?;
    if args.dry_run {
        return lor::render::write::write_stdout(plan.commands().as_bytes());
    }
    let staging = lor::jobs::Staging::prepare(&plan)?;
    let n = plan.steps.len();
    for (i, p) in plan.steps.iter().enumerate() {
        ctx.info(&format!("[{}/{n}] lor {}", i + 1, p.argv[1..].join(" ")));
        let step_ctx = Context {
            allow: [&ctx.allow, &plan.allow, &p.allow]
                .into_iter()
                .flatten()
                .copied()
                .collect(),
            ..ctx.clone()
        };
        if let Err(e) = crate::run_argv(&p.argv, &step_ctx) {
            staging.abandon();
            return Err(e.context(format!(
                "step {} ({}) at line {} of {} failed; nothing was written",
                i + 1,
                p.argv[1],
                p.line,
                plan.source
            )));
        }
    }
    staging
        .commit(&plan)
        .map_err(|e| e.context(format!("{}: nothing was written", plan.source)))?;
    for (_, target) in plan.moves() {
        ctx.info(&format!("wrote {}", target.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every flag that writes a file (its help says "Write …") is an output
    /// of its step kind, and nothing else is: a new output flag without the
    /// "Output" heading would otherwise be read as an input and written
    /// directly instead of staged.
    #[test]
    fn every_output_flag_of_every_step_kind_is_recognised() {
        use clap::CommandFactory;
        let specs = step_specs();
        assert_eq!(specs.len(), lor::jobs::STEP_KINDS.len());
        let root = crate::Cli::command();
        for spec in &specs {
            let c = root.find_subcommand(&spec.kind).unwrap();
            for a in c.get_arguments() {
                let Some(long) = a.get_long() else { continue };
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                let output = spec.outputs.iter().any(|(k, _)| k == long);
                let path = output || spec.inputs.iter().any(|k| k == long);
                if !path {
                    continue;
                }
                let writes = help.starts_with("Write");
                assert_eq!(writes, output, "lor {} --{long}: {help}", spec.kind);
                if output {
                    assert!(!spec.inputs.iter().any(|k| k == long));
                }
            }
        }
        let outputs = |kind: &str| -> Vec<(String, bool)> {
            let mut o = specs
                .iter()
                .find(|s| s.kind == kind)
                .unwrap()
                .outputs
                .clone();
            o.sort();
            o
        };
        let o = |k: &str, dir: bool| (k.to_string(), dir);
        assert_eq!(
            outputs("aggregate"),
            vec![o("output", false), o("output-dir", true)]
        );
        assert_eq!(
            outputs("mismatch"),
            vec![o("geojson", false), o("output", false), o("svg", false)]
        );
        for kind in ["points", "crosswalk", "translate", "series", "report"] {
            assert_eq!(outputs(kind), vec![o("output", false)], "{kind}");
        }
        assert_eq!(outputs("check"), vec![]);
    }

    #[test]
    fn inputs_and_positionals_come_from_clap() {
        let specs = step_specs();
        let spec = |kind: &str| specs.iter().find(|s| s.kind == kind).unwrap().clone();
        let check = spec("check");
        assert_eq!(
            check.positionals,
            vec![("stats".to_string(), true), ("geometry".to_string(), false)]
        );
        assert!(check.inputs.contains(&"geometry".to_string()));
        assert!(check.inputs.contains(&"names".to_string()));
        let agg = spec("aggregate");
        assert_eq!(agg.positionals, vec![("stats".to_string(), true)]);
        for k in ["stats", "names", "units", "sozialraum", "check-against"] {
            assert!(agg.inputs.contains(&k.to_string()), "{k}");
        }
        assert!(agg.flags.contains(&"strict".to_string()));
    }
}
