//! The staging folders of a job: created before the first step, removed
//! after the commit, and on failure removed with the folders the job
//! created for its outputs, so that a failed run leaves nothing behind.

use std::path::PathBuf;

use anyhow::Result;

use super::JobPlan;
use crate::error::input_error;

/// The staging folders of a running job.
#[derive(Debug)]
pub struct Staging {
    /// The folders outputs are staged in (one beside each target folder).
    dirs: Vec<PathBuf>,
    /// Folders that did not exist before the job, deepest first.
    created: Vec<PathBuf>,
}

impl Staging {
    /// Roll back or clear what killed runs left beside the same targets,
    /// then create the staging folders of `plan`.
    pub fn prepare(plan: &JobPlan) -> Result<Staging> {
        let mut dirs: Vec<PathBuf> = plan
            .steps
            .iter()
            .flat_map(|p| p.outputs.iter())
            .map(|o| o.staged.parent().expect("staged in a folder").to_path_buf())
            .collect();
        dirs.sort();
        dirs.dedup();
        let mut created: Vec<PathBuf> = Vec::new();
        for d in &dirs {
            let mut up = d.parent();
            while let Some(p) = up.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
                created.push(p.to_path_buf());
                up = p.parent();
            }
        }
        created.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        created.dedup();
        let staging = Staging { dirs, created };
        for d in &staging.dirs {
            if let Some(parent) = d.parent() {
                crate::render::write::recover(parent);
            }
        }
        for d in &staging.dirs {
            if let Err(e) = std::fs::create_dir_all(d) {
                staging.abandon();
                return Err(input_error(format!("{}: cannot create: {e}", d.display())));
            }
        }
        Ok(staging)
    }

    /// A step failed: remove the staged files and the folders the job created.
    pub fn abandon(&self) {
        self.remove_stages();
        for d in &self.created {
            let _ = std::fs::remove_dir(d);
        }
    }

    /// Every step succeeded: move the staged outputs into place, all or none.
    pub fn commit(self, plan: &JobPlan) -> Result<()> {
        let result = crate::render::write::commit(&plan.moves(), &plan.inputs);
        if result.is_err() {
            self.abandon();
        } else {
            self.remove_stages();
        }
        result
    }

    fn remove_stages(&self) {
        for d in &self.dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{plan_text, StepSpec};
    use std::path::Path;

    fn spec() -> Vec<StepSpec> {
        vec![StepSpec {
            kind: "aggregate".into(),
            positionals: vec![("stats".into(), true)],
            flags: vec!["output".into()],
            inputs: vec!["stats".into()],
            outputs: vec![("output".into(), false)],
            keywords: Vec::new(),
            path_then: Vec::new(),
        }]
    }

    #[test]
    fn a_failed_job_leaves_no_folders_and_a_commit_moves_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[[aggregate]]\nstats = 'st.csv'\noutput = 'new/deeper/out.csv'\n";
        let plan = plan_text(&dir.path().join("job.toml"), text, &spec(), false, "d").unwrap();
        let staging = Staging::prepare(&plan).unwrap();
        let staged = &plan.steps[0].outputs[0].staged;
        assert!(staged.parent().unwrap().is_dir());
        staging.abandon();
        assert!(!dir.path().join("new").exists());

        let staging = Staging::prepare(&plan).unwrap();
        std::fs::write(staged, "a,b\n").unwrap();
        staging.commit(&plan).unwrap();
        let target = dir.path().join("new/deeper/out.csv");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b\n");
        let left: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("out.csv")]);
        assert!(Path::new(&dir.path().join("new")).is_dir());
    }
}
