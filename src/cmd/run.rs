//! `lor run JOB.toml`: every quarterly table from one cron line.
//!
//! A job file lists steps (`[[aggregate]]`, `[[points]]`, `[[mismatch]]`,
//! `[[crosswalk]]`, `[[translate]]`, `[[check]]`, `[[series]]`); each step's keys are the
//! flags of that subcommand. Paths are relative to the job file. Output paths
//! may use `{ZEIT}` (from the step's statistics), `{date}` and `{name}`.
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
}

/// Positional arguments of each subcommand, in order.
fn positionals(cmd: &str) -> &'static [&'static str] {
    match cmd {
        "aggregate" => &["stats"],
        "points" => &["points"],
        "mismatch" => &["a", "b"],
        "crosswalk" => &["from", "to"],
        "translate" => &["stats"],
        "check" => &["stats", "geometry"],
        "series" => &["inputs"],
        _ => &[],
    }
}

/// Keys whose values are paths (resolved against the job file's folder).
const PATH_KEYS: &[&str] = &[
    "stats",
    "inputs",
    "names",
    "units",
    "sozialraum",
    "points",
    "a",
    "b",
    "from",
    "to",
    "crosswalk",
    "population",
    "geometry",
    "output",
    "output-dir",
    "svg",
    "geojson",
    "reference",
];
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
    Ok(first)
}

/// A step turned into a command line, with its staged outputs.
struct Planned {
    argv: Vec<String>,
    /// (staged path, target path, is a directory)
    outputs: Vec<(PathBuf, PathBuf, bool)>,
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

#[allow(clippy::too_many_arguments)]
fn plan_step(
    cmd: &str,
    step: &Step,
    text: &str,
    job_path: &str,
    base: &Path,
    stage: &str,
    vars: &BTreeMap<&str, String>,
    known: &[String],
) -> Result<Planned> {
    let mut positional: Vec<Vec<String>> = vec![Vec::new(); positionals(cmd).len()];
    let mut flags: Vec<String> = Vec::new();
    let mut outputs = Vec::new();
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
        if !known.contains(&key) && !positionals(cmd).contains(&key.as_str()) {
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
                    "{job_path}, line {line}: unknown placeholder in '{s}'; use {{ZEIT}}, {{date}} or {{name}}"
                )));
            }
            if PATH_KEYS.contains(&key.as_str()) {
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
                    *s = full.display().to_string();
                }
            }
        }
        if let Some(i) = positionals(cmd).iter().position(|p| *p == key) {
            positional[i] = values;
        } else {
            for s in values {
                flags.push(format!("--{key}"));
                flags.push(s);
            }
        }
    }
    let mut argv = vec!["lor".to_string(), cmd.to_string()];
    for (name, vals) in positionals(cmd).iter().zip(positional) {
        if vals.is_empty() && *name != "geometry" && !(cmd == "aggregate" && *name == "stats") {
            return Err(usage_error(format!(
                "{job_path}: a [[{cmd}]] step needs '{name}'"
            )));
        }
        argv.extend(vals);
    }
    argv.extend(flags);
    Ok(Planned { argv, outputs })
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
    vars.insert("name", name.clone());
    let stage = format!(".lor-run-{}", std::process::id());
    let strict = args.strict || job.strict;

    let steps: Vec<(&str, &Vec<Step>)> = vec![
        ("check", &job.check),
        ("aggregate", &job.aggregate),
        ("points", &job.points),
        ("mismatch", &job.mismatch),
        ("crosswalk", &job.crosswalk),
        ("translate", &job.translate),
        ("series", &job.series),
    ];
    let mut planned = Vec::new();
    for (cmd, list) in steps {
        let known = known_flags(cmd);
        for step in list {
            let mut p = plan_step(cmd, step, &text, &job_path, &base, &stage, &vars, &known)?;
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
    // Two steps must not write the same file.
    let mut targets: Vec<&PathBuf> = planned
        .iter()
        .flat_map(|p| p.outputs.iter().map(|o| &o.1))
        .collect();
    targets.sort();
    if let Some(w) = targets.windows(2).find(|w| w[0] == w[1]) {
        return Err(usage_error(format!(
            "{job_path}: two steps write {}",
            w[0].display()
        )));
    }
    if args.dry_run {
        for p in &planned {
            println!(
                "{}",
                p.argv
                    .iter()
                    .map(|a| shell_quote(a))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        return Ok(());
    }

    let step_ctx = Context {
        quiet: ctx.quiet,
        log_json: ctx.log_json,
        allow: ctx
            .allow
            .iter()
            .cloned()
            .chain(job.allow.iter().cloned())
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
    let cleanup = || {
        for d in &stage_dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    };
    remove_stale_stages(&stage_dirs);
    for d in &stage_dirs {
        if let Err(e) = std::fs::create_dir_all(d) {
            cleanup();
            return Err(input_error(format!("{}: cannot create: {e}", d.display())));
        }
    }
    for (i, p) in planned.iter().enumerate() {
        if !ctx.quiet && !ctx.log_json {
            eprintln!(
                "[{}/{}] lor {}",
                i + 1,
                planned.len(),
                p.argv[1..].join(" ")
            );
        }
        if let Err(e) = crate::run_argv(&p.argv, &step_ctx) {
            cleanup();
            return Err(e.context(format!(
                "step {} ({}) of {job_path} failed; nothing was written",
                i + 1,
                p.argv[1]
            )));
        }
    }
    // Every step succeeded: move the staged outputs into place.
    for p in &planned {
        for (staged, target, is_dir) in &p.outputs {
            let result = if *is_dir {
                std::fs::create_dir_all(target).and_then(|_| {
                    let mut entries: Vec<_> =
                        std::fs::read_dir(staged)?.collect::<std::io::Result<_>>()?;
                    entries.sort_by_key(|e| e.file_name());
                    for e in entries {
                        std::fs::rename(e.path(), target.join(e.file_name()))?;
                    }
                    Ok(())
                })
            } else if staged.exists() {
                std::fs::rename(staged, target)
            } else {
                Ok(())
            };
            if let Err(e) = result {
                cleanup();
                return Err(input_error(format!(
                    "{}: cannot move the new output into place: {e}",
                    target.display()
                )));
            }
            if !ctx.quiet && !ctx.log_json {
                eprintln!("wrote {}", target.display());
            }
        }
    }
    cleanup();
    Ok(())
}

/// Staging folders left by runs that were killed (their process is gone):
/// removed before a new run stages beside the same targets.
fn remove_stale_stages(stage_dirs: &[PathBuf]) {
    if !Path::new("/proc/self").exists() {
        return; // no way to tell which runs are alive
    }
    for d in stage_dirs {
        let Some(parent) = d.parent() else { continue };
        let Ok(entries) = std::fs::read_dir(parent) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix(".lor-run-")
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
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
