#![no_main]
//! Any text as a job file for `lor run`, through the same TOML layer as the
//! job reader (steps as tables of spanned keys and values, unknown fields
//! refused): an error or a job, never a panic; spans lie inside the text.
//! (The job planner itself lives in the binary's cmd/run.rs.)
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

type Step = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct JobFile {
    name: Option<String>,
    #[serde(default)]
    strict: bool,
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
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(job) = toml::from_str::<JobFile>(text) {
        for step in job.aggregate.iter().chain(&job.points).chain(&job.mismatch) {
            for (k, v) in step {
                assert!(k.span().end <= text.len());
                assert!(v.span().end <= text.len());
            }
        }
    }
});
