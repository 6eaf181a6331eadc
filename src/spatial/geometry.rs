//! Geometry input: polygon layers from GeoJSON and ESRI Shapefile.
//!
//! A [`Layer`] holds one multipolygon per unit, with its id (a LOR key
//! normalised like statistics keys, or a free id such as a Sozialraum name)
//! and its name, already transformed into the metric CRS in which areas and
//! overlays are computed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use geo::{Area, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};
use serde_json::Value as Json;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::spatial::crs::{Crs, Transformer};
use crate::table::key::{normalize_key, Level};

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
    /// Apply the corrections found by [`orphan_fixes`] (`-fix-id auto`),
    /// each reported as a warning.
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
            auto_fix: false,
        }
    }
}

impl LayerOptions {
    /// The command-line flag for `option` of this layer, e.g. `--units-crs`.
    pub fn flag(&self, option: &str) -> String {
        format!("{}{option}", self.flag_prefix)
    }
}

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
const NAME_FIELDS: &[&str] = &[
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
    /// (an orphaned feature whose name and area match a unit without polygon).
    Auto,
}

impl FixId {
    /// Parse `N=KEY` or `WRONG=KEY`; `flag` names the option in messages.
    pub fn parse(flag: &str, value: &str) -> Result<FixId> {
        if value.trim().eq_ignore_ascii_case("auto") {
            return Ok(FixId::Auto);
        }
        let (left, right) = value
            .split_once('=')
            .map(|(l, r)| (l.trim(), r.trim()))
            .filter(|(l, r)| !l.is_empty() && !r.is_empty())
            .ok_or_else(|| {
                usage_error(format!(
                    "{flag} '{value}': write FEATURE=KEY (feature number, e.g. 124=04030417) or WRONG=KEY (e.g. 06010102=04030417), or auto"
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

/// Read GeoJSON text (a FeatureCollection of Polygon/MultiPolygon features).
pub fn read_geojson_str(name: &str, text: &str, opts: &LayerOptions) -> Result<(Layer, Warnings)> {
    let raw = parse_geojson(name, text, opts)?;
    finish_layer(name, raw, opts, None)
}

fn json_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_string()),
        Json::Number(n) => Some(match n.as_i64() {
            Some(i) => i.to_string(),
            None => {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{}", f as i64)
                } else {
                    f.to_string()
                }
            }
        }),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn ring(coords: &[geojson::Position], closed: &mut bool) -> Result<LineString<f64>, String> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(coords.len() + 1);
    for p in coords {
        if p.len() < 2 {
            return Err("a position with fewer than two coordinates".into());
        }
        let (x, y) = (p[0], p[1]);
        if !x.is_finite() || !y.is_finite() {
            return Err("a coordinate that is not a finite number".into());
        }
        pts.push(Coord { x, y });
    }
    if pts.len() >= 2 && pts.first() != pts.last() {
        *closed = true;
        pts.push(pts[0]);
    }
    if pts.len() < 4 {
        return Err(format!(
            "a ring with {} positions (a closed ring needs at least 4)",
            coords.len()
        ));
    }
    Ok(LineString::new(pts))
}

fn polygon(rings: &[Vec<geojson::Position>], closed: &mut bool) -> Result<Polygon<f64>, String> {
    let mut it = rings.iter();
    let ext = it.next().ok_or("a polygon without rings")?;
    let ext = ring(ext, closed)?;
    let holes = it.map(|r| ring(r, closed)).collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(ext, holes))
}

fn parse_geojson(name: &str, text: &str, opts: &LayerOptions) -> Result<RawLayer> {
    use geojson::{GeoJson, GeometryValue};
    let gj: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| input_error(format!("{name}: not valid GeoJSON: {e}")))?;
    let fc = match gj {
        GeoJson::FeatureCollection(fc) => fc,
        GeoJson::Feature(f) => geojson::FeatureCollection::from_iter([f]),
        GeoJson::Geometry(_) => {
            return Err(input_error(format!(
                "{name}: a bare geometry without properties; lor needs a FeatureCollection whose features have an id"
            )))
        }
    };
    // The legacy `crs` member: {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}}.
    let crs_declared = fc
        .foreign_members
        .as_ref()
        .and_then(|m| m.get("crs"))
        .and_then(|c| c.get("properties"))
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let crs = match (&opts.crs, &crs_declared) {
        (Some(c), _) => Some(*c),
        (None, Some(d)) => Some(Crs::parse(d).ok_or_else(|| {
            input_error(format!(
                "{name}: unknown CRS '{d}'; lor knows EPSG:4326, EPSG:25833, EPSG:25832 and EPSG:3068 (give one with {} if the declaration is wrong)",
                opts.flag("crs")
            ))
        })?),
        (None, None) => None,
    };
    let mut features = Vec::with_capacity(fc.features.len());
    let mut closed_list = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let mut props = BTreeMap::new();
        if let Some(id) = f.id.as_ref() {
            let v = match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => {
                    json_text(&Json::Number(n.clone())).unwrap_or_default()
                }
            };
            props.insert("\u{0}feature-id".to_string(), v);
        }
        if let Some(p) = &f.properties {
            for (k, v) in p {
                if let Some(t) = json_text(v) {
                    props.insert(k.clone(), t);
                }
            }
        }
        let mut closed = false;
        let geom = match f.geometry.as_ref().map(|g| &g.value) {
            None => Err("no geometry (null)".to_string()),
            Some(GeometryValue::Polygon { coordinates }) => {
                if coordinates.is_empty() {
                    Err("an empty Polygon".to_string())
                } else {
                    polygon(coordinates, &mut closed).map(|p| MultiPolygon::new(vec![p]))
                }
            }
            Some(GeometryValue::MultiPolygon { coordinates }) => {
                if coordinates.is_empty() {
                    Err("an empty MultiPolygon".to_string())
                } else {
                    coordinates
                        .iter()
                        .map(|p| polygon(p, &mut closed))
                        .collect::<Result<Vec<_>, _>>()
                        .map(MultiPolygon::new)
                }
            }
            Some(other) => Err(format!(
                "a {} where a Polygon or MultiPolygon is expected",
                other.type_name()
            )),
        };
        if closed {
            closed_list.push(i + 1);
        }
        features.push((props, geom));
    }
    Ok(RawLayer {
        crs,
        crs_declared,
        features,
        closed: closed_list,
    })
}

fn read_shapefile(path: &Path, opts: &LayerOptions) -> Result<RawLayer> {
    let name = path.display().to_string();
    if !path.with_extension("dbf").exists() {
        return Err(input_error(format!(
            "{name}: the .dbf file with the attributes (ids, names) is missing beside the .shp"
        )));
    }
    let prj = path.with_extension("prj");
    let (crs, crs_declared) = match (&opts.crs, prj.exists()) {
        (Some(c), _) => (Some(*c), None),
        (None, true) => {
            let wkt = std::fs::read_to_string(&prj)
                .map_err(|e| input_error(format!("{}: cannot read: {e}", prj.display())))?;
            let c = Crs::from_wkt(&wkt).ok_or_else(|| {
                input_error(format!(
                    "{}: unknown CRS in the .prj file; lor knows EPSG:4326, 25833, 25832 and 3068 (give one with {})",
                    prj.display(),
                    opts.flag("crs")
                ))
            })?;
            (Some(c), Some(wkt.chars().take(60).collect::<String>()))
        }
        (None, false) => {
            return Err(input_error(format!(
                "{name}: the .prj file with the coordinate reference system is missing; give the CRS with {crs} (e.g. {crs} EPSG:25833)",
                crs = opts.flag("crs")
            )))
        }
    };
    check_shp_records(path, &name)?;
    let mut reader = shapefile::Reader::from_path(path)
        .map_err(|e| input_error(format!("{name}: cannot read Shapefile: {e}")))?;
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) =
            item.map_err(|e| input_error(format!("{name}, feature {}: cannot read: {e}", i + 1)))?;
        let mut props = BTreeMap::new();
        for (k, v) in record {
            use shapefile::dbase::FieldValue as F;
            let t = match v {
                F::Character(Some(s)) | F::Memo(s) => Some(s.trim().to_string()),
                F::Numeric(Some(n)) | F::Double(n) | F::Currency(n) => Some(if n.fract() == 0.0 {
                    format!("{}", n as i64)
                } else {
                    n.to_string()
                }),
                F::Float(Some(n)) => Some(n.to_string()),
                F::Integer(n) => Some(n.to_string()),
                _ => None,
            };
            if let Some(t) = t {
                props.insert(k, t);
            }
        }
        let geom = match shape {
            shapefile::Shape::Polygon(p) => shp_polygon(p.rings(), |q| (q.x, q.y)),
            shapefile::Shape::PolygonZ(p) => shp_polygon(p.rings(), |q| (q.x, q.y)),
            shapefile::Shape::PolygonM(p) => shp_polygon(p.rings(), |q| (q.x, q.y)),
            shapefile::Shape::NullShape => Err("no geometry (null shape)".to_string()),
            other => Err(format!(
                "a {} where a Polygon is expected",
                other.shapetype()
            )),
        };
        features.push((props, geom));
    }
    // A .dbf with fewer (or more) records than the .shp has shapes would
    // silently drop polygons or attributes.
    let shapes = reader.shape_count().ok();
    let records = dbf_record_count(&path.with_extension("dbf"));
    if let Some(r) = records.filter(|r| *r != features.len()) {
        return Err(input_error(format!(
            "{name}: the .dbf has {r} records but {} shapes were read{}; the files of the Shapefile do not belong together",
            features.len(),
            shapes.map(|s| format!(" (the .shx lists {s})")).unwrap_or_default()
        )));
    }
    if let Some(s) = shapes.filter(|s| *s != features.len()) {
        return Err(input_error(format!(
            "{name}: the .shx lists {s} shapes but {} were read with their records; the files of the Shapefile do not belong together",
            features.len()
        )));
    }
    Ok(RawLayer {
        crs,
        crs_declared,
        features,
        closed: Vec::new(),
    })
}

/// Walk the record headers of a .shp before the shapefile reader does: a
/// record whose counts of parts or points do not fit its length (a damaged
/// or hostile file) would make the reader reserve gigabytes for a 1 KB file.
/// Reads only the headers (O(records)).
fn check_shp_records(path: &Path, name: &str) -> Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(()); // the reader names the problem
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut f = std::io::BufReader::new(file);
    let damaged = |what: String| input_error(format!("{name}: the .shp is damaged: {what}"));
    // The reader seeks to the offsets in the .shx when there is one, and
    // reads the records one after another otherwise: check the same ones.
    let offsets: Option<Vec<i64>> = std::fs::read(path.with_extension("shx"))
        .ok()
        .filter(|b| b.len() >= 100)
        .map(|b| {
            b[100..]
                .chunks_exact(8)
                .map(|c| i64::from(i32::from_be_bytes([c[0], c[1], c[2], c[3]])) * 2)
                .collect()
        });
    let mut at: u64 = 100;
    let mut number = 0usize;
    loop {
        let pos = match &offsets {
            Some(v) => match v.get(number) {
                Some(&p) if p >= 0 => p as u64,
                _ => break,
            },
            None => at,
        };
        number += 1;
        if pos + 8 > size {
            break;
        }
        f.seek(SeekFrom::Start(pos))
            .map_err(|e| input_error(format!("{name}: cannot read: {e}")))?;
        let mut head = [0u8; 8];
        if f.read_exact(&mut head).is_err() {
            break;
        }
        // Content length in 16-bit words, big endian.
        let words = i32::from_be_bytes([head[4], head[5], head[6], head[7]]);
        let bytes = u64::try_from(words).unwrap_or(u64::MAX).saturating_mul(2);
        if bytes > size - pos - 8 {
            return Err(damaged(format!(
                "record {number} claims {} bytes, more than the file holds",
                i64::from(words) * 2
            )));
        }
        let mut content = [0u8; 44];
        let got = (bytes as usize).min(44);
        f.read_exact(&mut content[..got])
            .map_err(|e| input_error(format!("{name}: cannot read: {e}")))?;
        let int = |o: usize| {
            i32::from_le_bytes([content[o], content[o + 1], content[o + 2], content[o + 3]])
        };
        if got >= 4 {
            // Shape types with parts (polyline, polygon, multipatch; plain,
            // M and Z): bbox, parts, points; multipoints: bbox, points.
            let (parts, points, head) = match int(0) {
                3 | 5 | 13 | 15 | 23 | 25 | 31 if got >= 44 => (int(36), int(40), 44),
                8 | 18 | 28 if got >= 40 => (0, int(36), 40),
                3 | 5 | 13 | 15 | 23 | 25 | 31 | 8 | 18 | 28 => {
                    return Err(damaged(format!(
                        "record {number} has {bytes} bytes, too few for its shape type"
                    )))
                }
                _ => (0, 0, 0),
            };
            let need = head + 4 * i64::from(parts) + 16 * i64::from(points);
            if parts < 0 || points < 0 || need > bytes as i64 {
                return Err(damaged(format!(
                    "record {number} claims {parts} parts and {points} points, more than its {bytes} bytes can hold"
                )));
            }
            // Where each part starts: ascending, within the points (the
            // reader sizes every ring from these).
            let mut starts = vec![0u8; 4 * parts as usize];
            f.read_exact(&mut starts)
                .map_err(|e| input_error(format!("{name}: cannot read: {e}")))?;
            let mut last = 0i32;
            for (k, c) in starts.chunks_exact(4).enumerate() {
                let start = i32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                if start < last || start > points || (k == 0 && start != 0) {
                    return Err(damaged(format!(
                        "record {number}: part {} starts at point {start} of {points}",
                        k + 1
                    )));
                }
                last = start;
            }
        }
        at = pos + 8 + bytes;
    }
    Ok(())
}

/// The number of records in a .dbf header (bytes 4–7, little endian).
fn dbf_record_count(path: &Path) -> Option<usize> {
    use std::io::Read;
    let mut head = [0u8; 8];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    Some(u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize)
}

/// A Shapefile polygon as a multipolygon: outer rings start polygons, each
/// inner ring goes to the outer ring that contains it. Rings are checked
/// (at least 4 positions, finite coordinates) instead of trusting the file.
fn shp_polygon<P>(
    rings: &[shapefile::PolygonRing<P>],
    xy: impl Fn(&P) -> (f64, f64),
) -> Result<MultiPolygon<f64>, String> {
    use geo::{coordinate_position::CoordPos, CoordinatePosition};
    let mut shells: Vec<LineString<f64>> = Vec::new();
    let mut holes: Vec<(usize, LineString<f64>)> = Vec::new();
    for (n, r) in rings.iter().enumerate() {
        let pts = r.points();
        let mut line = Vec::with_capacity(pts.len() + 1);
        for q in pts {
            let (x, y) = xy(q);
            if !x.is_finite() || !y.is_finite() {
                return Err(format!(
                    "ring {}: a coordinate that is not a finite number",
                    n + 1
                ));
            }
            line.push(Coord { x, y });
        }
        if line.len() >= 2 && line.first() != line.last() {
            line.push(line[0]);
        }
        if line.len() < 4 {
            return Err(format!(
                "ring {} has {} positions (a closed ring needs at least 4)",
                n + 1,
                pts.len()
            ));
        }
        match r {
            shapefile::PolygonRing::Outer(_) => shells.push(LineString::new(line)),
            shapefile::PolygonRing::Inner(_) => holes.push((n + 1, LineString::new(line))),
        }
    }
    if shells.is_empty() {
        return Err("a polygon with holes but no outer ring".into());
    }
    let mut polys: Vec<Polygon<f64>> = shells
        .into_iter()
        .map(|e| Polygon::new(e, vec![]))
        .collect();
    for (n, h) in holes {
        let at = polys
            .iter()
            .position(|p| {
                h.0.iter()
                    .map(|c| p.coordinate_position(c))
                    .find(|pos| *pos != CoordPos::OnBoundary)
                    == Some(CoordPos::Inside)
            })
            .ok_or_else(|| format!("ring {n} is a hole outside every outer ring"))?;
        polys[at].interiors_push(h);
    }
    Ok(MultiPolygon::new(polys))
}

/// A coordinate for a message: as written for ordinary values, in
/// scientific notation when huge (1e308, not 309 digits).
fn coord_text(v: f64) -> String {
    if v.abs() < 1e12 {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// Check a polygon as read: every vertex plausible for the CRS the file is
/// in (a vertex in another CRS would make areas of thousands of km²), and
/// every hole inside its shell and smaller than it. Crossing rings are
/// found (and repaired) later.
pub fn validate_polygons(mp: &MultiPolygon<f64>, crs: Crs) -> Result<(), String> {
    use geo::{coordinate_position::CoordPos, CoordinatePosition};
    let many = mp.0.len() > 1;
    for (pi, p) in mp.0.iter().enumerate() {
        let part = if many {
            format!("part {}: ", pi + 1)
        } else {
            String::new()
        };
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            for c in &ring.0 {
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(format!("{part}a coordinate that is not a finite number"));
                }
                if !crs.plausible(*c) {
                    let guess = Crs::guess(*c)
                        .filter(|g| *g != crs)
                        .map(|g| format!(" (it looks like {g}: a feature or vertex in another CRS than the rest of the file?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "{part}the vertex ({}, {}) cannot be in {crs}{guess}",
                        coord_text(c.x),
                        coord_text(c.y)
                    ));
                }
            }
        }
        let shell = Polygon::new(p.exterior().clone(), vec![]);
        let shell_area = shell.unsigned_area();
        for (hi, h) in p.interiors().iter().enumerate() {
            let hole_area = Polygon::new(h.clone(), vec![]).unsigned_area();
            if hole_area > shell_area {
                return Err(format!(
                    "{part}hole {} is larger than its outer ring",
                    hi + 1
                ));
            }
            let pos =
                h.0.iter()
                    .map(|c| shell.coordinate_position(c))
                    .find(|pos| *pos != CoordPos::OnBoundary);
            if pos == Some(CoordPos::Outside) {
                return Err(format!("{part}hole {} lies outside its outer ring", hi + 1));
            }
        }
    }
    Ok(())
}

/// Do any two non-adjacent edges of the polygon's rings meet? Edges sorted
/// by x and compared only with those overlapping their x-range keep this
/// O(n log n) for ordinary polygons (one sort, no tree to build), where a
/// full validity check is quadratic. Long diagonal edges (a star) can make
/// almost all x-ranges overlap: after
/// 64 candidate pairs per edge a sweep line (Shamos–Hoey, O(n log n) tests
/// whatever the shape) decides instead.
pub fn rings_cross(mp: &MultiPolygon<f64>) -> bool {
    match rings_cross_rtree(mp) {
        Some(answer) => answer,
        None => rings_cross_sweep(mp),
    }
}

/// Do two edges (with their ring, position and ring length) meet other than
/// at the vertex that neighbouring edges share?
fn edges_meet(
    a: &geo::Line<f64>,
    da: (usize, usize, usize),
    b: &geo::Line<f64>,
    db: (usize, usize, usize),
) -> bool {
    use geo::Intersects;
    let ((r, i, n), (r2, j, _)) = if (da.0, da.1) <= (db.0, db.1) {
        (da, db)
    } else {
        (db, da)
    };
    let (a, b) = if (da.0, da.1) <= (db.0, db.1) {
        (a, b)
    } else {
        (b, a)
    };
    let adjacent = r == r2 && (j == i + 1 || (i == 0 && j + 1 == n));
    if adjacent {
        if j == i + 1 {
            let back = geo::Line::new(a.end, a.start);
            back.intersects(b) && collinear_overlap(a, b)
        } else {
            let back = geo::Line::new(b.end, b.start);
            back.intersects(a) && collinear_overlap(b, a)
        }
    } else {
        a.intersects(b)
    }
}

/// Shamos–Hoey: sweep a vertical line over the edges, keep the edges it
/// cuts ordered by height, and test only neighbours in that order. The first
/// meeting of two edges is always between neighbours, so the answer is exact
/// with O(n log n) tests (inserting into the ordered list is a memmove).
fn rings_cross_sweep(mp: &MultiPolygon<f64>) -> bool {
    use std::cmp::Ordering;
    let mut segs: Vec<(geo::Line<f64>, (usize, usize, usize))> = Vec::new();
    let mut ring_no = 0;
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let n = ring.0.len().saturating_sub(1);
            for (i, l) in ring.lines().enumerate() {
                if l.start != l.end {
                    segs.push((l, (ring_no, i, n)));
                }
            }
            ring_no += 1;
        }
    }
    let lt = |p: Coord<f64>, q: Coord<f64>| (p.x, p.y) < (q.x, q.y);
    // Left and right end of each edge.
    let ends: Vec<(Coord<f64>, Coord<f64>)> = segs
        .iter()
        .map(|(l, _)| {
            if lt(l.start, l.end) {
                (l.start, l.end)
            } else {
                (l.end, l.start)
            }
        })
        .collect();
    // Events: (point, 0 = insert / 1 = remove, edge); inserts first at a point.
    let mut events: Vec<(Coord<f64>, u8, usize)> = Vec::with_capacity(2 * segs.len());
    for (k, (a, b)) in ends.iter().enumerate() {
        events.push((*a, 0, k));
        events.push((*b, 1, k));
    }
    events.sort_by(|x, y| {
        (x.0.x, x.0.y, x.1)
            .partial_cmp(&(y.0.x, y.0.y, y.1))
            .unwrap_or(Ordering::Equal)
    });
    let y_at = |k: usize, x: f64| -> f64 {
        let (a, b) = ends[k];
        if b.x == a.x {
            a.y
        } else {
            a.y + (b.y - a.y) * ((x - a.x) / (b.x - a.x))
        }
    };
    let slope = |k: usize| -> f64 {
        let (a, b) = ends[k];
        if b.x == a.x {
            f64::INFINITY
        } else {
            (b.y - a.y) / (b.x - a.x)
        }
    };
    let meet = |s: usize, t: usize| edges_meet(&segs[s].0, segs[s].1, &segs[t].0, segs[t].1);
    let mut status: Vec<usize> = Vec::new();
    for (p, kind, k) in events {
        if kind == 0 {
            let (y, m) = (p.y, slope(k));
            let at = status.partition_point(|&o| {
                let yo = y_at(o, p.x);
                yo < y || (yo == y && slope(o) < m)
            });
            status.insert(at, k);
            if at > 0 && meet(status[at - 1], k) {
                return true;
            }
            if at + 1 < status.len() && meet(k, status[at + 1]) {
                return true;
            }
        } else {
            // Find the edge near its height; fall back to a scan.
            let start = status.partition_point(|&o| y_at(o, p.x) < p.y - 1e-9 * p.y.abs().max(1.0));
            let at = (start..status.len().min(start + 64))
                .find(|&i| status[i] == k)
                .or_else(|| status.iter().position(|&o| o == k));
            let Some(at) = at else { continue };
            status.remove(at);
            if at > 0 && at < status.len() && meet(status[at - 1], status[at]) {
                return true;
            }
        }
    }
    false
}

/// The quick test: the edges sorted by their left end, each tested against
/// the edges that start before its right end and overlap it in height
/// (sort and sweep; for ordinary rings only a few edges span any x). `None`
/// when the x-ranges overlap too much to tell quickly (a star).
fn rings_cross_rtree(mp: &MultiPolygon<f64>) -> Option<bool> {
    use geo::{Intersects, Line};
    // (edge, min x, max x, min y, max y, (ring number, position, ring length)).
    type Edge = (Line<f64>, [f64; 4], (usize, usize, usize));
    let mut edges: Vec<Edge> = Vec::new();
    let mut ring_no = 0;
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let n = ring.0.len().saturating_sub(1);
            for (i, l) in ring.lines().enumerate() {
                if l.start != l.end {
                    let b = [
                        l.start.x.min(l.end.x),
                        l.start.x.max(l.end.x),
                        l.start.y.min(l.end.y),
                        l.start.y.max(l.end.y),
                    ];
                    edges.push((l, b, (ring_no, i, n)));
                }
            }
            ring_no += 1;
        }
    }
    // Sorted through (left end, index) pairs: cheaper to move than edges.
    let mut order: Vec<(f64, u32)> = edges
        .iter()
        .enumerate()
        .map(|(k, e)| (e.1[0], k as u32))
        .collect();
    order.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let edges: Vec<Edge> = order.iter().map(|&(_, k)| edges[k as usize]).collect();
    let mut budget = 64 * edges.len() + 1024;
    for (k, (a, ba, da)) in edges.iter().enumerate() {
        for (b, bb, db) in &edges[k + 1..] {
            if bb[0] > ba[1] {
                break;
            }
            budget = budget.checked_sub(1)?;
            if bb[3] < ba[2] || bb[2] > ba[3] {
                continue;
            }
            let ((r, i, n), (r2, j, _), a, b) = if (da.0, da.1) <= (db.0, db.1) {
                (*da, *db, a, b)
            } else {
                (*db, *da, b, a)
            };
            let adjacent = r == r2 && (j == i + 1 || (i == 0 && j + 1 == n));
            if adjacent {
                // Neighbouring edges share a vertex; they cross only if they overlap.
                let (x, y) = if j == i + 1 { (a, b) } else { (b, a) };
                let back = Line::new(x.end, x.start);
                if back.intersects(y) && collinear_overlap(x, y) {
                    return Some(true);
                }
                continue;
            }
            if a.intersects(b) {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Two edges sharing an end that run back over each other (a spike).
pub(crate) fn collinear_overlap(a: &geo::Line<f64>, b: &geo::Line<f64>) -> bool {
    let cross = |o: geo::Coord<f64>, p: geo::Coord<f64>, q: geo::Coord<f64>| {
        (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x)
    };
    let shared = if a.end == b.start {
        a.end
    } else {
        return false;
    };
    cross(shared, a.start, b.end) == 0.0 && {
        let da = (a.start.x - shared.x, a.start.y - shared.y);
        let db = (b.end.x - shared.x, b.end.y - shared.y);
        da.0 * db.0 + da.1 * db.1 > 0.0
    }
}

/// Pick the property that holds the ids.
fn choose_field(
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
fn same_id(a: &str, b: &str) -> bool {
    let norm = |s: &str| match normalize_key(s.trim()) {
        Ok((_, k)) => k,
        Err(_) => s.trim().to_string(),
    };
    a.trim() == b.trim() || norm(a) == norm(b)
}

/// Every id correction must name exactly one feature of the layer: a
/// feature number that exists, or a wrong id that only one feature has.
fn check_fixes(
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
    Ok(())
}

/// Features with unusable geometry named in one error, at most.
const BAD_LISTED: usize = 50;

fn finish_layer(
    name: &str,
    raw: RawLayer,
    opts: &LayerOptions,
    keep: Option<&str>,
) -> Result<(Layer, Warnings)> {
    let mut warnings = Warnings::default();
    if raw.features.is_empty() {
        return Err(input_error(format!("{name}: the layer has no features")));
    }
    let id_field = layer_id_field(name, &raw.features, opts)?;
    let name_field = choose_field(
        name,
        &raw.features,
        opts.name_field.as_deref(),
        NAME_FIELDS,
        "name",
    )?;

    let file_crs = layer_crs(name, &raw, opts)?;
    let transformer = Transformer::new(file_crs, opts.work_crs);
    check_fixes(name, &raw.features, &id_field, opts)?;
    let lor_ids = ids_look_like_lor_keys(
        raw.features
            .iter()
            .map(|(props, _)| props.get(&id_field).map(String::as_str).unwrap_or_default()),
    );
    let reading = Reading {
        name,
        opts,
        id_field: &id_field,
        name_field: name_field.as_deref(),
        file_crs,
        transformer: &transformer,
        lor_ids,
    };
    let (mut features, repaired, keep) = reading.features(raw.features, keep)?;
    geometry_warnings(name, &raw.closed, &repaired, &mut warnings);
    let suggestions = apply_orphan_fixes(name, &mut features, opts, &mut warnings);
    drop_duplicates(name, &mut features, opts, &suggestions, &mut warnings);
    if let Some(prefix) = keep {
        features.retain(|f| f.id.starts_with(prefix));
    }
    Ok((
        Layer {
            source: name.to_string(),
            file_crs,
            crs: opts.work_crs,
            id_field: if id_field.starts_with('\u{0}') {
                "id".into()
            } else {
                id_field
            },
            features,
        },
        warnings,
    ))
}

/// The property that holds the features' ids: given, or found among the
/// usual names; an error naming the properties there are otherwise.
fn layer_id_field(name: &str, features: &[RawFeature], opts: &LayerOptions) -> Result<String> {
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

/// Warnings about geometry repaired while reading: unclosed rings closed
/// (`closed`: feature numbers) and invalid polygons resolved (`repaired`).
fn geometry_warnings(name: &str, closed: &[usize], repaired: &[String], warnings: &mut Warnings) {
    if !closed.is_empty() {
        warnings.push(
                crate::error::WarningCode::UnclosedRing,
            format!(
                "{name}: {} features had unclosed rings, closed by repeating the first position: features {}",
                closed.len(),
                examples(closed, 5)
            ),
        );
    }
    if !repaired.is_empty() {
        warnings.push(
                crate::error::WarningCode::InvalidGeometry,
            format!(
                "{name}: {} features had invalid polygons (self-intersections or overlapping parts), repaired by resolving them under the non-zero rule: {}",
                repaired.len(),
                examples(repaired, 5)
            ),
        );
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

/// The CRS of a layer's coordinates: the declared one if the coordinates
/// fit it, WGS84 for GeoJSON without one (RFC 7946); otherwise an error
/// that names what they look like.
fn layer_crs(name: &str, raw: &RawLayer, opts: &LayerOptions) -> Result<Crs> {
    // Which CRS are the coordinates in?
    let first = raw
        .features
        .iter()
        .find_map(|(_, g)| g.as_ref().ok())
        .and_then(|g| g.0.first())
        .map(|p| p.exterior().0[0]);
    Ok(match raw.crs {
        Some(c) => {
            if let Some(p) = first {
                if !c.plausible(p) {
                    let guess = Crs::guess(p)
                        .map(|g| {
                            format!(" They look like {g}; give that with {}.", opts.flag("crs"))
                        })
                        .unwrap_or_default();
                    return Err(input_error(format!(
                        "{name}: the coordinates ({:.1}, {:.1}) cannot be in {c}{}.{guess}",
                        p.x,
                        p.y,
                        raw.crs_declared
                            .as_deref()
                            .map(|d| format!(" (declared as '{d}')"))
                            .unwrap_or_default()
                    )));
                }
            }
            c
        }
        None => {
            // RFC 7946: GeoJSON without a `crs` member is WGS84.
            match first {
                Some(p)
                    if !Crs::Wgs84.plausible(p)
                        && (-180.0..=180.0).contains(&p.x)
                        && (-90.0..=90.0).contains(&p.y) =>
                {
                    return Err(input_error(format!(
                        "{name}: the coordinates ({:.4}, {:.4}) are longitude/latitude far from Berlin; is this the right file?",
                        p.x, p.y
                    )));
                }
                Some(p) if !Crs::Wgs84.plausible(p) => {
                    let guess = Crs::guess(p)
                        .map(|g| {
                            format!(
                                " They look like {g}: give it with {} {g}.",
                                opts.flag("crs")
                            )
                        })
                        .unwrap_or_default();
                    return Err(input_error(format!(
                        "{name}: no CRS is declared and the coordinates ({:.1}, {:.1}) are not WGS84 longitude/latitude.{guess}",
                        p.x, p.y
                    )));
                }
                _ => Crs::Wgs84,
            }
        }
    })
}

/// What every feature of a layer is read with.
struct Reading<'a> {
    name: &'a str,
    opts: &'a LayerOptions,
    id_field: &'a str,
    name_field: Option<&'a str>,
    file_crs: Crs,
    transformer: &'a Transformer,
    /// The ids are LOR keys (normalised).
    lor_ids: bool,
}

impl Reading<'_> {
    /// Every feature read, in file order, with the ids of the features
    /// whose polygons were repaired, and `keep` if it applies (the ids are
    /// of one LOR level). Features outside `keep` are placeholders (so that
    /// `features[number - 1]` stays the feature numbered so in messages).
    /// Features whose geometry cannot be used: all of them are named in
    /// one error, not only the first, so that one reading lists everything
    /// to correct.
    fn features<'k>(
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

/// Orphans of a duplicate id that are, by name and area, a unit of the
/// built-in catalogue without a polygon: corrected with the fix-id flag's
/// `auto`, otherwise returned as suggestions for the duplicate-id warning.
fn apply_orphan_fixes(
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
    for o in &orphans {
        if opts.auto_fix {
            warnings.push(
                crate::error::WarningCode::FixId,
                format!(
                    "{name}: feature {} '{}' ({:.0} m²) is published under {} but is {} {} by name and area ({:.0} m² in the built-in {} catalogue, which has no other polygon for it): read as {} ({} auto)",
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
fn drop_duplicates(
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
                "{name}: {} ids appear more than once; these features are left out, so their units have no geometry (correct a wrong id with {} FEATURE=KEY): {}{}",
                dups.len(),
                opts.flag("fix-id"),
                examples(&list, 5),
                if suggestions.is_empty() {
                    String::new()
                } else {
                    format!(
                        ". {} (or {} auto to apply every such match)",
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
    read_geojson_str(source, &text, &LayerOptions::default())
        .unwrap()
        .0
}

#[cfg(test)]
mod robust_tests {
    use super::*;

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
        let mut w = Warnings::default();
        geometry_warnings("t.geojson", &[2, 5], &[], &mut w);
        assert_eq!(w.len(), 1);
        assert_eq!(
            w.0[0].message,
            "t.geojson: 2 features had unclosed rings, closed by repeating the first position: features 2, 5"
        );
    }

    /// A star of `n` vertices around Berlin's centre (lon/lat), optionally
    /// with its last spike folded across the first (one self-intersection).
    pub(crate) fn star(n: usize) -> String {
        let mut pts = Vec::with_capacity(n + 1);
        for i in 0..n {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            let r = if i % 2 == 0 { 0.01 } else { 0.002 };
            pts.push(format!(
                "[{},{}]",
                13.4 + r * a.cos(),
                52.5 + 0.6 * r * a.sin()
            ));
        }
        pts.push(pts[0].clone());
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"id\":\"01011101\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}]}}",
            pts.join(",")
        )
    }

    #[test]
    fn star_of_20000_vertices_is_validated_quickly() {
        let text = star(20_000);
        let t = std::time::Instant::now();
        let (layer, w) = read_geojson_str("star.geojson", &text, &LayerOptions::default()).unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(secs < 5.0, "{secs} s");
        assert!(w.0.is_empty(), "{:?}", w.0);
        assert_eq!(layer.features[0].geometry.0[0].exterior().0.len(), 20_001);
        // A valid star: the sweep finds no crossing.
        assert!(!rings_cross(&layer.features[0].geometry));
    }

    #[test]
    fn sweep_finds_a_crossing_the_rtree_gives_up_on() {
        // The star with two spikes swapped: their edges cross.
        let (layer, _) =
            read_geojson_str("star.geojson", &star(4000), &LayerOptions::default()).unwrap();
        let mut g = layer.features[0].geometry.clone();
        assert!(!rings_cross_sweep(&g));
        let ring = &mut g.0[0];
        let mut pts = ring.exterior().0.clone();
        pts.swap(1000, 1002);
        *ring = Polygon::new(LineString::new(pts), vec![]);
        assert!(rings_cross_sweep(&g));
        assert!(rings_cross_rtree(&g).unwrap_or(true));
    }

    #[test]
    fn shapefile_rings_empty_or_nan_are_errors() {
        use shapefile::{Point, PolygonRing};
        let sq = |x: f64| {
            vec![
                Point::new(x, 0.0),
                Point::new(x, 1.0),
                Point::new(x + 1.0, 1.0),
                Point::new(x + 1.0, 0.0),
                Point::new(x, 0.0),
            ]
        };
        let xy = |p: &Point| (p.x, p.y);
        assert!(shp_polygon(&[PolygonRing::Outer(sq(0.0))], xy).is_ok());
        let e = shp_polygon(
            &[PolygonRing::Outer(sq(0.0)), PolygonRing::Outer(vec![])],
            xy,
        )
        .unwrap_err();
        assert!(e.contains("ring 2 has 0 positions"), "{e}");
        let mut nan = sq(0.0);
        nan[2].x = f64::NAN;
        let e = shp_polygon(&[PolygonRing::Outer(nan)], xy).unwrap_err();
        assert!(
            e.contains("ring 1: a coordinate that is not a finite number"),
            "{e}"
        );
        let e = shp_polygon(
            &[PolygonRing::Outer(sq(0.0)), PolygonRing::Inner(sq(5.0))],
            xy,
        )
        .unwrap_err();
        assert!(
            e.contains("ring 2 is a hole outside every outer ring"),
            "{e}"
        );
    }

    fn square(x: f64, y: f64, s: f64) -> LineString<f64> {
        LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)])
    }

    #[test]
    fn holes_outside_or_larger_than_their_shell_are_errors() {
        let p = |holes| {
            MultiPolygon::new(vec![Polygon::new(
                square(390_000.0, 5_810_000.0, 1000.0),
                holes,
            )])
        };
        assert!(
            validate_polygons(&p(vec![square(390_100.0, 5_810_100.0, 100.0)]), Crs::Utm33).is_ok()
        );
        let e = validate_polygons(&p(vec![square(392_000.0, 5_810_000.0, 100.0)]), Crs::Utm33)
            .unwrap_err();
        assert!(e.contains("hole 1 lies outside its outer ring"), "{e}");
        let e = validate_polygons(
            &p(vec![square(389_000.0, 5_809_000.0, 30_000.0)]),
            Crs::Utm33,
        )
        .unwrap_err();
        assert!(e.contains("larger than its outer ring"), "{e}");
        // One lon/lat vertex in a UTM polygon.
        let mut ring = square(390_000.0, 5_810_000.0, 1000.0).0;
        ring[2] = Coord { x: 13.4, y: 52.5 };
        let e = validate_polygons(
            &MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
            Crs::Utm33,
        )
        .unwrap_err();
        assert!(e.contains("(13.4, 52.5) cannot be in EPSG:25833"), "{e}");
        assert!(e.contains("EPSG:4326"), "{e}");
    }
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

/// Are all ids LOR keys (digits only) of one level?
fn one_lor_level<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
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
