//! Chains of weight tables (`lor translate --crosswalk A --crosswalk B`):
//! linking them with their checks, the coverage of a statistics table, and
//! the LOR level of the targets.

use crate::error::{examples, WarningCode, Warnings};
use crate::key::Level;
use crate::stats::StatTable;
use crate::weights::WeightTable;

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
/// in no target), and sources whose weights do not add up to 1.
pub fn check_coverage(table: &StatTable, chain: &WeightTable) -> Warnings {
    let mut warnings = Warnings::default();
    let sources = chain.sources();
    let unknown: Vec<&str> = table
        .keys
        .iter()
        .map(String::as_str)
        .filter(|k| !sources.contains(k))
        .collect();
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
    warnings
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::Weight;

    fn table(rows: &[(&str, &str, f64)]) -> WeightTable {
        WeightTable::new(
            "target",
            rows.iter()
                .map(|(s, t, w)| Weight {
                    source: s.to_string(),
                    target: t.to_string(),
                    weight: *w,
                })
                .collect(),
        )
    }

    #[test]
    fn linking_reports_gaps_and_cycles() {
        let a = table(&[("01011101", "0110", 1.0), ("01011102", "0120", 1.0)]);
        let (c, w) = link(None, a, "a.csv", 1);
        assert!(w.is_empty());
        let b = table(&[("0110", "01", 1.0)]);
        let (c, w) = link(Some(c), b, "b.csv", 2);
        assert!(w.has("chain-gap"), "{w:?}");
        assert!(w.iter().next().unwrap().message.contains("0120"));
        assert_eq!(c.rows().len(), 1);
        let (_, w) = link(
            None,
            table(&[("0101", "0102", 1.0), ("0102", "0103", 1.0)]),
            "k.csv",
            1,
        );
        assert!(w.has("cycle"));
    }

    #[test]
    fn target_levels() {
        assert_eq!(
            target_level(&table(&[("x", "0110", 1.0)])),
            Some(Level::Pgr)
        );
        assert_eq!(target_level(&table(&[("x", "SR1", 1.0)])), None);
        assert_eq!(
            target_level(&table(&[("x", "0110", 1.0), ("y", "SR2", 1.0)])),
            None
        );
    }

    #[test]
    fn coverage_finds_unknown_keys_and_bad_weights() {
        let chain = table(&[("04010101", "0410", 0.5), ("04010102", "0410", 1.0)]);
        let t = crate::point_tables::unit_table(
            "s.csv",
            vec!["04010101".into(), "04010102".into(), "04010103".into()],
            vec![("E_E".into(), vec![Some(1.0), Some(1.0), Some(1.0)])],
        );
        let w = check_coverage(&t, &chain);
        assert!(w.has("unknown-key") && w.has("weights"), "{w:?}");
    }
}
