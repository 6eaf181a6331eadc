//! `lor report`: the quarterly Sozialraum report of a Bezirk as one HTML
//! file.

use std::path::PathBuf;

use anyhow::Result;

use crate::aggregation::aggregate::MissingPolicy;
use crate::aggregation::rules::RuleFlags;
use crate::error::Warnings;
use crate::mapping::weights::Assign;
use crate::pipeline::inputs::{assemble, InputPlan};
use crate::pipeline::Outcome;
use crate::points::read::PointOptions;
use crate::render::classify::Method;
use crate::render::map::Indicator;
use crate::render::report::{report, ReportSpec};
use crate::render::write::Outputs;
use crate::spatial::overlay::Tolerance;

/// The checked plan of one `lor report` run.
pub struct Plan {
    /// The inputs: statistics, PLR and Sozialraum polygons, names, Bezirk
    /// (given, or the one of the statistics).
    pub inputs: InputPlan,
    /// How PLR go to the Sozialraum polygons.
    pub assign: Assign,
    pub tolerance: Tolerance,
    /// How the columns are aggregated (as in `lor aggregate`).
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
    /// Choropleths per PLR, their classes and number of classes.
    pub maps: Vec<Indicator>,
    pub method: Method,
    pub k: usize,
    /// Facilities (e.g. Kitas) and how they are read.
    pub points: Option<(PathBuf, PointOptions)>,
    /// Statistics of other dates: files, folders or globs, as for `lor series`.
    pub series: Vec<String>,
    /// Choropleths of the change against the date before.
    pub change_maps: Vec<Indicator>,
    /// The source and licence line (default: the inputs' attributions).
    pub source: Option<String>,
    /// The HTML file.
    pub output: PathBuf,
    /// The language of the report (German by default).
    pub lang: crate::text::Lang,
}

/// Read, find the series, compute the figures and maps, render the HTML.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let series = if plan.series.is_empty() {
        Vec::new()
    } else {
        crate::series::input::expand_inputs(&plan.series, None, &mut warnings)?
    };
    let (inputs, w) = assemble(&plan.inputs)?;
    let bezirk = inputs
        .bezirk
        .as_ref()
        .expect("a report is for one Bezirk")
        .code()
        .to_string();
    let rules = (&plan.rules, plan.missing);
    let fig = inputs.into_figures(Some(plan.assign), plan.tolerance, rules, w)?;
    let spec = ReportSpec {
        bezirk,
        maps: plan.maps.clone(),
        method: plan.method.clone(),
        k: plan.k,
        points: plan.points.clone(),
        source: plan.source.clone(),
        tolerance: plan.tolerance,
        assign: plan.assign,
        series,
        change_maps: plan.change_maps.clone(),
        lang: plan.lang,
    };
    let (html, w) = report(&fig, &spec)?;
    warnings.extend(w);
    Ok((
        Outputs::one(Some(&plan.output), html.into_bytes()),
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pipeline::inputs::Scope;
    use crate::pipeline::testdata::{sample, sample_inputs, sample_people};

    fn plan(series: Vec<String>, change_maps: Vec<Indicator>) -> Plan {
        Plan {
            inputs: sample_inputs(Scope::OfTheStatistics),
            assign: Assign::Largest,
            tolerance: Tolerance::default(),
            rules: RuleFlags::default(),
            missing: MissingPolicy::default(),
            maps: vec![Indicator::parse("Anteil_u6=(E_EU1+E_E1U6)/E_E*100").unwrap()],
            method: Method::Quantiles,
            k: 4,
            points: None,
            series,
            change_maps,
            source: None,
            output: PathBuf::from("bericht.html"),
            lang: Default::default(),
        }
    }

    /// One HTML file, nothing on stdout; the Bezirk's people are the file's.
    #[test]
    fn the_sample_report_is_one_html_file_with_the_files_people() {
        let (outputs, warnings) = run(&plan(Vec::new(), Vec::new())).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(outputs.stdout.is_none() && outputs.summary.is_empty());
        assert_eq!(outputs.files.len(), 1);
        assert_eq!(outputs.files[0].0, PathBuf::from("bericht.html"));
        let html = std::str::from_utf8(&outputs.files[0].1).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        let total = crate::text::Lang::De.int(sample_people());
        assert!(html.contains(&total), "no {total} in the report");
    }

    /// With the sample's series folder, the report has a change map.
    #[test]
    fn a_series_gives_a_change_map() {
        let series = vec![sample("series").display().to_string()];
        let change = vec![Indicator::parse("Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100").unwrap()];
        let without = run(&plan(series.clone(), Vec::new())).unwrap().0;
        let with = run(&plan(series, change)).unwrap().0;
        let (a, b) = (&without.files[0].1, &with.files[0].1);
        let svgs = |h: &[u8]| String::from_utf8_lossy(h).matches("<svg").count();
        assert_eq!(svgs(b), svgs(a) + 1);
    }
}
