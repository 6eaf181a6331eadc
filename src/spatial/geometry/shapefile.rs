//! ESRI Shapefile layers: the .shp with its .dbf (attributes), .shx and
//! .prj (CRS), the record headers checked before the reader trusts them,
//! rings checked and holes put into their outer rings.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use geo::{Coord, LineString, MultiPolygon, Polygon};

use crate::error::input_error;
use crate::spatial::crs::Crs;
use crate::spatial::geometry::{LayerOptions, RawLayer};

pub(super) fn read_shapefile(path: &Path, opts: &LayerOptions) -> Result<RawLayer> {
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
    let mut reader = ::shapefile::Reader::from_path(path)
        .map_err(|e| input_error(format!("{name}: cannot read Shapefile: {e}")))?;
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) =
            item.map_err(|e| input_error(format!("{name}, feature {}: cannot read: {e}", i + 1)))?;
        let mut props = BTreeMap::new();
        for (k, v) in record {
            use ::shapefile::dbase::FieldValue as F;
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
            ::shapefile::Shape::Polygon(p) => shp_polygon(p.rings(), |q| (q.x, q.y)),
            ::shapefile::Shape::PolygonZ(p) => shp_polygon(p.rings(), |q| (q.x, q.y)),
            ::shapefile::Shape::PolygonM(p) => shp_polygon(p.rings(), |q| (q.x, q.y)),
            ::shapefile::Shape::NullShape => Err("no geometry (null shape)".to_string()),
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
    rings: &[::shapefile::PolygonRing<P>],
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
            ::shapefile::PolygonRing::Outer(_) => shells.push(LineString::new(line)),
            ::shapefile::PolygonRing::Inner(_) => holes.push((n + 1, LineString::new(line))),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapefile_rings_empty_or_nan_are_errors() {
        use ::shapefile::{Point, PolygonRing};
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
}
