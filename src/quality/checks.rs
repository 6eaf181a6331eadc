//! Coverage and consistency of a statistics table: keys against the
//! reference list of PLR, the vintage, and the file's own totals.

use std::collections::BTreeSet;

use crate::error::{examples, Warnings};
use crate::table::key::Level;
use crate::table::names::Names;
use crate::table::stats::{ColumnType, StatTable};

/// An identity the figures of one row must satisfy: `total = Σ parts`.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub total: String,
    pub parts: Vec<String>,
    pub label: &'static str,
}

/// Is `name` an age band column of the statistics office (`E_E00_01`,
/// `E_E95_110`) or an age group column (`E_EU1`, `E_E1U6`, `E_E80U110`)?
fn age_column(name: &str) -> Option<bool> {
    let rest = name.strip_prefix("E_E")?;
    if rest.is_empty() {
        return None;
    }
    let is_band = rest.split('_').count() == 2
        && rest
            .split('_')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let is_group = rest.split('U').count() == 2
        && rest.split('U').enumerate().all(|(i, p)| {
            (i == 0 && p.is_empty() || !p.is_empty()) && p.bytes().all(|b| b.is_ascii_digit())
        });
    if is_band {
        Some(true)
    } else if is_group {
        Some(false)
    } else {
        None
    }
}

/// The identities that apply to the columns of `table`: for the statistics
/// office's population files `E_E = E_EM + E_EW`, `E_E = Σ age bands`,
/// `E_E = Σ age groups`.
pub fn identities(table: &StatTable) -> Vec<Identity> {
    let has = |n: &str| {
        table
            .column(n)
            .is_some_and(|c| c.kind == ColumnType::Numeric)
    };
    let mut out = Vec::new();
    if has("E_E") && has("E_EM") && has("E_EW") {
        out.push(Identity {
            total: "E_E".into(),
            parts: vec!["E_EM".into(), "E_EW".into()],
            label: "male + female",
        });
    }
    if has("E_E") {
        let bands: Vec<String> = table
            .columns
            .iter()
            .filter(|c| age_column(&c.name) == Some(true))
            .map(|c| c.name.clone())
            .collect();
        let groups: Vec<String> = table
            .columns
            .iter()
            .filter(|c| age_column(&c.name) == Some(false))
            .map(|c| c.name.clone())
            .collect();
        if bands.len() >= 2 {
            out.push(Identity {
                total: "E_E".into(),
                parts: bands,
                label: "age bands",
            });
        }
        if groups.len() >= 2 {
            out.push(Identity {
                total: "E_E".into(),
                parts: groups,
                label: "age groups",
            });
        }
    }
    if has("inhabitants") && has("inhabitants_female") && has("inhabitants_male") {
        out.push(Identity {
            total: "inhabitants".into(),
            parts: vec!["inhabitants_male".into(), "inhabitants_female".into()],
            label: "male + female",
        });
    }
    out
}

/// Rows where the file's own totals disagree with their parts.
pub fn check_totals(table: &StatTable) -> Warnings {
    let mut warnings = Warnings::default();
    for id in identities(table) {
        let total = table.column(&id.total).expect("checked");
        let parts: Vec<_> = id
            .parts
            .iter()
            .map(|p| table.column(p).expect("checked"))
            .collect();
        let mut bad = Vec::new();
        for i in 0..table.len() {
            let Some(t) = total.cells[i].num() else {
                continue;
            };
            let vals: Option<Vec<f64>> = parts.iter().map(|p| p.cells[i].num()).collect();
            let Some(vals) = vals else { continue };
            let s: f64 = vals.iter().sum();
            if (s - t).abs() > 1e-9 * t.abs().max(1.0) {
                bad.push(format!(
                    "{} ({} {}: {} = {t}, {} = {s})",
                    table.keys[i], table.line_word, table.lines[i], id.total, id.label
                ));
            }
        }
        if !bad.is_empty() {
            warnings.push(
                crate::error::WarningCode::Totals,
                format!(
                    "{}: in {} rows {} is not the sum of the {} ({}): {}",
                    table.source,
                    bad.len(),
                    id.total,
                    id.label,
                    examples(&id.parts, 4),
                    examples(&bad, 3)
                ),
            );
        }
    }
    warnings
}

/// Keys of the table against the reference units, and the vintage.
pub fn check_coverage(table: &StatTable, reference: Option<&Names>) -> Warnings {
    let mut warnings = Warnings::default();
    if let Some((vintage, odd)) = table.vintage() {
        if !odd.is_empty() && table.level <= Level::Pgr {
            warnings.push(
                crate::error::WarningCode::Vintage,
                format!(
                    "{}: most keys are {vintage} keys, but {} are not: {}. Are units of two LOR vintages mixed?",
                    table.source,
                    odd.len(),
                    examples(&odd, 5)
                ),
            );
        }
    }
    let Some(reference) = reference else {
        return warnings;
    };
    if reference.is_empty() {
        return warnings;
    }
    let keys: BTreeSet<&str> = table.keys.iter().map(String::as_str).collect();
    let unknown: Vec<String> = table
        .keys
        .iter()
        .zip(&table.lines)
        .filter(|(k, _)| !reference.units.contains(*k))
        .map(|(k, l)| format!("{k} ({} {l})", table.line_word))
        .collect();
    if !unknown.is_empty() {
        warnings.push(
                crate::error::WarningCode::UnknownKey,
            format!(
                "{}: {} of {} keys are not in the reference {} (wrong vintage, a typo, or no geometry there): {}",
                table.source,
                unknown.len(),
                table.len(),
                reference.source,
                examples(&unknown, 5)
            ),
        );
    }
    let missing: Vec<String> = reference
        .units
        .iter()
        .filter(|u| !keys.contains(u.as_str()))
        .map(|u| match reference.name(u) {
            Some(n) => format!("{u} {n}"),
            None => u.clone(),
        })
        .collect();
    if !missing.is_empty() {
        warnings.push(
            crate::error::WarningCode::MissingPlr,
            format!(
                "{}: {} of the {} {} in {} have no row; the totals of their units lack them: {}",
                table.source,
                missing.len(),
                reference.units.len(),
                table.level.german_plural(),
                reference.source,
                examples(&missing, 5)
            ),
        );
    }
    warnings
}

/// The plausibility checks every command runs on statistics before it uses
/// them (`aggregate`, `layout`): keys against the reference units and the
/// vintage ([`check_coverage`]), the file's own totals ([`check_totals`]).
pub fn check_statistics(table: &StatTable, reference: Option<&Names>) -> Warnings {
    let mut w = check_coverage(table, reference);
    w.extend(check_totals(table));
    w
}

/// Count columns with negative values, and share columns outside 0–100.
pub fn check_values(table: &StatTable) -> Warnings {
    use crate::aggregation::rules::share_like_values;
    use crate::table::columns::count_like_name;
    use crate::table::columns::share_like_name;
    let mut w = Warnings::default();
    for (i, c) in table.columns.iter().enumerate() {
        if c.kind != ColumnType::Numeric {
            continue;
        }
        let share =
            share_like_name(&c.name) || (share_like_values(table, i) && !count_like_name(&c.name));
        let bad: Vec<String> = table
            .keys
            .iter()
            .zip(&c.cells)
            .zip(&table.lines)
            .filter_map(|((k, cell), line)| {
                let v = cell.num()?;
                let off = if share {
                    !(0.0..=100.0).contains(&v)
                } else {
                    v < 0.0
                };
                off.then(|| format!("{k} = {v} ({} {line})", table.line_word))
            })
            .collect();
        if !bad.is_empty() {
            let (code, what) = if share {
                (
                    crate::error::WarningCode::ShareRange,
                    "share values outside 0–100 (a rate of change, or not in %?)",
                )
            } else {
                (crate::error::WarningCode::Negative, "negative counts")
            };
            w.push(
                code,
                format!(
                    "{}: column '{}' has {} {what}: {}",
                    table.source,
                    c.name,
                    bad.len(),
                    examples(&bad, 3)
                ),
            );
        }
        let missing = c.cells.iter().filter(|x| x.is_missing()).count();
        if missing > 0 {
            w.push(
                crate::error::WarningCode::MissingValues,
                format!(
                    "{}: column '{}' has {missing} empty or suppressed cells (not zero)",
                    table.source, c.name
                ),
            );
        }
    }
    w
}

/// Geometry of a PLR layer: overlaps between units and gaps inside the
/// covered area larger than `tol_m2`.
pub fn check_layer(layer: &crate::spatial::geometry::Layer, tol_m2: f64) -> Warnings {
    use crate::spatial::overlay::SpatialIndex;
    use geo::{Area, BooleanOps};
    let mut w = Warnings::default();
    let index = SpatialIndex::new(layer);
    let mut overlaps = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        for j in index.candidates(
            [f.bbox.min().x, f.bbox.min().y],
            [f.bbox.max().x, f.bbox.max().y],
        ) {
            if j <= i {
                continue;
            }
            let g = &layer.features[j];
            let a = f.geometry.intersection(&g.geometry).unsigned_area();
            if a > tol_m2 {
                overlaps.push((a, format!("{} / {} ({a:.0} m²)", f.id, g.id)));
            }
        }
    }
    if !overlaps.is_empty() {
        overlaps.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        let list: Vec<String> = overlaps.into_iter().map(|(_, s)| s).collect();
        w.push(
            crate::error::WarningCode::Overlap,
            format!(
                "{}: {} pairs of units overlap by more than {tol_m2} m², largest first: {}",
                layer.source,
                list.len(),
                examples(&list, 5)
            ),
        );
    }
    // Gaps: holes in the union of all units.
    // One unit is its own union (and the union of one long-edged polygon
    // can take the overlay engine minutes).
    let union = if layer.features.len() == 1 {
        layer.features[0].geometry.clone()
    } else {
        geo::unary_union(layer.features.iter().map(|f| &f.geometry))
    };
    let mut gaps: Vec<f64> = union
        .0
        .iter()
        .flat_map(|p| {
            p.interiors()
                .iter()
                .map(|r| geo::Polygon::new(r.clone(), vec![]).unsigned_area())
        })
        .filter(|a| *a > tol_m2)
        .collect();
    if !gaps.is_empty() {
        gaps.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
        let list: Vec<String> = gaps.iter().map(|a| format!("{a:.0} m²")).collect();
        w.push(
            crate::error::WarningCode::Gap,
            format!(
                "{}: {} gaps between units larger than {tol_m2} m², largest first: {}",
                layer.source,
                gaps.len(),
                examples(&list, 5)
            ),
        );
    }
    w
}

/// Units of `fine` (e.g. PLR) that reach outside their parent in `coarse`
/// (BZR or PGR, by the key digits) by more than `tol_m2`, or whose parent
/// has no polygon.
pub fn check_nesting(
    fine: &crate::spatial::geometry::Layer,
    coarse: &crate::spatial::geometry::Layer,
    level: Level,
    tol_m2: f64,
) -> Warnings {
    use geo::{Area, BooleanOps};
    let mut w = Warnings::default();
    let mut outside = Vec::new();
    let mut orphans = Vec::new();
    for f in &fine.features {
        let parent = level.parent_of(&f.id);
        match coarse.get(parent) {
            None => orphans.push(format!("{} (no {} {parent})", f.id, level.german())),
            Some(p) => {
                let inside = f.geometry.intersection(&p.geometry).unsigned_area();
                let out = f.area - inside;
                if out > tol_m2 {
                    outside.push(format!("{} ({out:.0} m² outside {parent})", f.id));
                }
            }
        }
    }
    if !outside.is_empty() {
        w.push(
            crate::error::WarningCode::Nesting,
            format!(
                "{}: {} units reach outside their {} in {} by more than {tol_m2} m²: {}",
                fine.source,
                outside.len(),
                level.german(),
                coarse.source,
                examples(&outside, 5)
            ),
        );
    }
    if !orphans.is_empty() {
        w.push(
            crate::error::WarningCode::Nesting,
            format!(
                "{}: {} units have no parent polygon in {}: {}",
                fine.source,
                orphans.len(),
                coarse.source,
                examples(&orphans, 5)
            ),
        );
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::stats::check_vintage;

    #[test]
    fn age_columns() {
        assert_eq!(age_column("E_E00_01"), Some(true));
        assert_eq!(age_column("E_E95_110"), Some(true));
        assert_eq!(age_column("E_EU1"), Some(false));
        assert_eq!(age_column("E_E1U6"), Some(false));
        assert_eq!(age_column("E_E80U110"), Some(false));
        assert_eq!(age_column("E_EM"), None);
        assert_eq!(age_column("E_E"), None);
    }

    #[test]
    fn keys_of_the_other_vintage() {
        let text = "RAUMID;E_E\n04030417;1\n04100101;2\n04100102;3\n";
        let opts = crate::table::stats::ReadOptions::default();
        let (t, _) =
            crate::table::stats::read_stats_bytes("st.csv", text.as_bytes(), &opts).unwrap();
        // The flag is named by the caller (the reader says `--vintage`).
        let w = check_vintage(&t, crate::table::key::Vintage::Lor2006, "FLAG");
        let m: Vec<&str> = w.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            m,
            vec!["st.csv: FLAG LOR 2006 but 2 keys look like keys of the other vintage: 04100101, 04100102"]
        );
        assert!(check_vintage(&t, crate::table::key::Vintage::Lor2021, "FLAG").has("vintage"));
    }
}
