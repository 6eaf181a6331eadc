//! The one input assembly: the statistics, the PLR polygons, the unit
//! names, the Sozialräume and the Bezirk of a run, read and cut alike for
//! every command (`aggregate`, `points`, `map`, `report`, `check`, `layout`), and the
//! coverage of the statistics checked against the reference list of PLR.
//!
//! - **Names**: a names table (`--names`) wins; the names in the PLR
//!   polygons fill in; the built-in catalogue of the keys' vintage fills in
//!   the rest (BZR, PGR and Bezirk names the polygons do not have).
//! - **Reference list** (which PLR exist): the names table's PLR, else the
//!   ids of the PLR polygons, else the built-in catalogue's units of the
//!   file's level in the Bezirke the file has rows in (a file of one Bezirk
//!   is complete without the PLR of the others).
//! - **Scope**: with a Bezirk, everything keyed by LOR keys is cut to it —
//!   the statistics rows, the names table (an error when it has no PLR
//!   there), the PLR polygons (the same), the Sozialraum list and
//!   Sozialraum polygons with LOR keys — so that the other Bezirke's PLR are
//!   neither "missing" nor "unknown".
//! - **Coverage**: PLR of the reference without a row (`missing-plr`),
//!   keys not in the reference (`unknown-key`), keys of two vintages
//!   (`vintage`): [`crate::quality::checks::check_coverage`]. With the
//!   polygons as the reference, a key without a polygon is not "unknown":
//!   each command says what becomes of it (a row without facilities in
//!   `points`, the hatched area of a map, `no-geometry` for the
//!   Sozialräume).
//! - **Vintages**: statistics of one LOR vintage joined to a names table,
//!   PLR polygons or a Sozialraum list of the other is an error (exit 1)
//!   naming both and the way out; so is a file that mixes both vintages
//!   ([`crate::table::vintage`]).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::aggregation::aggregate::MissingPolicy;
use crate::aggregation::rules::RuleFlags;
use crate::error::{usage_error, WarningCode, Warnings};
use crate::mapping::sozialraum::{Source, SozialraumFile};
use crate::mapping::weights::Assign;
use crate::render::map::{Figures, MapInputs};
use crate::spatial::geometry::{read_layer, Layer, LayerOptions};
use crate::spatial::overlay::Tolerance;
use crate::table::key::Level;
use crate::table::names::Names;
use crate::table::scope::Bezirk;
use crate::table::stats::{read_stats, read_stats_bytes, ReadOptions, StatTable};
use crate::table::vintage::{check_join, KeyVintage};

/// Where the statistics come from.
#[derive(Debug, Clone)]
pub enum Statistics {
    /// A statistics file per PLR, and how it is read.
    File(PathBuf, ReadOptions),
    /// The bundled sample district: its statistics and its names table.
    Sample(ReadOptions),
}

/// The Bezirk of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// All of Berlin.
    #[default]
    Berlin,
    /// One Bezirk (`--bezirk`).
    Bezirk(Bezirk),
    /// The one Bezirk of the statistics (`lor report` without `--bezirk`);
    /// statistics of several Bezirke are a usage error.
    OfTheStatistics,
}

/// What a run reads: every input named, none read yet.
#[derive(Debug, Clone, Default)]
pub struct InputPlan {
    /// The statistics (none: `lor check -`, `lor points` without `--per`).
    pub stats: Option<Statistics>,
    /// The PLR polygons and how they are read.
    pub units: Option<(PathBuf, LayerOptions)>,
    /// The names table, also the reference list of PLR.
    pub names: Option<PathBuf>,
    /// The Sozialräume.
    pub sozialraum: Option<SozialraumFile>,
    pub scope: Scope,
    /// Names from the built-in catalogue where no names table is given
    /// (`lor check` reads names only as the reference list).
    pub catalogue_names: bool,
    /// Keep the whole PLR layer beside the one cut to the Bezirk (`lor
    /// points`: points in other Bezirke are out of scope, not outside).
    pub keep_whole_units: bool,
}

/// The inputs of a run: read, cut to its Bezirk, checked.
#[derive(Debug, Clone, Default)]
pub struct Assembled {
    /// The statistics, cut to the Bezirk.
    pub table: Option<StatTable>,
    /// The PLR polygons, cut to the Bezirk.
    pub units: Option<Layer>,
    /// The whole PLR layer when a Bezirk cut `units` and the plan asked
    /// for it ([`Assembled::whole_units`]).
    whole_units: Option<Layer>,
    /// The unit names; their reference list cut to the Bezirk.
    pub names: Option<Names>,
    /// The Sozialräume, cut to the Bezirk.
    pub sozialraum: Option<Source>,
    /// The Bezirk of the run (given, or the one of the statistics).
    pub bezirk: Option<Bezirk>,
    /// The files the figures come from (statistics, PLR polygons,
    /// Sozialräume), for source lines.
    pub sources: Vec<PathBuf>,
}

impl Assembled {
    /// The statistics the plan named.
    pub fn take_table(&mut self) -> StatTable {
        self.table.take().expect("the plan names statistics")
    }

    /// The PLR polygons before the Bezirk cut them (with
    /// [`InputPlan::keep_whole_units`]); else those of the run.
    pub fn whole_units(&self) -> Option<&Layer> {
        self.whole_units.as_ref().or(self.units.as_ref())
    }

    /// The figures of a map or report (`lor map`, `lor report`): PLR
    /// statistics with their polygons and the Sozialraum polygons, each
    /// PLR assigned by `assign` with `tolerance`. `warnings` (those of the
    /// assembly) travel with the figures into the report.
    pub fn into_figures(
        mut self,
        assign: Option<Assign>,
        tolerance: Tolerance,
        (rules, missing): (&RuleFlags, MissingPolicy),
        warnings: Warnings,
    ) -> Result<Figures> {
        let table = self.take_table();
        let units = self
            .units
            .take()
            .expect("maps and reports name the PLR polygons");
        let sozialraum = match self.sozialraum.take() {
            None => None,
            Some(Source::Polygons(layer)) => {
                Some((layer, assign.unwrap_or(Assign::Largest), tolerance))
            }
            Some(Source::List(_)) => {
                return Err(usage_error(
                    "maps and reports draw the Sozialräume: give their polygons (GeoJSON or Shapefile), not a list",
                ))
            }
        };
        Figures::new(MapInputs {
            table,
            units,
            names: self.names,
            sozialraum,
            paths: self.sources,
            warnings,
            rules: rules.clone(),
            missing,
        })
    }
}

/// Read, cut and check the inputs of `plan`; the warnings of reading them
/// and of their coverage.
pub fn assemble(plan: &InputPlan) -> Result<(Assembled, Warnings)> {
    let mut warnings = Warnings::default();
    let mut sources = Vec::new();
    let (table, sample_names) = read_statistics(plan.stats.as_ref(), &mut warnings)?;
    if let Some(Statistics::File(path, _)) = &plan.stats {
        sources.push(path.clone());
    }
    let bezirk = match &plan.scope {
        Scope::Berlin => None,
        Scope::Bezirk(b) => Some(b.clone()),
        Scope::OfTheStatistics => match &table {
            Some(t) => Some(Bezirk::of_table(t)?),
            None => None,
        },
    };
    let table = match (table, &bezirk) {
        (Some(mut t), Some(b)) => {
            b.filter_table(&mut t)?;
            Some(t)
        }
        (t, _) => t,
    };
    let names_table = read_names(plan, sample_names, bezirk.as_ref(), &mut warnings)?;
    let (units, whole_units) = read_units(plan, bezirk.as_ref(), &mut warnings)?;
    // The statistics' keys, counted once for every join checked below.
    let keys = table.as_ref().map(stats_keys);
    check_vintages(keys.as_ref(), names_table.as_ref(), units.as_ref(), plan)?;
    if let Some((path, _)) = &plan.units {
        sources.push(path.clone());
    }
    let reference_is_polygons = names_table.is_none() && units.is_some();
    let names = names_of(
        plan,
        table.as_ref(),
        names_table,
        units.as_ref(),
        bezirk.as_ref(),
        &mut warnings,
    );
    if let Some(t) = &table {
        let mut coverage = crate::quality::checks::check_coverage(t, names.as_ref());
        if reference_is_polygons {
            // A key without a polygon is no unknown key: each command says
            // what becomes of it (a row without facilities in `points`, the
            // hatched area of a map, "no geometry" for the Sozialräume).
            coverage.0.retain(|w| w.code != WarningCode::UnknownKey);
        }
        warnings.extend(coverage);
    }
    let sozialraum = read_sozialraum(plan, units.as_ref(), bezirk.as_ref(), &mut warnings)?;
    if let (Some(keys), Some(Source::List(list)), Some(file)) =
        (&keys, &sozialraum, &plan.sozialraum)
    {
        let what = format!("the Sozialraum list {}", short(file.path()));
        let listed = KeyVintage::of(what, list.table.sources());
        check_join(keys, &listed, "a Sozialraum list")?;
    }
    if let Some(sr) = &plan.sozialraum {
        sources.push(sr.path().to_path_buf());
    }
    let assembled = Assembled {
        table,
        units,
        whole_units,
        names,
        sozialraum,
        bezirk,
        sources,
    };
    Ok((assembled, warnings))
}

/// The keys of the statistics, counted against both catalogues.
fn stats_keys(t: &StatTable) -> KeyVintage {
    KeyVintage::of(
        short(Path::new(&t.source)),
        t.keys.iter().map(String::as_str),
    )
}

/// A file's name as messages show it.
fn short(path: &Path) -> String {
    crate::text::short(&path.display().to_string())
}

/// Statistics of one LOR vintage are never joined to a names table or PLR
/// polygons of the other (exit 1, naming both and the way out).
fn check_vintages(
    keys: Option<&KeyVintage>,
    names: Option<&Names>,
    units: Option<&Layer>,
    plan: &InputPlan,
) -> Result<()> {
    let Some(keys) = keys else {
        return Ok(());
    };
    keys.vintage()?;
    if let (Some(n), Some(path)) = (names, &plan.names) {
        let what = format!("the names table {}", short(path));
        let listed = KeyVintage::of(what, n.units.iter().map(String::as_str));
        check_join(keys, &listed, "a names table")?;
    }
    if let (Some(u), Some((path, _))) = (units, &plan.units) {
        let what = format!("the PLR polygons {}", short(path));
        let ids = KeyVintage::of(what, u.features.iter().map(|f| f.id.as_str()));
        check_join(keys, &ids, "PLR polygons (--units)")?;
    }
    Ok(())
}

/// The statistics (and, for the sample, its names table).
fn read_statistics(
    stats: Option<&Statistics>,
    warnings: &mut Warnings,
) -> Result<(Option<StatTable>, Option<Names>)> {
    match stats {
        None => Ok((None, None)),
        Some(Statistics::File(path, read)) => {
            let (table, w) = read_stats(path, read)?;
            warnings.extend(w);
            Ok((Some(table), None))
        }
        Some(Statistics::Sample(read)) => {
            let sample = crate::sample::Sample::generate();
            let (table, w) = read_stats_bytes(
                "sample EWR202412E_Matrix.csv",
                sample.population_csv().as_bytes(),
                read,
            )?;
            warnings.extend(w);
            let (names_table, _) = read_stats_bytes(
                "sample plr.csv",
                sample.names_csv().as_bytes(),
                &ReadOptions::default(),
            )?;
            let (names, w) = Names::from_table(&names_table)?;
            warnings.extend(w);
            Ok((Some(table), Some(names)))
        }
    }
}

/// The names table (`--names`, else the sample's), cut to the Bezirk: a
/// names table without a PLR of the Bezirk is refused.
fn read_names(
    plan: &InputPlan,
    sample_names: Option<Names>,
    bezirk: Option<&Bezirk>,
    warnings: &mut Warnings,
) -> Result<Option<Names>> {
    let Some(path) = &plan.names else {
        return Ok(sample_names);
    };
    let (mut names, w) = Names::read(path)?;
    warnings.extend(w);
    if let Some(b) = bezirk {
        b.filter_names_checked(&mut names)?;
    }
    Ok(Some(names))
}

/// The PLR polygons cut to the Bezirk (none of it is refused), and the
/// whole layer when the plan keeps it and the Bezirk cut it.
fn read_units(
    plan: &InputPlan,
    bezirk: Option<&Bezirk>,
    warnings: &mut Warnings,
) -> Result<(Option<Layer>, Option<Layer>)> {
    let Some((path, options)) = &plan.units else {
        return Ok((None, None));
    };
    let (mut layer, w) = read_layer(path, options)?;
    warnings.extend(w);
    if layer.lor_level() != Some(Level::Plr) {
        return Err(usage_error(format!(
            "{}: --units must be PLR polygons with 8-digit keys",
            layer.source
        )));
    }
    let Some(b) = bezirk else {
        return Ok((Some(layer), None));
    };
    let whole = plan.keep_whole_units.then(|| layer.clone());
    b.filter_layer_checked(&mut layer)?;
    Ok((Some(layer), whole))
}

/// The names of the run: the names table wins, the polygons fill in, the
/// catalogue of the keys' vintage fills in the rest; the reference list is
/// the table's, else the polygons' ids, cut to the Bezirk.
fn names_of(
    plan: &InputPlan,
    table: Option<&StatTable>,
    names_table: Option<Names>,
    units: Option<&Layer>,
    bezirk: Option<&Bezirk>,
    warnings: &mut Warnings,
) -> Option<Names> {
    let catalogue = if plan.catalogue_names && names_table.is_none() {
        catalogue_names(table, units).map(|(n, w)| {
            warnings.extend(w);
            n
        })
    } else {
        None
    };
    let mut names = crate::spatial::scope::combine_names(names_table, units, bezirk);
    match (&mut names, catalogue) {
        (Some(n), Some(c)) => n.merge(&c),
        (None, Some(c)) => names = Some(c),
        (_, None) => {}
    }
    names
}

/// Names from the built-in catalogue of the vintage of the statistics'
/// keys (else of the polygons' ids), with the note that says so. For
/// statistics, the catalogue's units of their level in the Bezirke they
/// have rows in are the reference list (used when neither a names table nor
/// polygons give one).
fn catalogue_names(table: Option<&StatTable>, units: Option<&Layer>) -> Option<(Names, Warnings)> {
    use crate::table::catalogue::{for_keys, names_for};
    match (table, units) {
        (Some(t), _) => {
            let keys = || t.keys.iter().map(String::as_str);
            let (mut names, w) = names_for(&t.source, keys())?;
            let (catalogue, _, _) = for_keys(keys())?;
            names.units = catalogue.units_in_bezirke_of(t.level, keys());
            Some((names, w))
        }
        (None, Some(u)) => names_for(&u.source, u.features.iter().map(|f| f.id.as_str())),
        (None, None) => None,
    }
}

/// The Sozialräume cut to the Bezirk; polygons must overlap the PLR
/// polygons (else one of them is in another CRS than declared).
fn read_sozialraum(
    plan: &InputPlan,
    units: Option<&Layer>,
    bezirk: Option<&Bezirk>,
    warnings: &mut Warnings,
) -> Result<Option<Source>> {
    let Some(file) = &plan.sozialraum else {
        return Ok(None);
    };
    let (source, w) = file.read(bezirk)?;
    warnings.extend(w);
    if let (
        Source::Polygons(layer),
        SozialraumFile::Polygons {
            layer: sr_options, ..
        },
        Some(units),
        Some((_, units_options)),
    ) = (&source, file, units, &plan.units)
    {
        crate::quality::mismatch::check_overlap((units, units_options), (layer, sr_options))?;
    }
    Ok(Some(source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::sample;
    use std::path::Path;

    /// The sample statistics without the row of `key`, in a temporary folder.
    fn without_row(dir: &Path, key: &str) -> PathBuf {
        let text = std::fs::read_to_string(sample("EWR202412E_Matrix.csv")).unwrap();
        let kept: String = text
            .split_inclusive('\n')
            .filter(|l| !l.contains(&format!(";{key};")))
            .collect();
        assert_ne!(kept, text, "the sample has {key}");
        let p = dir.join("EWR202412E_Matrix.csv");
        std::fs::write(&p, kept).unwrap();
        p
    }

    fn plan(stats: PathBuf) -> InputPlan {
        InputPlan {
            stats: Some(Statistics::File(stats, ReadOptions::default())),
            units: Some((sample("plr.geojson"), LayerOptions::default())),
            catalogue_names: true,
            ..InputPlan::default()
        }
    }

    fn first_key() -> String {
        let (t, _) = read_stats(&sample("EWR202412E_Matrix.csv"), &ReadOptions::default()).unwrap();
        t.keys[0].clone()
    }

    /// The messages of the `missing-plr` findings.
    fn missing_plr(w: &Warnings) -> Vec<&str> {
        w.iter()
            .filter(|x| x.code == crate::error::WarningCode::MissingPlr)
            .map(|x| x.message.as_str())
            .collect()
    }

    #[test]
    fn a_plr_without_a_row_is_missing_against_the_polygons_or_the_names_table() {
        let dir = tempfile::tempdir().unwrap();
        let key = first_key();
        let stats = without_row(dir.path(), &key);
        // The polygons are the reference list without a names table.
        let (a, w) = assemble(&plan(stats.clone())).unwrap();
        let missing = missing_plr(&w);
        assert_eq!(missing.len(), 1, "{w:?}");
        assert!(missing[0].contains(&key) && missing[0].contains("plr.geojson"));
        assert_eq!(
            a.names.as_ref().unwrap().source,
            a.units.as_ref().unwrap().source
        );
        // With a names table, it is the reference (and wins the names).
        let with_names = InputPlan {
            names: Some(sample("plr.csv")),
            ..plan(stats)
        };
        let (a, w) = assemble(&with_names).unwrap();
        let missing = missing_plr(&w);
        assert_eq!(missing.len(), 1, "{w:?}");
        assert!(missing[0].contains(&key) && missing[0].contains("plr.csv"));
        assert!(a.names.unwrap().source.ends_with("plr.csv"));
        assert_eq!(a.sources.len(), 2);
    }

    #[test]
    fn a_key_without_polygon_is_unknown_only_against_a_names_table() {
        let dir = tempfile::tempdir().unwrap();
        let key = first_key();
        let text = std::fs::read_to_string(sample("EWR202412E_Matrix.csv")).unwrap();
        let stats = dir.path().join("EWR202412E_Matrix.csv");
        std::fs::write(&stats, text.replacen(&format!(";{key};"), ";13999999;", 1)).unwrap();
        let (_, w) = assemble(&plan(stats.clone())).unwrap();
        assert!(w.has("missing-plr") && !w.has("unknown-key"), "{w:?}");
        let (_, w) = assemble(&InputPlan {
            names: Some(sample("plr.csv")),
            ..plan(stats)
        })
        .unwrap();
        assert!(w.has("missing-plr") && w.has("unknown-key"), "{w:?}");
    }

    #[test]
    fn the_bezirk_cuts_every_input_and_one_of_the_statistics_is_found() {
        let p = InputPlan {
            names: Some(sample("plr.csv")),
            sozialraum: Some(SozialraumFile::new(
                &sample("sozialraum-liste.csv"),
                LayerOptions::default(),
            )),
            scope: Scope::OfTheStatistics,
            keep_whole_units: true,
            ..plan(sample("EWR202412E_Matrix.csv"))
        };
        let (a, w) = assemble(&p).unwrap();
        assert_eq!(a.bezirk.as_ref().unwrap().code(), &first_key()[..2]);
        assert!(!w.has("missing-plr") && !w.has("unknown-key"), "{w:?}");
        assert!(matches!(a.sozialraum, Some(Source::List(_))));
        assert_eq!(
            a.whole_units().unwrap().features.len(),
            a.units.as_ref().unwrap().features.len()
        );
        // Another Bezirk: the statistics have no row of it.
        let e = assemble(&InputPlan {
            scope: Scope::Bezirk(Bezirk::parse("04").unwrap()),
            ..p
        })
        .unwrap_err();
        assert!(e.to_string().contains("no rows of Bezirk"), "{e}");
    }

    #[test]
    fn the_sample_brings_its_names_and_units_must_be_plr() {
        let (mut a, w) = assemble(&InputPlan {
            stats: Some(Statistics::Sample(ReadOptions::default())),
            catalogue_names: true,
            ..InputPlan::default()
        })
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        let t = a.take_table();
        let names = a.names.unwrap();
        assert_eq!(names.units.len(), t.keys.len());
        assert!(names.name(&t.keys[0]).is_some_and(|n| !n.is_empty()));

        let not_plr = InputPlan {
            units: Some((sample("sozialraeume.geojson"), LayerOptions::default())),
            ..plan(sample("EWR202412E_Matrix.csv"))
        };
        let e = assemble(&not_plr).unwrap_err();
        assert!(
            e.to_string().contains("--units must be PLR polygons"),
            "{e}"
        );
    }

    /// Without a names table and polygons, the catalogue of the keys'
    /// vintage is the reference, limited to the Bezirke of the file: the
    /// register file of 31.12.2018 lacks PLR 09041403 of the 2006 list (in
    /// Bezirk 09 only), and nothing else.
    #[test]
    fn the_catalogue_is_the_reference_in_the_bezirke_of_the_file() {
        let ewr = crate::table::catalogue::data_dir().join("stats/EWR201812E_Matrix.csv");
        let only_stats = |scope| InputPlan {
            stats: Some(Statistics::File(ewr.clone(), ReadOptions::default())),
            catalogue_names: true,
            scope,
            ..InputPlan::default()
        };
        let (a, w) = assemble(&only_stats(Scope::Berlin)).unwrap();
        assert_eq!(a.names.as_ref().unwrap().units.len(), 448);
        let missing = missing_plr(&w);
        assert_eq!(missing.len(), 1, "{w:?}");
        assert!(
            missing[0].contains("1 of the 448 Planungsräume")
                && missing[0].contains("09041403 Allende II"),
            "{}",
            missing[0]
        );
        assert!(!w.has("unknown-key"), "{w:?}");
        let (a, w) = assemble(&only_stats(Scope::Bezirk(Bezirk::parse("04").unwrap()))).unwrap();
        assert_eq!(a.names.as_ref().unwrap().units.len(), 57);
        assert!(missing_plr(&w).is_empty(), "{w:?}");
        let (_, w) = assemble(&only_stats(Scope::Bezirk(Bezirk::parse("09").unwrap()))).unwrap();
        assert_eq!(missing_plr(&w).len(), 1, "{w:?}");
    }
}
