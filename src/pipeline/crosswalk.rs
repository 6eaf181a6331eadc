//! `lor crosswalk`: a weight table between two polygon layers; and the
//! overlay of two layers that `translate` and `series` build their
//! crosswalk with ([`Overlay`]).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::Warnings;
use crate::mapping::crosswalk::Crosswalk;
use crate::mapping::weights::Assign;
use crate::pipeline::Outcome;
use crate::points::read::PointOptions;
use crate::render::write::Outputs;
use crate::spatial::geometry::{Layer, LayerOptions};
use crate::spatial::overlay::Tolerance;
use crate::text::FormulaGuard;

/// How a crosswalk is built from two layers (checked flags).
#[derive(Debug, Clone)]
pub struct Overlay {
    /// How source units go to targets.
    pub method: Assign,
    /// Dasymetric refinement: points with population, and how they are read.
    pub population: Option<(PathBuf, PointOptions)>,
    /// Parts below it are digitising noise.
    pub tolerance: Tolerance,
}

impl Overlay {
    /// The crosswalk FROM → TO into the level `level`.
    pub fn build(
        &self,
        from: &Layer,
        to: &Layer,
        level: &str,
        warnings: &mut Warnings,
    ) -> Result<Crosswalk> {
        let pop = match &self.population {
            Some((path, options)) => {
                let (pop, w) = crate::points::population::part_population(from, to, path, options)?;
                warnings.extend(w);
                Some(pop)
            }
            None => None,
        };
        let (cw, w) = crate::mapping::crosswalk::build(
            from,
            to,
            &self.tolerance,
            level,
            self.method,
            pop.as_ref(),
        );
        warnings.extend(w);
        Ok(cw)
    }

    /// Read the FROM and TO polygons, check that they overlap and build the
    /// crosswalk into TO's LOR level (`target` when its ids are no LOR keys).
    pub fn build_from_polygons(
        &self,
        from: (&Path, &LayerOptions),
        to: (&Path, &LayerOptions),
        warnings: &mut Warnings,
    ) -> Result<Crosswalk> {
        let (fl, tl) =
            crate::spatial::geometry::read_two_layers((from.0, from.1, None), (to.0, to.1, None));
        let (fl, w) = fl?;
        warnings.extend(w);
        let (tl, w) = tl?;
        warnings.extend(w);
        crate::quality::mismatch::check_overlap((&fl, from.1), (&tl, to.1))?;
        let level = tl
            .lor_level()
            .map(|l| l.code().to_string())
            .unwrap_or_else(|| "target".into());
        self.build(&fl, &tl, &level, warnings)
    }
}

/// The checked plan of one `lor crosswalk` run.
pub struct Plan {
    pub from: (PathBuf, LayerOptions),
    pub to: (PathBuf, LayerOptions),
    pub overlay: Overlay,
    /// The file (CSV, or Parquet with `parquet`); stdout without one.
    pub output: Option<PathBuf>,
    pub parquet: bool,
    pub guard: FormulaGuard,
}

/// Build the crosswalk and render it; its summary is the summary.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let cw = plan.overlay.build_from_polygons(
        (&plan.from.0, &plan.from.1),
        (&plan.to.0, &plan.to.1),
        &mut warnings,
    )?;
    warnings.extend(crate::mapping::crosswalk::unassigned_warnings(
        &cw.unassigned,
    ));
    let bytes = if plan.parquet {
        cw.to_parquet()?
    } else {
        cw.to_csv(plan.guard)
    };
    let outputs = Outputs::one(plan.output.as_deref(), bytes).with_summary(cw.summary.lines());
    Ok((outputs, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::sample;

    fn plan(output: Option<PathBuf>) -> Plan {
        Plan {
            from: (sample("plr.geojson"), LayerOptions::default()),
            to: (sample("sozialraeume.geojson"), LayerOptions::default()),
            overlay: Overlay {
                method: Assign::Largest,
                population: None,
                tolerance: Tolerance::default(),
            },
            output,
            parquet: false,
            guard: FormulaGuard(true),
        }
    }

    /// Each sample PLR goes whole to the Sozialraum with its largest
    /// part, computed here by intersecting the polygons one by one; the
    /// summary counts the PLR of the file.
    #[test]
    fn the_sample_plr_go_whole_to_their_largest_sozialraum() {
        use geo::{Area, BooleanOps};
        let (outputs, warnings) = run(&plan(None)).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(outputs.files.is_empty());
        let read = |n: &str| {
            crate::spatial::geometry::read_layer(&sample(n), &LayerOptions::default())
                .unwrap()
                .0
        };
        let (plr, sr) = (read("plr.geojson"), read("sozialraeume.geojson"));
        let oracle: std::collections::BTreeMap<String, String> = plr
            .features
            .iter()
            .map(|p| {
                let part = |s: &crate::spatial::geometry::Feature| {
                    p.geometry.intersection(&s.geometry).unsigned_area()
                };
                let best = sr
                    .features
                    .iter()
                    .max_by(|a, b| part(a).total_cmp(&part(b)))
                    .unwrap();
                (p.id.clone(), best.id.clone())
            })
            .collect();
        let mut r = csv::Reader::from_reader(outputs.stdout.as_deref().unwrap());
        let mut whole = std::collections::BTreeMap::new();
        for rec in r.records() {
            let rec = rec.unwrap();
            let w: f64 = rec[4].parse().unwrap();
            if w > 0.0 {
                assert_eq!(w, 1.0, "{rec:?}");
                whole.insert(rec[0].to_string(), rec[1].to_string());
            }
        }
        assert_eq!(whole, oracle);
        let features = std::fs::read_to_string(sample("plr.geojson"))
            .unwrap()
            .matches("\"type\":\"Feature\"")
            .count();
        assert_eq!(features, oracle.len());
        assert!(
            outputs.summary[0].starts_with(&format!("{features} units: ")),
            "{:?}",
            outputs.summary
        );
    }

    /// `--output FILE`: the CSV goes to the file, the summary stays.
    #[test]
    fn an_output_file_holds_the_crosswalk() {
        let out = PathBuf::from("cw.csv");
        let (outputs, _) = run(&plan(Some(out.clone()))).unwrap();
        assert!(outputs.stdout.is_none());
        assert_eq!(outputs.files[0].0, out);
        let text = String::from_utf8(outputs.files[0].1.clone()).unwrap();
        assert!(text.starts_with("from,to,area_m2,area_share,weight\n"));
        assert_eq!(outputs.summary.len(), 2, "{:?}", outputs.summary);
    }
}
