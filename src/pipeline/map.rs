//! `lor map`: a choropleth of one column per PLR, BZR, PGR or Sozialraum,
//! as SVG or PNG.

use std::path::PathBuf;

use anyhow::Result;

use crate::aggregation::aggregate::MissingPolicy;
use crate::aggregation::rules::RuleFlags;
use crate::error::Warnings;
use crate::mapping::weights::Assign;
use crate::pipeline::inputs::{assemble, InputPlan};
use crate::pipeline::Outcome;
use crate::render::map::{choropleth, ChoroSpec};
use crate::render::write::Outputs;
use crate::spatial::overlay::Tolerance;

/// The checked plan of one `lor map` run.
pub struct Plan {
    /// What is drawn: the indicator, level, classes, Bezirk, source line.
    pub spec: ChoroSpec,
    /// The inputs: statistics, PLR and Sozialraum polygons, names, Bezirk.
    pub inputs: InputPlan,
    /// How PLR go to the Sozialraum polygons (when `inputs` has them).
    pub assign: Option<Assign>,
    pub tolerance: Tolerance,
    /// How the columns are aggregated (as in `lor aggregate`).
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
    /// PNG, else SVG.
    pub png: bool,
    /// The map's file; stdout without one.
    pub output: Option<PathBuf>,
}

/// Read, aggregate to the level, classify, draw and render the map.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let (inputs, w) = assemble(&plan.inputs)?;
    let rules = (&plan.rules, plan.missing);
    let fig = inputs.into_figures(plan.assign, plan.tolerance, rules, w)?;
    let (map, w) = choropleth(&fig, &plan.spec)?;
    let mut warnings = Warnings::default();
    warnings.extend(fig.warnings.clone());
    warnings.extend(w);
    let svg = map.doc.svg();
    let bytes = if plan.png {
        crate::render::draw::png::png(&svg, 2.0)?
    } else {
        svg.into_bytes()
    };
    Ok((Outputs::one(plan.output.as_deref(), bytes), warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pipeline::inputs::Scope;
    use crate::pipeline::testdata::{sample_inputs, sample_people};
    use crate::render::classify::Method;
    use crate::render::map::{Indicator, MapLevel};

    fn plan(column: &str, level: MapLevel, output: Option<PathBuf>) -> Plan {
        Plan {
            spec: ChoroSpec {
                indicator: Indicator::parse(column).unwrap(),
                level,
                method: Method::Quantiles,
                k: 4,
                bezirk: None,
                source: Some("Testquelle".into()),
                id: String::new(),
                lang: crate::text::Lang::De,
            },
            inputs: sample_inputs(Scope::Berlin),
            assign: Some(Assign::Largest),
            tolerance: Tolerance::default(),
            rules: RuleFlags::default(),
            missing: MissingPolicy::default(),
            png: false,
            output,
        }
    }

    /// The map's SVG goes to stdout; the people in it are the file's.
    #[test]
    fn the_sample_map_of_the_people_goes_to_stdout() {
        let (outputs, warnings) = run(&plan(
            "E_E",
            MapLevel::Lor(crate::table::key::Level::Plr),
            None,
        ))
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(outputs.files.is_empty() && outputs.summary.is_empty());
        let svg = String::from_utf8(outputs.stdout.unwrap()).unwrap();
        assert!(
            svg.starts_with("<svg") || svg.starts_with("<?xml"),
            "{svg:.80}"
        );
        assert!(svg.contains("Testquelle"));

        // The same values as the map draws, summed: the file's people.
        let p = plan("E_E", MapLevel::Sozialraum, None);
        let (inputs, w) = assemble(&p.inputs).unwrap();
        let fig = inputs
            .into_figures(p.assign, p.tolerance, (&p.rules, p.missing), w)
            .unwrap();
        let (map, _) = choropleth(&fig, &p.spec).unwrap();
        assert_eq!(map.values.len(), 5, "{:?}", map.values);
        let total: f64 = map.values.values().map(|v| v.unwrap()).sum();
        assert_eq!(total, sample_people());
    }

    /// `--output x.png`: one PNG file, nothing on stdout.
    #[test]
    fn a_png_map_is_one_file() {
        let mut p = plan(
            "Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100",
            MapLevel::Lor(crate::table::key::Level::Bzr),
            Some(PathBuf::from("m.png")),
        );
        p.png = true;
        let (outputs, _) = run(&p).unwrap();
        assert!(outputs.stdout.is_none());
        assert_eq!(outputs.files.len(), 1);
        assert_eq!(outputs.files[0].0, PathBuf::from("m.png"));
        assert_eq!(&outputs.files[0].1[..8], b"\x89PNG\r\n\x1a\n");
    }
}
