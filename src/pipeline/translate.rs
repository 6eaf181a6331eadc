//! `lor translate`: statistics of one set of units expressed in another
//! (LOR 2006 → LOR 2021), through crosswalks.

use std::path::PathBuf;

use anyhow::Result;

use crate::aggregation::aggregate::MissingPolicy;
use crate::aggregation::rename::{rename_columns, InputRename};
use crate::aggregation::rounding::round_tables;
use crate::aggregation::rules::{plan_table, RuleFlags};
use crate::aggregation::translate::{translate_levels, translate_to_sozialraum, Translate};
use crate::error::Warnings;
use crate::mapping::weights::{read_list, WeightTable};
use crate::pipeline::crosswalk::Overlay;
use crate::pipeline::Outcome;
use crate::render::labels::Codebook;
use crate::render::output::{table_outputs, Format, Presentation, Target};
use crate::spatial::geometry::LayerOptions;
use crate::table::key::Level;
use crate::table::names::Names;
use crate::table::scope::{levels_in, Bezirk};
use crate::table::stats::{read_stats, ReadOptions};
use crate::text::{FormulaGuard, Lang};

/// The checked plan of one `lor translate` run.
pub struct Plan {
    pub stats: PathBuf,
    pub read: ReadOptions,
    /// `--rename-input`: input columns renamed before the rules.
    pub rename_input: Vec<InputRename>,
    /// Only this Bezirk: the statistics rows, the names and the Sozialraum
    /// list are cut to it, and it is the top level (no Berlin row).
    pub bezirk: Option<Bezirk>,
    /// Source and target polygons, and how the first crosswalk is built
    /// from them.
    pub polygons: Option<Polygons>,
    /// Crosswalks or key tables, chained (after the polygons' crosswalk).
    pub crosswalk: Vec<PathBuf>,
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
    /// Names of the target units; the built-in catalogue without them.
    pub names: Option<PathBuf>,
    /// A list "target unit (or a coarser LOR unit) → Sozialraum".
    pub sozialraum: Option<PathBuf>,
    /// Target levels (all the chain reaches without them).
    pub levels: Option<Vec<Level>>,
    pub round: Option<u32>,
    pub decimals: Option<u32>,
    /// `--labels`, `--rename`: the headers of the output.
    pub codebook: Codebook,
    pub format: Format,
    pub target: Target,
    pub guard: FormulaGuard,
    /// The language of the workbook's title rows and notes (`--lang`).
    pub lang: Lang,
}

/// Two polygon layers to build a crosswalk from.
pub struct Polygons {
    pub from: (PathBuf, LayerOptions),
    pub to: (PathBuf, LayerOptions),
    pub overlay: Overlay,
}

/// Read, chain the crosswalks, translate every level and render; the
/// summary of a crosswalk built from polygons is the summary.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let (mut table, w) = read_stats(&plan.stats, &plan.read)?;
    warnings.extend(w);
    rename_columns([&mut table], &plan.rename_input)?;
    if let Some(b) = &plan.bezirk {
        b.filter_table(&mut table)?;
    }
    let (chain, summary) = weight_chain(plan, &mut warnings)?;
    warnings.extend(crate::mapping::chain::check_coverage(&table, &chain)?);
    let (mut rules, w) = plan_table(&mut table, &plan.rules, plan.missing)?;
    warnings.extend(w);
    // The source units' key parts do not describe the target units.
    crate::aggregation::rules::drop_key_parts(&table, &mut rules);
    let names = target_names(plan, &chain, &mut warnings)?;
    let how = Translate {
        rules: &rules,
        missing: plan.missing,
        names: names.as_ref(),
    };
    let levels = plan
        .levels
        .as_deref()
        .map(|l| levels_in(plan.bezirk.as_ref(), l));
    let (mut tables, w) = translate_levels(&table, &chain, levels.as_deref(), &how);
    warnings.extend(w);
    if plan.bezirk.is_some() {
        // The Bezirk is the top level.
        tables.retain(|t| t.level != Level::Berlin.code());
    }
    if let Some(path) = &plan.sozialraum {
        let (mut list, w) = read_list(path, crate::mapping::sozialraum::LEVEL)?;
        warnings.extend(w);
        if let Some(b) = &plan.bezirk {
            b.filter_list(&mut list);
        }
        let source = path.display().to_string();
        let (t, w) = translate_to_sozialraum(&table, &chain, &list, &source, &how);
        warnings.extend(w);
        tables.push(t);
    }
    round_tables(&mut tables, &rules, plan.round, plan.decimals);
    let codes = if plan.codebook.is_empty() {
        None
    } else {
        Some(plan.codebook.apply(&mut tables)?)
    };
    let mut title = crate::pipeline::title::of_statistics(
        &table,
        Some(&plan.stats),
        crate::pipeline::title::source_of(None, &[&plan.stats], plan.lang),
        plan.bezirk.as_ref(),
        &tables,
        plan.lang,
    );
    title.vintage = translated_vintage(&table, &tables, plan.lang);
    let presentation = Presentation {
        title: Some(title),
        guard: plan.guard,
        codes,
        identity: plan.codebook.identity(),
        notes: warnings.clone(),
        lang: plan.lang,
        ..Presentation::default()
    };
    let outputs =
        table_outputs(&tables, plan.format, &plan.target, &presentation)?.with_summary(summary);
    Ok((outputs, warnings))
}

/// The LOR vintage of the translated units, and the one they came from:
/// "LOR 2021 (umgerechnet aus LOR 2006)".
fn translated_vintage(
    table: &crate::table::stats::StatTable,
    tables: &[crate::table::level::LevelTable],
    lang: Lang,
) -> Option<String> {
    use crate::table::key::Vintage;
    let to = Vintage::detect(
        tables
            .iter()
            .filter(|t| t.level != crate::mapping::sozialraum::LEVEL)
            .flat_map(|t| t.keys.iter().map(String::as_str)),
    )
    .map(|(v, _)| v);
    let from = table.vintage().map(|(v, _)| v);
    match (to, from) {
        (Some(to), Some(from)) if to != from => Some(format!(
            "{} ({} {})",
            to.label(),
            lang.pick("umgerechnet aus", "translated from"),
            from.label()
        )),
        (Some(v), _) | (None, Some(v)) => Some(v.label().to_string()),
        (None, None) => None,
    }
}

/// The weight table (built from polygons, or read, and chained), with the
/// summary lines of a crosswalk built from polygons.
fn weight_chain(plan: &Plan, warnings: &mut Warnings) -> Result<(WeightTable, Vec<String>)> {
    let mut start: Option<WeightTable> = None;
    let mut summary = Vec::new();
    if let Some(p) = &plan.polygons {
        let cw =
            p.overlay
                .build_from_polygons((&p.from.0, &p.from.1), (&p.to.0, &p.to.1), warnings)?;
        summary = cw.summary.lines();
        start = Some(cw.table);
    }
    let (chain, w) = crate::mapping::crosswalk::read_chain(start, &plan.crosswalk)?;
    warnings.extend(w);
    let chain = chain.ok_or_else(|| {
        crate::error::usage_error("give --crosswalk FILE, or --from and --to polygons")
    })?;
    Ok((chain, summary))
}

/// The names file, else the built-in catalogue of the target units' vintage.
fn target_names(
    plan: &Plan,
    chain: &WeightTable,
    warnings: &mut Warnings,
) -> Result<Option<Names>> {
    let mut names = match &plan.names {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            Some(n)
        }
        None => {
            crate::table::catalogue::names_for("the target units", chain.targets()).map(|(n, w)| {
                warnings.extend(w);
                n
            })
        }
    };
    if let (Some(b), Some(n)) = (&plan.bezirk, names.as_mut()) {
        b.filter_names(n);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::sample;
    use std::collections::BTreeMap;

    /// `E_E` of the old sample file carried by the key table, by hand:
    /// Σ over the old PLR of people × the sum of their weights.
    fn carried_people(stats: &str) -> f64 {
        let table = std::fs::read_to_string(sample("lor-alt-neu.csv")).unwrap();
        let mut weight: BTreeMap<String, f64> = BTreeMap::new();
        for l in table.lines().skip(1) {
            let f: Vec<&str> = l.split(';').collect();
            *weight.entry(f[0].to_string()).or_default() += f[2].parse::<f64>().unwrap();
        }
        let text = std::fs::read_to_string(sample(stats)).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(';').collect();
        let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
        let (key, e) = (col("RAUMID"), col("E_E"));
        lines
            .map(|l| {
                let f: Vec<&str> = l.split(';').collect();
                f[e].parse::<f64>().unwrap() * weight.get(f[key]).copied().unwrap_or(0.0)
            })
            .sum()
    }

    fn plan(levels: Vec<Level>, sozialraum: Option<PathBuf>) -> Plan {
        Plan {
            stats: sample("series/EWR202206E_Matrix.csv"),
            read: ReadOptions::default(),
            rename_input: Vec::new(),
            bezirk: None,
            polygons: None,
            crosswalk: vec![sample("lor-alt-neu.csv")],
            rules: RuleFlags::default(),
            missing: MissingPolicy::default(),
            names: None,
            sozialraum,
            levels: Some(levels),
            round: None,
            decimals: None,
            codebook: Codebook::default(),
            format: Format::Csv,
            target: Target::Stdout,
            guard: FormulaGuard(true),
            lang: Lang::De,
        }
    }

    /// (level, key, E_E) of each row of a CSV output.
    fn people(csv: &[u8]) -> Vec<(String, String, f64)> {
        let mut r = csv::Reader::from_reader(csv);
        let h = r.headers().unwrap().clone();
        let e = h.iter().position(|x| x == "E_E").unwrap();
        r.records()
            .map(|x| {
                let x = x.unwrap();
                (x[0].to_string(), x[1].to_string(), x[e].parse().unwrap())
            })
            .collect()
    }

    /// The old sample keys in the new: every level holds the people the key
    /// table carries; a key table gives no summary.
    #[test]
    fn the_old_sample_half_year_in_the_new_keys() {
        let (outputs, warnings) = run(&plan(vec![Level::Plr, Level::Bezirk], None)).unwrap();
        assert!(outputs.files.is_empty() && outputs.summary.is_empty());
        assert!(
            warnings.iter().all(|w| crate::error::is_note(w.code)),
            "{warnings:?}"
        );
        let rows = people(outputs.stdout.as_deref().unwrap());
        let total = carried_people("series/EWR202206E_Matrix.csv");
        let plr: Vec<_> = rows.iter().filter(|r| r.0 == "plr").collect();
        // The old keys are 1301…, 1302…; the new 1310…, 1320…, 1330….
        assert!(plr.iter().all(|r| !r.1.starts_with("130")), "{plr:?}");
        assert!((plr.iter().map(|r| r.2).sum::<f64>() - total).abs() < 1e-6);
        let bez: Vec<_> = rows.iter().filter(|r| r.0 == "bez").collect();
        assert_eq!(bez.len(), 1);
        assert!((bez[0].2 - total).abs() < 1e-6, "{} vs {total}", bez[0].2);
    }

    /// The Sozialraum list adds its level; its rows add up to the total.
    #[test]
    fn a_sozialraum_list_adds_its_level() {
        let (outputs, _) = run(&plan(
            vec![Level::Bezirk],
            Some(sample("sozialraum-liste.csv")),
        ))
        .unwrap();
        let rows = people(outputs.stdout.as_deref().unwrap());
        let sr: Vec<_> = rows.iter().filter(|r| r.0 == "sozialraum").collect();
        assert_eq!(sr.len(), 5, "{rows:?}");
        let total = carried_people("series/EWR202206E_Matrix.csv");
        assert!((sr.iter().map(|r| r.2).sum::<f64>() - total).abs() < 1e-6);
    }
}
