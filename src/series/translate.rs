//! Translation across LOR vintages: dates whose keys are in the other
//! vintage reach the series' vintage through a crosswalk (a weight table),
//! or through the bundled polygons of both vintages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::mapping::weights::WeightTable;
use crate::series::dates::Dated;
use crate::spatial::geometry::LayerOptions;
use crate::table::key::{Level, Vintage};

/// How dates of the other vintage reach the series' vintage: a weight table
/// from their units (PLR, or the crosswalk's source level) to units of the
/// series' vintage.
#[derive(Debug, Clone)]
pub struct Translation {
    pub from: Vintage,
    pub chain: WeightTable,
}

impl Translation {
    /// The translation into `want` through `chain`, whose sources must be
    /// keys of the other vintage; sources whose weights do not add up to 1
    /// are reported (and used as given).
    pub fn new(chain: WeightTable, want: Vintage) -> Result<(Translation, Warnings)> {
        let from = Vintage::detect(chain.sources())
            .map(|(v, _)| v)
            .ok_or_else(|| {
                input_error("the crosswalk's source keys are not LOR keys of 2006 or 2021")
            })?;
        if from == want {
            return Err(usage_error(format!(
                "--vintage {}: the crosswalk's source keys are already {}; give a crosswalk from the other vintage",
                want.label(),
                want.label()
            )));
        }
        let mut warnings = Warnings::default();
        let off = chain.incomplete_sources(1e-6);
        if !off.is_empty() {
            let list: Vec<String> = off.iter().map(|(k, w)| format!("{k} (Σ {w:.4})")).collect();
            warnings.push(
                crate::error::WarningCode::Weights,
                format!(
                    "the weights of {} units of the crosswalk do not add up to 1 (used as given): {}",
                    off.len(),
                    examples(&list, 5)
                ),
            );
        }
        Ok((Translation { from, chain }, warnings))
    }
}

/// Per date: the vintage it is translated from (None: as it is) into the
/// series' `vintage` through `translation`. A date in the other vintage
/// without a crosswalk from it is an error.
pub(super) fn translations(
    dated: &[Dated],
    vintage: Option<Vintage>,
    translation: Option<&Translation>,
) -> Result<Vec<Option<Vintage>>> {
    let mut translated = Vec::with_capacity(dated.len());
    for d in dated {
        let own = d.table.vintage().map(|(v, _)| v);
        let t = match (vintage, own) {
            (Some(want), Some(v)) if v != want => {
                if translation.is_none_or(|t| t.from != v) {
                    return Err(usage_error(format!(
                        "{} ({}) has {} keys and the series is in {}: give a crosswalk {} → {}",
                        d.table.source,
                        d.date,
                        v.label(),
                        want.label(),
                        v.label(),
                        want.label()
                    )));
                }
                Some(v)
            }
            _ => None,
        };
        translated.push(t);
    }
    Ok(translated)
}

/// A warning when the dates (in their own keys) are in both LOR vintages.
pub(super) fn warn_mixed_vintages(dated: &[Dated], warnings: &mut Warnings) {
    let vs: BTreeSet<&str> = dated
        .iter()
        .filter_map(|d| d.table.vintage().map(|(v, _)| v.label()))
        .collect();
    if vs.len() > 1 {
        warnings.push(
            crate::error::WarningCode::Vintage,
            "the dates are in different LOR vintages (LOR 2006 and LOR 2021), so units do not match across 1 January 2021; translate them into one with --vintage 2021 (or 2006)".to_string(),
        );
    }
}

/// A crosswalk whose sources are coarser than the keys (e.g. PGR 2021 →
/// PGR 2006 for PLR 2021 statistics) gets the hierarchy in front.
pub(super) fn to_chain_source<'a>(
    chain: &WeightTable,
    keys: impl Iterator<Item = &'a str> + Clone,
) -> Option<WeightTable> {
    let src_len = chain.sources().iter().next()?.len();
    let key_len = keys.clone().next()?.len();
    if key_len == src_len {
        return Some(chain.clone());
    }
    let l = Level::from_digits(src_len)?;
    if key_len < src_len {
        return None;
    }
    Some(WeightTable::hierarchy(keys, l).then(chain))
}

/// Whether some date is in another vintage than `vintage`.
pub fn needs_translation(dated: &[Dated], vintage: Option<Vintage>) -> bool {
    vintage.is_some_and(|v| {
        dated
            .iter()
            .any(|d| d.table.vintage().is_some_and(|(tv, _)| tv != v))
    })
}

/// A bundled data file: beside the working folder, else in the source tree.
fn bundled(rel: &str) -> Result<PathBuf> {
    let here = Path::new(rel);
    if here.exists() {
        return Ok(here.to_path_buf());
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if src.exists() {
        return Ok(src);
    }
    Err(input_error(format!(
        "the bundled LOR geometry {rel} is not found: run lor in its project folder, or give --crosswalk FILE or --from/--to polygons"
    )))
}

/// The bundled polygons of the other vintage and of `want` (PLR 2006 →
/// PGR 2021, or PGR 2021 → PGR 2006), with the options of the first.
pub fn bundled_polygons(want: Vintage) -> Result<(PathBuf, PathBuf, LayerOptions)> {
    Ok(match want {
        // Feature 124 of the 2006 PLR file carries the id 06010102 a second
        // time; its area and place are PLR 04030417. Feature 124 is
        // recognised by the built-in catalogue (name and area of 04030417)
        // and corrected, reported.
        Vintage::Lor2021 => (
            bundled("data/berlin/lor-2006/plr.geojson.gz")?,
            bundled("data/berlin/lor-2021/pgr.geojson.gz")?,
            LayerOptions {
                auto_fix: true,
                flag_prefix: "--from-".into(),
                ..LayerOptions::default()
            },
        ),
        Vintage::Lor2006 => (
            bundled("data/berlin/lor-2021/pgr.geojson.gz")?,
            bundled("data/berlin/lor-2006/pgr.geojson.gz")?,
            LayerOptions::default(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::weights::Weight;
    use crate::series::fixtures::dated;

    #[test]
    fn translations_need_a_crosswalk_from_the_other_vintage() {
        // 2021 keys (PLR 13100101) in a series in LOR 2006.
        let dated = dated(&[(2024, 6, "RAUMID;E_E\n13100101;5\n")]);
        assert_eq!(translations(&dated, None, None).unwrap(), [None]);
        let e = translations(&dated, Some(Vintage::Lor2006), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2024-6 (2024-06) has LOR 2021 keys and the series is in LOR 2006: give a crosswalk LOR 2021 → LOR 2006"
        );
    }

    #[test]
    fn translation_needs_the_other_vintage_and_reports_weights() {
        let w = |s: &str, t: &str, x: f64| Weight {
            source: s.into(),
            target: t.into(),
            weight: x,
        };
        // 2006 PLR → 2021 PLR; 04030418 goes only 0.9 anywhere.
        let chain = WeightTable::new(
            "plr",
            vec![
                w("04030417", "04100101", 1.0),
                w("04030418", "04100101", 0.5),
                w("04030418", "04100102", 0.4),
            ],
        );
        let (t, warnings) = Translation::new(chain.clone(), Vintage::Lor2021).unwrap();
        assert_eq!(t.from, Vintage::Lor2006);
        assert!(warnings.iter().any(|x| x.message
            == "the weights of 1 units of the crosswalk do not add up to 1 (used as given): 04030418 (Σ 0.9000)"));
        let e = Translation::new(chain, Vintage::Lor2006).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "--vintage LOR 2006: the crosswalk's source keys are already LOR 2006"
            ),
            "{e}"
        );
        let d = dated(&[(2020, 12, "RAUMID;E_E\n04030417;5\n")]);
        assert!(needs_translation(&d, Some(Vintage::Lor2021)));
        assert!(!needs_translation(&d, Some(Vintage::Lor2006)));
        assert!(!needs_translation(&d, None));
    }
}
