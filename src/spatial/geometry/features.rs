//! Every feature of a layer read: its id (corrected, normalised), its
//! polygons validated, transformed into the working CRS and repaired where
//! rings cross; units outside `--bezirk` passed over, and all features with
//! unusable geometry named in one error.

use std::collections::BTreeMap;

use anyhow::Result;
use geo::{Area, BoundingRect, Coord, MultiPolygon, Rect};

use crate::error::input_error;
use crate::spatial::crs::{Crs, Transformer};
use crate::spatial::geometry::ids::{one_lor_level, same_id};
use crate::spatial::geometry::validate::validate_polygons;
use crate::spatial::geometry::{Feature, LayerOptions, RawFeature};
use crate::table::key::normalize_key;

/// Features with unusable geometry named in one error, at most.
const BAD_LISTED: usize = 50;

/// What every feature of a layer is read with.
pub(super) struct Reading<'a> {
    pub(super) name: &'a str,
    pub(super) opts: &'a LayerOptions,
    pub(super) id_field: &'a str,
    pub(super) name_field: Option<&'a str>,
    pub(super) file_crs: Crs,
    pub(super) transformer: &'a Transformer,
    /// The ids are LOR keys (normalised).
    pub(super) lor_ids: bool,
}

impl Reading<'_> {
    /// Every feature read, in file order, with the ids of the features
    /// whose polygons were repaired, and `keep` if it applies (the ids are
    /// of one LOR level). Features outside `keep` are placeholders (so that
    /// `features[number - 1]` stays the feature numbered so in messages).
    /// Features whose geometry cannot be used: all of them are named in
    /// one error, not only the first, so that one reading lists everything
    /// to correct.
    pub(super) fn features<'k>(
        &self,
        raw: Vec<RawFeature>,
        keep: Option<&'k str>,
    ) -> Result<(Vec<Feature>, Vec<String>, Option<&'k str>)> {
        // Ids first, so that units outside `keep` are passed over before
        // the geometry work.
        let ids = raw
            .iter()
            .enumerate()
            .map(|(i, (props, _))| self.ids(i + 1, props))
            .collect::<Result<Vec<_>>>()?;
        let keep = keep.filter(|_| one_lor_level(ids.iter().map(|(_, id)| id.as_str())));
        let wanted = wanted_units(&ids, keep);
        let mut features = Vec::with_capacity(raw.len());
        let mut repaired = Vec::new();
        let mut bad: Vec<String> = Vec::new();
        for (i, ((props, geom), ids)) in raw.into_iter().zip(ids).enumerate() {
            if !wanted[i] {
                features.push(Feature::placeholder(ids.1, i + 1));
                continue;
            }
            match self.feature(i + 1, &props, ids, geom, &mut repaired)? {
                Ok(f) => features.push(f),
                Err(why) => bad.push(why),
            }
        }
        unusable_error(self.name, &bad)?;
        Ok((features, repaired, keep))
    }
    /// A feature's id as stored (corrected by the fix options) and as used
    /// (a LOR key normalised); an error when it has none.
    fn ids(&self, number: usize, props: &BTreeMap<String, String>) -> Result<(String, String)> {
        let stored = props.get(self.id_field).cloned().unwrap_or_default();
        let raw_id = match self.opts.fix_ids.iter().find(|(n, _)| *n == number) {
            Some((_, fixed)) => fixed.clone(),
            None => match self
                .opts
                .fix_keys
                .iter()
                .find(|(wrong, _)| same_id(wrong, &stored))
            {
                Some((_, fixed)) => fixed.clone(),
                None => stored,
            },
        };
        let field_label = if self.id_field.starts_with('\u{0}') {
            "id".to_string()
        } else {
            self.id_field.to_string()
        };
        if raw_id.is_empty() {
            return Err(input_error(format!(
                "{}, feature {number}: no id (property '{field_label}' is missing or empty)",
                self.name
            )));
        }
        let id = if self.lor_ids {
            match normalize_key(&raw_id) {
                Ok((_, k)) => k,
                Err(_) => raw_id.clone(),
            }
        } else {
            raw_id.clone()
        };
        Ok((raw_id, id))
    }

    /// One feature (`ids` from [`Reading::ids`]): its polygons validated,
    /// transformed and, where rings cross, repaired within bounds (noted in
    /// `repaired`), its area and bounding box; `Err(why)` inside when its
    /// geometry cannot be used (the caller lists all such features).
    fn feature(
        &self,
        number: usize,
        props: &BTreeMap<String, String>,
        (raw_id, id): (String, String),
        geom: Result<MultiPolygon<f64>, String>,
        repaired: &mut Vec<String>,
    ) -> Result<std::result::Result<Feature, String>> {
        let unusable = |why: &str| Ok(Err(format!("feature {number} (id {raw_id}): {why}")));
        let mut geometry = match geom.and_then(|g| validate_polygons(&g, self.file_crs).map(|_| g))
        {
            Ok(g) => g,
            Err(why) => return unusable(&why),
        };
        self.transformer.multipolygon(&mut geometry)?;
        // Self-intersecting rings, or parts that overlap: resolved under the
        // non-zero fill rule within bounds (`repair`), so areas are well
        // defined; a polygon too intricate to repair quickly is refused.
        // Rings that merely touch come out with the same area and are kept
        // as they are, unreported.
        match crate::spatial::repair::repair(&geometry) {
            Ok(crate::spatial::repair::Repair::Valid) => {}
            Ok(crate::spatial::repair::Repair::Repaired { polygon, .. }) => {
                let before = geometry.unsigned_area();
                let after = polygon.unsigned_area();
                if (before - after).abs() > 1e-9 * before.max(1.0) {
                    repaired.push(format!(
                        "{id} (feature {number}, {before:.0} m² → {after:.0} m²)"
                    ));
                    geometry = polygon;
                }
            }
            Err(why) => return unusable(&why),
        }
        let area = geometry.unsigned_area();
        let Some(bbox) = geometry.bounding_rect() else {
            return unusable("an empty geometry");
        };
        if area <= 0.0 {
            return unusable("the polygon has no area");
        }
        let fname = self
            .name_field
            .and_then(|f| props.get(f))
            .cloned()
            .unwrap_or_default();
        Ok(Ok(Feature {
            id,
            name: fname,
            number,
            geometry,
            bbox,
            area,
        }))
    }
}

/// Which features to read in full: all, or with `keep` those whose id
/// starts with it and those whose id occurs twice (the warning names their
/// areas, and one may be an orphan of a unit inside `keep`).
fn wanted_units(ids: &[(String, String)], keep: Option<&str>) -> Vec<bool> {
    match keep {
        None => vec![true; ids.len()],
        Some(prefix) => {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, id) in ids {
                *seen.entry(id.as_str()).or_default() += 1;
            }
            ids.iter()
                .map(|(_, id)| id.starts_with(prefix) || seen[id.as_str()] > 1)
                .collect()
        }
    }
}

/// One error naming every feature with unusable geometry (at most
/// [`BAD_LISTED`]), or none.
fn unusable_error(name: &str, bad: &[String]) -> Result<()> {
    match bad.len() {
        0 => Ok(()),
        1 => Err(input_error(format!("{name}, {}", bad[0]))),
        n => Err(input_error(format!(
            "{name}: {n} features have geometry that cannot be used:\n  {}{}",
            bad[..n.min(BAD_LISTED)].join("\n  "),
            if n > BAD_LISTED {
                format!("\n  and {} more", n - BAD_LISTED)
            } else {
                String::new()
            }
        ))),
    }
}

impl Feature {
    /// A unit passed over (outside `--bezirk`): no geometry, dropped before
    /// the layer is returned.
    fn placeholder(id: String, number: usize) -> Feature {
        Feature {
            id,
            name: String::new(),
            number,
            geometry: MultiPolygon::new(vec![]),
            bbox: Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }),
            area: 0.0,
        }
    }
}
