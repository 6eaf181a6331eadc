//! Points counted more than once: a feature that repeats an earlier one
//! exactly, an id on several points.

use crate::error::{examples, Warnings};
use crate::points::read::KEEP_IDS;

/// Points counted more than once: features that repeat an earlier one
/// exactly, and ids (the id attribute or column, not a name) on several
/// points. Each is counted as it stands; the warning lists them.
#[derive(Debug, Default)]
pub(super) struct Repeats {
    /// Feature (hash of its text) → the first one's label.
    features: std::collections::HashMap<u64, String>,
    /// Id → the first point's label.
    ids: std::collections::HashMap<String, String>,
    /// What repeats, for the message (the first few).
    shown: Vec<String>,
    count: u64,
}

impl Repeats {
    /// A GeoJSON feature with its id value (if the id attribute is an id)
    /// and its label (`K1 (feature 3)`).
    pub(super) fn see_feature(&mut self, f: &geojson::Feature, id: Option<&str>, label: &str) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        serde_json::to_string(f).unwrap_or_default().hash(&mut h);
        match self.features.entry(h.finish()) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let first = e.get().clone();
                self.note(format!("{label} repeats {first} exactly"));
                return;
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(label.to_string());
            }
        }
        if let Some(id) = id {
            self.see_id(id, label);
        }
    }

    /// A point's id value and its label (`P5 (line 7)`).
    pub(super) fn see_id(&mut self, id: &str, label: &str) {
        if id.is_empty() {
            return;
        }
        match self.ids.get(id) {
            Some(first) => {
                let first = first.clone();
                self.note(format!("id '{id}' on {first} and {label}"));
            }
            None => {
                self.ids.insert(id.to_string(), label.to_string());
            }
        }
    }

    fn note(&mut self, what: String) {
        self.count += 1;
        if self.shown.len() < KEEP_IDS {
            self.shown.push(what);
        }
    }

    /// The warning, when something repeats.
    pub(super) fn warn(&self, source: &str, warnings: &mut Warnings) {
        if self.count == 0 {
            return;
        }
        warnings.push(
            crate::error::WarningCode::DuplicatePoint,
            format!(
                "{source}: {} points repeat an earlier point or its id and are counted again (a facility twice in the file?): {}",
                self.count,
                examples(&self.shown, 5)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_features_and_ids_are_named() {
        let f: geojson::Feature = serde_json::from_str(
            r#"{"type":"Feature","properties":{"id":"K1"},"geometry":{"type":"Point","coordinates":[1,2]}}"#,
        )
        .unwrap();
        let mut r = Repeats::default();
        r.see_feature(&f, Some("K1"), "K1 (feature 1)");
        r.see_feature(&f, Some("K1"), "K1 (feature 2)");
        r.see_id("K1", "K1 (feature 3)");
        r.see_id("K2", "K2 (feature 4)");
        r.see_id("", "feature 5");
        r.see_id("", "feature 6");
        assert_eq!(r.count, 2);
        assert_eq!(r.shown[0], "K1 (feature 2) repeats K1 (feature 1) exactly");
        assert_eq!(r.shown[1], "id 'K1' on K1 (feature 1) and K1 (feature 3)");
        let mut w = Warnings::default();
        r.warn("k.geojson", &mut w);
        assert!(w.has("duplicate-point"));
    }
}
