//! Job files for unattended runs (`lor run JOB.toml`): the file model, and
//! the plan that turns each step into a command line with checked paths.
//!
//! A job file lists steps (`[[aggregate]]`, `[[points]]`, …, one list per
//! kind in [`STEP_KINDS`]); each step's keys are the flags of that
//! subcommand. What a key means (positional, flag, input path, output path)
//! comes from a [`StepSpec`], which the command line derives from its clap
//! definition, so this module knows no flag by name.
//!
//! Paths are relative to the job file. Output paths may use `{ZEIT}` (from
//! the step's statistics), `{date}` and `{name}`; their values must be safe
//! file-name parts (letters, digits, `-`, `_`, `.`). Every output must lie
//! inside the job's output root (`output_root`, else the job file's folder)
//! and may not name an input of the job or another output. A step's
//! `strict` and `allow` keys apply to that step. Outputs are staged beside
//! their targets ([`Staging`]) and moved into place only when every step has
//! succeeded: a run writes all its outputs or none.

mod plan;
mod stage;

pub use plan::{plan_file, plan_text, today, JobPlan, PlannedStep, StagedOutput, StepSpec};
pub use stage::Staging;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_spanned::Spanned;

/// One step of a job file: its keys and values, with their places in the
/// text (for messages that name the line).
pub type Step = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// The job file model and its step kinds from one list: adding a kind of
/// step is one name here (and, in the command line, the subcommand of that
/// name).
macro_rules! job_file {
    ($($kind:ident),* $(,)?) => {
        /// The kinds of step a job file may list, in the order a job runs them
        /// (each is the subcommand of that name).
        pub const STEP_KINDS: &[&str] = &[$(stringify!($kind)),*];

        /// A job file as written: shared settings and the steps of each kind.
        #[derive(Deserialize, Debug, Default)]
        #[serde(deny_unknown_fields)]
        pub struct JobFile {
            /// `{name}` in output paths; default: the job file's name.
            pub name: Option<String>,
            /// Findings are errors in every step (exit 3, nothing written).
            #[serde(default)]
            pub strict: bool,
            /// The folder every output must lie in (relative to the job
            /// file); default: the job file's folder.
            pub output_root: Option<String>,
            /// Warning codes that never fail the job.
            #[serde(default)]
            pub allow: Vec<String>,
            $(
                #[serde(default)]
                #[doc = concat!("`[[", stringify!($kind), "]]` steps.")]
                pub $kind: Vec<Step>,
            )*
        }

        impl JobFile {
            /// The steps by kind, in the order they run.
            pub fn steps(&self) -> Vec<(&'static str, &[Step])> {
                vec![$((stringify!($kind), self.$kind.as_slice())),*]
            }
        }
    };
}

job_file!(check, aggregate, points, mismatch, crosswalk, translate, series, report);

impl JobFile {
    /// Read a job file's text (`source` names it in messages): a usage
    /// error (exit 2) for anything that is not a job file.
    pub fn parse(text: &str, source: &str) -> anyhow::Result<JobFile> {
        toml::from_str(text).map_err(|e| {
            crate::error::usage_error(format!("{source}: {}", e.to_string().trim_end()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_come_in_the_order_of_the_kinds() {
        let job = JobFile::parse(
            "[[aggregate]]\nstats = 'a.csv'\n[[check]]\nstats = 'b.csv'\n",
            "job.toml",
        )
        .unwrap();
        let steps = job.steps();
        let kinds: Vec<&str> = steps.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, STEP_KINDS);
        assert_eq!(steps[0].0, "check");
        assert_eq!(steps[0].1.len(), 1);
        assert_eq!(steps[1].1.len(), 1);
        let (k, v) = steps[1].1[0].iter().next().unwrap();
        assert_eq!(k.get_ref(), "stats");
        assert_eq!(v.get_ref().as_str(), Some("a.csv"));
    }

    #[test]
    fn unknown_kinds_and_settings_are_usage_errors() {
        let e = JobFile::parse("[[aggregat]]\nstats = 'a.csv'\n", "job.toml").unwrap_err();
        assert_eq!(crate::error::exit_code_of(&e), 2);
        assert!(e.to_string().starts_with("job.toml: "), "{e}");
        assert!(e.to_string().contains("aggregat"), "{e}");
        assert!(JobFile::parse("strict = 'yes'\n", "j").is_err());
    }
}
