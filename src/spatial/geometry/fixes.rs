//! Wrong and duplicate ids: the corrections given on the command line
//! checked, orphans (a feature published under another unit's id that is,
//! by name and area, a unit of the built-in catalogue without a polygon)
//! found and corrected, and features with duplicate ids left out.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::error::{examples, usage_error, Warnings};
use crate::spatial::geometry::ids::same_id;
use crate::spatial::geometry::{Feature, LayerOptions, RawFeature};
use crate::table::key::{normalize_key, Level};
use crate::table::vintage::KeyVintage;

/// Every id correction must name exactly one feature of the layer: a
/// feature number that exists, or a wrong id that only one feature has.
pub(super) fn check_fixes(
    name: &str,
    features: &[RawFeature],
    id_field: &str,
    opts: &LayerOptions,
) -> Result<()> {
    let flag = opts.flag("fix-id");
    for (n, key) in &opts.fix_ids {
        if *n == 0 || *n > features.len() {
            return Err(usage_error(format!(
                "{flag} {n}={key}: {name} has features 1 to {}",
                features.len()
            )));
        }
    }
    for (wrong, key) in &opts.fix_keys {
        let numbers: Vec<usize> = features
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| p.get(id_field).is_some_and(|v| same_id(wrong, v)))
            .map(|(i, _)| i + 1)
            .collect();
        match numbers.len() {
            1 => {}
            0 => {
                return Err(usage_error(format!(
                    "{flag} {wrong}={key}: no feature of {name} has the id {wrong}"
                )))
            }
            _ => {
                return Err(usage_error(format!(
                    "{flag} {wrong}={key}: {} features of {name} have the id {wrong} (features {}); say which one with its number, e.g. {flag} {}={key}",
                    numbers.len(),
                    examples(&numbers, 10),
                    numbers[numbers.len() - 1]
                )))
            }
        }
    }
    check_fix_keys(name, features, id_field, opts)
}

/// A key written by hand must be a key of the layer's kind: of the LOR
/// level of its other ids, and of their vintage where the built-in
/// catalogue decides it. Layers whose ids are not LOR keys of one level
/// (Sozialräume) take any id.
fn check_fix_keys(
    name: &str,
    features: &[RawFeature],
    id_field: &str,
    opts: &LayerOptions,
) -> Result<()> {
    let hand: Vec<(String, &str)> = opts
        .fix_ids
        .iter()
        .map(|(n, k)| (format!("{n}={k}"), k.as_str()))
        .chain(
            opts.fix_keys
                .iter()
                .map(|(w, k)| (format!("{w}={k}"), k.as_str())),
        )
        .collect();
    if hand.is_empty() {
        return Ok(());
    }
    let fixed = |n: usize, stored: &str| {
        opts.fix_ids.iter().any(|(m, _)| *m == n)
            || opts.fix_keys.iter().any(|(w, _)| same_id(w, stored))
    };
    let mut keys: Vec<(Level, String)> = Vec::new();
    for (i, (props, _)) in features.iter().enumerate() {
        let stored = props.get(id_field).map(String::as_str).unwrap_or_default();
        if fixed(i + 1, stored) {
            continue;
        }
        match normalize_key(stored) {
            Ok(k) => keys.push(k),
            Err(_) => return Ok(()),
        }
    }
    let Some(level) = keys.first().map(|k| k.0) else {
        return Ok(());
    };
    if keys.iter().any(|k| k.0 != level) {
        return Ok(());
    }
    let vintage = KeyVintage::of(name, keys.iter().map(|k| k.1.as_str()))
        .vintage()
        .ok()
        .flatten();
    for (given, key) in hand {
        let fits = match normalize_key(key) {
            Ok((l, k)) if l == level => {
                vintage.is_none_or(|v| crate::table::catalogue::get(v).keys.contains(&k))
            }
            _ => false,
        };
        if !fits {
            let kind = match vintage {
                Some(v) => format!("{} {} key", v.label(), level.code().to_uppercase()),
                None => format!(
                    "{}-digit {} key",
                    level.digits(),
                    level.code().to_uppercase()
                ),
            };
            return Err(usage_error(format!(
                "{} {given}: '{key}' is not a {kind} like the other ids of {name} (e.g. {}); write the key of the unit the feature is",
                opts.flag("fix-id"),
                keys[0].1
            )));
        }
    }
    Ok(())
}

/// A feature published under a duplicate id that is, by its name and area,
/// another unit of the built-in LOR catalogue, one that has no polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct OrphanFix {
    /// Feature number (1-based).
    pub number: usize,
    pub name: String,
    /// The id it is published under.
    pub published: String,
    /// The unit it is.
    pub key: String,
    pub area: f64,
    pub catalogue_area: f64,
    pub vintage: crate::table::key::Vintage,
}

/// Relative difference of areas that still counts as the same unit
/// (areas differ slightly between projections and publications).
const ORPHAN_AREA_TOLERANCE: f64 = 0.01;

/// Find orphaned features: of a duplicate id, a feature whose name and area
/// match exactly one catalogue unit of the layer's level that has no
/// feature, and whose area is not that of the unit it is published under.
pub fn orphan_fixes(features: &[Feature]) -> Vec<OrphanFix> {
    let mut by_id: BTreeMap<&str, Vec<&Feature>> = BTreeMap::new();
    for f in features {
        by_id.entry(f.id.as_str()).or_default().push(f);
    }
    if by_id.values().all(|v| v.len() < 2) {
        return Vec::new();
    }
    let Some((cat, _, _)) =
        crate::table::catalogue::for_keys(features.iter().map(|f| f.id.as_str()))
    else {
        return Vec::new();
    };
    let Some(digits) = features
        .first()
        .map(|f| f.id.len())
        .filter(|&d| features.iter().all(|f| f.id.len() == d))
    else {
        return Vec::new();
    };
    let Some(level) = Level::from_digits(digits) else {
        return Vec::new();
    };
    let same_area = |a: f64, b: f64| (a - b).abs() <= ORPHAN_AREA_TOLERANCE * b.max(1.0);
    let same_name = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    let mut out = Vec::new();
    for (id, group) in by_id.iter().filter(|(_, v)| v.len() > 1) {
        for f in group {
            if f.name.is_empty() {
                continue;
            }
            // A feature with the area of the unit it is published under is
            // not the wrong one.
            if cat.area(id).is_some_and(|a| same_area(f.area, a)) {
                continue;
            }
            let matches: Vec<(&str, f64)> = cat
                .units(level)
                .into_iter()
                .filter(|(k, n)| !by_id.contains_key(k) && same_name(n, &f.name))
                .filter_map(|(k, _)| cat.area(k).map(|a| (k, a)))
                .filter(|(_, a)| same_area(f.area, *a))
                .collect();
            if let [(key, a)] = matches[..] {
                out.push(OrphanFix {
                    number: f.number,
                    name: f.name.clone(),
                    published: id.to_string(),
                    key: key.to_string(),
                    area: f.area,
                    catalogue_area: a,
                    vintage: cat.vintage,
                });
            }
        }
    }
    out
}

/// Orphans of a duplicate id that are, by name and area, a unit of the
/// built-in catalogue without a polygon: corrected with the fix-id flag's
/// `auto`, otherwise returned as suggestions for the duplicate-id warning.
pub(super) fn apply_orphan_fixes(
    name: &str,
    features: &mut [Feature],
    opts: &LayerOptions,
    warnings: &mut Warnings,
) -> Vec<String> {
    // Orphans of a duplicate id that are, by name and area, a unit of the
    // built-in catalogue without a polygon: corrected with `--fix-id auto`,
    // otherwise named with the flag that corrects them.
    let orphans = orphan_fixes(features);
    // What each remaining orphan is, for the duplicate-id warning.
    let mut suggestions: Vec<String> = Vec::new();
    // A correction written by hand always wins.
    let by_hand = |o: &OrphanFix| {
        opts.fix_ids.iter().any(|(n, _)| *n == o.number)
            || opts.fix_keys.iter().any(|(_, k)| same_id(k, &o.published))
    };
    for o in orphans.iter().filter(|o| !by_hand(o)) {
        if opts.auto_fix {
            warnings.push(
                crate::error::WarningCode::FixId,
                format!(
                    "{name}: feature {} '{}' ({:.0} m²) is published under {} but is {} {} by name and area ({:.0} m² in the built-in {} catalogue, which has no other polygon for it): read as {} (a known correction; {} none turns it off)",
                    o.number, o.name, o.area, o.published, o.key, o.name, o.catalogue_area,
                    o.vintage.label(), o.key, opts.flag("fix-id")
                ),
            );
            features[o.number - 1].id = o.key.clone();
        } else {
            suggestions.push(format!(
                "feature {} '{}' ({:.0} m²) under {} is {} by name and area ({:.0} m² in the built-in {} catalogue): give {} {}={}",
                o.number, o.name, o.area, o.published, o.key, o.catalogue_area,
                o.vintage.label(), opts.flag("fix-id"), o.number, o.key
            ));
        }
    }
    suggestions
}

/// Duplicate ids: which feature would be right? Both are left out and
/// reported (with the orphan `suggestions`); the units then count as
/// having no geometry.
pub(super) fn drop_duplicates(
    name: &str,
    features: &mut Vec<Feature>,
    opts: &LayerOptions,
    suggestions: &[String],
    warnings: &mut Warnings,
) {
    // Duplicate ids: which feature would be right? Both are left out and
    // reported; the units then count as having no geometry.
    let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for f in features.iter() {
        by_id.entry(f.id.as_str()).or_default().push(f.number);
    }
    let dups: Vec<(String, Vec<usize>)> = by_id
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    if !dups.is_empty() {
        let list: Vec<String> = dups
            .iter()
            .map(|(k, v)| {
                let names: Vec<String> = v
                    .iter()
                    .map(|n| {
                        let f = &features[n - 1];
                        format!("feature {n} '{}' {:.0} m²", f.name, f.area)
                    })
                    .collect();
                format!("{k} ({})", names.join(", "))
            })
            .collect();
        warnings.push(
                crate::error::WarningCode::DuplicateId,
            format!(
                "{name}: {} appear{} more than once; these features are left out, so their units have no geometry (correct a wrong id with {} FEATURE=KEY): {}{}",
                if dups.len() == 1 { "1 id".to_string() } else { format!("{} ids", dups.len()) },
                if dups.len() == 1 { "s" } else { "" },
                opts.flag("fix-id"),
                examples(&list, 5),
                if suggestions.is_empty() {
                    String::new()
                } else {
                    format!(
                        ". {} (such matches are corrected by default; {} none turned that off)",
                        suggestions.join("; "),
                        opts.flag("fix-id")
                    )
                }
            ),
        );
        let dup_ids: std::collections::BTreeSet<String> =
            dups.into_iter().map(|(k, _)| k).collect();
        features.retain(|f| !dup_ids.contains(&f.id));
    }
}
