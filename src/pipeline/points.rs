//! `lor points`: count facilities and sum their places per PLR, BZR, PGR,
//! Bezirk, Berlin and Sozialraum, rendered as one table.

use anyhow::Result;

use crate::pipeline::inputs::{assemble, InputPlan};
use crate::pipeline::Outcome;
use crate::points::per_unit::{count_per_unit, UnitInputs};
use crate::render::labels::Codebook;
use crate::render::output::{table_outputs, Format, Presentation, Target, Title};
use crate::table::key::Vintage;
use crate::table::level::LevelTable;
use crate::text::{FormulaGuard, Lang};

/// The checked plan of one `lor points` run.
pub struct Plan {
    /// The PLR polygons (kept whole), names, Sozialräume and the
    /// statistics of the denominator.
    pub inputs: InputPlan,
    /// The points and how they are counted.
    pub count: crate::points::per_unit::Plan,
    pub format: Format,
    pub target: Target,
    pub guard: FormulaGuard,
    /// `--round`: counts and sums rounded so that every level adds up.
    pub round: Option<u32>,
    /// `--decimals`: the ratios to the denominator.
    pub decimals: Option<u32>,
    /// `--labels`, `--rename`: the headers of the output.
    pub codebook: Codebook,
    /// The language of the workbook's title rows and notes (`--lang`).
    pub lang: Lang,
}

/// [`run_with_progress`] without progress.
pub fn run(plan: &Plan) -> Result<Outcome> {
    run_with_progress(plan, |_, _| {})
}

/// Read, count the points per unit, aggregate and render; the summary says
/// how many points were counted. `progress` gets (bytes read, file size)
/// of the points now and then (the binary shows a bar; nothing is printed
/// here).
pub fn run_with_progress(plan: &Plan, progress: impl FnMut(u64, u64)) -> Result<Outcome> {
    let (read, mut warnings) = assemble(&plan.inputs)?;
    let no_units = || crate::error::usage_error("lor points needs the PLR polygons (--units)");
    let units = UnitInputs {
        units: read.whole_units().ok_or_else(no_units)?,
        scoped_units: read.units.as_ref().ok_or_else(no_units)?,
        names: read.names.as_ref(),
        sozialraum: read.sozialraum.as_ref(),
        stats: read.table.as_ref(),
    };
    let (mut counted, w) = count_per_unit(&plan.count, &units, progress)?;
    warnings.extend(w);
    crate::aggregation::rounding::round_tables(
        &mut counted.tables,
        &counted.rules,
        plan.round,
        plan.decimals,
    );
    let title = title(plan, &counted.tables, read.bezirk.as_ref());
    let codes = if plan.codebook.is_empty() {
        None
    } else {
        Some(plan.codebook.apply(&mut counted.tables)?)
    };
    let presentation = Presentation {
        title: Some(title),
        codes,
        guard: plan.guard,
        identity: plan.codebook.identity(),
        notes: warnings.clone(),
        lang: plan.lang,
        ..Presentation::default()
    };
    let outputs = table_outputs(&counted.tables, plan.format, &plan.target, &presentation)?
        .with_summary([counted.summary()]);
    Ok((outputs, warnings))
}

/// The title rows of a points table: facilities per unit, the area, the
/// LOR vintage of the units and the sources of the points and of the
/// denominator (the points say no date of their own).
fn title(
    plan: &Plan,
    tables: &[LevelTable],
    bezirk: Option<&crate::table::scope::Bezirk>,
) -> Title {
    use crate::pipeline::title::{area, source_of, stats_path};
    let lang = plan.lang;
    let mut inputs = vec![plan.count.points.as_path()];
    inputs.extend(stats_path(plan.inputs.stats.as_ref()));
    let vintage = Vintage::detect(
        tables
            .iter()
            .filter(|t| t.level != crate::mapping::sozialraum::LEVEL)
            .flat_map(|t| t.keys.iter().map(String::as_str)),
    );
    Title {
        subject: lang.pick("Einrichtungen", "Facilities").to_string(),
        area: area(bezirk, tables),
        date: None,
        period: None,
        vintage: vintage.map(|(v, _)| v.label().to_string()),
        source: source_of(None, &inputs, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::sozialraum::SozialraumFile;
    use crate::mapping::weights::Assign;
    use crate::pipeline::testdata::sample;
    use crate::points::per_unit::SozialraumHow;
    use crate::points::read::PointOptions;
    use crate::spatial::overlay::Tolerance;
    use crate::table::key::Level;
    use std::path::{Path, PathBuf};

    /// Four points placed by hand from the corners in plr.geojson: two in
    /// 13100101 Lindenpark (x 430000–430600, y 5829500–5830000), one in
    /// 13100102 Lindenhof (south of it), one far outside the district.
    const POINTS: &str = "id,x,y,plaetze\n\
        A,430300,5829750,10\n\
        B,430100,5829900,5\n\
        C,430300,5829250,7\n\
        D,400000,5820000,1\n";

    fn plan(points: &Path, levels: Vec<Level>, sozialraum: bool) -> Plan {
        let sr = sozialraum.then(|| SozialraumFile::List(sample("sozialraum-liste.csv")));
        Plan {
            inputs: InputPlan {
                units: Some((sample("plr.geojson"), Default::default())),
                sozialraum: sr,
                catalogue_names: true,
                keep_whole_units: true,
                ..InputPlan::default()
            },
            count: crate::points::per_unit::Plan {
                points: points.to_path_buf(),
                point_options: PointOptions {
                    sum: vec!["plaetze".into()],
                    crs: Some(crate::spatial::crs::Crs::Utm33),
                    ..PointOptions::default()
                },
                sozialraum: sozialraum.then_some(SozialraumHow {
                    assign: Assign::Largest,
                    tolerance: Tolerance::default(),
                }),
                per: None,
                missing: Default::default(),
                bezirk: None,
                levels,
            },
            format: Format::Csv,
            target: Target::Stdout,
            guard: FormulaGuard(true),
            round: None,
            decimals: None,
            codebook: Codebook::default(),
            lang: Lang::De,
        }
    }

    /// (level, key, count, plaetze) of the rows with points.
    fn counted(csv: &[u8]) -> Vec<(String, String, f64, f64)> {
        let mut r = csv::Reader::from_reader(csv);
        assert_eq!(
            r.headers().unwrap(),
            vec!["level", "key", "name", "count", "plaetze"]
        );
        r.records()
            .map(|x| {
                let x = x.unwrap();
                (
                    x[0].to_string(),
                    x[1].to_string(),
                    x[3].parse().unwrap(),
                    x[4].parse().unwrap(),
                )
            })
            .filter(|r| r.2 > 0.0)
            .collect()
    }

    fn points_file() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::write(&path, POINTS).unwrap();
        (dir, path)
    }

    /// Each point in its PLR, the Bezirk the sum; the point outside is a
    /// warning, and the summary says 4 points, 3 counted.
    #[test]
    fn hand_placed_points_per_plr_and_bezirk() {
        let (_dir, path) = points_file();
        let (outputs, warnings) =
            run(&plan(&path, vec![Level::Plr, Level::Bezirk], false)).unwrap();
        let rows = counted(outputs.stdout.as_deref().unwrap());
        let row = |l: &str, k: &str, c: f64, p: f64| (l.to_string(), k.to_string(), c, p);
        assert_eq!(
            rows,
            [
                row("plr", "13100101", 2.0, 15.0),
                row("plr", "13100102", 1.0, 7.0),
                row("bez", "13", 3.0, 22.0),
            ]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings
            .iter()
            .next()
            .unwrap()
            .message
            .contains("1 of 4 points lie outside"));
        assert_eq!(outputs.summary, ["4 points, 3 in PLR of plr.geojson"]);
        assert!(outputs.files.is_empty());
    }

    /// With the sample's list, both PLR are in SR1 (Nordwest), so SR1 has
    /// the three points.
    #[test]
    fn hand_placed_points_per_sozialraum() {
        let (_dir, path) = points_file();
        let (outputs, _) = run(&plan(&path, vec![Level::Bezirk], true)).unwrap();
        let rows = counted(outputs.stdout.as_deref().unwrap());
        let sr: Vec<_> = rows.iter().filter(|r| r.0 == "sozialraum").collect();
        assert_eq!(sr.len(), 1, "{rows:?}");
        assert_eq!((sr[0].1.as_str(), sr[0].2, sr[0].3), ("SR1", 3.0, 22.0));
    }
}
