//! `lor mismatch`: where two boundary systems disagree; the report, the
//! intersection pieces and a map of the split parts.

use std::path::PathBuf;

use anyhow::Result;

use crate::pipeline::Verdict;
use crate::quality::mismatch::{compare, Compared, Comparison};
use crate::render::output::Format;
use crate::render::write::Outputs;
use crate::spatial::geometry::LayerOptions;
use crate::spatial::overlay::Tolerance;
use crate::table::key::Level;
use crate::table::scope::Bezirk;
use crate::table::stats::ReadOptions;
use crate::text::{FormulaGuard, Lang};

/// The checked plan of one `lor mismatch` run.
pub struct Plan {
    /// Polygons of the first system (e.g. LOR PLR).
    pub a: PathBuf,
    pub a_options: LayerOptions,
    /// Polygons of the second system, or a list "PLR or BZR → unit".
    pub b: PathBuf,
    pub b_options: LayerOptions,
    /// Only this Bezirk: every LOR-keyed layer and list, and the statistics.
    pub bezirk: Option<Bezirk>,
    /// Statistics per unit of A, how they are read, and the column that
    /// counts people (detected without one).
    pub stats: Option<(PathBuf, ReadOptions, Option<String>)>,
    pub names: Option<PathBuf>,
    /// LOR levels of A to roll up to.
    pub levels: Vec<Level>,
    pub tolerance: Tolerance,
    /// The report: [`Format::Table`], [`Format::Csv`] or [`Format::Json`].
    pub format: Format,
    /// The report's file; stdout without one.
    pub output: Option<PathBuf>,
    /// The intersection pieces as GeoJSON, and the map as SVG and as PNG.
    pub geojson: Option<PathBuf>,
    pub svg: Option<PathBuf>,
    pub png: Option<PathBuf>,
    /// The map's source and licence line (default: the inputs' attributions).
    pub source: Option<String>,
    /// Any split unit fails the run (after the outputs are written).
    pub fail_on_split: bool,
    pub guard: FormulaGuard,
    /// The language of the summary and the map.
    pub lang: Lang,
}

/// Compare A with B and render the report, the pieces and the map; the
/// summary (not for a table, which says it itself) after them.
pub fn run(plan: &Plan) -> Result<Verdict> {
    let compared = compare(&Comparison {
        a: &plan.a,
        a_options: &plan.a_options,
        b: &plan.b,
        b_options: &plan.b_options,
        bezirk: plan.bezirk.as_ref(),
        stats: plan
            .stats
            .as_ref()
            .map(|(s, read, column)| (s.as_path(), read, column.as_deref())),
        names: plan.names.as_deref(),
        levels: &plan.levels,
        tol: plan.tolerance,
        keep_pieces: plan.geojson.is_some() || plan.svg.is_some() || plan.png.is_some(),
    })?;
    let outputs = outputs(plan, &compared)?;
    let failure = (plan.fail_on_split && compared.report.any_split())
        .then(|| "units are split between the two systems (--fail-on-split)".to_string());
    Ok(((outputs, compared.warnings), failure))
}

/// The report (file or stdout), the pieces and the map (all files or
/// none), the summary lines.
fn outputs(plan: &Plan, compared: &Compared) -> Result<Outputs> {
    let report = &compared.report;
    let text = match plan.format {
        Format::Table => report.to_text(plan.lang).into_bytes(),
        Format::Json => report.to_json(plan.lang),
        _ => report.to_csv(plan.guard),
    };
    let mut files = Vec::new();
    if let Some(o) = &plan.output {
        files.push((o.clone(), text.clone()));
    }
    if let (Some(path), Some(geojson)) = (&plan.geojson, compared.pieces_geojson()) {
        files.push((path.clone(), geojson?));
    }
    if plan.svg.is_some() || plan.png.is_some() {
        let mut inputs = vec![plan.a.as_path(), plan.b.as_path()];
        inputs.extend(plan.stats.as_ref().map(|s| s.0.as_path()));
        let map_text = compared.map_text(
            plan.bezirk.as_ref(),
            &inputs,
            plan.source.as_deref(),
            plan.lang,
        );
        if let Some(svg) = compared.svg(&map_text) {
            // The PNG is the same SVG rendered, as `lor map` renders a .png.
            let png = match &plan.png {
                Some(path) => Some((path.clone(), crate::render::draw::png::png(&svg, 2.0)?)),
                None => None,
            };
            if let Some(path) = &plan.svg {
                files.push((path.clone(), svg.into_bytes()));
            }
            files.extend(png);
        }
    }
    let mut summary = Vec::new();
    let maps = plan.geojson.is_some() || plan.svg.is_some() || plan.png.is_some();
    if compared.polygons.is_none() && maps {
        summary.push(
            "warning: --geojson, --svg and --png need polygons for B; none written for a list"
                .into(),
        );
    }
    if plan.format != Format::Table {
        summary.extend(report.summary(plan.lang));
    }
    Ok(Outputs {
        files,
        stdout: plan.output.is_none().then_some(text),
        summary,
        ..Outputs::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::sample;
    use crate::spatial::crs::{Crs, Transformer};
    use geo::{Area, BooleanOps};
    use std::collections::{BTreeMap, BTreeSet};

    fn plan(b: &str, format: Format) -> Plan {
        Plan {
            a: sample("plr.geojson"),
            a_options: LayerOptions::default(),
            b: sample(b),
            b_options: LayerOptions::default(),
            bezirk: None,
            stats: None,
            names: None,
            levels: vec![Level::Bzr, Level::Pgr],
            tolerance: Tolerance::new(0.01, 1000.0).unwrap(),
            format,
            output: None,
            geojson: None,
            svg: None,
            png: None,
            source: None,
            fail_on_split: false,
            guard: FormulaGuard(true),
            lang: Lang::En,
        }
    }

    /// The polygons of a GeoJSON file of single polygons, by id, in
    /// EPSG:25833 (`crs`: the file's).
    fn polygons(name: &str, crs: Crs) -> Vec<(String, geo::Polygon<f64>)> {
        let text = std::fs::read_to_string(sample(name)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let to_utm = Transformer::new(crs, Crs::Utm33);
        let ring = |r: &serde_json::Value| -> geo::LineString<f64> {
            let mut coords: Vec<geo::Coord<f64>> = r
                .as_array()
                .unwrap()
                .iter()
                .map(|c| geo::coord! { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() })
                .collect();
            to_utm.coords(&mut coords).unwrap();
            coords.into()
        };
        json["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let g = &f["geometry"];
                assert_eq!(g["type"], "Polygon");
                let rings = g["coordinates"].as_array().unwrap();
                let holes = rings[1..].iter().map(ring).collect();
                let id = f["properties"]["id"].as_str().unwrap().to_string();
                (id, geo::Polygon::new(ring(&rings[0]), holes))
            })
            .collect()
    }

    /// The oracle: per PLR the Sozialräume of its parts that are no
    /// noise (at least 1 % of the PLR and 1000 m²), intersected here.
    fn parts_by_hand() -> Vec<(String, BTreeSet<String>)> {
        by_hand()
            .into_iter()
            .map(|(k, real, _)| (k, real))
            .collect()
    }

    /// The oracle: per PLR its real parts and its largest sliver of noise
    /// (a piece in a Sozialraum, or area in none, that is no real part;
    /// 0 without one).
    fn by_hand() -> Vec<(String, BTreeSet<String>, f64)> {
        let plr = polygons("plr.geojson", Crs::Utm33);
        let sr = polygons("sozialraeume.geojson", Crs::Wgs84);
        let noise = |a: f64, area: f64| a < 0.01 * area || a < 1000.0;
        plr.iter()
            .map(|(key, p)| {
                let area = p.unsigned_area();
                let mut pieces: Vec<(Option<&String>, f64)> = sr
                    .iter()
                    .map(|(id, s)| (Some(id), p.intersection(s).unsigned_area()))
                    .filter(|(_, a)| *a > 0.0)
                    .collect();
                let rest = area - pieces.iter().map(|(_, a)| a).sum::<f64>();
                pieces.push((None, rest.max(0.0)));
                let real = pieces
                    .iter()
                    .filter(|(_, a)| !noise(*a, area))
                    .filter_map(|(id, _)| id.cloned())
                    .collect();
                let sliver = pieces
                    .iter()
                    .map(|(_, a)| *a)
                    .filter(|a| noise(*a, area))
                    .fold(0.0, f64::max);
                (key.clone(), real, sliver)
            })
            .collect()
    }

    /// The oracle: the sample list's Sozialraum of each PLR, by hand.
    fn list_by_hand() -> Vec<(String, BTreeSet<String>)> {
        let text = std::fs::read_to_string(sample("sozialraum-liste.csv")).unwrap();
        text.lines()
            .skip(1)
            .map(|l| {
                let mut cells = l.split(';');
                let key = cells.next().unwrap().to_string();
                (key, BTreeSet::from([cells.next().unwrap().to_string()]))
            })
            .collect()
    }

    /// Units of `digits` key digits, and how many lie in two or more
    /// Sozialräume.
    fn split(parts: &[(String, BTreeSet<String>)], digits: usize) -> (usize, usize) {
        let mut by: BTreeMap<&str, BTreeSet<&String>> = BTreeMap::new();
        for (key, srs) in parts {
            by.entry(&key[..digits]).or_default().extend(srs);
        }
        (by.len(), by.values().filter(|s| s.len() > 1).count())
    }

    /// The summary line of a level up to its people: split units, and
    /// the others inside one unit (`noisy` of them with slivers).
    fn line(level: &str, (n, s): (usize, usize), b: &str, noisy: Option<usize>) -> String {
        let verb = if s == 1 { "is" } else { "are" };
        let mut l = format!(
            "{s} of {n} {level} {verb} split between the {b}; {} lie inside one of them",
            n - s
        );
        if let Some(k) = noisy.filter(|k| *k > 0) {
            l.push_str(&format!(
                " ({k} of them with slivers of digitising noise outside it)"
            ));
        }
        l
    }

    /// The sample PLR against its Sozialraum polygons: no PLR split, the
    /// BZR and PGR split as found by hand; CSV on stdout, the summary after.
    #[test]
    fn the_sample_plr_split_between_the_sozialraeume() {
        let ((outputs, warnings), failure) =
            run(&plan("sozialraeume.geojson", Format::Csv)).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(failure, None);
        assert!(outputs.files.is_empty());
        let parts = parts_by_hand();
        let b = "Sozialräume";
        let (bzr, pgr) = (split(&parts, 6), split(&parts, 4));
        assert!(
            split(&parts, 8).1 > 0 && bzr.1 > 0 && pgr.1 > 0,
            "{parts:?}"
        );
        // PLR inside one Sozialraum with slivers of noise: 31, between the
        // PLR found by hand with slivers of 1 m² and more (15) and those
        // with any piece of area at all (36; the sample's Sozialräume are
        // WGS84, so many slivers are reprojection dust under 1 m², which
        // the clipped overlay and this plain intersection round apart).
        let inside_with = |min: f64| {
            by_hand()
                .iter()
                .filter(|(_, real, sliver)| real.len() == 1 && *sliver > min)
                .count()
        };
        assert_eq!((inside_with(1.0), inside_with(0.0)), (15, 36));
        assert_eq!(
            outputs.summary[0],
            line("Planungsräume", split(&parts, 8), b, Some(31))
        );
        assert_eq!(outputs.summary.len(), 3);
        for (got, want) in outputs.summary[1..].iter().zip([
            line("Bezirksregionen", bzr, b, None),
            line("Prognoseräume", pgr, b, None),
        ]) {
            assert!(got.starts_with(&want), "{got}");
        }
        let csv = String::from_utf8(outputs.stdout.unwrap()).unwrap();
        assert!(csv.lines().count() > 50, "{csv}");
    }

    /// A table says its summary itself; --fail-on-split fails the run
    /// after the report; --output, --geojson and --svg are files.
    #[test]
    fn files_table_and_fail_on_split() {
        let mut p = plan("sozialraeume.geojson", Format::Table);
        p.fail_on_split = true;
        p.output = Some(PathBuf::from("r.txt"));
        p.geojson = Some(PathBuf::from("p.geojson"));
        p.svg = Some(PathBuf::from("m.svg"));
        let ((outputs, _), failure) = run(&p).unwrap();
        assert!(outputs.summary.is_empty(), "{:?}", outputs.summary);
        assert!(outputs.stdout.is_none());
        let names: Vec<_> = outputs
            .files
            .iter()
            .map(|f| f.0.to_str().unwrap())
            .collect();
        assert_eq!(names, ["r.txt", "p.geojson", "m.svg"]);
        assert_eq!(
            failure.as_deref(),
            Some("units are split between the two systems (--fail-on-split)")
        );
    }

    /// B as a list: whole PLR, the BZR and PGR the list cuts; no map,
    /// said first in the summary.
    #[test]
    fn a_list_has_no_map() {
        let mut p = plan("sozialraum-liste.csv", Format::Json);
        p.svg = Some(PathBuf::from("m.svg"));
        let ((outputs, _), failure) = run(&p).unwrap();
        assert_eq!(failure, None);
        assert!(outputs.files.is_empty());
        let list = list_by_hand();
        let b = "Sozialräume";
        assert_eq!(
            outputs.summary,
            [
                "warning: --geojson, --svg and --png need polygons for B; none written for a list"
                    .to_string(),
                line("Planungsräume", (50, 0), b, None),
                line("Bezirksregionen", split(&list, 6), b, None),
                line("Prognoseräume", split(&list, 4), b, None),
            ]
        );
        let json: serde_json::Value = serde_json::from_slice(&outputs.stdout.unwrap()).unwrap();
        assert!(json.is_object());
    }
}
