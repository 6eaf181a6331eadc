//! Statistics translated through a chain of weight tables (`lor translate`):
//! into the chain's LOR target level and the coarser levels, or into Sozialräume.

use crate::aggregation::aggregate::{
    aggregate, keep_meaningful_key_parts, name_units, MissingPolicy,
};
use crate::aggregation::rules::ColumnRule;
use crate::error::{examples, WarningCode, Warnings};
use crate::mapping::chain::target_level;
use crate::mapping::weights::{ListTable, WeightTable};
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::names::Names;
use crate::table::stats::StatTable;

/// How a statistics table is translated through a chain.
pub struct Translate<'a> {
    pub rules: &'a [ColumnRule],
    pub missing: MissingPolicy,
    /// Names of the target units.
    pub names: Option<&'a Names>,
}

/// A statistics table translated through `chain`: one table for the
/// chain's LOR target level and each coarser level of `wanted` (default:
/// all coarser levels); a finer level cannot be made (reported). Targets
/// that are no LOR keys give one table.
pub fn translate_levels(
    table: &StatTable,
    chain: &WeightTable,
    wanted: Option<&[Level]>,
    how: &Translate,
) -> (Vec<LevelTable>, Warnings) {
    let mut warnings = Warnings::default();
    let mut tables = Vec::new();
    let mut through = |weights: &WeightTable, warnings: &mut Warnings| {
        let (mut t, w) = aggregate(table, how.rules, weights, how.missing);
        warnings.extend(w);
        name_units(&mut t, how.names);
        // The source's key parts are another vintage's digits.
        keep_meaningful_key_parts(&mut t, None);
        tables.push(t);
    };
    let Some(tl) = target_level(chain) else {
        through(chain, &mut warnings);
        return (tables, warnings);
    };
    let mut chain = chain.clone();
    chain.level = tl.code().to_string();
    let targets: Vec<String> = chain.targets().into_iter().map(str::to_string).collect();
    let wanted: Vec<Level> = match wanted {
        Some(l) => l.to_vec(),
        None => Level::ALL.iter().copied().filter(|l| *l >= tl).collect(),
    };
    for l in wanted {
        if l < tl {
            warnings.push(
                WarningCode::Level,
                format!(
                    "the targets are {}; {} cannot be made",
                    tl.german_plural(),
                    l.german_plural()
                ),
            );
        } else if l == tl {
            through(&chain, &mut warnings);
        } else {
            let up = WeightTable::hierarchy(targets.iter().map(String::as_str), l);
            through(&chain.then(&up), &mut warnings);
        }
    }
    (tables, warnings)
}

/// A statistics table translated through `chain` into the Sozialräume of
/// `list` (read from `source`), which may list the targets or coarser LOR
/// units; targets in no Sozialraum are reported.
pub fn translate_to_sozialraum(
    table: &StatTable,
    chain: &WeightTable,
    list: &ListTable,
    source: &str,
    how: &Translate,
) -> (LevelTable, Warnings) {
    let mut warnings = Warnings::default();
    let targets = chain.targets();
    let to_sr = crate::mapping::weights::expand_to(&list.table, targets.iter().copied());
    let missing: Vec<&str> = targets
        .iter()
        .copied()
        .filter(|k| !to_sr.sources().contains(k))
        .collect();
    if !missing.is_empty() {
        warnings.push(
            WarningCode::Unassigned,
            format!(
                "{source}: {} target units are in no Sozialraum: {}",
                missing.len(),
                examples(&missing, 5)
            ),
        );
    }
    let (mut t, w) = aggregate(table, how.rules, &chain.then(&to_sr), how.missing);
    warnings.extend(w);
    t.names = t
        .keys
        .iter()
        .map(|k| list.target_names.get(k).cloned().unwrap_or_default())
        .collect();
    (t, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::chain::{check_coverage, link};
    use crate::mapping::weights::Weight;

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
        let t = crate::points::tables::unit_table(
            "s.csv",
            vec!["04010101".into(), "04010102".into(), "04010103".into()],
            vec![("E_E".into(), vec![Some(1.0), Some(1.0), Some(1.0)])],
        );
        let w = check_coverage(&t, &chain).unwrap();
        assert!(w.has("unknown-key") && w.has("weights"), "{w:?}");
        let none = crate::points::tables::unit_table(
            "s.csv",
            vec!["13100101".into()],
            vec![("E_E".into(), vec![Some(1.0)])],
        );
        let e = check_coverage(&none, &chain).unwrap_err().to_string();
        assert!(
            e.starts_with("s.csv: none of its 1 keys is in the crosswalk (e.g. 13100101; the crosswalk's units are e.g. 04010101, 04010102)"),
            "{e}"
        );
    }

    /// 150 people in two 2006 PLR, with their rules.
    fn people() -> (StatTable, Vec<ColumnRule>) {
        crate::aggregation::rules::planned("RAUMID;E_E\n04030417;100\n04030418;50\n")
    }

    /// The E_E value of each row.
    fn counts(t: &LevelTable) -> Vec<(String, f64)> {
        let c = t.columns.iter().position(|c| c == "E_E").unwrap();
        t.keys
            .iter()
            .zip(&t.rows)
            .map(|(k, r)| match r[c] {
                crate::table::level::Value::Num(x) => (k.clone(), x),
                ref v => panic!("{k}: {v:?}"),
            })
            .collect()
    }

    #[test]
    fn translated_into_the_target_level_and_coarser() {
        let (st, rules) = people();
        let how = Translate {
            rules: &rules,
            missing: MissingPolicy::Propagate,
            names: None,
        };
        let chain = table(&[
            ("04030417", "04100101", 1.0),
            ("04030418", "04100101", 0.6),
            ("04030418", "04100202", 0.4),
        ]);
        let (tables, w) = translate_levels(&st, &chain, None, &how);
        assert!(w.is_empty());
        let levels: Vec<&str> = tables.iter().map(|t| t.level.as_str()).collect();
        assert_eq!(levels, vec!["plr", "bzr", "pgr", "bez", "berlin"]);
        assert_eq!(
            counts(&tables[0]),
            vec![("04100101".into(), 130.0), ("04100202".into(), 20.0)]
        );
        assert_eq!(
            counts(&tables[1]),
            vec![("041001".into(), 130.0), ("041002".into(), 20.0)]
        );
        assert_eq!(counts(&tables[4])[0].1, 150.0);
        // Targets are PGR: PLR cannot be made.
        let pgr = table(&[("04030417", "0410", 1.0), ("04030418", "0410", 1.0)]);
        let (tables, w) = translate_levels(&st, &pgr, Some(&[Level::Plr, Level::Bezirk]), &how);
        assert!(w.has("level"), "{w:?}");
        assert_eq!(tables.len(), 1);
        assert_eq!(counts(&tables[0]), vec![("04".into(), 150.0)]);
        // Other targets: one table, the chain's own level.
        let other = table(&[("04030417", "Nord", 1.0), ("04030418", "Nord", 1.0)]);
        let (tables, _) = translate_levels(&st, &other, None, &how);
        assert_eq!(tables.len(), 1);
        assert_eq!(counts(&tables[0]), vec![("Nord".into(), 150.0)]);

        // Sozialräume listed by BZR: 041002 is in none.
        let list = ListTable {
            table: WeightTable::new(
                "sozialraum",
                vec![crate::mapping::weights::Weight {
                    source: "041001".into(),
                    target: "SR1".into(),
                    weight: 1.0,
                }],
            ),
            key_level: Level::Bzr,
            target_names: [("SR1".to_string(), "Nord".to_string())].into(),
        };
        let (t, w) = translate_to_sozialraum(&st, &chain, &list, "sr.csv", &how);
        assert!(w
            .iter()
            .any(|x| x.message == "sr.csv: 1 target units are in no Sozialraum: 04100202"));
        assert_eq!(counts(&t), vec![("SR1".into(), 130.0)]);
        assert_eq!(t.names, vec!["Nord".to_string()]);
    }
}
