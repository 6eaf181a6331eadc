//! What each command runs: the one input assembly ([`inputs`]), and one
//! pipeline per command, `run(&Plan) -> Result<Outcome>`.
//!
//! A pipeline reads the inputs its checked plan names, computes, and
//! renders its documents; it writes nothing and prints nothing. The binary
//! parses the flags into the plan, calls the pipeline once, prints the
//! warnings, applies `--strict`, and hands the outputs to
//! [`crate::render::write::Outputs::write`].

pub mod aggregate;
pub mod catalogue;
pub mod check;
pub mod crosswalk;
pub mod inputs;
pub mod layout;
pub mod map;
pub mod mismatch;
pub mod points;
pub mod report;
pub mod sample;
pub mod series;
pub mod title;
pub mod translate;

use crate::error::Warnings;
use crate::render::write::Outputs;

/// What a pipeline returns: the documents to write and what to warn about.
pub type Outcome = (Outputs, Warnings);

/// What a checking pipeline returns (`check`, `mismatch
/// --fail-on-split`): its outcome, and why the run fails once its outputs
/// are written (exit code 3), if it does.
pub type Verdict = (Outcome, Option<String>);

/// What the pipelines' tests share: the bundled sample district.
#[cfg(test)]
pub(crate) mod testdata {
    use std::path::{Path, PathBuf};

    /// A file of the bundled sample district (`data/sample`).
    pub fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/sample")
            .join(name)
    }

    /// The whole sample district as a map or report reads it: statistics,
    /// PLR polygons, names table and Sozialraum polygons, in `scope`.
    pub fn sample_inputs(
        scope: crate::pipeline::inputs::Scope,
    ) -> crate::pipeline::inputs::InputPlan {
        use crate::pipeline::inputs::{InputPlan, Statistics};
        use crate::spatial::geometry::LayerOptions;
        InputPlan {
            stats: Some(Statistics::File(
                sample("EWR202412E_Matrix.csv"),
                Default::default(),
            )),
            units: Some((sample("plr.geojson"), LayerOptions::default())),
            names: Some(sample("plr.csv")),
            sozialraum: Some(crate::mapping::sozialraum::SozialraumFile::Polygons {
                path: sample("sozialraeume.geojson"),
                layer: LayerOptions::default(),
            }),
            scope,
            catalogue_names: true,
            keep_whole_units: false,
        }
    }

    /// The sample's people, summed by hand from its statistics file: the
    /// oracle of the pipelines' totals.
    pub fn sample_people() -> f64 {
        let text = std::fs::read_to_string(sample("EWR202412E_Matrix.csv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(';').collect();
        let e = header.iter().position(|h| *h == "E_E").unwrap();
        lines
            .map(|l| l.split(';').nth(e).unwrap().parse::<f64>().unwrap())
            .sum()
    }
}
