//! `lor run JOB.toml`: every quarterly table from one cron line.
//!
//! The job file, its plan and its staging are the library's
//! ([`lor::jobs`]); this command tells the library what each kind of step
//! may say (from the subcommands' clap definitions), runs the steps in this
//! process and commits their outputs, all or none.

use anyhow::Result;
use lor::jobs::StepSpec;

use super::{args, Context};

/// Run all steps of a job file.
#[derive(clap::Args)]
#[command(
    after_help = "Example (see jobs/ and docs/unattended.md):\n  lor run jobs/auenwalde.toml\n\n\
    Exit codes: 0 all written; 1 an input is wrong; 2 the job file is wrong;\n\
    3 data-quality findings with strict = true (nothing written)."
)]
pub struct Args {
    /// The job file (TOML).
    job: args::InputPath,
    /// Treat findings as errors even if the job does not say strict = true.
    #[arg(long)]
    strict: bool,
    /// Print the commands the job would run, and run nothing.
    #[arg(long)]
    dry_run: bool,
}

/// What a job file may say in a step of each kind, from the clap
/// definition of the subcommand of that name: its positionals (needed in a
/// job unless they take any number of values), its flags (long names and
/// their aliases), and which take a path, by the type of their value
/// ([`args::path_kind`]): inputs (`InputPath`, and `--labels`, whose
/// keyword 'de' is no path), outputs (`OutputPath`) and output folders
/// (`OutputDir`).
fn step_specs() -> Vec<StepSpec> {
    use clap::CommandFactory;
    let mut root = crate::Cli::command();
    root.build();
    lor::jobs::STEP_KINDS
        .iter()
        .map(|kind| {
            let c = root
                .find_subcommand(kind)
                .expect("every step kind is a subcommand");
            step_spec(kind, c)
        })
        .collect()
}

/// The job keys of an argument: a positional's name; a flag's long name
/// and aliases, or its one-letter name (`k` for `-k`).
fn job_keys(a: &clap::Arg) -> Vec<String> {
    if a.is_positional() {
        return vec![a.get_id().as_str().to_string()];
    }
    match a.get_long() {
        Some(l) => std::iter::once(l)
            .chain(a.get_all_aliases().unwrap_or_default())
            .map(str::to_string)
            .collect(),
        None => a.get_short().map(String::from).into_iter().collect(),
    }
}

fn step_spec(kind: &str, c: &clap::Command) -> StepSpec {
    use args::PathKind;
    let mut spec = StepSpec {
        kind: kind.to_string(),
        positionals: c
            .get_positionals()
            .map(|a| {
                let many = a.get_num_args().is_some_and(|n| n.max_values() > 1);
                (
                    a.get_id().as_str().to_string(),
                    a.is_required_set() || !many,
                )
            })
            .collect(),
        ..StepSpec::default()
    };
    for a in c.get_arguments() {
        let keys = job_keys(a);
        // `--help` is not a step's setting.
        if !a.is_positional() && a.get_id() != "help" {
            spec.flags.extend(keys.iter().cloned());
        }
        for k in keys {
            match args::path_kind(a) {
                None => {}
                Some(PathKind::Input) => spec.inputs.push(k),
                Some(PathKind::InputOrKeyword(words)) => {
                    spec.keywords
                        .push((k.clone(), words.iter().map(|w| w.to_string()).collect()));
                    spec.inputs.push(k);
                }
                Some(PathKind::Output) => spec.outputs.push((k, false)),
                Some(PathKind::OutputDir) => spec.outputs.push((k, true)),
                Some(PathKind::InputThen(sep)) => spec.path_then.push((k, sep)),
            }
        }
    }
    spec
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let plan = lor::jobs::plan_file(&args.job, &step_specs(), args.strict)?;
    if args.dry_run {
        let dry = lor::render::write::Outputs::one(None, plan.commands().into_bytes());
        return ctx.finish(false, (dry, Default::default()));
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

    /// Every command (and `layout evaluate|propose`) with its arguments.
    fn all_commands() -> Vec<(String, clap::Command)> {
        use clap::CommandFactory;
        let mut root = crate::Cli::command();
        root.build();
        let mut out = Vec::new();
        for c in root.get_subcommands() {
            out.push((c.get_name().to_string(), c.clone()));
            for s in c.get_subcommands() {
                out.push((format!("{} {}", c.get_name(), s.get_name()), s.clone()));
            }
        }
        out
    }

    /// Every flag of every command that names a file or folder has a path
    /// type (never a bare `PathBuf`), and a flag is an output exactly when
    /// its help says it writes ("Write …"): an output typed as an input
    /// would be written directly instead of staged.
    #[test]
    fn every_path_flag_of_every_command_has_a_path_type() {
        use args::PathKind;
        let mut wrong = Vec::new();
        let mut outputs = 0;
        for (name, c) in all_commands() {
            for a in c.get_arguments() {
                if !a.get_action().takes_values() {
                    continue;
                }
                let id = a.get_id().as_str();
                let t = a.get_value_parser().type_id();
                if t == std::any::TypeId::of::<std::path::PathBuf>() {
                    wrong.push(format!(
                        "lor {name} {id}: a bare PathBuf; give it a path type"
                    ));
                }
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                let kind = args::path_kind(a);
                let output = matches!(kind, Some(PathKind::Output | PathKind::OutputDir));
                outputs += usize::from(output);
                if help.starts_with("Write") != output {
                    wrong.push(format!("lor {name} {id}: {kind:?}, help '{help}'"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // aggregate 2, points, crosswalk, translate, series, catalogue,
        // report, map 1 each, mismatch 4, layout evaluate 2, propose 4, sample 1.
        assert_eq!(outputs, 20);
    }

    /// The outputs of every step kind, from the types of their flags.
    #[test]
    fn every_output_flag_of_every_step_kind_is_recognised() {
        let specs = step_specs();
        assert_eq!(specs.len(), lor::jobs::STEP_KINDS.len());
        for spec in &specs {
            for (k, _) in &spec.outputs {
                assert!(!spec.inputs.contains(k), "{} {k}", spec.kind);
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
            vec![
                o("geojson", false),
                o("output", false),
                o("png", false),
                o("svg", false)
            ]
        );
        for kind in ["points", "crosswalk", "translate", "series", "report"] {
            assert_eq!(outputs(kind), vec![o("output", false)], "{kind}");
        }
        assert_eq!(outputs("check"), vec![]);
    }

    /// `--labels` takes the keyword 'de' or a file; the old spelling
    /// `--lor` of `--vintage` is a key of its own.
    #[test]
    fn keywords_and_aliases_come_from_clap() {
        let specs = step_specs();
        let agg = specs.iter().find(|s| s.kind == "aggregate").unwrap();
        assert!(agg.inputs.contains(&"labels".to_string()));
        assert_eq!(
            agg.keywords,
            vec![("labels".to_string(), vec!["de".to_string()])]
        );
        for k in ["vintage", "lor", "delimiter", "encoding", "sheet"] {
            assert!(agg.flags.contains(&k.to_string()), "{k}");
        }
        let series = specs.iter().find(|s| s.kind == "series").unwrap();
        assert_eq!(series.path_then, vec![("date".to_string(), '=')]);
        assert!(series.inputs.contains(&"inputs".to_string()));
        let report = specs.iter().find(|s| s.kind == "report").unwrap();
        for k in ["stats", "units", "sozialraum", "points", "series", "names"] {
            assert!(report.inputs.contains(&k.to_string()), "{k}");
        }
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
