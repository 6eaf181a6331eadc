//! Chains of weight tables (`lor translate --crosswalk A --crosswalk B`):
//! linking them with their checks, the coverage of a statistics table, and
//! the LOR level of the targets.

use crate::error::{examples, WarningCode, Warnings};
use crate::mapping::weights::WeightTable;
use crate::table::key::Level;
use crate::table::stats::StatTable;

/// Append `next` to a chain; `source` names its file and `position` its
/// place in the chain (first = 1). Reports keys that are both renamed and
/// targets of a rename (a cycle?) and units the chain produces that `next`
/// has no row for.
pub fn link(
    chain: Option<WeightTable>,
    next: WeightTable,
    source: &str,
    position: usize,
) -> (WeightTable, Warnings) {
    let mut warnings = Warnings::default();
    let sources = next.sources();
    let cyclic: Vec<&str> = next
        .rows()
        .iter()
        .filter(|w| w.source != w.target && sources.contains(w.target.as_str()))
        .map(|w| w.target.as_str())
        .collect();
    if !cyclic.is_empty() {
        warnings.push(
            WarningCode::Cycle,
            format!(
                "{source}: keys are both renamed and targets of a rename (a cycle?): {}",
                examples(&cyclic, 5)
            ),
        );
    }
    let linked = match chain {
        None => next,
        Some(prev) => {
            let gaps: Vec<&str> = prev
                .targets()
                .into_iter()
                .filter(|k| !sources.contains(k))
                .collect();
            if !gaps.is_empty() {
                warnings.push(
                    WarningCode::ChainGap,
                    format!(
                        "table {position} of the chain ({source}) has no row for {} units the table before it produces: {}",
                        gaps.len(),
                        examples(&gaps, 5)
                    ),
                );
            }
            prev.then(&next)
        }
    };
    (linked, warnings)
}

/// Keys of the statistics the chain does not know (their figures would be
/// in no target), and sources whose weights do not add up to 1. No key
/// known at all is an error: the crosswalk is for other units, and the
/// table would hold nobody.
pub fn check_coverage(table: &StatTable, chain: &WeightTable) -> anyhow::Result<Warnings> {
    let mut warnings = Warnings::default();
    let sources = chain.sources();
    let unknown: Vec<&str> = table
        .keys
        .iter()
        .map(String::as_str)
        .filter(|k| !sources.contains(k))
        .collect();
    if !table.keys.is_empty() && unknown.len() == table.keys.len() {
        let known: Vec<&str> = sources.iter().copied().collect();
        return Err(crate::error::input_error(format!(
            "{}: none of its {} keys is in the crosswalk (e.g. {}; the crosswalk's units are e.g. {}): is it the crosswalk for these statistics?",
            table.source,
            table.keys.len(),
            examples(&unknown, 3),
            examples(&known, 3)
        )));
    }
    if !unknown.is_empty() {
        warnings.push(
            WarningCode::UnknownKey,
            format!(
                "{}: {} keys are not in the crosswalk, so their figures are in no target unit: {}",
                table.source,
                unknown.len(),
                examples(&unknown, 5)
            ),
        );
    }
    let keys: std::collections::BTreeSet<&str> = table.keys.iter().map(String::as_str).collect();
    let off: Vec<String> = chain
        .incomplete_sources(1e-6)
        .into_iter()
        .filter(|(k, _)| keys.contains(k))
        .map(|(k, w)| format!("{k} (Σ {w:.4})"))
        .collect();
    if !off.is_empty() {
        warnings.push(
            WarningCode::Weights,
            format!(
                "the weights of {} units do not add up to 1 (used as given, not renormalised; figures are lost or invented): {}",
                off.len(),
                examples(&off, 5)
            ),
        );
    }
    Ok(warnings)
}

/// The LOR level of the chain's targets, by the length of the first, when
/// they are all digits (2021 PGR keys → Prognoseräume); `None` for other
/// units.
pub fn target_level(chain: &WeightTable) -> Option<Level> {
    let targets = chain.targets();
    let first = targets.first()?;
    let level = Level::from_digits(first.len())?;
    targets
        .iter()
        .all(|k| k.bytes().all(|b| b.is_ascii_digit()))
        .then_some(level)
}
