//! Geometry input: polygon layers from GeoJSON and ESRI Shapefile.
//!
//! A [`Layer`] holds one multipolygon per unit, with its id (a LOR key
//! normalised like statistics keys, or a free id such as a Sozialraum name)
//! and its name, already transformed into the metric CRS in which areas and
//! overlays are computed.
//!
//! Reading a layer: the file's features as read ([`geojson`],
//! `shapefile`), then the layer finished (`finish`): the id and name
//! properties found ([`ids`]), every feature's polygons validated
//! ([`validate`]), transformed and repaired (`features`), wrong and
//! duplicate ids dealt with ([`fixes`]).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use geo::{Coord, MultiPolygon, Rect};

use crate::error::{input_error, usage_error, Warnings};
use crate::spatial::crs::Crs;
use crate::spatial::geometry::finish::finish_layer;
use crate::spatial::geometry::geojson::parse_geojson;
use crate::spatial::geometry::shapefile::read_shapefile;
use crate::table::key::Level;

mod features;
mod finish;
pub mod fixes;
pub mod geojson;
pub mod ids;
mod shapefile;
pub mod validate;

/// One polygon unit of a layer.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Normalised LOR key, or the id as written when it is not a LOR key.
    pub id: String,
    pub name: String,
    /// Position in the file (1-based), for messages.
    pub number: usize,
    /// In the layer's working CRS (metres).
    pub geometry: MultiPolygon<f64>,
    pub bbox: Rect<f64>,
    /// Area in m².
    pub area: f64,
}

/// A polygon layer in a metric CRS.
#[derive(Debug, Clone)]
pub struct Layer {
    pub source: String,
    /// The CRS the file is in.
    pub file_crs: Crs,
    /// The CRS of the geometries here (metric).
    pub crs: Crs,
    pub id_field: String,
    pub features: Vec<Feature>,
}

impl Layer {
    pub fn get(&self, id: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.id == id)
    }

    /// The LOR level of the ids, when all of them are LOR keys of one level.
    pub fn lor_level(&self) -> Option<Level> {
        let mut level = None;
        for f in &self.features {
            let l = Level::from_digits(f.id.len())
                .filter(|_| f.id.bytes().all(|b| b.is_ascii_digit()))?;
            if level.is_some_and(|x| x != l) {
                return None;
            }
            level = Some(l);
        }
        level
    }

    /// Keep only the features whose id starts with `prefix` (e.g. a Bezirk).
    pub fn filter_prefix(&mut self, prefix: &str) {
        self.features.retain(|f| f.id.starts_with(prefix));
    }

    pub fn bbox(&self) -> Option<Rect<f64>> {
        let mut it = self.features.iter().map(|f| f.bbox);
        let first = it.next()?;
        Some(it.fold(first, |a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        }))
    }
}

/// How to read a layer.
#[derive(Debug, Clone)]
pub struct LayerOptions {
    pub id_field: Option<String>,
    pub name_field: Option<String>,
    /// Overrides the CRS declared in the file.
    pub crs: Option<Crs>,
    /// The CRS to work in (areas, overlays).
    pub work_crs: Crs,
    /// Corrections of wrong ids: (feature number, 1-based; the right id).
    pub fix_ids: Vec<(usize, String)>,
    /// Corrections of wrong ids by the wrong id itself: (wrong id, right id);
    /// the wrong id must name exactly one feature.
    pub fix_keys: Vec<(String, String)>,
    /// How the caller names this layer's options in messages: the prefix of
    /// its flags, e.g. `--units-` for `--units-crs` and `--units-fix-id`.
    pub flag_prefix: String,
    /// Apply the corrections found by [`fixes::orphan_fixes`], each reported
    /// as a note: on by default, off with `-fix-id none`. A correction
    /// written by hand for a feature always wins.
    pub auto_fix: bool,
}

impl Default for LayerOptions {
    fn default() -> Self {
        LayerOptions {
            id_field: None,
            name_field: None,
            crs: None,
            work_crs: Crs::Utm33,
            fix_ids: Vec::new(),
            fix_keys: Vec::new(),
            flag_prefix: "--".into(),
            auto_fix: true,
        }
    }
}

impl LayerOptions {
    /// The command-line flag for `option` of this layer, e.g. `--units-crs`.
    pub fn flag(&self, option: &str) -> String {
        format!("{}{option}", self.flag_prefix)
    }
}

/// One correction of a wrong feature id, as given on the command line:
/// `124=04030417` (feature number 124, counted from 1, gets the id
/// 04030417) or `06010102=04030417` (the one feature with the id 06010102
/// gets 04030417). The left side is a feature number when it is a plain
/// number below 100000 without a leading zero; otherwise it is an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixId {
    Feature(usize, String),
    Key(String, String),
    /// `auto`: apply every correction the built-in catalogue recognises
    /// (an orphaned feature whose name and area match a unit without
    /// polygon). The default; accepted to say so.
    Auto,
    /// `none`: no correction but those written by hand.
    None,
}

impl FixId {
    /// Parse `N=KEY` or `WRONG=KEY`; `flag` names the option in messages.
    pub fn parse(flag: &str, value: &str) -> Result<FixId> {
        if value.trim().eq_ignore_ascii_case("auto") {
            return Ok(FixId::Auto);
        }
        if value.trim().eq_ignore_ascii_case("none") {
            return Ok(FixId::None);
        }
        let (left, right) = value
            .split_once('=')
            .map(|(l, r)| (l.trim(), r.trim()))
            .filter(|(l, r)| !l.is_empty() && !r.is_empty())
            .ok_or_else(|| {
                usage_error(format!(
                    "{flag} '{value}': write FEATURE=KEY (feature number, e.g. 124=04030417) or WRONG=KEY (e.g. 06010102=04030417), auto or none"
                ))
            })?;
        let number = (!left.starts_with('0') && left.len() < 6)
            .then(|| left.parse::<usize>().ok())
            .flatten();
        Ok(match number {
            Some(n) => FixId::Feature(n, right.to_string()),
            None => FixId::Key(left.to_string(), right.to_string()),
        })
    }

    /// Add this correction to the options of a layer.
    pub fn apply(&self, opts: &mut LayerOptions) {
        match self {
            FixId::Feature(n, k) => opts.fix_ids.push((*n, k.clone())),
            FixId::Key(w, k) => opts.fix_keys.push((w.clone(), k.clone())),
            FixId::Auto => opts.auto_fix = true,
            FixId::None => opts.auto_fix = false,
        }
    }
}

/// Read a polygon layer: GeoJSON (`.geojson`, `.json`) or Shapefile (`.shp`).
///
/// `path` may also be a short name of the bundled geometry (`lor2006:plr`,
/// `bezirke`, …, see [`crate::table::catalogue::SHORT_NAMES`]).
pub fn read_layer(path: &Path, opts: &LayerOptions) -> Result<(Layer, Warnings)> {
    read_layer_in(path, opts, None)
}

/// Read a polygon layer, keeping only the units whose LOR key starts with
/// `keep` (a Bezirk, e.g. `04`) when all ids are LOR keys of one level:
/// the other units are neither validated nor projected (warnings about
/// duplicate ids still cover the whole file). Ids that are not LOR keys
/// are kept whole, as [`crate::table::scope::Bezirk::filter_layer`] does.
pub fn read_layer_in(
    path: &Path,
    opts: &LayerOptions,
    keep: Option<&str>,
) -> Result<(Layer, Warnings)> {
    let resolved = crate::table::catalogue::resolve_layer_path(path)?;
    // Messages name a short name as given, not the folder it resolved to.
    let name = path.display().to_string();
    let path = resolved.as_path();
    if !path.exists() {
        return Err(input_error(format!("{name}: file not found")));
    }
    let ext = crate::table::input::format_extension(path);
    let raw = match ext.as_str() {
        "shp" if crate::table::input::is_gzip(path) => {
            return Err(usage_error(format!(
                "{name}: a compressed Shapefile cannot be read; unpack it (.shp, .dbf, .shx, .prj side by side)"
            )))
        }
        "shp" => read_shapefile(path, opts)?,
        "geojson" | "json" => {
            let text = crate::table::input::read_text(path)?;
            parse_geojson(&name, &text, opts)?
        }
        "dbf" | "shx" | "prj" => {
            return Err(usage_error(format!(
                "{name}: give the .shp file of a Shapefile (the .dbf, .shx and .prj beside it are read with it)"
            )))
        }
        _ => {
            return Err(usage_error(format!(
                "{name}: unknown geometry format '.{ext}'; lor reads GeoJSON (.geojson, .json, also gzip-compressed as .geojson.gz) and Shapefile (.shp)"
            )))
        }
    };
    finish_layer(&name, raw, opts, keep)
}

/// Read two layers at once, the second on another thread (each with its
/// `keep` prefix as in [`read_layer_in`]). Both results are returned, so the
/// caller reports errors in the order of its arguments.
#[allow(clippy::type_complexity)]
pub fn read_two_layers(
    a: (&Path, &LayerOptions, Option<&str>),
    b: (&Path, &LayerOptions, Option<&str>),
) -> (Result<(Layer, Warnings)>, Result<(Layer, Warnings)>) {
    std::thread::scope(|s| {
        let other = s.spawn(|| read_layer_in(b.0, b.1, b.2));
        let first = read_layer_in(a.0, a.1, a.2);
        let second = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (first, second)
    })
}

/// A feature as read: its properties as text, and its geometry or why it has none.
type RawFeature = (BTreeMap<String, String>, Result<MultiPolygon<f64>, String>);

/// Features as read, before ids, validation and projection.
struct RawLayer {
    crs: Option<Crs>,
    crs_declared: Option<String>,
    /// (properties, geometry or why none) per feature.
    features: Vec<RawFeature>,
    /// Unclosed rings closed while reading, by feature number.
    closed: Vec<usize>,
}

/// Rectangles (x0, x1) × (5820000, 5820100) in EPSG:25833, with id `id`
/// and name `N{id}`: the small layers of unit tests across the library.
#[cfg(test)]
pub(crate) fn rectangles(source: &str, rects: &[(&str, f64, f64)]) -> Layer {
    let features: Vec<String> = rects
        .iter()
        .map(|(id, x0, x1)| {
            format!(
                r#"{{"type":"Feature","properties":{{"id":"{id}","name":"N{id}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},5820000],[{x1},5820000],[{x1},5820100],[{x0},5820100],[{x0},5820000]]]}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:25833"}}}},"features":[{}]}}"#,
        features.join(",")
    );
    geojson::read_geojson_str(source, &text, &LayerOptions::default())
        .unwrap()
        .0
}
