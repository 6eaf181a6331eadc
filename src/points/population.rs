//! People per part of two overlaid layers, counted from points with
//! population (addresses, buildings): the dasymetric weights of
//! `lor crosswalk --population` and `lor translate --population`.

use crate::error::Warnings;
use crate::mapping::crosswalk::PartPopulation;
use crate::spatial::geometry::{Feature, Layer};
use crate::spatial::overlay::overlay;

/// People per (from, to) part from points with counts (addresses, buildings;
/// the first `opts.sum` attribute, each point counts 1 without one): the
/// points are located in the intersection pieces of the two layers.
/// Messages name the flags in `opts.flags`.
pub fn part_population(
    from: &Layer,
    to: &Layer,
    points: &std::path::Path,
    opts: &crate::points::read::PointOptions,
) -> anyhow::Result<(PartPopulation, Warnings)> {
    use geo::{Area, BoundingRect};
    let ov = overlay(from, to, true);
    let mut pairs = Vec::with_capacity(ov.pieces.len());
    let mut features = Vec::with_capacity(ov.pieces.len());
    for (n, p) in ov.pieces.iter().enumerate() {
        let Some(g) = &p.geometry else { continue };
        let Some(bbox) = g.bounding_rect() else {
            continue;
        };
        pairs.push((from.features[p.a].id.clone(), to.features[p.b].id.clone()));
        features.push(Feature {
            id: format!("{n}"),
            name: String::new(),
            number: n + 1,
            geometry: g.clone(),
            bbox,
            area: g.unsigned_area(),
        });
    }
    let pieces = Layer {
        source: "pieces".into(),
        file_crs: from.crs,
        crs: from.crs,
        id_field: "id".into(),
        features,
    };
    let (run, mut warnings) =
        crate::points::read::tally_points(points, opts, &[&pieces], |_, _| {})?;
    let t = &run.tallies[0];
    let mut pop = PartPopulation::new();
    for (i, pair) in pairs.into_iter().enumerate() {
        let v = if !opts.sum.is_empty() {
            t.sums[0][i]
        } else {
            t.count[i]
        };
        if v > 0.0 {
            *pop.entry(pair).or_default() += v;
        }
    }
    if t.outside > 0 {
        warnings.push(
            crate::error::WarningCode::Outside,
            format!(
                "{}: {} population points lie in no part of the two layers",
                run.source, t.outside
            ),
        );
    }
    Ok((pop, warnings))
}
