//! Point location: which polygon of a layer holds a point, fast enough for
//! millions of points.
//!
//! A uniform grid over the layer answers most points at once (cells that no
//! polygon border crosses lie wholly in one polygon or in none); points in
//! border cells are tested against the candidate polygons with a crossing
//! count over the polygon's edges in the point's horizontal band.
//!
//! Tie rule: the crossing count is half-open (an edge counts when one end
//! is strictly above the point and the other not, and the crossing is
//! strictly east of the point). For polygons that tile a district this puts
//! a point on a shared border into exactly one of them: on a north–south
//! border into the unit to its east, on an east–west border into the unit to
//! its north. A point inside two overlapping polygons goes to the one with
//! the smaller key (and is counted as an overlap).

use geo::{Coord, MultiPolygon};

use crate::geometry::Layer;

/// A polygon's edges, bucketed by horizontal band.
struct Prepared {
    y0: f64,
    band_h: f64,
    bands: Vec<Vec<[f64; 4]>>,
    min: Coord<f64>,
    max: Coord<f64>,
}

impl Prepared {
    fn new(mp: &MultiPolygon<f64>, min: Coord<f64>, max: Coord<f64>) -> Prepared {
        let mut edges: Vec<[f64; 4]> = Vec::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for l in ring.lines() {
                    if l.start.y != l.end.y {
                        edges.push([l.start.x, l.start.y, l.end.x, l.end.y]);
                    }
                }
            }
        }
        let n = (edges.len() / 4).clamp(1, 512);
        let band_h = ((max.y - min.y) / n as f64).max(1e-9);
        let mut bands = vec![Vec::new(); n];
        for e in edges {
            let (lo, hi) = if e[1] < e[3] {
                (e[1], e[3])
            } else {
                (e[3], e[1])
            };
            let b0 = (((lo - min.y) / band_h).floor().max(0.0) as usize).min(n - 1);
            let b1 = (((hi - min.y) / band_h).floor().max(0.0) as usize).min(n - 1);
            for b in &mut bands[b0..=b1] {
                b.push(e);
            }
        }
        Prepared {
            y0: min.y,
            band_h,
            bands,
            min,
            max,
        }
    }

    /// Crossing-number test with the half-open rule.
    fn contains(&self, x: f64, y: f64) -> bool {
        if x < self.min.x || x > self.max.x || y < self.min.y || y > self.max.y {
            return false;
        }
        let b = (((y - self.y0) / self.band_h).floor().max(0.0) as usize).min(self.bands.len() - 1);
        let mut inside = false;
        for e in &self.bands[b] {
            let (x1, y1, x2, y2) = (e[0], e[1], e[2], e[3]);
            if (y1 > y) != (y2 > y) {
                let xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
                if x < xi {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

const OUTSIDE: u32 = u32::MAX;
const MIXED: u32 = 1 << 31;

/// Where a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the feature with this index.
    In(usize),
    /// In several overlapping features; the one with the smallest key.
    Overlap(usize),
    Outside,
}

/// A point locator over one polygon layer.
pub struct Locator {
    polys: Vec<Prepared>,
    /// Rank of each feature by key, for the overlap tie rule.
    rank: Vec<usize>,
    min: Coord<f64>,
    cell: f64,
    nx: usize,
    ny: usize,
    /// Per cell: a feature index, OUTSIDE, or MIXED | index into `lists`.
    cells: Vec<u32>,
    lists: Vec<Vec<u32>>,
}

impl Locator {
    pub fn new(layer: &Layer) -> Locator {
        let polys: Vec<Prepared> = layer
            .features
            .iter()
            .map(|f| Prepared::new(&f.geometry, f.bbox.min(), f.bbox.max()))
            .collect();
        let mut order: Vec<usize> = (0..layer.features.len()).collect();
        order.sort_by(|&a, &b| layer.features[a].id.cmp(&layer.features[b].id));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let bbox = layer.bbox().unwrap_or(geo::Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 1.0, y: 1.0 },
        ));
        let (w, h) = (bbox.width().max(1.0), bbox.height().max(1.0));
        // About 250,000 cells, square.
        let cell = ((w * h) / 250_000.0).sqrt().max(1.0);
        let nx = (w / cell).ceil() as usize + 1;
        let ny = (h / cell).ceil() as usize + 1;
        let min = bbox.min();
        // Candidates per cell (features whose bbox meets the cell) and
        // whether a border crosses it.
        let mut cand: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
        let mut border = vec![false; nx * ny];
        let cell_of =
            |v: f64, lo: f64, n: usize| (((v - lo) / cell).floor().max(0.0) as usize).min(n - 1);
        for (i, f) in layer.features.iter().enumerate() {
            let (cx0, cx1) = (
                cell_of(f.bbox.min().x, min.x, nx),
                cell_of(f.bbox.max().x, min.x, nx),
            );
            let (cy0, cy1) = (
                cell_of(f.bbox.min().y, min.y, ny),
                cell_of(f.bbox.max().y, min.y, ny),
            );
            for cy in cy0..=cy1 {
                for cx in cx0..=cx1 {
                    cand[cy * nx + cx].push(i as u32);
                }
            }
            for p in &f.geometry.0 {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for l in ring.lines() {
                        let (ax, bx) = (l.start.x.min(l.end.x), l.start.x.max(l.end.x));
                        let (ay, by) = (l.start.y.min(l.end.y), l.start.y.max(l.end.y));
                        for cy in cell_of(ay, min.y, ny)..=cell_of(by, min.y, ny) {
                            for cx in cell_of(ax, min.x, nx)..=cell_of(bx, min.x, nx) {
                                border[cy * nx + cx] = true;
                            }
                        }
                    }
                }
            }
        }
        let mut cells = vec![OUTSIDE; nx * ny];
        let mut lists = Vec::new();
        for (c, cands) in cand.into_iter().enumerate() {
            if cands.is_empty() {
                continue;
            }
            if !border[c] {
                // No border in the cell: its centre tells for the whole cell.
                let x = min.x + ((c % nx) as f64 + 0.5) * cell;
                let y = min.y + ((c / nx) as f64 + 0.5) * cell;
                let hits: Vec<u32> = cands
                    .iter()
                    .copied()
                    .filter(|&i| polys[i as usize].contains(x, y))
                    .collect();
                match hits.len() {
                    0 => continue,
                    1 => {
                        cells[c] = hits[0];
                        continue;
                    }
                    _ => {}
                }
            }
            cells[c] = MIXED | lists.len() as u32;
            lists.push(cands);
        }
        Locator {
            polys,
            rank,
            min,
            cell,
            nx,
            ny,
            cells,
            lists,
        }
    }

    /// Locate a point (in the layer's CRS).
    #[inline]
    pub fn locate(&self, x: f64, y: f64) -> Location {
        let fx = (x - self.min.x) / self.cell;
        let fy = (y - self.min.y) / self.cell;
        if !(fx >= 0.0 && fy >= 0.0) || fx >= self.nx as f64 || fy >= self.ny as f64 {
            return Location::Outside;
        }
        let c = self.cells[fy as usize * self.nx + fx as usize];
        if c == OUTSIDE {
            return Location::Outside;
        }
        if c & MIXED == 0 {
            return Location::In(c as usize);
        }
        let mut found: Option<usize> = None;
        let mut overlap = false;
        for &i in &self.lists[(c & !MIXED) as usize] {
            let i = i as usize;
            if self.polys[i].contains(x, y) {
                match found {
                    None => found = Some(i),
                    Some(j) => {
                        overlap = true;
                        if self.rank[i] < self.rank[j] {
                            found = Some(i);
                        }
                    }
                }
            }
        }
        match (found, overlap) {
            (Some(i), false) => Location::In(i),
            (Some(i), true) => Location::Overlap(i),
            (None, _) => Location::Outside,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{read_geojson_str, LayerOptions};

    fn two_squares() -> Layer {
        // Two unit squares side by side (UTM metres), sharing the border x = 390100.
        let sq = |id: &str, x0: f64| {
            format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{id}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x0},5810000],[{},5810000],[{},5810100],[{x0},5810100],[{x0},5810000]]]}}}}",
                x0 + 100.0,
                x0 + 100.0
            )
        };
        let text = format!(
            "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:25833\"}}}},\"features\":[{},{}]}}",
            sq("04030417", 390000.0),
            sq("04030418", 390100.0)
        );
        read_geojson_str("squares", &text, &LayerOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn border_points_are_counted_once() {
        let layer = two_squares();
        let loc = Locator::new(&layer);
        let id = |l: Location| match l {
            Location::In(i) => layer.features[i].id.clone(),
            other => format!("{other:?}"),
        };
        assert_eq!(id(loc.locate(390050.0, 5810050.0)), "04030417");
        assert_eq!(id(loc.locate(390150.0, 5810050.0)), "04030418");
        // On the shared north–south border: the unit to the east.
        assert_eq!(id(loc.locate(390100.0, 5810050.0)), "04030418");
        // On the outer south border: inside (north of it); outer north border: outside.
        assert_eq!(id(loc.locate(390050.0, 5810000.0)), "04030417");
        assert_eq!(loc.locate(390050.0, 5810100.0), Location::Outside);
        assert_eq!(loc.locate(389999.0, 5810050.0), Location::Outside);
        assert_eq!(loc.locate(f64::NAN, 5810050.0), Location::Outside);
    }
}
