//! GeoJSON points: the CRS from the file's head (or its top level, when
//! the `crs` member stands after the features), then feature by feature,
//! each a Point (or a MultiPoint of one position) with its attributes.

use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::Result;

use crate::error::input_error;
use crate::points::read::tally::{Accumulator, Pending};
use crate::points::read::{is_id_field, PointOptions, Presence, KEEP_IDS};
use crate::spatial::crs::{Crs, Transformer};

/// Read the points of a GeoJSON file into `acc`: the CRS from the head,
/// then feature by feature.
pub(super) fn read_geojson(
    path: &Path,
    file: impl Read,
    opts: &PointOptions,
    acc: &mut Accumulator,
    work: Crs,
) -> Result<Presence> {
    let source = acc.source.clone();
    let Presence {
        mut lacking,
        mut first_keys,
        mut repeats,
    } = Presence::new(opts);
    let top = scan_top(path);
    if top.as_ref().is_some_and(|t| t.features == Some(0)) {
        return Err(input_error(format!(
            "{source}: the FeatureCollection has no features: there are no points to count"
        )));
    }
    acc.crs = declared_crs(path, opts, &source, top.and_then(|t| t.crs).as_deref())?;
    acc.transformer = Transformer::new(acc.crs, work);
    let reader = geojson::FeatureReader::from_reader(BufReader::with_capacity(1 << 16, file));
    let mut id_field: Option<String> = opts.id_field.clone();
    for (i, f) in reader.features().enumerate() {
        let number = i + 1;
        let f = f.map_err(|e| {
            input_error(format!(
                "{source}, after feature {i}: not valid GeoJSON: {e}"
            ))
        })?;
        let props = f.properties.as_ref();
        let text = |k: &str| -> Option<String> {
            props.and_then(|p| p.get(k)).and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
        };
        if number == 1 {
            let keys: Vec<String> = props
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            first_keys = keys.clone();
            if id_field.is_none() {
                id_field = ["id", "e_nr", "nr", "nummer", "name"]
                    .iter()
                    .find(|k| keys.iter().any(|x| x == *k))
                    .map(|k| k.to_string());
            }
        }
        let id = id_field
            .as_deref()
            .and_then(text)
            .map(|v| format!("{v} (feature {number})"))
            .unwrap_or_else(|| format!("feature {number}"));
        // Every point must have every `--sum`/`--by` attribute (null is missing).
        for (a, attr) in opts.sum.iter().chain(opts.by.iter()).enumerate() {
            if props.is_none_or(|p| p.get(attr.as_str()).is_none_or(|v| v.is_null())) {
                lacking[a].0 += 1;
                if lacking[a].1.len() < KEEP_IDS {
                    lacking[a].1.push(id.clone());
                }
            }
        }
        let coords = point_coords(f.geometry.as_ref(), &source, &id)?;
        let id_value = id_field
            .as_deref()
            .filter(|f| is_id_field(f, opts))
            .and_then(text);
        repeats.see_feature(&f, id_value.as_deref(), &id);
        let raw_values: Vec<Option<String>> = opts.sum.iter().map(|s| text(s)).collect();
        let values: Vec<Option<f64>> = raw_values
            .iter()
            .zip(&opts.sum)
            .map(|(v, s)| acc.value(v.as_deref(), &|| id.clone(), s))
            .collect();
        let category = opts
            .by
            .as_deref()
            .map(|b| text(b).unwrap_or_else(|| "(none)".into()));
        for (x, y) in coords {
            let coord = acc.check_coord(x, y, &id)?;
            acc.push(Pending {
                coord,
                id: &id,
                values: &values,
                category: category.as_deref(),
            })?;
        }
    }
    Ok(Presence {
        lacking,
        first_keys,
        repeats,
    })
}

/// The CRS of a GeoJSON points file: `--crs`, else the one declared before
/// the features (`"crs": {"type": "name", "properties": {"name":
/// "urn:ogc:def:crs:EPSG::25833"}}`), else the one declared after them
/// (`later`, from [`scan_top`]), else lon/lat (RFC 7946).
fn declared_crs(
    path: &Path,
    opts: &PointOptions,
    source: &str,
    later: Option<&str>,
) -> Result<Crs> {
    let mut head = vec![0u8; 65_536];
    let n = crate::table::input::open(path)?
        .read(&mut head)
        .map_err(|e| input_error(format!("{source}: cannot read: {e}")))?;
    let head = String::from_utf8_lossy(&head[..n]);
    let declared = head
        .split("\"features\"")
        .next()
        .and_then(|h| h.find("\"crs\"").map(|i| &h[i..]))
        .and_then(|c| c.find("\"properties\"").map(|i| &c[i + 12..]))
        .and_then(|c| c.find("\"name\"").map(|i| &c[i + 6..]))
        .and_then(|c| c.split('"').nth(1))
        .map(str::to_string)
        .or_else(|| later.map(str::to_string));
    Ok(match (opts.crs, &declared) {
        (Some(c), _) => c,
        (None, Some(d)) => Crs::parse(d).ok_or_else(|| {
            input_error(format!(
                "{source}: unknown CRS '{d}' (give {})",
                opts.flags.crs
            ))
        })?,
        (None, None) => Crs::Wgs84,
    })
}

/// The top level of a GeoJSON file: the CRS name, wherever the `crs`
/// member stands, and how many features a FeatureCollection has.
#[derive(Debug, Default, PartialEq)]
struct Top {
    crs: Option<String>,
    features: Option<usize>,
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Top, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        /// The number of elements of an array, each skipped.
        struct Count(usize);
        impl<'de> serde::Deserialize<'de> for Count {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Count, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Count;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("an array of features")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut s: A,
                    ) -> std::result::Result<Count, A::Error> {
                        let mut n = 0;
                        while s.next_element::<IgnoredAny>()?.is_some() {
                            n += 1;
                        }
                        Ok(Count(n))
                    }
                }
                d.deserialize_seq(V)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a GeoJSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Top, A::Error> {
                let mut top = Top::default();
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "crs" => {
                            let v: serde_json::Value = m.next_value()?;
                            top.crs = v
                                .pointer("/properties/name")
                                .and_then(|n| n.as_str())
                                .map(str::to_string);
                        }
                        "features" => top.features = Some(m.next_value::<Count>()?.0),
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(top)
            }
        }
        d.deserialize_map(V)
    }
}

/// The top level of a GeoJSON file, read in one pass that skips the
/// features; None when it is not valid JSON (the feature reader then says
/// where).
fn scan_top(path: &Path) -> Option<Top> {
    let file = crate::table::input::open(path).ok()?;
    serde_json::from_reader(BufReader::with_capacity(1 << 16, file)).ok()
}

/// The positions of a Point or MultiPoint feature; anything else is an
/// error naming the feature.
fn point_coords(
    geometry: Option<&geojson::Geometry>,
    source: &str,
    id: &str,
) -> Result<Vec<(f64, f64)>> {
    use geojson::GeometryValue as G;
    let position = |c: &geojson::Position| -> Result<(f64, f64)> {
        if c.len() < 2 {
            return Err(input_error(format!(
                "{source}, {id}: a position with {} coordinate{} (a point needs x and y)",
                c.len(),
                if c.len() == 1 { "" } else { "s" }
            )));
        }
        Ok((c[0], c[1]))
    };
    match geometry.map(|g| &g.value) {
        None => Err(input_error(format!("{source}, {id}: no geometry (null)"))),
        Some(G::Point { coordinates }) => Ok(vec![position(coordinates)?]),
        Some(G::MultiPoint { coordinates }) if coordinates.len() == 1 => {
            Ok(vec![position(&coordinates[0])?])
        }
        Some(G::MultiPoint { coordinates }) if coordinates.len() > 1 => Err(input_error(format!(
            "{source}, {id}: a MultiPoint with {} positions; a facility is one point, so it would be counted {} times with all its attributes. Give each facility its own Point feature",
            coordinates.len(),
            coordinates.len()
        ))),
        Some(G::MultiPoint { .. }) => {
            Err(input_error(format!("{source}, {id}: an empty MultiPoint")))
        }
        Some(other) => Err(input_error(format!(
            "{source}, {id}: a {} where a Point is expected",
            other.type_name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(json: &str) -> geojson::Geometry {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn point_coords_take_points_and_name_the_feature_otherwise() {
        let p = geometry(r#"{"type":"MultiPoint","coordinates":[[1,2]]}"#);
        assert_eq!(
            point_coords(Some(&p), "k.geojson", "K1").unwrap(),
            vec![(1.0, 2.0)]
        );
        for (json, says) in [
            (
                r#"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#,
                "a MultiPoint with 2 positions; a facility is one point",
            ),
            (
                r#"{"type":"MultiPoint","coordinates":[]}"#,
                "an empty MultiPoint",
            ),
            (
                r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#,
                "a LineString where a Point",
            ),
        ] {
            let e = point_coords(Some(&geometry(json)), "k.geojson", "K1").unwrap_err();
            assert!(e.to_string().starts_with("k.geojson, K1: "), "{e}");
            assert!(e.to_string().contains(says), "{e}");
        }
        let e = point_coords(None, "k.geojson", "K1").unwrap_err();
        assert!(e.to_string().contains("no geometry (null)"), "{e}");
    }

    #[test]
    fn the_crs_is_given_declared_or_lon_lat() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25833"}},"features":[]}"#,
        )
        .unwrap();
        let opts = PointOptions::default();
        assert_eq!(declared_crs(&path, &opts, "p", None).unwrap(), Crs::Utm33);
        let given = PointOptions {
            crs: Some(Crs::Wgs84),
            ..PointOptions::default()
        };
        assert_eq!(declared_crs(&path, &given, "p", None).unwrap(), Crs::Wgs84);
        std::fs::write(&path, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
        assert_eq!(declared_crs(&path, &opts, "p", None).unwrap(), Crs::Wgs84);
        // Declared after the features: found by the top-level scan.
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"crs":1},"geometry":null}],"crs":{"type":"name","properties":{"name":"EPSG:25833"}}}"#,
        )
        .unwrap();
        let top = scan_top(&path).unwrap();
        assert_eq!(
            top,
            Top {
                crs: Some("EPSG:25833".into()),
                features: Some(1)
            }
        );
        let later = top.crs.as_deref();
        assert_eq!(declared_crs(&path, &opts, "p", later).unwrap(), Crs::Utm33);
        std::fs::write(&path, "{").unwrap();
        assert_eq!(scan_top(&path), None);
    }
}
