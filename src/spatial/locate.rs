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

use crate::spatial::geometry::Layer;

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
        let grid = Grid::new(layer);
        let RowEdges {
            edges,
            mut rows,
            mut crossings,
        } = RowEdges::new(layer, &grid);
        let mut loc = Locator {
            polys,
            boxes,
            rank: ranks(layer),
            min: grid.min,
            inv_cell: 1.0 / grid.cell,
            nx: grid.nx,
            ny: grid.ny,
            cells: vec![OUTSIDE; grid.nx * grid.ny],
            borders: Vec::new(),
            owners: Vec::new(),
            entries: Vec::new(),
            heights: Vec::new(),
            edge_ids: Vec::new(),
            edges,
        };
        let mut sweep = RowSweep::new(layer.features.len(), grid.nx);
        for r in 0..grid.ny {
            sweep.entries(&mut loc, &grid, r, std::mem::take(&mut rows[r]));
            sweep.cells(&mut loc, &grid, r, std::mem::take(&mut crossings[r]));
        }
        loc
    }

    /// The entry of the polygon whose edges in a row are `grp` (sorted by
    /// polygon, all of one) for cell `c` of the row `ylo..yhi`: the edges
    /// that meet the cell, and what the edges east of it add to a crossing
    /// count from inside it. `heights` is a buffer.
    #[inline]
    fn cell_entry(
        &mut self,
        grp: &[RowEdge],
        c: u32,
        (ylo, yhi): (f64, f64),
        heights: &mut Vec<f64>,
    ) -> Entry {
        let k0 = self.edge_ids.len() as u32;
        let mut flip = false;
        heights.clear();
        for e in grp.iter().filter(|e| e.edge != u32::MAX) {
            if e.c0 <= c && c <= e.c1 {
                self.edge_ids.push(e.edge);
            } else if e.c0 > c {
                // East of the cell: crossed by every ray from the
                // cell whose height it spans; the parity of the
                // edge is that of its ends above the point.
                let ed = &self.edges[e.edge as usize];
                for vy in [ed[1], ed[3]] {
                    if vy > yhi {
                        flip = !flip;
                    } else if vy >= ylo {
                        heights.push(vy);
                    }
                }
            }
        }
        let h0 = self.heights.len() as u32;
        push_odd_heights(heights, &mut self.heights);
        Entry {
            poly: grp[0].poly,
            flip,
            h0,
            h1: self.heights.len() as u32,
            k0,
            k1: self.edge_ids.len() as u32,
        }
    }

    /// Fill cell `index` whose centre is `(cx, cy)`: `odd` are the
    /// polygons holding the centre, `meets` those whose border enters the
    /// cell. A cell that one polygon holds wholly gets it; others become a
    /// border cell.
    #[inline]
    fn fill_cell(
        &mut self,
        index: usize,
        (cx, cy): (f64, f64),
        odd: &[u32],
        meets: &[(u32, Entry)],
    ) {
        let in_box = |b: &[f64; 4]| !(cx < b[0] || cx > b[2] || cy < b[1] || cy > b[3]);
        if meets.is_empty() {
            // No border in the cell (most cells): its owner at once.
            match odd {
                [] => return,
                [p] => {
                    if in_box(&self.boxes[*p as usize]) {
                        self.cells[index] = *p;
                    }
                    return;
                }
                _ => {}
            }
        }
        let o0 = self.owners.len() as u32;
        for &p in odd {
            if in_box(&self.boxes[p as usize]) && !meets.iter().any(|e| e.1.poly == p) {
                self.owners.push(p);
            }
        }
        let o1 = self.owners.len() as u32;
        if meets.is_empty() && o1 - o0 <= 1 {
            if o1 > o0 {
                self.cells[index] = self.owners[o0 as usize];
            }
            self.owners.truncate(o0 as usize);
            return;
        }
        // Owners sorted so that the cell does not depend on the sweep.
        self.owners[o0 as usize..].sort_unstable();
        let e0 = self.entries.len() as u32;
        self.entries.extend(meets.iter().map(|e| e.1));
        self.cells[index] = MIXED | self.borders.len() as u32;
        self.borders.push(Border {
            o0,
            o1,
            e0,
            e1: self.entries.len() as u32,
        });
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

/// Rank of each feature by key, for the overlap tie rule.
fn ranks(layer: &Layer) -> Vec<usize> {
    let mut order: Vec<usize> = (0..layer.features.len()).collect();
    order.sort_by(|&a, &b| layer.features[a].id.cmp(&layer.features[b].id));
    let mut rank = vec![0; order.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    rank
}

/// Of `heights` (sorted here), each height listed an odd number of times,
/// onto `out`: a height listed twice adds nothing.
fn push_odd_heights(heights: &mut [f64], out: &mut Vec<f64>) {
    heights.sort_by(f64::total_cmp);
    let mut k = 0;
    while k < heights.len() {
        let mut j = k;
        while j < heights.len() && heights[j] == heights[k] {
            j += 1;
        }
        if (j - k) % 2 == 1 {
            out.push(heights[k]);
        }
        k = j;
    }
}

/// The grid over a layer: `nx` × `ny` square cells of `cell` from `min`.
struct Grid {
    min: Coord<f64>,
    cell: f64,
    nx: usize,
    ny: usize,
    /// A margin far above rounding errors: an edge that comes nearer to a
    /// cell than this counts as meeting it.
    m: f64,
}

impl Grid {
    /// About [`TARGET_CELLS`] cells over the layer's bounding box.
    fn new(layer: &Layer) -> Grid {
        let bbox = layer.bbox().unwrap_or(geo::Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 1.0, y: 1.0 },
        ));
        let (w, h) = (bbox.width().max(1.0), bbox.height().max(1.0));
        let cell = ((w * h) / TARGET_CELLS).sqrt().max(1.0);
        let min = bbox.min();
        Grid {
            min,
            cell,
            nx: (w / cell).ceil() as usize + 1,
            ny: (h / cell).ceil() as usize + 1,
            m: cell * 1e-4 + 1e-9 * (min.x.abs() + min.y.abs()),
        }
    }

    #[inline]
    fn col(&self, x: f64) -> usize {
        (((x - self.min.x) / self.cell).floor().max(0.0) as usize).min(self.nx - 1)
    }

    #[inline]
    fn row(&self, y: f64) -> usize {
        (((y - self.min.y) / self.cell).floor().max(0.0) as usize).min(self.ny - 1)
    }

    /// The bottom of row `r`, less the margin.
    #[inline]
    fn row_lo(&self, r: usize) -> f64 {
        self.min.y + r as f64 * self.cell - self.m
    }

    /// The top of row `r`, plus the margin.
    #[inline]
    fn row_hi(&self, r: usize) -> f64 {
        self.min.y + (r + 1) as f64 * self.cell + self.m
    }

    /// The height of the centre line of row `r`.
    #[inline]
    fn centre_y(&self, r: usize) -> f64 {
        self.min.y + (r as f64 + 0.5) * self.cell
    }

    /// The x of the centres of column `c`.
    #[inline]
    fn centre_x(&self, c: usize) -> f64 {
        self.min.x + (c as f64 + 0.5) * self.cell
    }
}

/// Every edge in the rows it meets, with the columns it meets there; and
/// the crossings of each row's centre line (for the cells' centres).
struct RowEdges {
    /// The edges that are not horizontal.
    edges: Vec<[f64; 4]>,
    rows: Vec<Vec<RowEdge>>,
    /// Per row: (x, polygon) where an edge crosses the centre line.
    crossings: Vec<Vec<(f64, u32)>>,
}

impl RowEdges {
    fn new(layer: &Layer, grid: &Grid) -> RowEdges {
        let mut out = RowEdges {
            edges: Vec::new(),
            rows: vec![Vec::new(); grid.ny],
            crossings: vec![Vec::new(); grid.ny],
        };
        for (i, f) in layer.features.iter().enumerate() {
            for p in &f.geometry.0 {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for l in ring.lines() {
                        out.add(grid, i as u32, [l.start.x, l.start.y, l.end.x, l.end.y]);
                    }
                }
            }
        }
        out
    }

    /// Edge `e` of polygon `poly`.
    #[inline]
    fn add(&mut self, g: &Grid, poly: u32, e: [f64; 4]) {
        let flat = e[1] == e[3];
        let id = if flat {
            u32::MAX
        } else {
            self.edges.push(e);
            (self.edges.len() - 1) as u32
        };
        let (ylo, yhi) = (e[1].min(e[3]), e[1].max(e[3]));
        for r in g.row(ylo - g.m)..=g.row(yhi + g.m) {
            let (lo, hi) = (g.row_lo(r).max(ylo), g.row_hi(r).min(yhi));
            // The x-range of the edge within the row's band.
            let (xa, xb) = if flat {
                (e[0].min(e[2]), e[0].max(e[2]))
            } else {
                let at = |y: f64| e[0] + (y - e[1]) / (e[3] - e[1]) * (e[2] - e[0]);
                let (a, b) = (at(lo), at(hi));
                (a.min(b), a.max(b))
            };
            self.rows[r].push(RowEdge {
                poly,
                edge: id,
                c0: g.col(xa - g.m) as u32,
                c1: g.col(xb + g.m) as u32,
            });
            let cy = g.centre_y(r);
            if !flat && (e[1] > cy) != (e[3] > cy) {
                let xi = e[0] + (cy - e[1]) * (e[2] - e[0]) / (e[3] - e[1]);
                self.crossings[r].push((xi, poly));
            }
        }
    }
}

/// What filling the grid row by row keeps from row to row.
struct RowSweep {
    /// Polygons holding the current centre (odd crossings east of it).
    odd: Vec<u32>,
    /// Each polygon's place in `odd` (or `usize::MAX`).
    pos: Vec<usize>,
    /// Per cell of a row: (cell, entry) for the polygons that meet it, by cell.
    row_entries: Vec<(u32, Entry)>,
    /// Per cell of a row: its first place in `row_entries` (or `u32::MAX`).
    cell_first: Vec<u32>,
    heights: Vec<f64>,
    touched: Vec<u32>,
}

impl RowSweep {
    fn new(polygons: usize, nx: usize) -> RowSweep {
        RowSweep {
            odd: Vec::new(),
            pos: vec![usize::MAX; polygons],
            row_entries: Vec::new(),
            cell_first: vec![u32::MAX; nx],
            heights: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// For each polygon meeting row `r` (its edges there `re`): an entry
    /// per cell it meets.
    fn entries(&mut self, loc: &mut Locator, g: &Grid, r: usize, mut re: Vec<RowEdge>) {
        let band = (g.row_lo(r), g.row_hi(r));
        re.sort_by_key(|e| e.poly);
        self.row_entries.clear();
        for grp in re.chunk_by(|a, b| a.poly == b.poly) {
            self.touched.clear();
            for e in grp {
                self.touched.extend(e.c0..=e.c1);
            }
            self.touched.sort_unstable();
            self.touched.dedup();
            for &c in &self.touched {
                let entry = loc.cell_entry(grp, c, band, &mut self.heights);
                self.row_entries.push((c, entry));
            }
        }
        self.row_entries.sort_by_key(|e| e.0);
        self.cell_first.iter_mut().for_each(|c| *c = u32::MAX);
        for (k, e) in self.row_entries.iter().enumerate().rev() {
            self.cell_first[e.0 as usize] = k as u32;
        }
    }

    /// Sweep row `r` from east to west (`cr`: the crossings of its centre
    /// line): the polygons holding each centre, and so each cell.
    fn cells(&mut self, loc: &mut Locator, g: &Grid, r: usize, mut cr: Vec<(f64, u32)>) {
        for &p in &self.odd {
            self.pos[p as usize] = usize::MAX;
        }
        self.odd.clear();
        cr.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut next = 0;
        let cy = g.centre_y(r);
        for c in (0..g.nx).rev() {
            let cx = g.centre_x(c);
            while next < cr.len() && cx < cr[next].0 {
                self.toggle(cr[next].1 as usize);
                next += 1;
            }
            loc.fill_cell(r * g.nx + c, (cx, cy), &self.odd, self.meets(c));
        }
    }

    /// A crossing of polygon `p`: in `odd` if it was not, out if it was.
    #[inline]
    fn toggle(&mut self, p: usize) {
        if self.pos[p] == usize::MAX {
            self.pos[p] = self.odd.len();
            self.odd.push(p as u32);
        } else {
            let k = self.pos[p];
            self.odd.swap_remove(k);
            if k < self.odd.len() {
                self.pos[self.odd[k] as usize] = k;
            }
            self.pos[p] = usize::MAX;
        }
    }

    /// The entries of cell `c` of the row.
    #[inline]
    fn meets(&self, c: usize) -> &[(u32, Entry)] {
        match self.cell_first[c] {
            u32::MAX => &self.row_entries[0..0],
            k => {
                let k = k as usize;
                let end = self.row_entries[k..]
                    .iter()
                    .position(|e| e.0 as usize != c)
                    .map_or(self.row_entries.len(), |j| k + j);
                &self.row_entries[k..end]
            }
        }
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
    use crate::spatial::geometry::geojson::read_geojson_str;
    use crate::spatial::geometry::LayerOptions;

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

    #[test]
    fn the_grid_has_cells_of_a_metre_at_least() {
        let g = Grid::new(&two_squares());
        assert_eq!((g.cell, g.nx, g.ny), (1.0, 201, 101));
        assert_eq!(
            (g.col(390_000.5), g.col(390_199.9), g.col(1e9)),
            (0, 199, 200)
        );
        assert_eq!((g.row(5_809_000.0), g.row(5_810_050.5)), (0, 50));
        assert_eq!(g.centre_y(2), 5_810_002.5);
        assert_eq!(g.centre_x(0), 390_000.5);
        assert!((g.row_hi(0) - g.row_lo(0) - 1.0 - 2.0 * g.m).abs() < 1e-6);
    }

    #[test]
    fn edges_are_listed_in_the_rows_they_meet() {
        let layer = two_squares();
        let g = Grid::new(&layer);
        let re = RowEdges::new(&layer, &g);
        // Four vertical edges of 100 m (two on the shared border); the
        // horizontal ones are not kept as edges.
        assert_eq!(re.edges.len(), 4);
        // Row 50: both polygons' vertical edges and nothing else.
        let mut polys: Vec<(u32, u32, u32)> =
            re.rows[50].iter().map(|e| (e.poly, e.c0, e.c1)).collect();
        polys.sort_unstable();
        assert_eq!(
            polys,
            [(0, 0, 0), (0, 99, 100), (1, 99, 100), (1, 199, 200)]
        );
        let mut xs: Vec<f64> = re.crossings[50].iter().map(|c| c.0).collect();
        xs.sort_by(f64::total_cmp);
        assert_eq!(xs, [390_000.0, 390_100.0, 390_100.0, 390_200.0]);
    }

    #[test]
    fn heights_listed_twice_add_nothing() {
        let mut out = vec![9.0];
        push_odd_heights(&mut [3.0, 1.0, 3.0, 2.0, 2.0, 2.0], &mut out);
        assert_eq!(out, [9.0, 1.0, 2.0]);
    }
}
