//! From a job file to checked command lines: keys to flags, placeholders
//! to values, paths resolved against the job file, outputs staged and
//! checked (inside the output root, never an input, never twice).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{JobFile, Step};
use crate::error::{input_error, usage_error, WarningCode};
use crate::table::input::Inputs;

/// The key a step uses for "findings are errors": a job key and, where the
/// subcommand has it, the flag of that name.
const STRICT: &str = "strict";

/// What a job file may say in a step of one kind: the subcommand's
/// arguments, as the command line defines them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepSpec {
    /// The kind (the subcommand's name).
    pub kind: String,
    /// Positional arguments in order: their job-file key, and whether a job
    /// step must give it (a job never falls back to the sample district).
    pub positionals: Vec<(String, bool)>,
    /// The long flags (job-file keys, with `-`).
    pub flags: Vec<String>,
    /// Keys whose values are input paths (positional or flag).
    pub inputs: Vec<String>,
    /// Keys whose values are output paths, and whether each is a folder.
    pub outputs: Vec<(String, bool)>,
    /// Input keys that also take keywords (`labels = "de"`): these values
    /// are left as they are, every other value is a path.
    pub keywords: Vec<(String, Vec<String>)>,
    /// Keys whose values are an input path, a separator and a value
    /// (`date = "t1.csv=2020-12"`): the path is resolved, the rest kept.
    pub path_then: Vec<(String, char)>,
}

impl StepSpec {
    fn output(&self, key: &str) -> Option<bool> {
        self.outputs.iter().find(|(k, _)| k == key).map(|o| o.1)
    }

    fn path_then(&self, key: &str) -> Option<char> {
        self.path_then.iter().find(|(k, _)| k == key).map(|p| p.1)
    }

    /// Is `value` of `key` a keyword rather than a path?
    fn is_keyword(&self, key: &str, value: &str) -> bool {
        self.keywords
            .iter()
            .any(|(k, words)| k == key && words.iter().any(|w| w == value))
    }
}

/// An output of a step: written to `staged`, moved onto `target` when the
/// whole job has succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedOutput {
    pub staged: PathBuf,
    pub target: PathBuf,
    /// A folder (`--output-dir`): its files are moved one by one.
    pub dir: bool,
}

/// A step turned into a command line, with its staged outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStep {
    /// `lor KIND ARGS…`, with staged output paths.
    pub argv: Vec<String>,
    pub outputs: Vec<StagedOutput>,
    /// Input files the step names.
    pub inputs: Vec<PathBuf>,
    /// The step's own accepted warning codes.
    pub allow: Vec<WarningCode>,
    /// Line of the step in the job file (for messages).
    pub line: usize,
}

/// A checked job: every step's command line, the job's accepted codes.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPlan {
    /// The job file as named on the command line (for messages).
    pub source: String,
    pub steps: Vec<PlannedStep>,
    /// Warning codes the job file accepts in every step.
    pub allow: Vec<WarningCode>,
    /// The files the job reads (the job file, every step's inputs with
    /// the files of their folders and globs): no output may replace one.
    pub inputs: Inputs,
}

impl JobPlan {
    /// The command lines, one a line, quoted for a shell (`--dry-run`).
    pub fn commands(&self) -> String {
        let mut out = String::new();
        for p in &self.steps {
            let line: Vec<String> = p.argv.iter().map(|a| shell_quote(a)).collect();
            out.push_str(&line.join(" "));
            out.push('\n');
        }
        out
    }

    /// Every (staged, target) move of the job.
    pub fn moves(&self) -> Vec<(PathBuf, PathBuf)> {
        self.steps
            .iter()
            .flat_map(|p| p.outputs.iter())
            .map(|o| (o.staged.clone(), o.target.clone()))
            .collect()
    }
}

/// Read and plan a job file. `force_strict` is `lor run --strict`.
pub fn plan_file(path: &Path, specs: &[StepSpec], force_strict: bool) -> Result<JobPlan> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| input_error(format!("{source}: cannot read: {e}")))?;
    plan_text(path, &text, specs, force_strict, &today())
}

/// Plan the job file `path` whose text is `text`, with `date` for `{date}`.
pub fn plan_text(
    path: &Path,
    text: &str,
    specs: &[StepSpec],
    force_strict: bool,
    date: &str,
) -> Result<JobPlan> {
    let source = path.display().to_string();
    let job = JobFile::parse(text, &source)?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let name = job.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "job".into())
    });
    safe_value("name", &name, &source)?;
    let vars = BTreeMap::from([("date", date.to_string()), ("name", name)]);
    let stage = crate::render::write::work_dir(Path::new(""))
        .display()
        .to_string();
    let allow = job
        .allow
        .iter()
        .map(|a| {
            WarningCode::parse_known(a).map_err(|e| usage_error(format!("{source}: allow: {e}")))
        })
        .collect::<Result<_>>()?;
    let shared = Shared {
        text,
        source: &source,
        base: &base,
        stage: &stage,
        vars: &vars,
    };
    let mut steps = Vec::new();
    for (kind, list) in job.steps().into_iter().filter(|(_, l)| !l.is_empty()) {
        let spec = specs
            .iter()
            .find(|s| s.kind == kind)
            .ok_or_else(|| usage_error(format!("{source}: [[{kind}]] steps cannot run here")))?;
        for step in list {
            let strict_default = force_strict || job.strict;
            steps.push(plan_step(spec, step, shared, force_strict, strict_default)?);
        }
    }
    if steps.is_empty() {
        return Err(usage_error(format!(
            "{source}: the job has no steps ([[aggregate]], [[points]], …)"
        )));
    }
    let root = output_root(&base, job.output_root.as_deref())?;
    let inputs = job_inputs(path, &steps);
    check_outputs(&steps, &source, &root, job.output_root.is_some(), &inputs)?;
    Ok(JobPlan {
        source,
        steps,
        allow,
        inputs,
    })
}

/// The files a job reads: the job file and each step's inputs, a folder
/// or glob as the statistics files it stands for (as `lor series` lists
/// them), a Shapefile with the files beside it.
fn job_inputs(job: &Path, steps: &[PlannedStep]) -> Inputs {
    let mut files = vec![job.to_path_buf()];
    for i in steps.iter().flat_map(|p| p.inputs.iter()) {
        files.push(i.clone());
        let arg = i.display().to_string();
        let mut ignored = crate::error::Warnings::default();
        if let Ok(expanded) = crate::series::input::expand_inputs(&[arg], None, &mut ignored) {
            files.extend(expanded);
        }
    }
    Inputs::of(files)
}

/// The folder every output must lie in, resolved.
fn output_root(base: &Path, output_root: Option<&str>) -> Result<PathBuf> {
    let dir = match output_root {
        Some(r) => base.join(r),
        None => base.to_path_buf(),
    };
    Ok(crate::table::input::resolve(&dir.join("x"))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default())
}

/// Line (from 1) of a byte offset in the text.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// Today as YYYY-MM-DD (UTC), from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_date((secs / 86_400) as i64)
}

/// The date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
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
    let (t, _) =
        crate::table::stats::read_stats(path, &crate::table::stats::ReadOptions::default())?;
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
            crate::error::clip(value)
        )))
    }
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
struct Shared<'a> {
    text: &'a str,
    source: &'a str,
    base: &'a Path,
    stage: &'a str,
    vars: &'a BTreeMap<&'a str, String>,
}

/// A step's command line as it is built: positional values, flags, and
/// what the step reads and writes.
struct Building {
    positional: Vec<Vec<String>>,
    flags: Vec<String>,
    outputs: Vec<StagedOutput>,
    inputs: Vec<PathBuf>,
    strict: Option<bool>,
    allow: Vec<WarningCode>,
}

fn plan_step(
    spec: &StepSpec,
    step: &Step,
    job: Shared<'_>,
    force_strict: bool,
    strict_default: bool,
) -> Result<PlannedStep> {
    let kind = &spec.kind;
    let step_line = step
        .keys()
        .map(|k| line_of(job.text, k.span().start))
        .min()
        .unwrap_or(0)
        .saturating_sub(1);
    let vars = step_vars(spec, step, job)?;
    let mut b = Building {
        positional: vec![Vec::new(); spec.positionals.len()],
        flags: Vec::new(),
        outputs: Vec::new(),
        inputs: Vec::new(),
        strict: None,
        allow: Vec::new(),
    };
    for (k, v) in step {
        plan_key(spec, k, v, job, &vars, &mut b)?;
    }
    let mut argv = vec!["lor".to_string(), kind.clone()];
    for ((name, needed), vals) in spec.positionals.iter().zip(b.positional) {
        // In a job every input is named: a step without its statistics
        // must not fall back to the sample district.
        if vals.is_empty() && *needed {
            return Err(usage_error(format!(
                "{}, line {step_line}: a [[{kind}]] step needs '{name}' (its input file)",
                job.source
            )));
        }
        argv.extend(vals);
    }
    argv.extend(b.flags);
    // `lor run --strict` wins; else the step's own `strict`, else the job's.
    let strict = force_strict || b.strict.unwrap_or(strict_default);
    let has_strict = spec.flags.iter().any(|f| f == STRICT);
    let flag = format!("--{STRICT}");
    if strict && has_strict && !argv.contains(&flag) {
        argv.push(flag);
    }
    Ok(PlannedStep {
        argv,
        outputs: b.outputs,
        inputs: b.inputs,
        allow: b.allow,
        line: step_line,
    })
}

/// The placeholders of one step: the job's, and `{ZEIT}` from the step's
/// statistics when a value uses it.
fn step_vars<'a>(
    spec: &StepSpec,
    step: &Step,
    job: Shared<'a>,
) -> Result<BTreeMap<&'a str, String>> {
    let mut vars = job.vars.clone();
    let needs_zeit = step
        .values()
        .any(|v| v.get_ref().as_str().is_some_and(|s| s.contains("{ZEIT}")));
    if needs_zeit {
        let p = step
            .iter()
            .find(|(k, _)| k.get_ref() == "stats")
            .and_then(|(_, v)| v.get_ref().as_str())
            .ok_or_else(|| {
                let has_stats = spec.positionals.iter().any(|(k, _)| k == "stats")
                    || spec.flags.iter().any(|k| k == "stats");
                usage_error(if has_stats {
                    format!(
                        "{}: {{ZEIT}} needs a 'stats' file in the [[{}]] step",
                        job.source, spec.kind
                    )
                } else {
                    format!(
                        "{}: {{ZEIT}} is the date of a step's 'stats' file, and a [[{}]] step has none: name its outputs without {{ZEIT}}",
                        job.source, spec.kind
                    )
                })
            })?;
        vars.insert("ZEIT", zeit_of(&job.base.join(p))?);
    }
    Ok(vars)
}

/// One key of a step: `strict`, `allow`, a positional value or a flag.
fn plan_key(
    spec: &StepSpec,
    k: &serde_spanned::Spanned<String>,
    v: &serde_spanned::Spanned<toml::Value>,
    job: Shared<'_>,
    vars: &BTreeMap<&str, String>,
    b: &mut Building,
) -> Result<()> {
    let source = job.source;
    let key = k.get_ref().replace('_', "-");
    let line = line_of(job.text, k.span().start);
    let known = &spec.flags;
    match (key.as_str(), v.get_ref()) {
        (STRICT, toml::Value::Boolean(s)) if known.iter().any(|k| k == STRICT) => {
            b.strict = Some(*s);
            return Ok(());
        }
        ("allow", value) => {
            b.allow = value_strings(value)
                .ok_or_else(|| {
                    usage_error(format!(
                        "{source}, line {line}: 'allow' must be a list of warning codes"
                    ))
                })?
                .iter()
                .map(|a| {
                    WarningCode::parse_known(a)
                        .map_err(|e| usage_error(format!("{source}, line {line}: allow: {e}")))
                })
                .collect::<Result<_>>()?;
            return Ok(());
        }
        _ => {}
    }
    let position = spec.positionals.iter().position(|(p, _)| *p == key);
    if !known.contains(&key) && position.is_none() {
        return Err(usage_error(format!(
            "{source}, line {line}: unknown key '{}' in [[{}]]; known: {}",
            k.get_ref(),
            spec.kind,
            known.join(", ")
        )));
    }
    let mut values = match v.get_ref() {
        toml::Value::Boolean(on) => {
            if *on {
                b.flags.push(flag_arg(&key));
            }
            return Ok(());
        }
        other => value_strings(other).ok_or_else(|| {
            usage_error(format!(
                "{source}, line {line}: '{}' must be text, a number, true/false or a list",
                k.get_ref()
            ))
        })?,
    };
    for s in values.iter_mut() {
        *s = fill_value(spec, &key, s, job, vars, line, b)?;
    }
    if let Some(i) = position {
        b.positional[i] = values;
    } else {
        for s in values {
            b.flags.push(flag_arg(&key));
            b.flags.push(s);
        }
    }
    Ok(())
}

/// The flag of a job-file key: `--levels`, or `-k` for a flag that has a
/// one-letter name only.
fn flag_arg(key: &str) -> String {
    if key.chars().count() == 1 {
        format!("-{key}")
    } else {
        format!("--{key}")
    }
}

/// One value of a key: placeholders filled in; a path resolved against the
/// job file, an output path staged.
fn fill_value(
    spec: &StepSpec,
    key: &str,
    value: &str,
    job: Shared<'_>,
    vars: &BTreeMap<&str, String>,
    line: usize,
    b: &mut Building,
) -> Result<String> {
    let source = job.source;
    let mut s = value.to_string();
    for (name, val) in vars {
        s = s.replace(&format!("{{{name}}}"), val);
    }
    let output = spec.output(key);
    if s.contains('{') && s.contains('}') && output.is_some() {
        return Err(usage_error(format!(
            "{source}, line {line}: unknown placeholder in '{}'; use {{ZEIT}}, {{date}} or {{name}}",
            crate::error::clip(&s)
        )));
    }
    let resolve = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            job.base.join(p)
        }
    };
    if let Some(sep) = spec.path_then(key) {
        // Without the separator the command itself says what is wrong.
        let Some((path, rest)) = s.rsplit_once(sep) else {
            return Ok(s);
        };
        let full = resolve(Path::new(path));
        b.inputs.push(full.clone());
        return Ok(format!("{}{sep}{rest}", full.display()));
    }
    if output.is_none() && (!spec.inputs.iter().any(|i| i == key) || spec.is_keyword(key, &s)) {
        return Ok(s);
    }
    let full = resolve(Path::new(s.as_str()));
    let Some(dir) = output else {
        b.inputs.push(full.clone());
        return Ok(full.display().to_string());
    };
    let name = full
        .file_name()
        .ok_or_else(|| usage_error(format!("{source}, line {line}: '{s}' is not a file name")))?;
    let parent = full
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let staged = parent.join(job.stage).join(name);
    b.outputs.push(StagedOutput {
        staged: staged.clone(),
        target: full,
        dir,
    });
    Ok(staged.display().to_string())
}

/// The outputs of a job: inside the output root, not an input of the job,
/// no two the same file.
fn check_outputs(
    planned: &[PlannedStep],
    source: &str,
    root: &Path,
    explicit_root: bool,
    inputs: &Inputs,
) -> Result<()> {
    let targets: Vec<PathBuf> = planned
        .iter()
        .flat_map(|p| p.outputs.iter().map(|o| o.target.clone()))
        .collect();
    for t in &targets {
        let r = crate::table::input::resolve(t)?;
        if !r.starts_with(root) {
            return Err(usage_error(format!(
                "{source}: the output {} lies outside {} ({}); {}",
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
    crate::render::write::refuse_inputs(&targets, inputs).map_err(|e| {
        let msg = e.to_string().replace("the same run", "the job");
        let msg = msg.replace(
            "two outputs cannot share one file",
            "two steps write one file",
        );
        usage_error(format!("{source}: {msg}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up step kind like `aggregate`: a statistics file, an output
    /// file and folder, a names input and a strict flag.
    fn specs() -> Vec<StepSpec> {
        vec![StepSpec {
            kind: "aggregate".into(),
            positionals: vec![("stats".into(), true)],
            flags: [
                "output",
                "output-dir",
                "names",
                "strict",
                "levels",
                "labels",
                "date",
            ]
            .map(String::from)
            .to_vec(),
            inputs: vec!["stats".into(), "names".into(), "labels".into()],
            outputs: vec![("output".into(), false), ("output-dir".into(), true)],
            keywords: vec![("labels".into(), vec!["de".into()])],
            path_then: vec![("date".into(), '=')],
        }]
    }

    /// A flag as it appears in a command line.
    fn flag(name: &str) -> String {
        format!("--{name}")
    }

    fn plan(dir: &Path, text: &str) -> Result<JobPlan> {
        let job = dir.join("job.toml");
        plan_text(&job, text, &specs(), false, "2026-11-26")
    }

    #[test]
    fn a_step_becomes_a_command_line_with_staged_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan(
            dir.path(),
            "name = 'q4'\nstrict = true\n\n[[aggregate]]\nstats = 'st.csv'\nlevels = ['bzr', 'pgr']\noutput = 'out/{name}-{date}.csv'\nallow = ['missing-plr']\n",
        )
        .unwrap();
        assert_eq!(p.steps.len(), 1);
        let s = &p.steps[0];
        let stage = crate::render::write::work_dir(Path::new(""))
            .display()
            .to_string();
        let staged = dir
            .path()
            .join("out")
            .join(&stage)
            .join("q4-2026-11-26.csv");
        assert_eq!(
            s.argv,
            vec![
                "lor".to_string(),
                "aggregate".into(),
                dir.path().join("st.csv").display().to_string(),
                flag("levels"),
                "bzr".into(),
                flag("levels"),
                "pgr".into(),
                flag("output"),
                staged.display().to_string(),
                flag(STRICT),
            ]
        );
        assert_eq!(
            s.outputs,
            vec![StagedOutput {
                staged,
                target: dir.path().join("out/q4-2026-11-26.csv"),
                dir: false
            }]
        );
        assert_eq!(s.inputs, vec![dir.path().join("st.csv")]);
        assert_eq!(s.allow, vec![WarningCode::MissingPlr]);
        assert_eq!(s.line, 4);
    }

    #[test]
    fn a_keyword_stays_and_a_file_resolves_against_the_job_file() {
        let dir = tempfile::tempdir().unwrap();
        let argv = |labels: &str| {
            let text = format!("[[aggregate]]\nstats = 'st.csv'\nlabels = '{labels}'\n");
            let p = plan(dir.path(), &text).unwrap();
            let s = &p.steps[0];
            let i = s.argv.iter().position(|a| *a == flag("labels")).unwrap();
            (s.argv[i + 1].clone(), s.inputs.clone())
        };
        let (v, inputs) = argv("de");
        assert_eq!(v, "de");
        assert_eq!(inputs, vec![dir.path().join("st.csv")]);
        let (v, inputs) = argv("labels.csv");
        let full = dir.path().join("labels.csv");
        assert_eq!(v, full.display().to_string());
        assert!(inputs.contains(&full), "{inputs:?}");
    }

    #[test]
    fn the_file_of_file_equals_value_resolves_against_the_job_file() {
        let dir = tempfile::tempdir().unwrap();
        let text =
            "[[aggregate]]\nstats = 'st.csv'\ndate = ['t1.csv=2020-12', '/abs/t2.csv=2021-06']\n";
        let p = plan(dir.path(), text).unwrap();
        let s = &p.steps[0];
        let t1 = dir.path().join("t1.csv");
        assert!(
            s.argv.contains(&format!("{}=2020-12", t1.display())),
            "{:?}",
            s.argv
        );
        assert!(
            s.argv.contains(&"/abs/t2.csv=2021-06".to_string()),
            "{:?}",
            s.argv
        );
        assert!(s.inputs.contains(&t1));
    }

    #[test]
    fn a_step_strict_false_wins_over_the_job_but_not_over_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = "strict = true\n[[aggregate]]\nstats = 'st.csv'\nstrict = false\n";
        let p = plan(dir.path(), text).unwrap();
        assert!(!p.steps[0].argv.contains(&flag(STRICT)));
        let forced = plan_text(&dir.path().join("j.toml"), text, &specs(), true, "d").unwrap();
        assert!(forced.steps[0].argv.contains(&flag(STRICT)));
    }

    #[test]
    fn wrong_steps_are_usage_errors_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("[[aggregate]]\nstats = 'a.csv'\nlevls = 'bzr'\n", "line 3: unknown key 'levls'"),
            ("[[aggregate]]\noutput = 'a.csv'\n", "line 1: a [[aggregate]] step needs 'stats'"),
            ("[[aggregate]]\nstats = 'a.csv'\noutput = '{year}.csv'\n", "unknown placeholder in '{year}.csv'"),
            ("[[aggregate]]\nstats = 'a.csv'\nallow = ['nope']\n", "line 3: allow: unknown warning code 'nope'"),
            ("name = 'a/b'\n[[aggregate]]\nstats = 'a.csv'\n", "{name} would be 'a/b'"),
            ("strict = true\n", "the job has no steps"),
            ("[[aggregate]]\nstats = 'a.csv'\noutput = '../x.csv'\n", "lies outside"),
            ("[[aggregate]]\nstats = 'a.csv'\noutput = 'a.csv'\n", "a.csv"),
            (
                "[[aggregate]]\nstats = 'a.csv'\noutput = 'x.csv'\n[[aggregate]]\nstats = 'b.csv'\noutput = 'x.csv'\n",
                "two steps write one file",
            ),
        ];
        for (text, want) in cases {
            let e = plan(dir.path(), text).unwrap_err();
            let code = crate::error::exit_code_of(&e);
            assert!(code == 2 || code == 1, "{text}: exit {code}");
            assert!(e.to_string().contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn zeit_comes_from_the_step_statistics() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("st.csv"),
            "ZEIT;RAUMID;E_E\n202412;01100101;5\n202412;01100102;6\n",
        )
        .unwrap();
        let p = plan(
            dir.path(),
            "[[aggregate]]\nstats = 'st.csv'\noutput = 'ewr-{ZEIT}.csv'\n",
        )
        .unwrap();
        assert_eq!(
            p.steps[0].outputs[0].target,
            dir.path().join("ewr-202412.csv")
        );
    }

    #[test]
    fn dry_run_lines_are_quoted_for_a_shell() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("levels=bzr,pgr"), "levels=bzr,pgr");
    }

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
