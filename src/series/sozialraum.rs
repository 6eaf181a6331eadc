//! The Sozialräume of a series: the PLR → Sozialraum assignment of the
//! units of the series' vintage, the same for every date, and the row of
//! what is in no Sozialraum.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::error::{usage_error, Warnings};
use crate::mapping::sozialraum::{Source, SozialraumFile};
use crate::mapping::weights::{Assign, Weight, WeightTable};
use crate::series::dates::Dated;
use crate::spatial::geometry::{read_layer, Layer, LayerOptions};
use crate::table::key::Vintage;
use crate::table::scope::Bezirk;
use crate::table::stats::StatTable;

/// Key and name of the row that holds what is in no Sozialraum.
pub const UNASSIGNED_KEY: &str = "-";
pub const UNASSIGNED_NAME: &str = "nicht zugeordnet";

/// Sozialräume: units of the series' vintage → Sozialraum, the same for
/// every date.
#[derive(Debug, Clone)]
pub struct SozialraumWeights {
    pub weights: WeightTable,
    pub names: BTreeMap<String, String>,
}

/// Where the Sozialräume of a series come from.
pub struct SozialraumInput<'a> {
    /// A CSV/XLSX list "PLR (or BZR) → Sozialraum" or polygons, read and
    /// cut to the Bezirk as every command reads them
    /// ([`SozialraumFile::read`]).
    pub file: &'a SozialraumFile,
    /// How PLR go to polygons (a list assigns by itself).
    pub assign: Assign,
    /// The PLR polygons, for Sozialraum polygons.
    pub units: Option<&'a Path>,
    /// `--bezirk`: the list, the Sozialraum polygons with LOR keys and the
    /// PLR polygons keep only the units of this Bezirk.
    pub bezirk: Option<&'a Bezirk>,
}

/// The PLR → Sozialraum assignment for the units of the series' vintage (the
/// keys of its latest date in that vintage), the same for every date.
pub fn sozialraum_weights(
    dated: &[Dated],
    vintage: Option<Vintage>,
    input: SozialraumInput,
) -> Result<(SozialraumWeights, Warnings)> {
    use crate::mapping::sozialraum;
    let base = dated
        .iter()
        .rev()
        .find(|d| match vintage {
            Some(v) => d.table.vintage().is_none_or(|(tv, _)| tv == v),
            None => true,
        })
        .ok_or_else(|| {
            usage_error("--sozialraum: no date of the series is in the vintage of the series to assign its PLR")
        })?;
    let mut warnings = Warnings::default();
    let (source, units) = sozialraum_source(&input, &mut warnings)?;
    let tolerance = crate::spatial::overlay::Tolerance::default();
    let (a, w) = sozialraum::assign(
        &base.table,
        units.as_ref(),
        &source,
        input.assign,
        &tolerance,
    )?;
    warnings.extend(w);
    let people = crate::table::population::people_column(|c| base.table.column(c).is_some());
    warnings.extend(sozialraum::report_unassigned(&base.table, &a, people));
    let weights = SozialraumWeights {
        weights: a.weights,
        names: a.names,
    };
    Ok((weights, warnings))
}

/// Read the Sozialräume (and the PLR polygons for polygons), cut to the
/// Bezirk; polygons must overlap the PLR polygons.
fn sozialraum_source(
    input: &SozialraumInput,
    warnings: &mut Warnings,
) -> Result<(Source, Option<Layer>)> {
    let (source, w) = input.file.read(input.bezirk)?;
    warnings.extend(w);
    let Source::Polygons(layer) = &source else {
        return Ok((source, None));
    };
    let Some(u) = input.units else {
        return Ok((source, None));
    };
    let u_opts = LayerOptions::default();
    let (mut units, w) = read_layer(u, &u_opts)?;
    warnings.extend(w);
    if let Some(b) = input.bezirk {
        b.filter_layer_checked(&mut units)?;
    }
    let sr = (layer, &LayerOptions::default());
    crate::quality::mismatch::check_overlap((&units, &u_opts), sr)?;
    Ok((source, Some(units)))
}

/// Source → `-` with the part of each source that the weights leave out.
pub(super) fn unassigned_weights(table: &StatTable, weights: &WeightTable) -> Option<WeightTable> {
    let totals = weights.source_totals();
    let rows: Vec<Weight> = table
        .keys
        .iter()
        .filter_map(|k| {
            let rest = 1.0 - totals.get(k.as_str()).copied().unwrap_or(0.0);
            (rest > 1e-9).then(|| Weight {
                source: k.clone(),
                target: UNASSIGNED_KEY.to_string(),
                weight: rest,
            })
        })
        .collect();
    (!rows.is_empty()).then(|| WeightTable::new(weights.level.clone(), rows))
}
