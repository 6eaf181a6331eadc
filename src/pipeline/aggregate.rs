//! `lor aggregate`: PLR statistics into BZR, PGR, Bezirk, Berlin and the
//! Sozialräume, rendered in the planned format.

use std::path::PathBuf;

use anyhow::Result;

use crate::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use crate::aggregation::rename::{rename_columns, InputRename};
use crate::aggregation::rules::{plan_table, ColumnRule, Rule, RuleFlags};
use crate::error::Warnings;
use crate::mapping::sozialraum::Source;
use crate::mapping::weights::Assign;
use crate::pipeline::inputs::{assemble, InputPlan};
use crate::pipeline::Outcome;
use crate::quality::checks::check_totals;
use crate::render::labels::Codebook;
use crate::render::output::{geojson_outputs, table_outputs, Format, Presentation, Target};
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::Tolerance;
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::stats::StatTable;
use crate::text::{FormulaGuard, Lang};

/// The checked plan of one `lor aggregate` run.
pub struct Plan {
    /// The statistics (the sample without a file), names, PLR polygons,
    /// Sozialräume and Bezirk.
    pub inputs: InputPlan,
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
    /// The LOR levels, before the Sozialräume (when `inputs` has them).
    pub levels: Vec<Level>,
    pub format: Format,
    pub target: Target,
    /// How Sozialraum polygons take the PLR (a list assigns by itself).
    pub assign: Assign,
    pub tolerance: Tolerance,
    /// `--rename-input`: input columns renamed before the rules.
    pub rename_input: Vec<InputRename>,
    pub round: Option<u32>,
    pub decimals: Option<u32>,
    /// Published tables to compare with, and 'COMPUTED=PUBLISHED' pairs.
    pub check_against: Vec<PathBuf>,
    pub map: Vec<(String, String)>,
    pub check_tolerance: f64,
    pub codebook: Codebook,
    pub keep_labels: bool,
    pub guard: FormulaGuard,
    /// The language of the workbook's title rows and notes (`--lang`).
    pub lang: Lang,
}

/// Read, aggregate every level, check, round, label and render.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let (mut inputs, mut warnings) = assemble(&plan.inputs)?;
    let mut table = inputs.take_table();
    rename_columns([&mut table], &plan.rename_input)?;
    let (units, names, bezirk) = (inputs.units, inputs.names, inputs.bezirk);
    warnings.extend(check_totals(&table));

    let (rules, w) = plan_table(&mut table, &plan.rules, plan.missing)?;
    warnings.extend(w);
    let (mut tables, w) =
        aggregate_levels(&table, &rules, &plan.levels, names.as_ref(), plan.missing);
    warnings.extend(w);
    let sr_polygons = match inputs.sozialraum {
        Some(source) => {
            let (t, polygons) = sozialraum_level(
                plan,
                source,
                (&table, &rules),
                units.as_ref(),
                &mut warnings,
            )?;
            tables.push(t);
            polygons
        }
        None => None,
    };
    let codes = finish_tables(plan, &mut tables, &rules, &mut warnings)?;
    let outputs = if plan.format == Format::GeoJson {
        let units = units.as_ref().ok_or_else(|| {
            crate::error::usage_error(
                "GeoJSON output needs the polygons of the units: give the PLR polygons with --units",
            )
        })?;
        let shapes =
            crate::render::draw::shapes::level_shapes(&tables, units, sr_polygons.as_ref())?;
        geojson_outputs(&tables, &shapes, &plan.target, &plan.codebook.identity())
    } else {
        let stats = plan.inputs.stats.as_ref();
        let title = crate::pipeline::title::of_statistics(
            &table,
            crate::pipeline::title::stats_path(stats),
            crate::pipeline::title::source_of(stats, &[], plan.lang),
            bezirk.as_ref(),
            &tables,
            plan.lang,
        );
        let presentation = presentation(title, &rules, codes, &warnings, plan);
        table_outputs(&tables, plan.format, &plan.target, &presentation)?
    };
    Ok((outputs, warnings))
}

/// The Sozialraum level, with the Sozialraum polygons (if they are polygons).
fn sozialraum_level(
    plan: &Plan,
    source: Source,
    (table, rules): (&StatTable, &[ColumnRule]),
    units: Option<&Layer>,
    warnings: &mut Warnings,
) -> Result<(LevelTable, Option<Layer>)> {
    let (t, w) = crate::aggregation::sozialraum::aggregate_sozialraum(
        table,
        rules,
        units,
        &source,
        (plan.assign, &plan.tolerance),
        plan.missing,
    )?;
    warnings.extend(w);
    match source {
        Source::Polygons(layer) => Ok((t, Some(layer))),
        Source::List(_) => Ok((t, None)),
    }
}

/// Compare with published tables, round, and label the columns (the
/// label codes, when the codebook renamed some).
fn finish_tables(
    plan: &Plan,
    tables: &mut [LevelTable],
    rules: &[ColumnRule],
    warnings: &mut Warnings,
) -> Result<Option<crate::render::labels::HeaderCodes>> {
    for f in &plan.check_against {
        let (_, w) = crate::quality::reconcile::check_against(
            tables,
            rules,
            f,
            &plan.map,
            plan.check_tolerance,
        )?;
        warnings.extend(w);
    }
    crate::aggregation::rounding::round_tables(tables, rules, plan.round, plan.decimals);
    if plan.codebook.is_empty() {
        Ok(None)
    } else {
        Ok(Some(plan.codebook.apply(tables)?))
    }
}

/// Title, label codes, hidden key-part columns and notes for XLSX, the
/// identity headers for every format.
fn presentation(
    title: crate::render::output::Title,
    rules: &[ColumnRule],
    codes: Option<crate::render::labels::HeaderCodes>,
    warnings: &Warnings,
    plan: &Plan,
) -> Presentation {
    let hidden = if plan.keep_labels {
        Vec::new()
    } else {
        rules
            .iter()
            .filter(|r| r.rule == Rule::Label && crate::render::labels::is_key_part_name(&r.column))
            .map(|r| r.column.clone())
            .collect()
    };
    Presentation {
        title: Some(title),
        codes,
        hidden,
        notes: warnings.clone(),
        guard: plan.guard,
        identity: plan.codebook.identity(),
        lang: plan.lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::sozialraum::SozialraumFile;
    use crate::pipeline::inputs::Statistics;
    use crate::pipeline::testdata::{sample, sample_people};
    use crate::table::stats::ReadOptions;

    fn plan(levels: Vec<Level>, sozialraum: Option<SozialraumFile>, target: Target) -> Plan {
        Plan {
            inputs: InputPlan {
                stats: Some(Statistics::Sample(ReadOptions::default())),
                sozialraum,
                catalogue_names: true,
                ..InputPlan::default()
            },
            rules: RuleFlags::default(),
            missing: MissingPolicy::default(),
            levels,
            format: Format::Csv,
            target,
            assign: Assign::Largest,
            tolerance: Tolerance::default(),
            rename_input: Vec::new(),
            round: None,
            decimals: None,
            check_against: Vec::new(),
            map: Vec::new(),
            check_tolerance: 0.01,
            codebook: Codebook::default(),
            keep_labels: false,
            guard: FormulaGuard(true),
            lang: Lang::De,
        }
    }

    /// The `E_E` of each (level, key) row of a CSV output.
    fn people(csv: &[u8]) -> Vec<(String, String, f64)> {
        let mut r = csv::Reader::from_reader(csv);
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (level, key, e) = (col("level"), col("key"), col("E_E"));
        r.records()
            .map(|x| {
                let x = x.unwrap();
                (
                    x[level].to_string(),
                    x[key].to_string(),
                    x[e].parse().unwrap(),
                )
            })
            .collect()
    }

    /// One call gives the documents and the warnings; nothing is written.
    #[test]
    fn the_sample_district_to_stdout_with_its_sozialraeume() {
        let sr = SozialraumFile::List(sample("sozialraum-liste.csv"));
        let (outputs, warnings) =
            run(&plan(vec![Level::Bezirk], Some(sr), Target::Stdout)).unwrap();
        assert!(outputs.files.is_empty() && outputs.streamed.is_none());
        assert!(warnings.is_empty(), "{warnings:?}");
        let rows = people(outputs.stdout.as_deref().unwrap());
        let total = sample_people();
        assert_eq!(rows[0].0, "bez");
        assert_eq!(rows[0].2, total);
        let sr_rows: Vec<_> = rows.iter().filter(|r| r.0 == "sozialraum").collect();
        assert_eq!(sr_rows.len(), 5, "{rows:?}");
        assert_eq!(sr_rows.iter().map(|r| r.2).sum::<f64>(), total);
    }

    /// `--output-dir`: one file per level, all in the outputs.
    #[test]
    fn a_folder_target_is_one_file_per_level() {
        let dir = PathBuf::from("out");
        let (outputs, _) = run(&plan(
            vec![Level::Bzr, Level::Pgr],
            None,
            Target::Dir(dir.clone()),
        ))
        .unwrap();
        let names: Vec<&PathBuf> = outputs.files.iter().map(|f| &f.0).collect();
        assert_eq!(names, [&dir.join("bzr.csv"), &dir.join("pgr.csv")]);
        let bzr = people(&outputs.files[0].1);
        assert_eq!(bzr.iter().map(|r| r.2).sum::<f64>(), sample_people());
        assert!(outputs.stdout.is_none());
    }
}
