//! `lor run JOB.toml`: every quarterly table from one cron line.
//!
//! A job file lists steps (`[[aggregate]]`, `[[points]]`, `[[mismatch]]`,
//! `[[crosswalk]]`, `[[translate]]`, `[[check]]`, `[[series]]`, `[[report]]`); each step's keys are the
//! flags of that subcommand. Paths are relative to the job file. Output paths
//! may use `{ZEIT}` (from the step's statistics), `{date}` and `{name}`; their
//! values must be safe file-name parts (letters, digits, `-`, `_`, `.`).
//! Every output must lie inside the job's output root (`output_root`, else
//! the job file's folder) and may not name an input of the job or another
//! output. A step's `strict` and `allow` keys apply to that step.
//! All outputs are staged beside their targets and moved into place only
//! when every step has succeeded: a run writes all its outputs or none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;
use serde_spanned::Spanned;

use lor::error::{input_error, usage_error};

use super::Context;

/// Run all steps of a job file.
#[derive(clap::Args)]
#[command(
    after_help = "Example (see jobs/ and the README):\n  lor run jobs/auenwalde.toml\n\n\
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

type Step = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JobFile {
    name: Option<String>,
    #[serde(default)]
    strict: bool,
    /// The folder every output must lie in (relative to the job file);
    /// default: the job file's folder.
    output_root: Option<String>,
    /// Warning codes that never fail the job.
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    aggregate: Vec<Step>,
    #[serde(default)]
    points: Vec<Step>,
    #[serde(default)]
    mismatch: Vec<Step>,
    #[serde(default)]
    crosswalk: Vec<Step>,
    #[serde(default)]
    translate: Vec<Step>,
    #[serde(default)]
    check: Vec<Step>,
    #[serde(default)]
    series: Vec<Step>,
    #[serde(default)]
    report: Vec<Step>,
}

/// Positional arguments of a subcommand, in order (their clap ids, which
/// are also the job file's keys).
fn positionals(cmd: &str) -> Vec<String> {
    subcommand(cmd)
        .map(|c| {
            c.get_positionals()
                .map(|a| a.get_id().as_str().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Keys whose values are paths (resolved against the job file's folder):
/// the arguments clap knows take a path (`PathBuf` values, or a path value
/// hint), by their job-file key.
fn path_keys(cmd: &str) -> Vec<String> {
    use clap::ValueHint;
    subcommand(cmd)
        .map(|c| {
            c.get_arguments()
                .filter(|a| {
                    matches!(
                        a.get_value_hint(),
                        ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
                    )
                })
                .map(|a| match a.get_long() {
                    Some(l) => l.to_string(),
                    None => a.get_id().as_str().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The clap definition of a subcommand.
fn subcommand(cmd: &str) -> Option<clap::Command> {
    use clap::CommandFactory;
    crate::Cli::command().find_subcommand(cmd).cloned()
}

/// Keys whose values are outputs (staged, then moved into place).
const OUTPUT_KEYS: &[&str] = &["output", "output-dir", "svg", "geojson"];

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// Today as YYYY-MM-DD (UTC), from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

/// `ZEIT` of a statistics file: the one value of its `ZEIT` column.
fn zeit_of(path: &Path) -> Result<String> {
    let (t, _) = lor::stats::read_stats(path, &lor::stats::ReadOptions::default())?;
    let col = t.column("ZEIT").ok_or_else(|| {
        usage_error(format!(
            "{{ZEIT}} is used, but {} has no ZEIT column",
            t.source
        ))
    })?;
    let first = col.raw.first().cloned().unwrap_or_default();
    if col.raw.iter().any(|v| *v != first) {
        return Err(input_error(format!(
            "{}: ZEIT is not the same in every row",
            t.source
        )));
    }
    safe_value("ZEIT", &first, &t.source)?;
    Ok(first)
}

/// A placeholder value goes into a file name: only letters, digits, `-`,
/// `_` and `.` (not `..`), and not empty — never a folder, a path or
/// another placeholder.
fn safe_value(name: &str, value: &str, source: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value != "."
        && !value.contains("..")
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(input_error(format!(
            "{source}: {{{name}}} would be '{}', which cannot be part of a file name; a placeholder value may only have letters, digits, '-', '_' and '.'",
            lor::error::clip(value)
        )))
    }
}

/// A step turned into a command line, with its staged outputs.
struct Planned {
    argv: Vec<String>,
    /// (staged path, target path, is a directory)
    outputs: Vec<(PathBuf, PathBuf, bool)>,
    /// Input files the step names.
    inputs: Vec<PathBuf>,
    /// The step's own `strict`, if it says.
    strict: Option<bool>,
    /// The step's own accepted warning codes.
    allow: Vec<lor::error::WarningCode>,
    /// Line of the step in the job file (for messages).
    line: usize,
}

fn value_strings(v: &toml::Value) -> Option<Vec<String>> {
    match v {
        toml::Value::String(s) => Some(vec![s.clone()]),
        toml::Value::Integer(i) => Some(vec![i.to_string()]),
        toml::Value::Float(f) => Some(vec![f.to_string()]),
        toml::Value::Array(a) => a
            .iter()
            .map(|x| value_strings(x).map(|mut v| v.remove(0)))
            .collect(),
        _ => None,
    }
}

/// What every step of a job shares: the job file (text and path), the
/// folder paths are relative to, the staging folder name and the
/// placeholders.
#[derive(Clone, Copy)]
struct JobPlan<'a> {
    text: &'a str,
    job_path: &'a str,
    base: &'a Path,
    stage: &'a str,
    vars: &'a BTreeMap<&'a str, String>,
}

fn plan_step(cmd: &str, step: &Step, job: JobPlan<'_>, known: &[String]) -> Result<Planned> {
    let JobPlan {
        text,
        job_path,
        base,
        stage,
        vars,
    } = job;
    let positionals = positionals(cmd);
    let path_keys = path_keys(cmd);
    let required: Vec<String> = subcommand(cmd)
        .map(|c| {
            c.get_positionals()
                .filter(|a| a.is_required_set())
                .map(|a| a.get_id().as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut positional: Vec<Vec<String>> = vec![Vec::new(); positionals.len()];
    let mut flags: Vec<String> = Vec::new();
    let mut outputs = Vec::new();
    let mut inputs = Vec::new();
    let mut strict = None;
    let mut allow = Vec::new();
    let step_line = step
        .keys()
        .map(|k| line_of(text, k.span().start))
        .min()
        .unwrap_or(0)
        .saturating_sub(1);
    // {ZEIT} comes from the step's statistics.
    let mut vars = vars.clone();
    let stats_key = step.keys().find(|k| k.get_ref() == "stats");
    let needs_zeit = step
        .values()
        .any(|v| v.get_ref().as_str().is_some_and(|s| s.contains("{ZEIT}")));
    if needs_zeit {
        let p = stats_key
            .and_then(|k| step[k].get_ref().as_str())
            .ok_or_else(|| {
                usage_error(format!(
                    "{job_path}: {{ZEIT}} needs a 'stats' file in the [[{cmd}]] step"
                ))
            })?;
        vars.insert("ZEIT", zeit_of(&base.join(p))?);
    }
    for (k, v) in step {
        let key = k.get_ref().replace('_', "-");
        let line = line_of(text, k.span().start);
        match (key.as_str(), v.get_ref()) {
            ("strict", toml::Value::Boolean(b)) if known.iter().any(|k| k == "strict") => {
                strict = Some(*b);
                continue;
            }
            ("allow", value) => {
                allow = value_strings(value)
                    .ok_or_else(|| {
                        usage_error(format!(
                            "{job_path}, line {line}: 'allow' must be a list of warning codes"
                        ))
                    })?
                    .iter()
                    .map(|a| {
                        super::parse_allow(a).map_err(|e| {
                            usage_error(format!("{job_path}, line {line}: allow: {e}"))
                        })
                    })
                    .collect::<Result<_>>()?;
                continue;
            }
            _ => {}
        }
        if !known.contains(&key) && !positionals.contains(&key) {
            return Err(usage_error(format!(
                "{job_path}, line {line}: unknown key '{}' in [[{cmd}]]; known: {}",
                k.get_ref(),
                known.join(", ")
            )));
        }
        let mut values = match v.get_ref() {
            toml::Value::Boolean(b) => {
                if *b {
                    flags.push(format!("--{key}"));
                }
                continue;
            }
            other => value_strings(other).ok_or_else(|| {
                usage_error(format!(
                    "{job_path}, line {line}: '{}' must be text, a number, true/false or a list",
                    k.get_ref()
                ))
            })?,
        };
        for s in values.iter_mut() {
            for (name, val) in &vars {
                *s = s.replace(&format!("{{{name}}}"), val);
            }
            if s.contains('{') && s.contains('}') && OUTPUT_KEYS.contains(&key.as_str()) {
                return Err(usage_error(format!(
                    "{job_path}, line {line}: unknown placeholder in '{}'; use {{ZEIT}}, {{date}} or {{name}}",
                    lor::error::clip(s)
                )));
            }
            if path_keys.contains(&key) {
                let p = Path::new(s.as_str());
                let full = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    base.join(p)
                };
                if OUTPUT_KEYS.contains(&key.as_str()) {
                    let name = full.file_name().ok_or_else(|| {
                        usage_error(format!("{job_path}, line {line}: '{s}' is not a file name"))
                    })?;
                    let parent = full
                        .parent()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| PathBuf::from("."));
                    let staged = parent.join(stage).join(name);
                    outputs.push((staged.clone(), full.clone(), key == "output-dir"));
                    *s = staged.display().to_string();
                } else {
                    inputs.push(full.clone());
                    *s = full.display().to_string();
                }
            }
        }
        if let Some(i) = positionals.iter().position(|p| *p == key) {
            positional[i] = values;
        } else {
            for s in values {
                flags.push(format!("--{key}"));
                flags.push(s);
            }
        }
    }
    let mut argv = vec!["lor".to_string(), cmd.to_string()];
    for (name, vals) in positionals.iter().zip(positional) {
        // In a job every input is named: a step without its statistics
        // must not fall back to the sample district. Only check's extra
        // geometry files are optional.
        if vals.is_empty() && (required.contains(name) || name.as_str() != "geometry") {
            return Err(usage_error(format!(
                "{job_path}, line {step_line}: a [[{cmd}]] step needs '{name}' (its input file)"
            )));
        }
        argv.extend(vals);
    }
    argv.extend(flags);
    Ok(Planned {
        argv,
        outputs,
        inputs,
        strict,
        allow,
        line: step_line,
    })
}

/// The long flag names of a subcommand.
fn known_flags(cmd: &str) -> Vec<String> {
    use clap::CommandFactory;
    let root = crate::Cli::command();
    root.find_subcommand(cmd)
        .map(|c| {
            c.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn run(args: Args, ctx: &Context) -> Result<()> {
    let job_path = args.job.display().to_string();
    let text = std::fs::read_to_string(&args.job)
        .map_err(|e| input_error(format!("{job_path}: cannot read: {e}")))?;
    let job: JobFile = toml::from_str(&text)
        .map_err(|e| usage_error(format!("{job_path}: {}", e.to_string().trim_end())))?;
    let base = args
        .job
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let name = job.name.clone().unwrap_or_else(|| {
        args.job
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "job".into())
    });
    let mut vars = BTreeMap::new();
    vars.insert("date", today());
    safe_value("name", &name, &job_path)?;
    vars.insert("name", name.clone());
    let stage = lor::write::work_dir(Path::new("")).display().to_string();
    // Every output must lie inside the output root.
    let root_dir = match &job.output_root {
        Some(r) => base.join(r),
        None => base.clone(),
    };
    let root = lor::write::resolve(&root_dir.join("x"))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let job_allow: Vec<lor::error::WarningCode> = job
        .allow
        .iter()
        .map(|a| super::parse_allow(a).map_err(|e| usage_error(format!("{job_path}: allow: {e}"))))
        .collect::<Result<_>>()?;

    let steps: Vec<(&str, &Vec<Step>)> = vec![
        ("check", &job.check),
        ("aggregate", &job.aggregate),
        ("points", &job.points),
        ("mismatch", &job.mismatch),
        ("crosswalk", &job.crosswalk),
        ("translate", &job.translate),
        ("series", &job.series),
        ("report", &job.report),
    ];
    let mut planned = Vec::new();
    for (cmd, list) in steps {
        let known = known_flags(cmd);
        for step in list {
            let shared = JobPlan {
                text: &text,
                job_path: &job_path,
                base: &base,
                stage: &stage,
                vars: &vars,
            };
            let mut p = plan_step(cmd, step, shared, &known)?;
            // `lor run --strict` wins; else the step's own `strict`, else the job's.
            let strict = args.strict || p.strict.unwrap_or(job.strict);
            if strict
                && !p.argv.iter().any(|a| a == "--strict")
                && known.iter().any(|k| k == "strict")
            {
                p.argv.push("--strict".into());
            }
            planned.push(p);
        }
    }
    if planned.is_empty() {
        return Err(usage_error(format!(
            "{job_path}: the job has no steps ([[aggregate]], [[points]], …)"
        )));
    }
    check_outputs(&planned, &job_path, &root, job.output_root.is_some())?;
    if args.dry_run {
        let mut out = String::new();
        for p in &planned {
            out.push_str(
                &p.argv
                    .iter()
                    .map(|a| shell_quote(a))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            out.push('\n');
        }
        return lor::write::write_stdout(out.as_bytes());
    }

    let step_ctx = |p: &Planned| Context {
        quiet: ctx.quiet,
        log_json: ctx.log_json,
        allow: ctx
            .allow
            .iter()
            .copied()
            .chain(job_allow.iter().copied())
            .chain(p.allow.iter().copied())
            .collect(),
    };
    let stage_dirs: Vec<PathBuf> = {
        let mut d: Vec<PathBuf> = planned
            .iter()
            .flat_map(|p| {
                p.outputs
                    .iter()
                    .map(|o| o.0.parent().expect("staged in a folder").to_path_buf())
            })
            .collect();
        d.sort();
        d.dedup();
        d
    };
    // Folders the run creates for its outputs: removed again (when empty)
    // if the run fails, so that a failed run leaves nothing behind.
    let mut created: Vec<PathBuf> = Vec::new();
    for d in &stage_dirs {
        let mut up = d.parent();
        while let Some(p) = up.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            created.push(p.to_path_buf());
            up = p.parent();
        }
    }
    created.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    created.dedup();
    let cleanup = || {
        for d in &stage_dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    };
    let cleanup_failed = || {
        cleanup();
        for d in &created {
            let _ = std::fs::remove_dir(d);
        }
    };
    // Roll back or clear what killed runs left beside the same targets.
    for d in &stage_dirs {
        if let Some(parent) = d.parent() {
            lor::write::recover(parent);
        }
    }
    for d in &stage_dirs {
        if let Err(e) = std::fs::create_dir_all(d) {
            cleanup_failed();
            return Err(input_error(format!("{}: cannot create: {e}", d.display())));
        }
    }
    for (i, p) in planned.iter().enumerate() {
        ctx.info(&format!(
            "[{}/{}] lor {}",
            i + 1,
            planned.len(),
            p.argv[1..].join(" ")
        ));
        if let Err(e) = crate::run_argv(&p.argv, &step_ctx(p)) {
            cleanup_failed();
            return Err(e.context(format!(
                "step {} ({}) at line {} of {job_path} failed; nothing was written",
                i + 1,
                p.argv[1],
                p.line
            )));
        }
    }
    // Every step succeeded: move the staged outputs into place, all or none.
    let moves: Vec<(PathBuf, PathBuf)> = planned
        .iter()
        .flat_map(|p| p.outputs.iter().map(|(s, t, _)| (s.clone(), t.clone())))
        .collect();
    let result = lor::write::commit(&moves);
    if result.is_err() {
        cleanup_failed();
    } else {
        cleanup();
    }
    result.map_err(|e| e.context(format!("{job_path}: nothing was written")))?;
    for (_, target) in &moves {
        ctx.info(&format!("wrote {}", target.display()));
    }
    Ok(())
}

/// The outputs of a job: inside the output root, not an input of the job,
/// no two the same file.
fn check_outputs(
    planned: &[Planned],
    job_path: &str,
    root: &Path,
    explicit_root: bool,
) -> Result<()> {
    let targets: Vec<PathBuf> = planned
        .iter()
        .flat_map(|p| p.outputs.iter().map(|o| o.1.clone()))
        .collect();
    for t in &targets {
        let r = lor::write::resolve(t)?;
        if !r.starts_with(root) {
            return Err(usage_error(format!(
                "{job_path}: the output {} lies outside {} ({}); {}",
                t.display(),
                root.display(),
                if explicit_root {
                    "the job's output_root"
                } else {
                    "the job file's folder"
                },
                "set output_root in the job file to the folder outputs may go to"
            )));
        }
    }
    let inputs: Vec<PathBuf> = planned
        .iter()
        .flat_map(|p| p.inputs.iter())
        .filter_map(|i| lor::write::resolve(i).ok())
        .collect();
    lor::write::refuse_inputs_of(&targets, &inputs).map_err(|e| {
        let msg = e.to_string().replace("the same run", "the job");
        let msg = msg.replace(
            "two outputs cannot share one file",
            "two steps write one file",
        );
        usage_error(format!("{job_path}: {msg}"))
    })
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
