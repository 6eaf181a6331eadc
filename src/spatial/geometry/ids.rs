//! Which property holds a layer's ids and which its names, whether the ids
//! are LOR keys, and when two spellings are one id.

use anyhow::Result;

use crate::error::{examples, input_error, usage_error};
use crate::spatial::geometry::{LayerOptions, RawFeature};
use crate::table::key::{normalize_key, Level};

const ID_FIELDS: &[&str] = &[
    "id",
    "plr_id",
    "plr-id",
    "plr",
    "raumid",
    "schlüssel",
    "schluessel",
    "schl",
    "key",
    "lor",
    "bzr_id",
    "pgr_id",
    "sozialraum",
    "sr",
    "sr_id",
    "nr",
    "nummer",
    "code",
];

pub(super) const NAME_FIELDS: &[&str] = &[
    "name",
    "plr_name",
    "plrname",
    "bzr_name",
    "pgr_name",
    "sozialraum_name",
    "sr_name",
    "bezeichnung",
    "planungsraum",
    "bezirksregion",
    "prognoseraum",
    "gebiet",
];

/// Pick the property that holds the ids.
pub(super) fn choose_field(
    name: &str,
    features: &[RawFeature],
    given: Option<&str>,
    candidates: &[&str],
    what: &str,
) -> Result<Option<String>> {
    let keys: Vec<&String> = {
        let mut all: Vec<&String> = features.iter().flat_map(|(p, _)| p.keys()).collect();
        all.sort();
        all.dedup();
        all
    };
    if let Some(g) = given {
        return keys
            .iter()
            .find(|k| k.as_str() == g)
            .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case(g)))
            .map(|k| Some(k.to_string()))
            .ok_or_else(|| {
                usage_error(format!(
                    "{name}: no property '{g}'; the features have: {}",
                    examples(
                        &keys
                            .iter()
                            .filter(|k| !k.starts_with('\u{0}'))
                            .collect::<Vec<_>>(),
                        30
                    )
                ))
            });
    }
    for c in candidates {
        if let Some(k) = keys.iter().find(|k| k.to_lowercase() == *c) {
            return Ok(Some(k.to_string()));
        }
    }
    if what == "id" && keys.iter().any(|k| k.as_str() == "\u{0}feature-id") {
        return Ok(Some("\u{0}feature-id".into()));
    }
    Ok(None)
}

/// Two spellings of one id: equal as text or as the same LOR key.
pub(super) fn same_id(a: &str, b: &str) -> bool {
    let norm = |s: &str| match normalize_key(s.trim()) {
        Ok((_, k)) => k,
        Err(_) => s.trim().to_string(),
    };
    a.trim() == b.trim() || norm(a) == norm(b)
}

/// The property that holds the features' ids: given, or found among the
/// usual names; an error naming the properties there are otherwise.
pub(super) fn layer_id_field(
    name: &str,
    features: &[RawFeature],
    opts: &LayerOptions,
) -> Result<String> {
    choose_field(name, features, opts.id_field.as_deref(), ID_FIELDS, "id")?.ok_or_else(|| {
        let mut keys: Vec<&String> = features.iter().flat_map(|(p, _)| p.keys()).collect();
        keys.sort();
        keys.dedup();
        input_error(format!(
            "{name}: no id property found; the features have: {}. Name it with {}",
            examples(&keys, 30),
            opts.flag("id-field")
        ))
    })
}

/// Are these the ids of LOR units, so that a lost leading zero may be
/// restored (`1011101` → `01011101`)? Only when some id already has the full
/// length of a LOR key (2, 4, 6 or 8 digits): a layer of postcodes (`10115`)
/// or other codes of odd length keeps its ids as written.
pub fn ids_look_like_lor_keys<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
    let mut full = false;
    for id in ids {
        let t = id.trim();
        let t = t.strip_suffix(".0").unwrap_or(t);
        let digits: String = t.chars().filter(|c| !matches!(c, ' ' | '\u{a0}')).collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if matches!(digits.len(), 2 | 4 | 6 | 8) {
            full = true;
        }
    }
    full
}

/// Are all ids LOR keys (digits only) of one level?
pub(super) fn one_lor_level<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
    let mut level = None;
    for id in ids {
        let Some(l) =
            Level::from_digits(id.len()).filter(|_| id.bytes().all(|b| b.is_ascii_digit()))
        else {
            return false;
        };
        if level.is_some_and(|x| x != l) {
            return false;
        }
        level = Some(l);
    }
    level.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_id_property_is_named_when_none_is_found() {
        let props = |k: &str| BTreeMap::from([(k.to_string(), "1".to_string())]);
        let raw: Vec<RawFeature> = vec![
            (props("Name"), Err("none".into())),
            (props("Flaeche"), Err("none".into())),
        ];
        let opts = LayerOptions::default();
        let e = layer_id_field("t.geojson", &raw, &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "t.geojson: no id property found; the features have: Flaeche, Name. Name it with {}",
                opts.flag("id-field")
            )
        );
        let raw: Vec<RawFeature> = vec![(props("PLR_ID"), Err("none".into()))];
        assert_eq!(layer_id_field("t.geojson", &raw, &opts).unwrap(), "PLR_ID");
    }
}
