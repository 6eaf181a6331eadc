//! The rook-adjacency graph of the units: two units are neighbours when
//! their common boundary has positive length (a shared corner is not
//! enough). Shared borders are found with an R-tree over the boundary
//! segments of all units; two segments belong to a shared border when both
//! ends of one lie within a tolerance (default 1 m, digitising noise) of the
//! other's line and their projections overlap. Blocks of units (a whole
//! BZR) are the graph contracted.

use std::collections::BTreeMap;

use rstar::primitives::{GeomWithData, Line};
use rstar::{RTree, AABB};

use crate::spatial::geometry::Layer;

/// Rook adjacency of a set of units (or blocks), with shared border lengths.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// `adj[i]`: (neighbour, shared border in m), sorted by neighbour.
    pub adj: Vec<Vec<(usize, f64)>>,
    /// Boundary length of each unit in m.
    pub perimeter: Vec<f64>,
    /// Area of each unit in m².
    pub area: Vec<f64>,
}

impl Graph {
    pub fn len(&self) -> usize {
        self.adj.len()
    }

    pub fn is_empty(&self) -> bool {
        self.adj.is_empty()
    }

    /// Shared border between `i` and `j` (0 when not neighbours).
    pub fn shared(&self, i: usize, j: usize) -> f64 {
        self.adj[i]
            .iter()
            .find(|(n, _)| *n == j)
            .map(|(_, l)| *l)
            .unwrap_or(0.0)
    }

    /// Contract groups of units into blocks: `group[i]` is the block of unit
    /// `i` (0..n_blocks). Shared borders add up; borders inside a block vanish.
    pub fn contract(&self, group: &[usize], n_blocks: usize) -> Graph {
        let mut shared: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); n_blocks];
        let mut perimeter = vec![0.0; n_blocks];
        let mut area = vec![0.0; n_blocks];
        for i in 0..self.len() {
            let g = group[i];
            perimeter[g] += self.perimeter[i];
            area[g] += self.area[i];
            for &(j, l) in &self.adj[i] {
                let h = group[j];
                if h == g {
                    // Counted once from each side: half each time.
                    perimeter[g] -= l;
                } else {
                    *shared[g].entry(h).or_default() += l;
                }
            }
        }
        Graph {
            adj: shared
                .into_iter()
                .map(|m| m.into_iter().collect())
                .collect(),
            perimeter,
            area,
        }
    }

    /// Connected components of the units with `member[i]` true.
    pub fn components(&self, member: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
        let n = self.len();
        let mut seen = vec![false; n];
        let mut out = Vec::new();
        for s in 0..n {
            if seen[s] || !member(s) {
                continue;
            }
            let mut comp = vec![s];
            seen[s] = true;
            let mut k = 0;
            while k < comp.len() {
                let u = comp[k];
                k += 1;
                for &(v, _) in &self.adj[u] {
                    if !seen[v] && member(v) {
                        seen[v] = true;
                        comp.push(v);
                    }
                }
            }
            out.push(comp);
        }
        out
    }
}

/// The rook-adjacency graph of a layer's units (in the layer's order).
/// `tol` (m): how far apart two digitisations of the same border may be.
pub fn adjacency(layer: &Layer, tol: f64) -> Graph {
    type Seg = GeomWithData<Line<[f64; 2]>, usize>;
    let mut segs: Vec<Seg> = Vec::new();
    let mut perimeter = Vec::with_capacity(layer.features.len());
    for (i, f) in layer.features.iter().enumerate() {
        let mut p = 0.0;
        for poly in &f.geometry.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for l in ring.lines() {
                    let (a, b) = ([l.start.x, l.start.y], [l.end.x, l.end.y]);
                    let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
                    if len > 0.0 {
                        p += len;
                        segs.push(GeomWithData::new(Line::new(a, b), i));
                    }
                }
            }
        }
        perimeter.push(p);
    }
    let tree = RTree::bulk_load(segs.clone());
    let mut shared: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); layer.features.len()];
    for s in &segs {
        let (a, b) = (s.geom().from, s.geom().to);
        let env = AABB::from_corners(
            [a[0].min(b[0]) - tol, a[1].min(b[1]) - tol],
            [a[0].max(b[0]) + tol, a[1].max(b[1]) + tol],
        );
        for t in tree.locate_in_envelope_intersecting(&env) {
            // Each pair of units is measured from the lower index's segments.
            if t.data <= s.data {
                continue;
            }
            let l = overlap(a, b, t.geom().from, t.geom().to, tol);
            if l > 0.0 {
                *shared[s.data].entry(t.data).or_default() += l;
            }
        }
    }
    let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); layer.features.len()];
    for (i, m) in shared.into_iter().enumerate() {
        for (j, l) in m {
            // A border shorter than the tolerance is a touching corner.
            if l > tol {
                adj[i].push((j, l));
                adj[j].push((i, l));
            }
        }
    }
    for a in &mut adj {
        a.sort_by_key(|x| x.0);
    }
    Graph {
        adj,
        perimeter,
        area: layer.features.iter().map(|f| f.area).collect(),
    }
}

/// Length of segment a–b along which segment c–d runs within `tol` of it.
fn overlap(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2], tol: f64) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return 0.0;
    }
    let (ux, uy) = (dx / len, dy / len);
    let along = |p: [f64; 2]| (p[0] - a[0]) * ux + (p[1] - a[1]) * uy;
    let across = |p: [f64; 2]| ((p[0] - a[0]) * uy - (p[1] - a[1]) * ux).abs();
    if across(c) > tol || across(d) > tol {
        return 0.0;
    }
    let (tc, td) = (along(c), along(d));
    let lo = tc.min(td).max(0.0);
    let hi = tc.max(td).min(len);
    (hi - lo).max(0.0)
}
