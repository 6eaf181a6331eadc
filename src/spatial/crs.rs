//! Coordinate reference systems of Berlin's geodata, and transforms into the
//! metric CRS in which areas and overlays are computed (EPSG:25833 by
//! default). Transforms use proj4rs (a Rust port of PROJ.4), not
//! hand-written formulas.

use std::fmt;

use anyhow::Result;
use geo::{Coord, MultiPolygon};
use proj4rs::proj::Proj;
use proj4rs::transform::{transform, Transform, TransformClosure};

use crate::error::{input_error, usage_error};

/// The CRS `lor` knows. ETRS89 and WGS84 are treated as the same datum
/// (they differ by well under a metre in Berlin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// EPSG:4326 / OGC CRS84: longitude, latitude in degrees (GeoJSON order).
    Wgs84,
    /// EPSG:25833: ETRS89 / UTM zone 33N, metres. Berlin's official CRS.
    Utm33,
    /// EPSG:25832: ETRS89 / UTM zone 32N, metres.
    Utm32,
    /// EPSG:3068: DHDN / Soldner Berlin, metres (older Berlin maps).
    Soldner,
}

impl Crs {
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::Utm33 => 25833,
            Crs::Utm32 => 25832,
            Crs::Soldner => 3068,
        }
    }

    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            4326 | 4258 => Some(Crs::Wgs84),
            25833 | 32633 => Some(Crs::Utm33),
            25832 | 32632 => Some(Crs::Utm32),
            3068 => Some(Crs::Soldner),
            _ => None,
        }
    }

    /// Parse a CRS name as written in files and on the command line:
    /// `EPSG:25833`, `urn:ogc:def:crs:EPSG::4326`, `OGC:CRS84`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `25833`.
    pub fn parse(name: &str) -> Option<Crs> {
        let n = name.trim().to_ascii_uppercase();
        if n.ends_with("CRS84") || n == "WGS84" {
            return Some(Crs::Wgs84);
        }
        let digits: String = n
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_string();
        if !(n.contains("EPSG") || n.chars().all(|c| c.is_ascii_digit())) {
            return None;
        }
        Crs::from_epsg(digits.parse().ok()?)
    }

    /// Guess the CRS from an ESRI `.prj` (WKT) text.
    pub fn from_wkt(wkt: &str) -> Option<Crs> {
        let w = wkt.to_ascii_uppercase();
        if let Some(i) = w.rfind("AUTHORITY[\"EPSG\",\"") {
            let rest = &w[i + 18..];
            if let Some(code) = rest.split('"').next().and_then(|c| c.parse().ok()) {
                if let Some(c) = Crs::from_epsg(code) {
                    return Some(c);
                }
            }
        }
        if w.contains("UTM")
            && (w.contains("33N") || w.contains("ZONE_33N") || w.contains("ZONE 33N"))
        {
            Some(Crs::Utm33)
        } else if w.contains("UTM") && w.contains("32N") {
            Some(Crs::Utm32)
        } else if w.contains("SOLDNER") || w.contains("CASSINI") {
            Some(Crs::Soldner)
        } else if w.starts_with("GEOGCS") && (w.contains("WGS") || w.contains("ETRS")) {
            Some(Crs::Wgs84)
        } else {
            None
        }
    }

    fn proj_string(self) -> &'static str {
        match self {
            Crs::Wgs84 => "+proj=longlat +datum=WGS84 +no_defs",
            Crs::Utm33 => "+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
            Crs::Utm32 => "+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
            Crs::Soldner => {
                "+proj=cass +lat_0=52.41864827777778 +lon_0=13.62720366666667 +x_0=40000 +y_0=10000 \
                 +ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs"
            }
        }
    }

    fn proj(self) -> Proj {
        Proj::from_proj_string(self.proj_string()).expect("built-in CRS definition")
    }

    /// Could a coordinate be in this CRS in or near Berlin? (A generous box
    /// around Brandenburg, so that typos in a declared CRS are caught.)
    pub fn plausible(self, c: Coord<f64>) -> bool {
        let (x, y) = (c.x, c.y);
        match self {
            Crs::Wgs84 => (5.0..=25.0).contains(&x) && (47.0..=56.0).contains(&y),
            Crs::Utm33 => {
                (0.0..=900_000.0).contains(&x) && (5_200_000.0..=6_200_000.0).contains(&y)
            }
            Crs::Utm32 => {
                (200_000.0..=1_500_000.0).contains(&x) && (5_200_000.0..=6_200_000.0).contains(&y)
            }
            Crs::Soldner => {
                (-200_000.0..=300_000.0).contains(&x) && (-200_000.0..=300_000.0).contains(&y)
            }
        }
    }

    /// The CRS whose plausible box holds a coordinate (for messages).
    pub fn guess(c: Coord<f64>) -> Option<Crs> {
        [Crs::Wgs84, Crs::Utm33, Crs::Utm32, Crs::Soldner]
            .into_iter()
            .find(|crs| crs.plausible(c))
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{}", self.epsg())
    }
}

/// Parse a `--crs` value or fail with a usage error.
pub fn parse_crs_flag(flag: &str, value: &str) -> Result<Crs> {
    Crs::parse(value).ok_or_else(|| {
        usage_error(format!(
            "{flag} '{value}': unknown CRS; lor knows EPSG:4326 (WGS84), EPSG:25833 (ETRS89/UTM 33N), EPSG:25832 and EPSG:3068 (Soldner Berlin)"
        ))
    })
}

struct Coords<'a>(&'a mut [Coord<f64>]);

impl Transform for Coords<'_> {
    fn transform_coordinates<F: TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        for c in self.0.iter_mut() {
            let (x, y, _) = f(c.x, c.y, 0.0)?;
            c.x = x;
            c.y = y;
        }
        Ok(())
    }
}

/// A reusable transform between two CRS.
pub struct Transformer {
    from: Crs,
    to: Crs,
    src: Proj,
    dst: Proj,
}

impl Transformer {
    pub fn new(from: Crs, to: Crs) -> Transformer {
        Transformer {
            from,
            to,
            src: from.proj(),
            dst: to.proj(),
        }
    }

    pub fn is_identity(&self) -> bool {
        self.from == self.to
    }

    /// Transform coordinates in place. Degrees in, degrees out for WGS84.
    pub fn coords(&self, coords: &mut [Coord<f64>]) -> Result<()> {
        if self.is_identity() {
            return Ok(());
        }
        if self.from == Crs::Wgs84 {
            for c in coords.iter_mut() {
                c.x = c.x.to_radians();
                c.y = c.y.to_radians();
            }
        }
        transform(&self.src, &self.dst, &mut Coords(coords)).map_err(|e| {
            input_error(format!(
                "cannot transform coordinates from {} to {}: {e}",
                self.from, self.to
            ))
        })?;
        if self.to == Crs::Wgs84 {
            for c in coords.iter_mut() {
                c.x = c.x.to_degrees();
                c.y = c.y.to_degrees();
            }
        }
        Ok(())
    }

    pub fn point(&self, c: Coord<f64>) -> Result<Coord<f64>> {
        let mut v = [c];
        self.coords(&mut v)?;
        Ok(v[0])
    }

    pub fn multipolygon(&self, mp: &mut MultiPolygon<f64>) -> Result<()> {
        if self.is_identity() {
            return Ok(());
        }
        for poly in mp.0.iter_mut() {
            let mut err = Ok(());
            poly.exterior_mut(|ring| err = self.coords(&mut ring.0));
            err?;
            let mut err = Ok(());
            poly.interiors_mut(|rings| {
                for r in rings {
                    if err.is_ok() {
                        err = self.coords(&mut r.0);
                    }
                }
            });
            err?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_crs_names() {
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::4326"), Some(Crs::Wgs84));
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84"),
            Some(Crs::Wgs84)
        );
        assert_eq!(Crs::parse("EPSG:25833"), Some(Crs::Utm33));
        assert_eq!(Crs::parse("3068"), Some(Crs::Soldner));
        assert_eq!(Crs::parse("EPSG:31468"), None);
    }

    #[test]
    fn berlin_tv_tower() {
        // Fernsehturm, 13.409444 E 52.520833 N. Expected values from pyproj
        // (PROJ 9): EPSG:25833 (392082.806, 5820158.154), EPSG:25832
        // (799108.440, 5828110.914), EPSG:3068 (25340.074, 21548.295).
        let tower = Coord {
            x: 13.409444,
            y: 52.520833,
        };
        let p = Transformer::new(Crs::Wgs84, Crs::Utm33)
            .point(tower)
            .unwrap();
        assert!(
            (p.x - 392_082.806).abs() < 0.01 && (p.y - 5_820_158.154).abs() < 0.01,
            "{p:?}"
        );
        let back = Transformer::new(Crs::Utm33, Crs::Wgs84).point(p).unwrap();
        assert!((back.x - tower.x).abs() < 1e-9 && (back.y - tower.y).abs() < 1e-9);
        let p = Transformer::new(Crs::Wgs84, Crs::Utm32)
            .point(tower)
            .unwrap();
        assert!(
            (p.x - 799_108.440).abs() < 0.01 && (p.y - 5_828_110.914).abs() < 0.01,
            "{p:?}"
        );
        // The DHDN datum shift (7 parameters) is good to about a metre.
        let s = Transformer::new(Crs::Wgs84, Crs::Soldner)
            .point(tower)
            .unwrap();
        assert!(
            (s.x - 25_340.074).abs() < 2.0 && (s.y - 21_548.295).abs() < 2.0,
            "{s:?}"
        );
    }
}
