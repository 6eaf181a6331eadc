//! The Sozialräume of a series: the PLR → Sozialraum assignment of the
//! units of the series' vintage, the same for every date, and the row of
//! what is in no Sozialraum.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::error::{usage_error, Warnings};
use crate::mapping::weights::{Weight, WeightTable};
use crate::series::dates::Dated;
use crate::spatial::geometry::LayerOptions;
use crate::table::key::Vintage;
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
pub enum SozialraumInput<'a> {
    /// A CSV/XLSX list "PLR (or BZR) → Sozialraum".
    List(&'a Path),
    /// Polygons, with how PLR go to them and the PLR polygons (if given).
    Polygons(&'a Path, crate::mapping::weights::Assign, Option<&'a Path>),
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
    let (source, how, units) = sozialraum_source(input, &mut warnings)?;
    let tolerance = crate::spatial::overlay::Tolerance::default();
    let (a, w) = sozialraum::assign(&base.table, units.as_ref(), &source, how, &tolerance)?;
    warnings.extend(w);
    let people = crate::table::population::people_column(|c| base.table.column(c).is_some());
    warnings.extend(sozialraum::report_unassigned(&base.table, &a, people));
    let weights = SozialraumWeights {
        weights: a.weights,
        names: a.names,
    };
    Ok((weights, warnings))
}

/// Read the Sozialräume (and the PLR polygons for polygons).
fn sozialraum_source(
    input: SozialraumInput,
    warnings: &mut Warnings,
) -> Result<(
    crate::mapping::sozialraum::Source,
    crate::mapping::weights::Assign,
    Option<crate::spatial::geometry::Layer>,
)> {
    use crate::spatial::geometry::read_layer;
    match input {
        SozialraumInput::List(path) => {
            let (l, w) =
                crate::mapping::weights::read_list(path, crate::mapping::sozialraum::LEVEL)?;
            warnings.extend(w);
            let source = crate::mapping::sozialraum::Source::List(l);
            Ok((source, crate::mapping::weights::Assign::Largest, None))
        }
        SozialraumInput::Polygons(path, how, units) => {
            let (layer, w) = read_layer(path, &LayerOptions::default())?;
            warnings.extend(w);
            let units = match units {
                Some(u) => {
                    let u_opts = LayerOptions::default();
                    let (ul, w) = read_layer(u, &u_opts)?;
                    warnings.extend(w);
                    let sr = (&layer, &LayerOptions::default());
                    crate::quality::mismatch::check_overlap((&ul, &u_opts), sr)?;
                    Some(ul)
                }
                None => None,
            };
            Ok((
                crate::mapping::sozialraum::Source::Polygons(layer),
                how,
                units,
            ))
        }
    }
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
