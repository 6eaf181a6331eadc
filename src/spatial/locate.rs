//! Point location: which polygon of a layer holds a point, fast enough for
//! millions of points.
//!
//! A uniform grid over the layer answers most points at once: a cell that no
//! polygon border enters lies wholly in the polygon that holds its centre
//! (or in none). A border cell keeps only its own edges: for each polygon
//! whose border enters the cell, the edges that meet the cell, plus what the
//! rest of that polygon's border adds to a crossing count from inside the
//! cell (a parity bit and, rarely, the heights of vertices east of the cell
//! in the cell's row); polygons whose border misses the cell are in or out
//! for the whole cell, as at its centre.
//!
//! Tie rule: the crossing count is half-open (an edge counts when one end
//! is strictly above the point and the other not, and the crossing is
//! strictly east of the point). For polygons that tile a district this puts
//! a point on a shared border into exactly one of them: on a north–south
//! border into the unit to its east, on an east–west border into the unit to
//! its north. A point inside two overlapping polygons goes to the one with
//! the smaller key (and is counted as an overlap).
//!
//! The grid changes only how much work a point takes, never the answer: the
//! result is the crossing test over every edge of every polygon
//! ([`Locator::locate_exact`]), with the same arithmetic on the same edges.
//! Edges that are left out of a cell can only add the same to every point
//! in it (they are more than a small margin away from the cell), and the
//! parts that vary inside the cell are counted exactly.

use geo::{Coord, MultiPolygon};

use crate::geometry::Layer;

/// A polygon's edges, bucketed by horizontal band: the exact test over all
/// of a polygon's edges, used to check the grid.
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
            if crosses(e, x, y) {
                inside = !inside;
            }
        }
        inside
    }
}

/// Whether the half-open ray east of (x, y) crosses the edge `e`
/// (x1, y1, x2, y2 in ring order). The one place of this arithmetic.
#[inline(always)]
fn crosses(e: &[f64; 4], x: f64, y: f64) -> bool {
    let (x1, y1, x2, y2) = (e[0], e[1], e[2], e[3]);
    if (y1 > y) != (y2 > y) {
        let xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
        x < xi
    } else {
        false
    }
}

const OUTSIDE: u32 = u32::MAX;
const MIXED: u32 = 1 << 31;

/// About this many grid cells (a cell of about 45 m over Berlin).
const TARGET_CELLS: f64 = 1_000_000.0;

/// Where a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the feature with this index.
    In(usize),
    /// In several overlapping features; the one with the smallest key.
    Overlap(usize),
    Outside,
}

/// A cell that a border enters (or where polygons overlap).
#[derive(Clone, Copy)]
struct Border {
    /// Polygons whose border misses the cell and that hold it: `owners[o0..o1]`.
    o0: u32,
    o1: u32,
    /// Polygons whose border enters the cell: `entries[e0..e1]`.
    e0: u32,
    e1: u32,
}

/// One polygon in one border cell.
#[derive(Clone, Copy)]
struct Entry {
    poly: u32,
    /// The parity that the polygon's edges east of the cell add for every
    /// point of the cell.
    flip: bool,
    /// Heights of vertices east of the cell, in its row: each one above the
    /// point flips the parity (`heights[h0..h1]`).
    h0: u32,
    h1: u32,
    /// The polygon's edges that meet the cell (`edge_ids[k0..k1]`).
    k0: u32,
    k1: u32,
}

/// A point locator over one polygon layer.
pub struct Locator {
    polys: Vec<Prepared>,
    /// Bounding box of each feature (min x, min y, max x, max y).
    boxes: Vec<[f64; 4]>,
    /// Rank of each feature by key, for the overlap tie rule.
    rank: Vec<usize>,
    min: Coord<f64>,
    inv_cell: f64,
    nx: usize,
    ny: usize,
    /// Per cell: a feature index, OUTSIDE, or MIXED | index into `borders`.
    cells: Vec<u32>,
    borders: Vec<Border>,
    owners: Vec<u32>,
    entries: Vec<Entry>,
    heights: Vec<f64>,
    edge_ids: Vec<u32>,
    /// Every edge that is not horizontal, in ring order.
    edges: Vec<[f64; 4]>,
}

/// An edge's place in one grid row: the columns c0..=c1 it meets.
#[derive(Clone, Copy)]
struct RowEdge {
    poly: u32,
    /// Index into `edges`, or `u32::MAX` for a horizontal edge.
    edge: u32,
    c0: u32,
    c1: u32,
}

impl Locator {
    pub fn new(layer: &Layer) -> Locator {
        let polys: Vec<Prepared> = layer
            .features
            .iter()
            .map(|f| Prepared::new(&f.geometry, f.bbox.min(), f.bbox.max()))
            .collect();
        let boxes: Vec<[f64; 4]> = layer
            .features
            .iter()
            .map(|f| {
                [
                    f.bbox.min().x,
                    f.bbox.min().y,
                    f.bbox.max().x,
                    f.bbox.max().y,
                ]
            })
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
        let cell = ((w * h) / TARGET_CELLS).sqrt().max(1.0);
        let nx = (w / cell).ceil() as usize + 1;
        let ny = (h / cell).ceil() as usize + 1;
        let min = bbox.min();
        // A margin far above rounding errors: an edge that comes nearer to
        // a cell than this counts as meeting it.
        let m = cell * 1e-4 + 1e-9 * (min.x.abs() + min.y.abs());
        let col = |x: f64| (((x - min.x) / cell).floor().max(0.0) as usize).min(nx - 1);
        let row = |y: f64| (((y - min.y) / cell).floor().max(0.0) as usize).min(ny - 1);
        let row_lo = |r: usize| min.y + r as f64 * cell - m;
        let row_hi = |r: usize| min.y + (r + 1) as f64 * cell + m;

        // Every edge in the rows it meets, with the columns it meets there;
        // and the crossings of each row's centre line (for the cells' centres).
        let mut edges: Vec<[f64; 4]> = Vec::new();
        let mut rows: Vec<Vec<RowEdge>> = vec![Vec::new(); ny];
        let mut crossings: Vec<Vec<(f64, u32)>> = vec![Vec::new(); ny];
        for (i, f) in layer.features.iter().enumerate() {
            for p in &f.geometry.0 {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for l in ring.lines() {
                        let e = [l.start.x, l.start.y, l.end.x, l.end.y];
                        let flat = e[1] == e[3];
                        let id = if flat {
                            u32::MAX
                        } else {
                            edges.push(e);
                            (edges.len() - 1) as u32
                        };
                        let (ylo, yhi) = (e[1].min(e[3]), e[1].max(e[3]));
                        for r in row(ylo - m)..=row(yhi + m) {
                            let (lo, hi) = (row_lo(r).max(ylo), row_hi(r).min(yhi));
                            // The x-range of the edge within the row's band.
                            let (xa, xb) = if flat {
                                (e[0].min(e[2]), e[0].max(e[2]))
                            } else {
                                let at = |y: f64| e[0] + (y - e[1]) / (e[3] - e[1]) * (e[2] - e[0]);
                                let (a, b) = (at(lo), at(hi));
                                (a.min(b), a.max(b))
                            };
                            rows[r].push(RowEdge {
                                poly: i as u32,
                                edge: id,
                                c0: col(xa - m) as u32,
                                c1: col(xb + m) as u32,
                            });
                            let cy = min.y + (r as f64 + 0.5) * cell;
                            if !flat && (e[1] > cy) != (e[3] > cy) {
                                let xi = e[0] + (cy - e[1]) * (e[2] - e[0]) / (e[3] - e[1]);
                                crossings[r].push((xi, i as u32));
                            }
                        }
                    }
                }
            }
        }

        let mut loc = Locator {
            polys,
            boxes,
            rank,
            min,
            inv_cell: 1.0 / cell,
            nx,
            ny,
            cells: vec![OUTSIDE; nx * ny],
            borders: Vec::new(),
            owners: Vec::new(),
            entries: Vec::new(),
            heights: Vec::new(),
            edge_ids: Vec::new(),
            edges,
        };
        // Polygons holding the current centre (odd crossings east of it).
        let n = layer.features.len();
        let mut odd: Vec<u32> = Vec::new();
        let mut pos = vec![usize::MAX; n];
        // Per cell of a row: (polygon, entry) for the polygons that meet it.
        let mut row_entries: Vec<(u32, Entry)> = Vec::new();
        let mut cell_first: Vec<u32> = vec![u32::MAX; nx];
        let mut heights_tmp: Vec<f64> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for r in 0..ny {
            let (ylo, yhi) = (row_lo(r), row_hi(r));
            let mut re = std::mem::take(&mut rows[r]);
            re.sort_by_key(|e| e.poly);
            row_entries.clear();
            // For each polygon meeting this row: an entry per cell it meets.
            for g in re.chunk_by(|a, b| a.poly == b.poly) {
                let poly = g[0].poly;
                touched.clear();
                for e in g {
                    touched.extend(e.c0..=e.c1);
                }
                touched.sort_unstable();
                touched.dedup();
                for &c in &touched {
                    let k0 = loc.edge_ids.len() as u32;
                    let mut flip = false;
                    heights_tmp.clear();
                    for e in g.iter().filter(|e| e.edge != u32::MAX) {
                        if e.c0 <= c && c <= e.c1 {
                            loc.edge_ids.push(e.edge);
                        } else if e.c0 > c {
                            // East of the cell: crossed by every ray from the
                            // cell whose height it spans; the parity of the
                            // edge is that of its ends above the point.
                            let ed = &loc.edges[e.edge as usize];
                            for vy in [ed[1], ed[3]] {
                                if vy > yhi {
                                    flip = !flip;
                                } else if vy >= ylo {
                                    heights_tmp.push(vy);
                                }
                            }
                        }
                    }
                    // A height listed twice adds nothing.
                    heights_tmp.sort_by(f64::total_cmp);
                    let h0 = loc.heights.len() as u32;
                    let mut k = 0;
                    while k < heights_tmp.len() {
                        let mut j = k;
                        while j < heights_tmp.len() && heights_tmp[j] == heights_tmp[k] {
                            j += 1;
                        }
                        if (j - k) % 2 == 1 {
                            loc.heights.push(heights_tmp[k]);
                        }
                        k = j;
                    }
                    row_entries.push((
                        c,
                        Entry {
                            poly,
                            flip,
                            h0,
                            h1: loc.heights.len() as u32,
                            k0,
                            k1: loc.edge_ids.len() as u32,
                        },
                    ));
                }
            }
            row_entries.sort_by_key(|e| e.0);
            cell_first.iter_mut().for_each(|c| *c = u32::MAX);
            for (k, e) in row_entries.iter().enumerate().rev() {
                cell_first[e.0 as usize] = k as u32;
            }
            // Sweep the row from east to west: the polygons holding each centre.
            for &p in &odd {
                pos[p as usize] = usize::MAX;
            }
            odd.clear();
            let mut cr = std::mem::take(&mut crossings[r]);
            cr.sort_by(|a, b| b.0.total_cmp(&a.0));
            let mut next = 0;
            let cy = min.y + (r as f64 + 0.5) * cell;
            for c in (0..nx).rev() {
                let cx = min.x + (c as f64 + 0.5) * cell;
                while next < cr.len() && cx < cr[next].0 {
                    let p = cr[next].1 as usize;
                    if pos[p] == usize::MAX {
                        pos[p] = odd.len();
                        odd.push(p as u32);
                    } else {
                        let k = pos[p];
                        odd.swap_remove(k);
                        if k < odd.len() {
                            pos[odd[k] as usize] = k;
                        }
                        pos[p] = usize::MAX;
                    }
                    next += 1;
                }
                let cell_index = r * nx + c;
                if cell_first[c] == u32::MAX {
                    // No border in the cell (most cells): its owner at once.
                    let inside = |p: u32| {
                        let b = &loc.boxes[p as usize];
                        !(cx < b[0] || cx > b[2] || cy < b[1] || cy > b[3])
                    };
                    match odd.as_slice() {
                        [] => continue,
                        [p] => {
                            if inside(*p) {
                                loc.cells[cell_index] = *p;
                            }
                            continue;
                        }
                        _ => {}
                    }
                }
                let meets = match cell_first[c] {
                    u32::MAX => &row_entries[0..0],
                    k => {
                        let k = k as usize;
                        let end = row_entries[k..]
                            .iter()
                            .position(|e| e.0 as usize != c)
                            .map_or(row_entries.len(), |j| k + j);
                        &row_entries[k..end]
                    }
                };
                let o0 = loc.owners.len() as u32;
                for &p in &odd {
                    let b = &loc.boxes[p as usize];
                    let in_box = !(cx < b[0] || cx > b[2] || cy < b[1] || cy > b[3]);
                    if in_box && !meets.iter().any(|e| e.1.poly == p) {
                        loc.owners.push(p);
                    }
                }
                let o1 = loc.owners.len() as u32;
                if meets.is_empty() && o1 - o0 <= 1 {
                    if o1 > o0 {
                        loc.cells[cell_index] = loc.owners[o0 as usize];
                    }
                    loc.owners.truncate(o0 as usize);
                    continue;
                }
                // Owners sorted so that the cell does not depend on the sweep.
                loc.owners[o0 as usize..].sort_unstable();
                let e0 = loc.entries.len() as u32;
                loc.entries.extend(meets.iter().map(|e| e.1));
                loc.cells[cell_index] = MIXED | loc.borders.len() as u32;
                loc.borders.push(Border {
                    o0,
                    o1,
                    e0,
                    e1: loc.entries.len() as u32,
                });
            }
        }
        loc
    }

    /// Locate a point (in the layer's CRS).
    #[inline]
    pub fn locate(&self, x: f64, y: f64) -> Location {
        let fx = (x - self.min.x) * self.inv_cell;
        let fy = (y - self.min.y) * self.inv_cell;
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
        let b = self.borders[(c & !MIXED) as usize];
        let mut found = Found::default();
        for &p in &self.owners[b.o0 as usize..b.o1 as usize] {
            found.add(p as usize, &self.rank);
        }
        for e in &self.entries[b.e0 as usize..b.e1 as usize] {
            let bx = &self.boxes[e.poly as usize];
            if x < bx[0] || x > bx[2] || y < bx[1] || y > bx[3] {
                continue;
            }
            let mut inside = e.flip;
            for &h in &self.heights[e.h0 as usize..e.h1 as usize] {
                inside ^= h > y;
            }
            for &k in &self.edge_ids[e.k0 as usize..e.k1 as usize] {
                inside ^= crosses(&self.edges[k as usize], x, y);
            }
            if inside {
                found.add(e.poly as usize, &self.rank);
            }
        }
        found.location()
    }

    /// The exact test over every edge of every polygon, without the grid:
    /// the answer [`Locator::locate`] must give (for tests).
    pub fn locate_exact(&self, x: f64, y: f64) -> Location {
        let mut found = Found::default();
        for (i, p) in self.polys.iter().enumerate() {
            if p.contains(x, y) {
                found.add(i, &self.rank);
            }
        }
        found.location()
    }
}

/// The polygons found for a point so far, with the overlap tie rule.
#[derive(Default)]
struct Found {
    best: Option<usize>,
    overlap: bool,
}

impl Found {
    #[inline]
    fn add(&mut self, i: usize, rank: &[usize]) {
        match self.best {
            None => self.best = Some(i),
            Some(j) => {
                self.overlap = true;
                if rank[i] < rank[j] {
                    self.best = Some(i);
                }
            }
        }
    }

    #[inline]
    fn location(&self) -> Location {
        match (self.best, self.overlap) {
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
