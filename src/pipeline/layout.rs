//! `lor layout`: evaluate a Sozialraum layout built from LOR units
//! ([`evaluate`]), propose the contiguous one that moves the fewest people
//! ([`propose`]), or the trade-off between balance and people moved
//! ([`alternatives`]).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::error::Warnings;
use crate::layout::evaluate::Evaluation;
use crate::layout::input::{
    read_named_regions, reference_outlines, units_of, whole_layout, RegionNames, Units,
};
use crate::layout::propose::{new_region_name, propose_layout, Limits, Proposal};
use crate::layout::{Layout, Shares};
use crate::pipeline::Outcome;
use crate::render::layout::{
    key_csv, layout_doc, layout_list, map_text, proposal_summary, proposal_title,
    render_evaluation, render_tradeoff, tradeoff_summary,
};
use crate::render::output::Format;
use crate::render::write::Outputs;
use crate::spatial::geometry::LayerOptions;
use crate::table::key::Level;
use crate::table::stats::ReadOptions;
use crate::text::Lang;

/// The units of a layout: PLR polygons with the people of each.
pub struct UnitsPlan {
    /// PLR polygons and how they are read.
    pub units: PathBuf,
    pub layer: LayerOptions,
    /// Statistics per PLR, how they are read, and the column with the
    /// people (E_E without one).
    pub stats: PathBuf,
    pub read: ReadOptions,
    pub column: Option<String>,
    /// Only this Bezirk (two digits, checked).
    pub bezirk: Option<String>,
}

impl UnitsPlan {
    /// The units with their people, from the one input assembly (the same
    /// Bezirk cut, vintage check and coverage findings as every command).
    pub fn load(&self, warnings: &mut Warnings) -> Result<Units> {
        use crate::pipeline::inputs::{assemble, InputPlan, Scope, Statistics};
        let scope = match &self.bezirk {
            Some(b) => Scope::Bezirk(crate::table::scope::Bezirk::parse(b)?),
            None => Scope::Berlin,
        };
        let plan = InputPlan {
            stats: Some(Statistics::File(self.stats.clone(), self.read.clone())),
            units: Some((self.units.clone(), self.layer.clone())),
            scope,
            ..InputPlan::default()
        };
        let (mut inputs, w) = assemble(&plan)?;
        warnings.extend(w);
        let table = inputs.take_table();
        // The same totals check as `lor aggregate`.
        warnings.extend(crate::quality::checks::check_totals(&table));
        let layer = inputs.units.take().expect("the plan names the units");
        units_of(layer, &table, self.column.as_deref())
    }

    /// The units and the region of each in `reference`, with the
    /// reference regions' names.
    fn load_with_reference(
        &self,
        reference: &Path,
        warnings: &mut Warnings,
    ) -> Result<(Units, Vec<String>, Shares, RegionNames)> {
        let units = self.load(warnings)?;
        let (ids, shares, names, w) =
            read_named_regions(reference, &units, self.bezirk.as_deref(), "--reference")?;
        warnings.extend(w);
        Ok((units, ids, shares, names))
    }
}

/// The checked plan of `lor layout evaluate`.
pub struct EvaluatePlan {
    pub units: UnitsPlan,
    /// The layout: a list (PLR or BZR → region) or polygons.
    pub layout: PathBuf,
    /// The reference layout, for the people moved.
    pub reference: Option<PathBuf>,
    /// The evaluation's format (table, CSV or JSON), its file (stdout
    /// without one), and the SVG map.
    pub format: Format,
    pub output: Option<PathBuf>,
    pub svg: Option<PathBuf>,
    /// The language of the map.
    pub lang: Lang,
}

/// Evaluate a layout: per region people, area, parts, compactness,
/// deviation; cut BZR/PGR; people moved against the reference.
pub fn evaluate(plan: &EvaluatePlan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let units = plan.units.load(&mut warnings)?;
    let bezirk = plan.units.bezirk.as_deref();
    let (ids, shares, names, w) = read_named_regions(&plan.layout, &units, bezirk, "LAYOUT")?;
    warnings.extend(w);
    let layout = whole_layout(
        ids,
        &shares,
        &units.keys,
        &plan.layout.display().to_string(),
    )?;
    let mut ref_names = RegionNames::new();
    let reference = match &plan.reference {
        Some(r) => {
            let (ids, sh, n, w) = read_named_regions(r, &units, bezirk, "--reference")?;
            warnings.extend(w);
            ref_names = n;
            Some((ids, sh))
        }
        None => None,
    };
    let by_ref = reference.as_ref().map(|(i, s)| (s, i.as_slice()));
    let mut ev = crate::layout::evaluate::evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &layout,
        by_ref,
    );
    ev.name_regions(&names, &ref_names);
    let mut files = Vec::new();
    if let Some(path) = &plan.svg {
        let svg = evaluation_svg(plan, &units, &layout, &ev, reference.as_ref())?;
        files.push((path.clone(), svg));
    }
    let bytes = render_evaluation(&ev, plan.format)?;
    Ok((main_after(files, plan.output.as_deref(), bytes), warnings))
}

/// The map of an evaluated layout against its reference.
fn evaluation_svg(
    plan: &EvaluatePlan,
    units: &Units,
    layout: &Layout,
    ev: &Evaluation,
    reference: Option<&(Vec<String>, Shares)>,
) -> Result<Vec<u8>> {
    let bezirk = plan.units.bezirk.as_deref();
    let mut inputs = vec![plan.units.units.as_path(), plan.units.stats.as_path()];
    let outlines = match (&plan.reference, reference) {
        (Some(r), Some((ids, sh))) => {
            inputs.push(r.as_path());
            reference_outlines(r, units, bezirk, ids, sh)?
        }
        _ => Vec::new(),
    };
    let text = map_text(ev, bezirk, plan.reference.is_some(), &inputs, plan.lang);
    let by_ref = reference.map(|(i, s)| (s, i.as_slice()));
    let doc = layout_doc(units, layout, ev, by_ref, &outlines, &text);
    Ok(doc.svg().into_bytes())
}

/// `files`, then the main document: to `output` (all files or none), or
/// to stdout after the files.
fn main_after(
    mut files: Vec<(PathBuf, Vec<u8>)>,
    output: Option<&Path>,
    bytes: Vec<u8>,
) -> Outputs {
    let mut out = Outputs::one(output, bytes);
    files.append(&mut out.files);
    out.files = files;
    out
}

/// The checked plan of `lor layout propose`.
pub struct ProposePlan {
    pub units: UnitsPlan,
    /// The reference layout (list or polygons), e.g. the Sozialräume.
    pub reference: PathBuf,
    /// Number of regions, blocks never cut, and the balance band (a share
    /// of the mean, within 0–1).
    pub regions: usize,
    pub blocks: Level,
    pub balance: Option<f64>,
    /// The list 'PLR,Sozialraum' (stdout without it).
    pub output: Option<PathBuf>,
    /// The proposed LOR keys as CSV.
    pub keys: Option<PathBuf>,
    /// The evaluation of the proposal, in its format.
    pub report: Option<(PathBuf, Format)>,
    /// The proposal against the reference as an SVG map.
    pub svg: Option<PathBuf>,
    /// The language of the map.
    pub lang: Lang,
}

/// A proposal with its units, reference and evaluation.
struct Proposed<'a> {
    units: &'a Units,
    ids: &'a [String],
    shares: &'a Shares,
    prop: &'a Proposal,
    ev: &'a Evaluation,
}

/// Propose the layout; the list, keys, report and map; the summary (with
/// the seconds the search took).
pub fn propose(plan: &ProposePlan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let (units, ids, shares, ref_names) = plan
        .units
        .load_with_reference(&plan.reference, &mut warnings)?;
    let started = Instant::now();
    let prop = propose_layout(
        &units,
        &ids,
        &shares,
        plan.regions,
        plan.blocks,
        plan.balance,
        Limits::default(),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let mut ev = crate::layout::evaluate::evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &prop.layout,
        Some((&shares, ids.as_slice())),
    );
    // A region matched to a reference region bears its key and name; a
    // new one says so.
    let new_names: RegionNames = ev
        .regions
        .iter()
        .filter(|r| r.reference.is_none())
        .map(|r| (r.id.clone(), new_region_name(&r.id)))
        .collect();
    ev.name_regions(&new_names, &ref_names);
    let proposed = Proposed {
        units: &units,
        ids: &ids,
        shares: &shares,
        prop: &prop,
        ev: &ev,
    };
    let files = proposal_files(plan, &proposed)?;
    let list = layout_list(&units.keys, &prop.layout);
    let outputs = main_after(files, plan.output.as_deref(), list.into_bytes()).with_summary(
        proposal_summary(&prop, &ev, plan.regions, plan.blocks, seconds),
    );
    Ok((outputs, warnings))
}

/// --keys, --report and --svg of a proposal.
fn proposal_files(plan: &ProposePlan, p: &Proposed) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    if let Some(k) = &plan.keys {
        let csv = key_csv(&p.units.keys, &p.prop.layout);
        files.push((k.clone(), csv.into_bytes()));
    }
    if let Some((r, f)) = &plan.report {
        files.push((r.clone(), render_evaluation(p.ev, *f)?));
    }
    if let Some(path) = &plan.svg {
        files.push((path.clone(), proposal_svg(plan, p)?));
    }
    Ok(files)
}

/// The map of a proposal against its reference.
fn proposal_svg(plan: &ProposePlan, p: &Proposed) -> Result<Vec<u8>> {
    let bezirk = plan.units.bezirk.as_deref();
    let inputs = [
        plan.units.units.as_path(),
        plan.units.stats.as_path(),
        plan.reference.as_path(),
    ];
    let outlines = reference_outlines(&plan.reference, p.units, bezirk, p.ids, p.shares)?;
    let mut text = map_text(p.ev, bezirk, true, &inputs, plan.lang);
    text.title = proposal_title(plan.regions, plan.blocks, bezirk, p.ev, plan.lang);
    let by_ref = Some((p.shares, p.ids));
    let doc = layout_doc(p.units, &p.prop.layout, p.ev, by_ref, &outlines, &text);
    Ok(doc.svg().into_bytes())
}

/// The checked plan of `lor layout propose --alternatives N`.
pub struct AlternativesPlan {
    pub units: UnitsPlan,
    pub reference: PathBuf,
    pub regions: usize,
    pub blocks: Level,
    /// Number of rows (at least one).
    pub rows: usize,
    /// The trade-off's format and file (stdout without one).
    pub format: Format,
    pub output: Option<PathBuf>,
}

/// The trade-off between balance and people moved: no band, then bands
/// down to the tightest with a layout; the summary with the seconds.
pub fn alternatives(plan: &AlternativesPlan) -> Result<Outcome> {
    let mut warnings = Warnings::default();
    let (units, ids, shares, _) = plan
        .units
        .load_with_reference(&plan.reference, &mut warnings)?;
    let started = Instant::now();
    let t = crate::layout::tradeoff::alternatives(
        &units,
        &ids,
        &shares,
        plan.regions,
        plan.blocks,
        plan.rows,
        Limits::default(),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = render_tradeoff(&t, plan.format)?;
    let outputs = Outputs::one(plan.output.as_deref(), bytes).with_summary(tradeoff_summary(
        &t,
        plan.regions,
        plan.blocks,
        seconds,
    ));
    Ok((outputs, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::{sample, sample_people};

    fn units() -> UnitsPlan {
        UnitsPlan {
            units: sample("plr.geojson"),
            layer: LayerOptions::default(),
            stats: sample("EWR202412E_Matrix.csv"),
            read: ReadOptions::default(),
            column: None,
            bezirk: None,
        }
    }

    /// The sample's Sozialraum list against itself: five regions with the
    /// file's people, nobody moved; JSON on stdout, the map a file.
    #[test]
    fn the_sample_list_evaluated_against_itself() {
        let plan = EvaluatePlan {
            units: units(),
            layout: sample("sozialraum-liste.csv"),
            reference: Some(sample("sozialraum-liste.csv")),
            format: Format::Json,
            output: None,
            svg: Some(PathBuf::from("layout.svg")),
            lang: Lang::De,
        };
        let (outputs, warnings) = evaluate(&plan).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(outputs.summary.is_empty());
        assert_eq!(outputs.files.len(), 1);
        assert_eq!(outputs.files[0].0, PathBuf::from("layout.svg"));
        assert!(String::from_utf8_lossy(&outputs.files[0].1).contains("<svg"));
        let json: serde_json::Value =
            serde_json::from_slice(outputs.stdout.as_deref().unwrap()).unwrap();
        let total = sample_people();
        assert_eq!(json["people"].as_f64().unwrap(), total);
        let regions = json["regions"].as_array().unwrap();
        assert_eq!(regions.len(), 5);
        let sum: f64 = regions.iter().map(|r| r["people"].as_f64().unwrap()).sum();
        assert_eq!(sum, total);
        assert_eq!(json["people_moved"].as_f64(), Some(0.0), "{json}");
    }

    /// A proposal of five regions: the list of every PLR on stdout, the
    /// keys and report as files, the summary lines after them.
    #[test]
    fn a_proposal_is_the_list_the_keys_and_a_summary() {
        let plan = ProposePlan {
            units: units(),
            reference: sample("sozialraeume.geojson"),
            regions: 5,
            blocks: Level::Plr,
            balance: None,
            output: None,
            keys: Some(PathBuf::from("keys.csv")),
            report: Some((PathBuf::from("report.json"), Format::Json)),
            svg: None,
            lang: Lang::De,
        };
        let (outputs, _) = propose(&plan).unwrap();
        let list = String::from_utf8(outputs.stdout.unwrap()).unwrap();
        let plr = sample_people_rows();
        assert_eq!(list.lines().next(), Some("PLR,Sozialraum"));
        assert_eq!(list.lines().count(), plr + 1);
        let names: Vec<_> = outputs
            .files
            .iter()
            .map(|f| f.0.to_str().unwrap())
            .collect();
        assert_eq!(names, ["keys.csv", "report.json"]);
        let report: serde_json::Value = serde_json::from_slice(&outputs.files[1].1).unwrap();
        assert_eq!(report["people"].as_f64().unwrap(), sample_people());
        assert_eq!(report["regions"].as_array().unwrap().len(), 5);
        assert!(!outputs.summary.is_empty());
        assert!(
            outputs.summary[0].starts_with("layout: "),
            "{:?}",
            outputs.summary
        );
    }

    /// The PLR rows of the sample statistics.
    fn sample_people_rows() -> usize {
        let text = std::fs::read_to_string(sample("EWR202412E_Matrix.csv")).unwrap();
        text.lines().skip(1).filter(|l| !l.is_empty()).count()
    }

    /// The trade-off: rows on stdout as CSV, its summary after.
    #[test]
    fn alternatives_are_rows_and_a_summary() {
        let plan = AlternativesPlan {
            units: units(),
            reference: sample("sozialraeume.geojson"),
            regions: 5,
            blocks: Level::Bzr,
            rows: 2,
            format: Format::Csv,
            output: Some(PathBuf::from("t.csv")),
        };
        let (outputs, _) = alternatives(&plan).unwrap();
        assert!(outputs.stdout.is_none());
        assert_eq!(outputs.files.len(), 1);
        let csv = String::from_utf8(outputs.files[0].1.clone()).unwrap();
        assert!(csv.lines().count() >= 2, "{csv}");
        assert!(
            outputs.summary[0].starts_with("layout: "),
            "{:?}",
            outputs.summary
        );
    }
}
