//! Sozialraum layouts built from LOR units: evaluate a layout, and propose
//! the contiguous layout that moves the fewest people away from a reference.
//!
//! The units (PLR) form a rook-adjacency graph: two units are neighbours when
//! their common boundary has positive length (a shared corner is not enough).
//! Shared borders are found with an R-tree over the boundary segments of all
//! units; two segments belong to a shared border when both ends of one lie
//! within a tolerance (default 1 m, digitising noise) of the other's line and
//! their projections overlap.
//!
//! A layout assigns every unit (or block of units: a PLR, or a whole BZR) to
//! one region. Against a reference (e.g. the youth-welfare Sozialräume) each
//! unit has a share in every reference region (its area share, or the list's
//! weight); the people of a unit that lie outside the region it is assigned
//! to count as moved. A block's reference region is the one holding most of
//! its people (for a PLR: the largest-share rule).
//!
//! [`propose`] minimises the people moved subject to: every region
//! contiguous, every region non-empty, optionally every region's people
//! within a band around the mean. Small instances (a district) are solved
//! exactly by branch and bound; large ones (all of Berlin) by a documented
//! heuristic whose result is reported with a lower bound (see [`propose`]).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rstar::primitives::{GeomWithData, Line};
use rstar::{RTree, AABB};

use crate::spatial::geometry::Layer;
use crate::table::key::Level;

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

/// Shares of each unit in the reference regions: `shares[i]` = (region, share).
pub type Shares = Vec<Vec<(usize, f64)>>;

/// Figures of one region of a layout.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionFigures {
    pub id: String,
    pub units: usize,
    pub people: f64,
    /// m².
    pub area: f64,
    /// Connected parts (1 = contiguous).
    pub parts: usize,
    /// Polsby-Popper 4πA/P² (1 = circle).
    pub compactness: f64,
    /// (people − mean) / mean.
    pub deviation: f64,
    /// People of the region who are in another reference region (with a reference).
    pub moved_in: Option<f64>,
}

/// The evaluation of a layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub regions: Vec<RegionFigures>,
    pub people: f64,
    /// Largest / smallest population of a region.
    pub max_min_ratio: f64,
    /// BZR (6 digits) whose PLR lie in more than one region.
    pub cut_bzr: Vec<String>,
    /// PGR (4 digits) whose PLR lie in more than one region.
    pub cut_pgr: Vec<String>,
    /// People whose region differs from their reference region.
    pub moved: Option<f64>,
    /// (reference region, layout region, people), for pairs with people > 0.
    pub pairs: Vec<(String, String, f64)>,
}

/// A layout over units: `region[i]` indexes `ids`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub ids: Vec<String>,
    pub region: Vec<usize>,
}

/// Evaluate a layout over the units of `graph` (keys `keys`, people `people`).
/// `reference`: the units' shares in the reference regions, with their ids.
pub fn evaluate(
    graph: &Graph,
    keys: &[String],
    people: &[f64],
    layout: &Layout,
    reference: Option<(&Shares, &[String])>,
) -> Evaluation {
    let k = layout.ids.len();
    let total: f64 = people.iter().sum();
    let mean = if k > 0 { total / k as f64 } else { 0.0 };
    let pairs = match reference {
        Some((shares, _)) => reference_pairs(shares, &layout.region, people),
        None => BTreeMap::new(),
    };
    let ref_ids = reference.map(|(_, ids)| ids);
    let regions = region_figures(graph, keys, people, layout, mean, &pairs, ref_ids);
    let max = regions.iter().map(|r| r.people).fold(f64::MIN, f64::max);
    let min = regions.iter().map(|r| r.people).fold(f64::MAX, f64::min);
    let lor = keys
        .iter()
        .all(|k| Level::from_digits(k.len()) == Some(Level::Plr));
    let cut = |digits: usize| -> Vec<String> {
        if !lor {
            return Vec::new();
        }
        cut_units(keys, &layout.region, digits)
    };
    let (moved, pairs) = match ref_ids {
        Some(ref_ids) => {
            let list = moved_pairs(&pairs, ref_ids, &layout.ids);
            (Some(list.iter().map(|x| x.2).sum()), list)
        }
        None => (None, Vec::new()),
    };
    Evaluation {
        regions,
        people: total,
        max_min_ratio: if min > 0.0 { max / min } else { f64::INFINITY },
        cut_bzr: cut(6),
        cut_pgr: cut(4),
        moved,
        pairs,
    }
}

/// People per (reference region, layout region); `usize::MAX` as the
/// reference region for the people outside every reference region.
fn reference_pairs(
    shares: &Shares,
    region: &[usize],
    people: &[f64],
) -> BTreeMap<(usize, usize), f64> {
    let mut pairs: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (i, sh) in shares.iter().enumerate() {
        let s = region[i];
        for &(r, w) in sh {
            *pairs.entry((r, s)).or_default() += people[i] * w;
        }
        // People outside every reference region count as moved.
        let inside: f64 = sh.iter().map(|x| x.1).sum();
        if inside < 1.0 - 1e-9 {
            *pairs.entry((usize::MAX, s)).or_default() += people[i] * (1.0 - inside);
        }
    }
    pairs
}

/// The figures of each region of `layout`; `pairs` from [`reference_pairs`]
/// with the reference's ids `ref_ids`.
fn region_figures(
    graph: &Graph,
    keys: &[String],
    people: &[f64],
    layout: &Layout,
    mean: f64,
    pairs: &BTreeMap<(usize, usize), f64>,
    ref_ids: Option<&[String]>,
) -> Vec<RegionFigures> {
    let k = layout.ids.len();
    let mut regions = Vec::with_capacity(k);
    let block = graph.contract(&layout.region, k);
    for (r, id) in layout.ids.iter().enumerate() {
        let members: Vec<usize> = (0..keys.len()).filter(|&i| layout.region[i] == r).collect();
        let p: f64 = members.iter().map(|&i| people[i]).sum();
        let parts = graph.components(|i| layout.region[i] == r).len();
        let (a, per) = (block.area[r], block.perimeter[r]);
        let moved_in = ref_ids.map(|ref_ids| {
            pairs
                .iter()
                .filter(|((rr, s), _)| *s == r && (*rr == usize::MAX || ref_ids[*rr] != *id))
                .map(|(_, v)| v)
                .sum()
        });
        regions.push(RegionFigures {
            id: id.clone(),
            units: members.len(),
            people: p,
            area: a,
            parts,
            compactness: if per > 0.0 {
                4.0 * std::f64::consts::PI * a / (per * per)
            } else {
                0.0
            },
            deviation: if mean > 0.0 { (p - mean) / mean } else { 0.0 },
            moved_in,
        });
    }
    regions
}

/// The units of the first `digits` digits of the keys (BZR: 6, PGR: 4)
/// whose keys lie in more than one region.
fn cut_units(keys: &[String], region: &[usize], digits: usize) -> Vec<String> {
    let mut seen: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        seen.entry(&key[..digits]).or_default().insert(region[i]);
    }
    seen.into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(k, _)| k.to_string())
        .collect()
}

/// The (reference region, layout region, people) of `pairs` whose people
/// are in another region than their reference region.
fn moved_pairs(
    pairs: &BTreeMap<(usize, usize), f64>,
    ref_ids: &[String],
    ids: &[String],
) -> Vec<(String, String, f64)> {
    let name = |r: usize| {
        if r == usize::MAX {
            NO_REGION.to_string()
        } else {
            ref_ids[r].clone()
        }
    };
    pairs
        .iter()
        .filter(|((r, s), v)| **v > 0.0 && (*r == usize::MAX || ref_ids[*r] != ids[*s]))
        .map(|((r, s), v)| (name(*r), ids[*s].clone(), *v))
        .collect()
}

/// A proposal problem over blocks.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Adjacency of the blocks.
    pub graph: Graph,
    pub people: Vec<f64>,
    /// `cost[b][r]`: people of block `b` moved when it goes to region `r`.
    pub cost: Vec<Vec<f64>>,
    /// Number of regions (columns of `cost`).
    pub regions: usize,
    /// Allowed people per region (lower, upper).
    pub band: Option<(f64, f64)>,
}

/// How a proposal was found and how good it is known to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Region of each block.
    pub region: Vec<usize>,
    /// People moved.
    pub cost: f64,
    /// No layout moves fewer people than this.
    pub lower_bound: f64,
    /// `cost == lower_bound` proven (exact search completed).
    pub optimal: bool,
    /// `direct`, `branch-and-bound` or `heuristic`.
    pub method: &'static str,
    /// Search nodes (branch and bound).
    pub nodes: u64,
}

/// `cost[i][r]`: people of unit `i` outside region `r`, from the units'
/// shares in the reference regions (regions `>=` the reference's count are
/// new: everyone in them is moved).
pub fn unit_costs(people: &[f64], shares: &Shares, regions: usize) -> Vec<Vec<f64>> {
    people
        .iter()
        .zip(shares)
        .map(|(&p, sh)| {
            let mut c = vec![p; regions];
            for &(r, w) in sh {
                if r < regions {
                    c[r] -= p * w;
                }
            }
            c.iter().map(|x| x.max(0.0)).collect()
        })
        .collect()
}

impl Problem {
    /// A problem over blocks with their people and costs; `band` = ±share
    /// of the mean people per region.
    pub fn new(
        graph: Graph,
        people: Vec<f64>,
        cost: Vec<Vec<f64>>,
        regions: usize,
        band: Option<f64>,
    ) -> Problem {
        let total: f64 = people.iter().sum();
        let mean = total / regions as f64;
        Problem {
            graph,
            people,
            cost,
            regions,
            band: band.map(|b| (mean * (1.0 - b), mean * (1.0 + b))),
        }
    }

    fn total(&self, region: &[usize]) -> f64 {
        region
            .iter()
            .enumerate()
            .map(|(b, &r)| self.cost[b][r])
            .sum()
    }

    /// The region of least cost for each block (ties: lowest index).
    pub fn reference(&self) -> Vec<usize> {
        self.cost
            .iter()
            .map(|c| {
                let mut best = 0;
                for r in 1..c.len() {
                    if c[r] < c[best] - 1e-9 {
                        best = r;
                    }
                }
                best
            })
            .collect()
    }

    /// Every region non-empty, contiguous and within the band?
    pub fn feasible(&self, region: &[usize]) -> bool {
        (0..self.regions).all(|r| {
            let p: f64 = (0..region.len())
                .filter(|&b| region[b] == r)
                .map(|b| self.people[b])
                .sum();
            let comps = self.graph.components(|b| region[b] == r).len();
            comps == 1
                && self
                    .band
                    .is_none_or(|(lo, hi)| p >= lo - 1e-9 && p <= hi + 1e-9)
        })
    }

    /// A lower bound valid for every feasible layout: each block at its
    /// cheapest region, plus, when regions without a reference exist
    /// (more regions than reference regions), what filling them costs.
    pub fn lower_bound(&self, reference_regions: usize) -> f64 {
        let base: f64 = self
            .cost
            .iter()
            .map(|c| c.iter().cloned().fold(f64::MAX, f64::min))
            .sum();
        let extra = self.regions.saturating_sub(reference_regions);
        if extra == 0 {
            return base;
        }
        // A block in a new region moves all its people: its increment over
        // its cheapest region is people − min cost.
        let mut inc: Vec<f64> = self
            .cost
            .iter()
            .zip(&self.people)
            .map(|(c, p)| p - c.iter().cloned().fold(f64::MAX, f64::min))
            .collect();
        inc.sort_by(|a, b| a.total_cmp(b));
        let mut add: f64 = inc.iter().take(extra).sum();
        if let Some((lo, _)) = self.band {
            // Each new region holds at least `lo` people, all of them moved;
            // of a block's people at most (min cost) were counted already.
            let ratio = self
                .cost
                .iter()
                .zip(&self.people)
                .filter(|(_, p)| **p > 0.0)
                .map(|(c, p)| (p - c.iter().cloned().fold(f64::MAX, f64::min)) / p)
                .fold(1.0, f64::min);
            add = add.max(extra as f64 * lo * ratio);
        }
        base + add
    }
}

/// Limits of the exact search.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Blocks up to which branch and bound is tried.
    pub exact_blocks: usize,
    /// Search nodes before giving up on a proof.
    pub max_nodes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            exact_blocks: 120,
            max_nodes: 2_000_000,
        }
    }
}

/// Why no layout can be proposed.
#[derive(Debug, Clone, PartialEq)]
pub enum ProposeError {
    /// The blocks fall apart into groups that share no border.
    Disconnected(Vec<Vec<usize>>),
    /// More regions than blocks.
    TooManyRegions,
    /// The search proved that no layout meets the constraints.
    Infeasible,
    /// Neither the heuristic nor the (stopped) search found a layout.
    NotFound,
}

/// Propose a layout: every block in a region, every region contiguous and
/// non-empty, within the band; fewest people moved.
///
/// 1. Direct: when every block's cheapest (reference) region gives a
///    feasible layout, it is optimal (its cost is the sum of the per-block
///    minima, a lower bound of every layout).
/// 2. Heuristic: start from the reference assignment; create regions
///    beyond the reference by splitting the most populous region (growing
///    a contiguous part from its cheapest-to-move block); repair connectivity
///    by moving every part but the most populous of a region, whole, to the
///    neighbouring region where it costs least; then local search: move one
///    boundary block to a neighbouring region when that keeps the donor
///    contiguous and non-empty and lowers (band violation, people moved)
///    lexicographically, until no move helps.
/// 3. Exact (up to `limits.exact_blocks` blocks): depth-first branch and
///    bound over the blocks ordered by people (largest first, each next block
///    a neighbour of those before it where possible), regions tried
///    cheapest first, starting from the heuristic's layout. A node is cut
///    when a region exceeds the band, when a region's assigned blocks can no
///    longer be joined through unassigned blocks, when a region cannot reach
///    the band's lower end with the blocks it can still reach, or when the
///    lower bound (people moved so far + for every unassigned block its
///    cheapest region among those it can still reach) is not below the best
///    layout found.
///
/// `reference_regions`: regions `0..reference_regions` have a reference
/// (the others are new).
pub fn propose(
    p: &Problem,
    reference_regions: usize,
    limits: Limits,
) -> Result<Solution, ProposeError> {
    let n = p.graph.len();
    if p.regions > n {
        return Err(ProposeError::TooManyRegions);
    }
    let comps = p.graph.components(|_| true);
    if comps.len() > 1 && p.regions > 0 {
        return Err(ProposeError::Disconnected(comps));
    }
    let lb = p.lower_bound(reference_regions);
    let start = p.reference();
    if p.feasible(&start) {
        return Ok(Solution {
            cost: p.total(&start),
            region: start,
            lower_bound: lb,
            optimal: true,
            method: "direct",
            nodes: 0,
        });
    }
    let heur = heuristic(p, start);
    let heur = heur.filter(|h| p.feasible(h));
    if n <= limits.exact_blocks {
        let mut bb = BranchAndBound::new(p, limits.max_nodes);
        if let Some(h) = &heur {
            bb.best_cost = p.total(h);
            bb.best = Some(h.clone());
        }
        bb.run();
        let complete = bb.nodes < limits.max_nodes;
        return match bb.best {
            Some(region) => {
                let cost = p.total(&region);
                Ok(Solution {
                    cost,
                    lower_bound: if complete {
                        cost
                    } else {
                        lb.max(bb.root_bound)
                    },
                    optimal: complete,
                    method: "branch-and-bound",
                    nodes: bb.nodes,
                    region,
                })
            }
            None if complete => Err(ProposeError::Infeasible),
            None => Err(ProposeError::NotFound),
        };
    }
    let lb = lb.max(root_bound(p));
    match heur {
        Some(region) => {
            let cost = p.total(&region);
            Ok(Solution {
                optimal: cost <= lb + 1e-6,
                cost,
                lower_bound: lb,
                method: "heuristic",
                nodes: 0,
                region,
            })
        }
        None => Err(ProposeError::NotFound),
    }
}

fn region_people(p: &Problem, region: &[usize]) -> Vec<f64> {
    let mut pop = vec![0.0; p.regions];
    for (b, &r) in region.iter().enumerate() {
        pop[r] += p.people[b];
    }
    pop
}

fn violation(p: &Problem, pop: &[f64]) -> f64 {
    match p.band {
        None => 0.0,
        Some((lo, hi)) => pop
            .iter()
            .map(|&x| (x - hi).max(0.0) + (lo - x).max(0.0))
            .sum(),
    }
}

/// Is region `r` still contiguous (and non-empty) without block `out`?
fn connected_without(p: &Problem, region: &[usize], r: usize, out: usize) -> bool {
    let comps = p.graph.components(|b| b != out && region[b] == r);
    comps.len() == 1
}

fn heuristic(p: &Problem, mut region: Vec<usize>) -> Option<Vec<usize>> {
    fill_empty_regions(p, &mut region)?;
    repair_parts(p, &mut region)?;
    if p.band.is_some() {
        balance(p, &mut region);
    }
    // Local search: single moves, then (within a band) pairs of moves.
    for _ in 0..100_000 {
        single_moves(p, &mut region);
        let within = violation(p, &region_people(p, &region)) <= 1e-6;
        if !(within && p.band.is_some() && pair_move(p, &mut region)) {
            break;
        }
    }
    Some(region)
}

/// Regions without any block (new regions, or reference regions that lost
/// everything to the largest-share rule): split the most populous.
/// `None` when no region has two blocks to give.
fn fill_empty_regions(p: &Problem, region: &mut [usize]) -> Option<()> {
    let n = region.len();
    for r in 0..p.regions {
        if region.contains(&r) {
            continue;
        }
        let pop = region_people(p, region);
        let donor = (0..p.regions)
            .filter(|&d| region.iter().filter(|&&x| x == d).count() > 1)
            .max_by(|a, b| pop[*a].total_cmp(&pop[*b]))?;
        let members: Vec<usize> = (0..n).filter(|&b| region[b] == donor).collect();
        // Seed: the member that costs least to move to r (ties: fewest people).
        let seed = *members
            .iter()
            .filter(|&&b| connected_without(p, region, donor, b))
            .min_by(|&&a, &&b| {
                (p.cost[a][r] - p.cost[a][donor])
                    .total_cmp(&(p.cost[b][r] - p.cost[b][donor]))
                    .then(p.people[a].total_cmp(&p.people[b]))
            })?;
        region[seed] = r;
        grow_from_seed(p, region, donor, r, p.people[seed], pop[donor] / 2.0);
    }
    Some(())
}

/// Grow the new region `r` (holding `got` people) by neighbouring blocks
/// of `donor` (which stays contiguous) until it holds about `target`.
fn grow_from_seed(
    p: &Problem,
    region: &mut [usize],
    donor: usize,
    r: usize,
    mut got: f64,
    target: f64,
) {
    let n = region.len();
    let mut grown = true;
    while grown && got < target {
        grown = false;
        let cand: Vec<usize> = (0..n)
            .filter(|&b| region[b] == donor && p.graph.adj[b].iter().any(|&(v, _)| region[v] == r))
            .collect();
        if let Some(&b) = cand
            .iter()
            .filter(|&&b| got + p.people[b] <= target + p.people[b] / 2.0)
            .find(|&&b| connected_without(p, region, donor, b))
        {
            region[b] = r;
            got += p.people[b];
            grown = true;
        }
    }
}

/// Repair: every region one part. Each part but the most populous goes to
/// the neighbouring region where it costs least. `None` when such a part
/// has no neighbouring region.
fn repair_parts(p: &Problem, region: &mut [usize]) -> Option<()> {
    loop {
        let mut changed = false;
        for r in 0..p.regions {
            let mut comps = p.graph.components(|b| region[b] == r);
            if comps.len() <= 1 {
                continue;
            }
            comps.sort_by(|a, b| {
                let pa: f64 = a.iter().map(|&x| p.people[x]).sum();
                let pb: f64 = b.iter().map(|&x| p.people[x]).sum();
                pb.total_cmp(&pa)
            });
            for comp in comps.into_iter().skip(1) {
                let set: BTreeSet<usize> = comp.iter().copied().collect();
                let neighbours: BTreeSet<usize> = comp
                    .iter()
                    .flat_map(|&b| p.graph.adj[b].iter().map(|&(v, _)| v))
                    .filter(|v| !set.contains(v))
                    .map(|v| region[v])
                    .filter(|&s| s != r)
                    .collect();
                let best = neighbours.into_iter().min_by(|&a, &b| {
                    let ca: f64 = comp.iter().map(|&x| p.cost[x][a]).sum();
                    let cb: f64 = comp.iter().map(|&x| p.cost[x][b]).sum();
                    ca.total_cmp(&cb)
                })?;
                for &b in &comp {
                    region[b] = best;
                }
                changed = true;
            }
        }
        if !changed {
            return Some(());
        }
    }
}

/// Move one boundary block to a neighbouring region while that lowers
/// (band violation, people moved) and keeps its region contiguous.
fn single_moves(p: &Problem, region: &mut [usize]) {
    let n = region.len();
    let mut pop = region_people(p, region);
    let mut cost = p.total(region);
    let mut viol = violation(p, &pop);
    let mut improved = true;
    let mut rounds = 0;
    while improved && rounds < 10_000 {
        improved = false;
        rounds += 1;
        for b in 0..n {
            let r = region[b];
            let targets: BTreeSet<usize> = p.graph.adj[b]
                .iter()
                .map(|&(v, _)| region[v])
                .filter(|&s| s != r)
                .collect();
            for s in targets {
                let mut pop2 = pop.clone();
                pop2[r] -= p.people[b];
                pop2[s] += p.people[b];
                let v2 = violation(p, &pop2);
                let c2 = cost - p.cost[b][r] + p.cost[b][s];
                let better = v2 < viol - 1e-6 || (v2 <= viol + 1e-6 && c2 < cost - 1e-6);
                if better && connected_without(p, region, r, b) {
                    region[b] = s;
                    pop = pop2;
                    cost = c2;
                    viol = v2;
                    improved = true;
                    break;
                }
            }
        }
    }
}

/// One pair of moves that lowers the people moved and keeps every region
/// within the band and contiguous, where the first move alone would leave
/// the band (so no single move finds it): block `b` from `r` to `s`, then a
/// block out of `s` when `s` is now too full, or a block into `r` when `r`
/// is now too small. The first such pair found is made; `false` when none.
fn pair_move(p: &Problem, region: &mut [usize]) -> bool {
    let Some((lo, hi)) = p.band else {
        return false;
    };
    let n = region.len();
    let eps = 1e-9;
    let pop = region_people(p, region);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); p.regions];
    for (b, &r) in region.iter().enumerate() {
        members[r].push(b);
    }
    for b in 0..n {
        let r = region[b];
        if members[r].len() < 2 {
            continue;
        }
        let mut targets: Vec<usize> = p.graph.adj[b]
            .iter()
            .map(|&(v, _)| region[v])
            .filter(|&s| s != r)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for s in targets {
            let d1 = p.cost[b][s] - p.cost[b][r];
            let first = FirstMove {
                b,
                r,
                s,
                pr: pop[r] - p.people[b],
                ps: pop[s] + p.people[b],
            };
            let (r_under, s_over) = (first.pr < lo - eps, first.ps > hi + eps);
            if r_under == s_over {
                continue;
            }
            let second = second_moves(p, region, &pop, &members, &first, (lo, hi), s_over);
            if make_pair(p, region, &first, d1, &second) {
                return true;
            }
        }
    }
    false
}

/// The first move of a pair: block `b` from region `r` to `s`, leaving `r`
/// with `pr` people and `s` with `ps`.
struct FirstMove {
    b: usize,
    r: usize,
    s: usize,
    pr: f64,
    ps: f64,
}

/// The second moves (extra cost, block c, from, to) that bring both regions
/// they touch within the band `lo..=hi` after `first`: out of `s` when
/// `s_over`, else into `r`. Cheapest first, each once.
fn second_moves(
    p: &Problem,
    region: &[usize],
    pop: &[f64],
    members: &[Vec<usize>],
    first: &FirstMove,
    (lo, hi): (f64, f64),
    s_over: bool,
) -> Vec<(f64, usize, usize, usize)> {
    let eps = 1e-9;
    let within = |x: f64| x >= lo - eps && x <= hi + eps;
    let FirstMove { b, r, s, pr, ps } = *first;
    let mut second: Vec<(f64, usize, usize, usize)> = Vec::new();
    if s_over {
        for &c in &members[s] {
            for &(v, _) in &p.graph.adj[c] {
                let t = if v == b { s } else { region[v] };
                if t == s {
                    continue;
                }
                let pt = if t == r { pr } else { pop[t] };
                let pc = p.people[c];
                if within(ps - pc) && within(pt + pc) {
                    second.push((p.cost[c][t] - p.cost[c][s], c, s, t));
                }
            }
        }
    } else {
        for &m in members[r].iter().filter(|&&m| m != b) {
            for &(c, _) in &p.graph.adj[m] {
                let t = if c == b { continue } else { region[c] };
                if t == r {
                    continue;
                }
                let pt = if t == s { ps } else { pop[t] };
                let pc = p.people[c];
                if within(pr + pc) && within(pt - pc) {
                    second.push((p.cost[c][r] - p.cost[c][t], c, t, r));
                }
            }
        }
    }
    second.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.3.cmp(&y.3)));
    second.dedup();
    second
}

/// Make `first` and the cheapest of `second` that lowers the people moved
/// (`d1`: the extra cost of `first`) with every region staying contiguous;
/// `false` (and `region` unchanged) when there is none.
fn make_pair(
    p: &Problem,
    region: &mut [usize],
    first: &FirstMove,
    d1: f64,
    second: &[(f64, usize, usize, usize)],
) -> bool {
    let FirstMove { b, r, s, .. } = *first;
    for &(d2, c, from, to) in second {
        if d1 + d2 >= -1e-6 {
            break;
        }
        if !connected_without(p, region, r, b) {
            break;
        }
        region[b] = s;
        if connected_without(p, region, from, c) {
            region[c] = to;
            return true;
        }
        region[b] = r;
    }
    false
}

/// Bring every region into the band: repeatedly move one boundary block to
/// a neighbouring region (its own region staying contiguous and non-empty),
/// the cheapest (people moved) of the moves that lower the band violation,
/// else the cheapest of those that keep it and lower the spread (the sum of
/// squared differences from the mean). Moves that only lower the spread let
/// people flow through regions already within the band towards an
/// underfull region (or away from an overfull one) that no single move can
/// reach. Every move lowers (violation, spread), so this ends.
fn balance(p: &Problem, region: &mut [usize]) {
    let n = region.len();
    let total: f64 = p.people.iter().sum();
    let mean = total / p.regions as f64;
    let mut pop = region_people(p, region);
    let mut count = vec![0usize; p.regions];
    for &r in region.iter() {
        count[r] += 1;
    }
    let dev = |x: f64| (x - mean) * (x - mean);
    let out = |x: f64| match p.band {
        Some((lo, hi)) => (x - hi).max(0.0) + (lo - x).max(0.0),
        None => 0.0,
    };
    let tol = 1e-6 * mean.max(1.0);
    for _ in 0..100_000 {
        if violation(p, &pop) <= 1e-9 {
            return;
        }
        // (lowers the violation?, people moved, block, to).
        let mut moves: Vec<(bool, f64, f64, usize, usize)> = Vec::new();
        for b in 0..n {
            let r = region[b];
            if count[r] < 2 {
                continue;
            }
            let x = p.people[b];
            let mut seen: Vec<usize> = Vec::new();
            for &(v, _) in &p.graph.adj[b] {
                let s = region[v];
                if s == r || seen.contains(&s) {
                    continue;
                }
                seen.push(s);
                let dv = out(pop[r] - x) + out(pop[s] + x) - out(pop[r]) - out(pop[s]);
                let ds = dev(pop[r] - x) + dev(pop[s] + x) - dev(pop[r]) - dev(pop[s]);
                let lowers = dv < -tol;
                if lowers || (dv <= tol && ds < -tol * mean) {
                    moves.push((lowers, p.cost[b][s] - p.cost[b][r], ds, b, s));
                }
            }
        }
        moves.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
                .then(a.3.cmp(&b.3))
                .then(a.4.cmp(&b.4))
        });
        let Some(&(_, _, _, b, s)) = moves
            .iter()
            .find(|m| connected_without(p, region, region[m.3], m.3))
        else {
            return;
        };
        let r = region[b];
        region[b] = s;
        pop[r] -= p.people[b];
        pop[s] += p.people[b];
        count[r] -= 1;
        count[s] += 1;
    }
}

/// The branch-and-bound bound at the root (no block assigned): every block
/// at its cheapest region, plus, with a band, the cheapest increments of
/// the people who must leave the overfull regions or join the underfull
/// ones (fractional knapsack). Valid for every feasible layout; cheap
/// enough for all of Berlin.
pub fn root_bound(p: &Problem) -> f64 {
    let mut bb = BranchAndBound::new(p, 2);
    bb.run();
    bb.root_bound
}

const NONE: usize = usize::MAX;

/// An unassigned block in branch and bound: (block, its cheapest reachable
/// region, that cost, the least extra cost of any other region).
type Cheapest = (usize, usize, f64, f64);

struct BranchAndBound<'a> {
    p: &'a Problem,
    order: Vec<usize>,
    region: Vec<usize>,
    pop: Vec<f64>,
    best: Option<Vec<usize>>,
    best_cost: f64,
    nodes: u64,
    max_nodes: u64,
    /// The bound at the root (valid for every layout).
    root_bound: f64,
    /// Stop at the first feasible layout (a feasibility test).
    first_only: bool,
}

impl<'a> BranchAndBound<'a> {
    fn new(p: &'a Problem, max_nodes: u64) -> Self {
        // Blocks by people, largest first, but each next block a neighbour
        // of those ordered before it where there is one (so that a region's
        // connectivity is decided early).
        let n = p.graph.len();
        let mut order: Vec<usize> = Vec::with_capacity(n);
        let mut placed = vec![false; n];
        while order.len() < n {
            let frontier = (0..n)
                .filter(|&b| !placed[b] && p.graph.adj[b].iter().any(|&(v, _)| placed[v]))
                .max_by(|&a, &b| p.people[a].total_cmp(&p.people[b]).then(b.cmp(&a)));
            let next = frontier.unwrap_or_else(|| {
                (0..n)
                    .filter(|&b| !placed[b])
                    .max_by(|&a, &b| p.people[a].total_cmp(&p.people[b]).then(b.cmp(&a)))
                    .expect("a block left")
            });
            placed[next] = true;
            order.push(next);
        }
        BranchAndBound {
            p,
            order,
            region: vec![NONE; p.graph.len()],
            pop: vec![0.0; p.regions],
            best: None,
            best_cost: f64::INFINITY,
            nodes: 0,
            max_nodes,
            root_bound: f64::NEG_INFINITY,
            first_only: false,
        }
    }

    fn run(&mut self) {
        self.search(0, 0.0);
    }

    /// For each region: which unassigned blocks can still join it (reach
    /// through unassigned blocks from its assigned ones; every block when the
    /// region is still empty). `None` when a region's blocks can no longer be
    /// joined or a region cannot reach the band's lower end.
    // Blocks index several parallel arrays here.
    #[allow(clippy::needless_range_loop)]
    fn reach(&self) -> Option<Vec<Vec<bool>>> {
        let p = self.p;
        let n = p.graph.len();
        let mut out = Vec::with_capacity(p.regions);
        for r in 0..p.regions {
            let assigned: Vec<usize> = (0..n).filter(|&b| self.region[b] == r).collect();
            let mut can = vec![false; n];
            if assigned.is_empty() {
                for b in 0..n {
                    can[b] = self.region[b] == NONE;
                }
                if !can.iter().any(|&c| c) {
                    return None;
                }
            } else {
                // BFS from the first assigned block through r and unassigned.
                let mut seen = vec![false; n];
                let mut q = VecDeque::from([assigned[0]]);
                seen[assigned[0]] = true;
                while let Some(u) = q.pop_front() {
                    for &(v, _) in &p.graph.adj[u] {
                        if !seen[v] && (self.region[v] == r || self.region[v] == NONE) {
                            seen[v] = true;
                            q.push_back(v);
                        }
                    }
                }
                if assigned.iter().any(|&b| !seen[b]) {
                    return None;
                }
                for b in 0..n {
                    can[b] = seen[b] && self.region[b] == NONE;
                }
            }
            if let Some((lo, _)) = p.band {
                let more: f64 = (0..n).filter(|&b| can[b]).map(|b| p.people[b]).sum();
                if self.pop[r] + more < lo - 1e-9 {
                    return None;
                }
            }
            out.push(can);
        }
        Some(out)
    }

    fn search(&mut self, depth: usize, cost: f64) {
        self.nodes += 1;
        if self.nodes >= self.max_nodes {
            return;
        }
        let Some(reach) = self.reach() else { return };
        let Some((mut bound, cheapest)) = self.cheapest(&reach, cost) else {
            return;
        };
        if let Some((lo, hi)) = self.p.band {
            bound += self.band_bound(&reach, &cheapest, lo, hi);
        }
        if depth == 0 {
            self.root_bound = bound;
        }
        if bound >= self.best_cost - 1e-6 {
            return;
        }
        if depth == self.order.len() {
            // All assigned; reach() checked contiguity, the band's lower end
            // and non-empty regions (an empty region has no unassigned block).
            self.best_cost = cost;
            self.best = Some(self.region.clone());
            if self.first_only {
                self.nodes = self.max_nodes;
            }
            return;
        }
        self.branch(depth, cost, &reach);
    }

    /// Per unassigned block: (block, cheapest reachable region, its cost,
    /// what leaving it costs at least: second cheapest − cheapest), and
    /// `cost` plus every such cheapest cost. `None` when a block can reach
    /// no region.
    #[allow(clippy::needless_range_loop)]
    fn cheapest(&self, reach: &[Vec<bool>], cost: f64) -> Option<(f64, Vec<Cheapest>)> {
        let p = self.p;
        let mut bound = cost;
        let mut cheapest: Vec<Cheapest> = Vec::new();
        for b in 0..p.graph.len() {
            if self.region[b] != NONE {
                continue;
            }
            let (mut m, mut r_m, mut second) = (f64::INFINITY, NONE, f64::INFINITY);
            for r in 0..p.regions {
                if !reach[r][b] {
                    continue;
                }
                let c = p.cost[b][r];
                if c < m {
                    second = m;
                    m = c;
                    r_m = r;
                } else if c < second {
                    second = c;
                }
            }
            if r_m == NONE {
                return None;
            }
            bound += m;
            cheapest.push((b, r_m, m, second - m));
        }
        Some((bound, cheapest))
    }

    /// With a band `lo..=hi`: people who must leave an overfull region, and
    /// who must join an underfull one, each at least at their increment
    /// (fractional knapsack per region). The same blocks may do both: the
    /// larger of the two sums is a valid addition to the bound.
    // Regions index the reach and the populations here.
    #[allow(clippy::needless_range_loop)]
    fn band_bound(&self, reach: &[Vec<bool>], cheapest: &[Cheapest], lo: f64, hi: f64) -> f64 {
        let p = self.p;
        let mut out_cost = 0.0;
        let mut in_cost = 0.0;
        for r in 0..p.regions {
            let group: Vec<(f64, f64)> = cheapest
                .iter()
                .filter(|x| x.1 == r)
                .map(|x| (p.people[x.0], x.3))
                .collect();
            let stay: f64 = self.pop[r] + group.iter().map(|g| g.0).sum::<f64>();
            if stay > hi + 1e-9 {
                out_cost += knapsack(group, stay - hi);
            } else if stay < lo - 1e-9 {
                let others: Vec<(f64, f64)> = cheapest
                    .iter()
                    .filter(|x| x.1 != r && reach[r][x.0])
                    .map(|x| (p.people[x.0], p.cost[x.0][r] - x.2))
                    .collect();
                in_cost += knapsack(others, lo - stay);
            }
        }
        out_cost.max(in_cost)
    }

    /// Try the next block of the order in each region it can still join,
    /// cheapest first.
    fn branch(&mut self, depth: usize, cost: f64, reach: &[Vec<bool>]) {
        let p = self.p;
        let b = self.order[depth];
        let mut options: Vec<usize> = (0..p.regions).filter(|&r| reach[r][b]).collect();
        options.sort_by(|&x, &y| p.cost[b][x].total_cmp(&p.cost[b][y]).then(x.cmp(&y)));
        // Empty regions are interchangeable when their costs are equal for
        // all blocks (new regions): try only the first empty one of them.
        let mut tried_new = false;
        for r in options {
            let empty = self.pop[r] == 0.0 && !self.region.contains(&r);
            let new_region = empty && p.cost.iter().zip(&p.people).all(|(c, pp)| c[r] == *pp);
            if new_region {
                if tried_new {
                    continue;
                }
                tried_new = true;
            }
            if let Some((_, hi)) = p.band {
                if self.pop[r] + p.people[b] > hi + 1e-9 {
                    continue;
                }
            }
            self.region[b] = r;
            self.pop[r] += p.people[b];
            self.search(depth + 1, cost + p.cost[b][r]);
            self.pop[r] -= p.people[b];
            self.region[b] = NONE;
            if self.nodes >= self.max_nodes {
                return;
            }
        }
    }
}

/// Least cost to move at least `need` people from items (people, cost of
/// moving all of them), items divisible (the LP relaxation): a lower bound.
fn knapsack(mut items: Vec<(f64, f64)>, need: f64) -> f64 {
    items.retain(|i| i.0 > 0.0);
    items.sort_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)));
    let mut left = need;
    let mut c = 0.0;
    for (p, cost) in items {
        if left <= 0.0 {
            break;
        }
        let take = p.min(left);
        c += if cost.is_finite() {
            cost * take / p
        } else {
            f64::INFINITY
        };
        left -= take;
    }
    if left > 1e-9 {
        return f64::INFINITY;
    }
    c
}

/// Proposed LOR keys for the units of a layout: region `r` (1-based,
/// in the order of `ids`) becomes PGR `BB` + two digits; within it, the old
/// BZR parts become BZR 01, 02, … (in key order) and their PLR 01, 02, ….
/// Returns (old PLR key, region id, new PGR, new BZR, new PLR), by old key.
pub fn key_table(
    keys: &[String],
    layout: &Layout,
    bezirk: &str,
) -> Vec<(String, String, String, String, String)> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut bzr_no: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut plr_no: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for i in order {
        let r = layout.region[i];
        let pgr = format!("{bezirk}{:02}", r + 1);
        let old_bzr = keys[i].get(..6).unwrap_or(&keys[i]).to_string();
        let count = bzr_no.keys().filter(|(rr, _)| *rr == r).count();
        let bz = *bzr_no.entry((r, old_bzr)).or_insert(count + 1);
        let pl = plr_no.entry((r, bz)).or_insert(0);
        *pl += 1;
        let bzr = format!("{pgr}{bz:02}");
        out.push((
            keys[i].clone(),
            layout.ids[r].clone(),
            pgr,
            bzr.clone(),
            format!("{bzr}{:02}", pl),
        ));
    }
    out
}

/// Units with their people and adjacency, read for a layout command.
pub struct Units {
    pub layer: Layer,
    /// Keys in layer order.
    pub keys: Vec<String>,
    pub people: Vec<f64>,
    pub graph: Graph,
}

/// Border tolerance for the adjacency (m).
pub const BORDER_TOLERANCE: f64 = 1.0;

/// Read the units (PLR polygons), keep those of `bezirk`, and give each its
/// people from `column` of the statistics (read with its options).
pub fn load_units(
    units: &std::path::Path,
    opts: &crate::spatial::geometry::LayerOptions,
    bezirk: Option<&str>,
    stats: (&std::path::Path, &crate::table::stats::ReadOptions),
    column: Option<&str>,
) -> anyhow::Result<(Units, crate::error::Warnings)> {
    let (layer, mut warnings) = read_plr_layer(units, opts, bezirk)?;
    let (mut table, w) = crate::table::stats::read_stats(stats.0, stats.1)?;
    warnings.extend(w);
    if let Some(b) = bezirk {
        crate::table::scope::Bezirk::parse(b)?.filter_table(&mut table)?;
    }
    let names = crate::table::names::Names::from_pairs(
        &layer.source,
        layer
            .features
            .iter()
            .map(|f| (f.id.as_str(), f.name.as_str())),
    );
    warnings.extend(crate::quality::checks::check_statistics(
        &table,
        Some(&names),
    ));
    let col = find_people_column(&table, column)?;
    people_column(&table, col, column.is_some())?;
    let people = unit_people(&layer, &table, col)?;
    let graph = adjacency(&layer, BORDER_TOLERANCE);
    let keys = layer.features.iter().map(|f| f.id.clone()).collect();
    Ok((
        Units {
            layer,
            keys,
            people,
            graph,
        },
        warnings,
    ))
}

/// The PLR polygons of `units`, only those of `bezirk` if given; an error
/// when they are not PLR or none are left.
fn read_plr_layer(
    units: &std::path::Path,
    opts: &crate::spatial::geometry::LayerOptions,
    bezirk: Option<&str>,
) -> anyhow::Result<(Layer, crate::error::Warnings)> {
    use crate::error::input_error;
    let (mut layer, warnings) = crate::spatial::geometry::read_layer(units, opts)?;
    if layer.lor_level() != Some(Level::Plr) {
        return Err(input_error(format!(
            "{}: the units must be Planungsräume with 8-digit LOR keys",
            layer.source
        )));
    }
    if let Some(b) = bezirk {
        crate::table::scope::Bezirk::parse(b)?.filter_layer_checked(&mut layer)?;
    }
    Ok((layer, warnings))
}

/// The people column: `column` if given, else the first of E_E,
/// inhabitants, EW, Einwohner.
fn find_people_column<'t>(
    table: &'t crate::table::stats::StatTable,
    column: Option<&str>,
) -> anyhow::Result<&'t crate::table::stats::Column> {
    use crate::error::usage_error;
    Ok(match column {
        Some(c) => table.column(c).ok_or_else(|| {
            usage_error(format!("--column '{c}': {} has no such column", table.source))
        })?,
        None => ["E_E", "inhabitants", "EW", "Einwohner"]
            .iter()
            .find_map(|c| table.column(c))
            .ok_or_else(|| {
                usage_error(format!(
                    "{}: no column E_E, inhabitants, EW or Einwohner: name the people column with --column",
                    table.source
                ))
            })?,
    })
}

/// The people of each unit of `layer` from `col`; PLR without a row have 0
/// people (check_statistics warns about them). A negative or non-numeric
/// cell is an error naming its line.
fn unit_people(
    layer: &Layer,
    table: &crate::table::stats::StatTable,
    col: &crate::table::stats::Column,
) -> anyhow::Result<Vec<f64>> {
    use crate::error::input_error;
    let by_key: BTreeMap<&str, usize> = table
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    layer
        .features
        .iter()
        .map(|f| match by_key.get(f.id.as_str()) {
            Some(&i) => match col.cells[i].num() {
                Some(v) if v >= 0.0 => Ok(v),
                Some(v) => Err(input_error(format!(
                    "{} {} {}: the {} of PLR {} is {v}: a number of people cannot be negative",
                    table.source, table.line_word, table.lines[i], col.name, f.id
                ))),
                None => Err(input_error(format!(
                    "{} {} {}: the {} of PLR {} is '{}', not a number",
                    table.source, table.line_word, table.lines[i], col.name, f.id, col.raw[i]
                ))),
            },
            None => Ok(0.0),
        })
        .collect()
}

/// The people of a layout are summed over the units, so their column must
/// be a count by the aggregation rules: not a date, a key part, text or a
/// share (`given`: named by `--column`).
fn people_column(
    table: &crate::table::stats::StatTable,
    col: &crate::table::stats::Column,
    given: bool,
) -> anyhow::Result<()> {
    use crate::aggregation::rules::{default_rule, Rule};
    let i = table
        .column_index(&col.name)
        .expect("a column of the table");
    let what = match default_rule(table, i) {
        Some((Rule::Sum, _)) => return Ok(()),
        Some(_) => "a label (a date, a key part or text) that is never summed",
        None => "a share or rate that is never summed",
    };
    let fix = if given {
        "name a column with counts of people, e.g. --column E_E"
    } else {
        "name the column with counts of people with --column"
    };
    Err(crate::error::usage_error(format!(
        "{}: column '{}' is {what}, not a count of people: {fix}",
        table.source, col.name
    )))
}

/// Regions from a list (PLR or BZR → region) or from polygons: their ids
/// (sorted) and each unit's shares in them (area shares of the real parts
/// for polygons, slivers dropped; the list's weights for a list).
pub fn read_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    what: &str,
) -> anyhow::Result<(Vec<String>, Shares, crate::error::Warnings)> {
    let mut warnings = crate::error::Warnings::default();
    let (ids, table) = if crate::mapping::weights::is_list_path(path) {
        list_regions(path, units, bezirk, what, &mut warnings)?
    } else {
        polygon_regions(path, units, bezirk, &mut warnings)?
    };
    let ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return Err(crate::error::input_error(format!(
            "{}: {what} has no regions over the units",
            path.display()
        )));
    }
    let shares = unit_shares(units, &ids, &table);
    let outside: Vec<String> = shares
        .iter()
        .zip(&units.keys)
        .filter(|(s, _)| s.iter().map(|x| x.1).sum::<f64>() < 1.0 - 1e-9)
        .map(|(_, k)| k.clone())
        .collect();
    if !outside.is_empty() {
        warnings.push(
            crate::error::WarningCode::Unassigned,
            format!(
                "{} PLR lie wholly or partly outside every region of {what} {}: {}",
                outside.len(),
                path.display(),
                crate::error::examples(&outside, 5)
            ),
        );
    }
    Ok((ids, shares, warnings))
}

/// Regions from a list (PLR or BZR → region), checked as a layout list:
/// their ids and the list's weights over the units.
fn list_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    what: &str,
    warnings: &mut crate::error::Warnings,
) -> anyhow::Result<(BTreeSet<String>, crate::mapping::weights::WeightTable)> {
    use crate::mapping::weights::{expand_to, read_list_located};
    let keys = units.keys.iter().map(String::as_str);
    let (mut list, at, w) = read_list_located(path, "region")?;
    warnings.extend(w);
    if let Some(b) = bezirk {
        crate::table::scope::Bezirk::parse(b)?.filter_list(&mut list);
    }
    warnings.extend(check_layout_list(&list, &at, units, what)?);
    let t = expand_to(&list.table, keys);
    let ids: BTreeSet<String> = t.rows().iter().map(|w| w.target.clone()).collect();
    Ok((ids, t))
}

/// Regions from polygons: their ids and the area shares of the units' real
/// parts in them (slivers dropped).
fn polygon_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    warnings: &mut crate::error::Warnings,
) -> anyhow::Result<(BTreeSet<String>, crate::mapping::weights::WeightTable)> {
    use crate::mapping::weights::{from_parts, Assign};
    let (mut layer, w) = crate::spatial::geometry::read_layer(path, &Default::default())?;
    warnings.extend(w);
    if let (Some(b), Some(_)) = (bezirk, layer.lor_level()) {
        layer.filter_prefix(b);
    }
    let tol = crate::spatial::overlay::Tolerance::new(0.01, 1000.0)?;
    let ov = crate::spatial::overlay::overlay(&units.layer, &layer, false);
    let parts = crate::spatial::overlay::unit_parts(&ov, &units.layer, &layer, &tol);
    let (t, _) = from_parts("region", &parts, Assign::Area);
    let ids: BTreeSet<String> = layer.features.iter().map(|f| f.id.clone()).collect();
    Ok((ids, t))
}

/// Each unit's (region index into `ids`, weight) from `table`.
fn unit_shares(
    units: &Units,
    ids: &[String],
    table: &crate::mapping::weights::WeightTable,
) -> Shares {
    let index: BTreeMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let pos: BTreeMap<&str, usize> = units
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut shares: Shares = vec![Vec::new(); units.keys.len()];
    for w in table.rows() {
        if let (Some(&i), Some(&r)) = (pos.get(w.source.as_str()), index.get(w.target.as_str())) {
            shares[i].push((r, w.weight));
        }
    }
    shares
}

/// A list used as a layout (or its reference) puts each unit in one region:
/// a key listed on two lines is an error naming both (unless a weight
/// column splits it with weights that add up to 1); keys that are not among
/// the units (nor a prefix of one) assign nothing and are warned about, as
/// `aggregate --sozialraum` does.
pub fn check_layout_list(
    list: &crate::mapping::weights::ListTable,
    at: &crate::mapping::weights::KeyLines,
    units: &Units,
    what: &str,
) -> anyhow::Result<crate::error::Warnings> {
    use crate::error::{examples, input_error};
    let totals = list.table.source_totals();
    let twice: Vec<String> = list
        .table
        .sources()
        .into_iter()
        .filter(|k| at.lines.get(*k).is_some_and(|l| l.len() > 1))
        .filter(|k| (totals.get(k).copied().unwrap_or(0.0) - 1.0).abs() > 1e-9)
        .map(|k| at.describe(k))
        .collect();
    if !twice.is_empty() {
        return Err(input_error(format!(
            "{}: {what} lists {} more than once, but a layout puts each unit in one region (delete the extra rows, or split a unit with a weight column whose weights add up to 1): {}",
            at.source,
            count(twice.len(), "key", "keys"),
            examples(&twice, 5)
        )));
    }
    let unknown: Vec<String> = list
        .table
        .sources()
        .into_iter()
        .filter(|l| !units.keys.iter().any(|k| k.starts_with(*l)))
        .map(|k| at.describe(k))
        .collect();
    let mut warnings = crate::error::Warnings::default();
    if !unknown.is_empty() {
        warnings.push(
            crate::error::WarningCode::UnknownKey,
            format!(
                "{}: {what} lists {} not among the units of {}, so they assign nothing: {}",
                at.source,
                count(unknown.len(), "key that is", "keys that are"),
                units.layer.source,
                examples(&unknown, 5)
            ),
        );
    }
    Ok(warnings)
}

/// `1 key`, `3 keys`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A layout from region shares: each unit wholly in the region of its
/// largest share (the planners' rule, as in `aggregate`). Units in no
/// region are an error.
pub fn whole_layout(
    ids: Vec<String>,
    shares: &Shares,
    keys: &[String],
    what: &str,
) -> anyhow::Result<Layout> {
    let mut region = Vec::with_capacity(keys.len());
    let mut none = Vec::new();
    for (s, k) in shares.iter().zip(keys) {
        match s
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            Some(&(r, _)) => region.push(r),
            None => {
                none.push(k.clone());
                region.push(0);
            }
        }
    }
    if !none.is_empty() {
        return Err(crate::error::input_error(format!(
            "{what}: {} PLR are in no region, so the layout does not cover the units: {}",
            none.len(),
            crate::error::examples(&none, 5)
        )));
    }
    Ok(Layout { ids, region })
}

/// How messages and reports name the reference region of units outside
/// every reference region.
pub const NO_REGION: &str = "(none)";

/// A proposed layout with how it was found.
pub struct Proposal {
    /// The layout over the units (PLR).
    pub layout: Layout,
    pub solution: Solution,
    /// The blocks (PLR or BZR keys) and the region of each.
    pub blocks: Vec<(String, String)>,
    /// Blocks not in their reference region: (block, reference region, proposed region, people);
    /// a block outside every reference region is listed from [`NO_REGION`] with all its people.
    pub moved_blocks: Vec<(String, String, String, f64)>,
    /// People in the parts of blocks outside their reference region (moved
    /// whatever the layout: the split parts).
    pub unavoidable: f64,
}

/// A proposal problem over the blocks of a set of units.
pub struct BlockProblem {
    pub problem: Problem,
    /// Region ids: the reference's, then `neu-1`, ….
    pub ids: Vec<String>,
    /// Block keys (PLR or BZR), sorted.
    pub block_keys: Vec<String>,
    /// Block of each unit.
    pub group: Vec<usize>,
    /// Regions with a reference.
    pub reference_regions: usize,
    /// Does some part of the block lie in a reference region?
    pub in_reference: Vec<bool>,
}

/// The blocks (`Level::Plr` or `Level::Bzr`) of the units, their people and
/// costs against the reference (ids and unit shares), for `regions`
/// regions (those beyond the reference's are new: `neu-1`, …).
pub fn block_problem(
    units: &Units,
    ref_ids: &[String],
    shares: &Shares,
    regions: usize,
    blocks: Level,
    balance: Option<f64>,
) -> anyhow::Result<BlockProblem> {
    use crate::error::usage_error;
    let m = ref_ids.len();
    if regions < m {
        return Err(usage_error(format!(
            "--regions {regions}: the reference has {m} regions and every one of them is kept; to build fewer, merge reference regions in the reference list first (or ask for at least {m})"
        )));
    }
    let mut ids: Vec<String> = ref_ids.to_vec();
    ids.extend((1..=regions - m).map(|i| format!("neu-{i}")));
    let digits = blocks.digits();
    let block_keys: Vec<String> = units
        .keys
        .iter()
        .map(|k| k[..digits].to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let pos: BTreeMap<&str, usize> = block_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let group: Vec<usize> = units.keys.iter().map(|k| pos[&k[..digits]]).collect();
    let nb = block_keys.len();
    let graph = units.graph.contract(&group, nb);
    let ucost = unit_costs(&units.people, shares, regions);
    let mut people = vec![0.0; nb];
    let mut cost = vec![vec![0.0; regions]; nb];
    let mut in_reference = vec![false; nb];
    for (i, &g) in group.iter().enumerate() {
        in_reference[g] |= shares[i].iter().any(|&(r, w)| r < m && w > 0.0);
        people[g] += units.people[i];
        for r in 0..regions {
            cost[g][r] += ucost[i][r];
        }
    }
    Ok(BlockProblem {
        problem: Problem::new(graph, people, cost, regions, balance),
        ids,
        block_keys,
        group,
        reference_regions: m,
        in_reference,
    })
}

impl BlockProblem {
    /// The error a planner sees when no layout can be proposed.
    pub fn explain(&self, e: ProposeError) -> anyhow::Error {
        use crate::error::{examples, input_error, quality_error, usage_error};
        let (p, regions) = (&self.problem, self.problem.regions);
        match e {
            ProposeError::Disconnected(comps) => {
                let groups: Vec<String> = comps
                    .iter()
                    .map(|c| {
                        let ks: Vec<&str> =
                            c.iter().map(|&b| self.block_keys[b].as_str()).collect();
                        format!("[{}]", examples(&ks, 3))
                    })
                    .collect();
                input_error(format!(
                    "the units fall apart into {} groups that share no border, so no region can join them: {}",
                    comps.len(),
                    examples(&groups, 5)
                ))
            }
            ProposeError::TooManyRegions => usage_error(format!(
                "--regions {regions}: there are only {} blocks",
                self.block_keys.len()
            )),
            ProposeError::Infeasible => quality_error(format!(
                "no layout of {regions} contiguous regions of whole blocks has every region within the band {}: widen --balance",
                band_text(p)
            )),
            ProposeError::NotFound => quality_error(format!(
                "no layout of {regions} contiguous regions within the band {} was found (the search was stopped before it could prove there is none): widen --balance",
                band_text(p)
            )),
        }
    }

    /// Does block `b` lie wholly outside every reference region? Then it
    /// has no reference region to stay in.
    pub fn unreferenced(&self, b: usize) -> bool {
        !self.in_reference[b]
    }

    /// The proposal of a solution: the layout over the units, the blocks'
    /// regions and the blocks that leave their reference region.
    pub fn proposal(&self, solution: Solution) -> Proposal {
        let p = &self.problem;
        let ids = &self.ids;
        let nb = self.block_keys.len();
        let reference = p.reference();
        let unavoidable: f64 = (0..nb).map(|b| p.cost[b][reference[b]]).sum();
        let mut moved_blocks = Vec::new();
        for b in 0..nb {
            let r = solution.region[b];
            if self.unreferenced(b) {
                // All its people move, whichever region it joins.
                moved_blocks.push((
                    self.block_keys[b].clone(),
                    NO_REGION.to_string(),
                    ids[r].clone(),
                    p.cost[b][r],
                ));
            } else if r != reference[b] {
                moved_blocks.push((
                    self.block_keys[b].clone(),
                    ids[reference[b]].clone(),
                    ids[r].clone(),
                    p.cost[b][r] - p.cost[b][reference[b]],
                ));
            }
        }
        let layout = Layout {
            region: self.group.iter().map(|&g| solution.region[g]).collect(),
            ids: ids.clone(),
        };
        Proposal {
            blocks: self
                .block_keys
                .iter()
                .enumerate()
                .map(|(b, k)| (k.clone(), ids[solution.region[b]].clone()))
                .collect(),
            layout,
            solution,
            moved_blocks,
            unavoidable,
        }
    }
}

/// Propose `regions` contiguous regions of whole blocks (`Level::Plr` or
/// `Level::Bzr`) against the reference (ids and unit shares). Regions beyond
/// the reference's are new (`neu-1`, …).
pub fn propose_layout(
    units: &Units,
    ref_ids: &[String],
    shares: &Shares,
    regions: usize,
    blocks: Level,
    balance: Option<f64>,
    limits: Limits,
) -> anyhow::Result<Proposal> {
    let bp = block_problem(units, ref_ids, shares, regions, blocks, balance)?;
    let solution = propose(&bp.problem, bp.reference_regions, limits).map_err(|e| bp.explain(e))?;
    Ok(bp.proposal(solution))
}

/// Is there a layout within the band of `p`? `Some(true)` with a layout
/// found (by the heuristic, or by branch and bound stopped at its first
/// layout), `Some(false)` when the search proved there is none, `None` when
/// it was stopped (or the instance is too large for it) before deciding.
pub fn band_feasible(p: &Problem, limits: Limits) -> Option<bool> {
    let n = p.graph.len();
    if p.regions > n || p.graph.components(|_| true).len() > 1 {
        return Some(false);
    }
    if heuristic(p, p.reference()).is_some_and(|h| p.feasible(&h)) {
        return Some(true);
    }
    if n > limits.exact_blocks {
        return None;
    }
    let mut bb = BranchAndBound::new(p, limits.max_nodes);
    bb.first_only = true;
    bb.run();
    if bb.best.is_some() {
        Some(true)
    } else if bb.nodes < limits.max_nodes {
        Some(false)
    } else {
        None
    }
}

/// Band levels of the trade-off are multiples of this share (0.5 %).
pub const BAND_STEP: f64 = 0.005;

/// One balance level of the trade-off between balance and people moved.
pub struct Alternative {
    /// ± share of the mean people per region (`None`: no band).
    pub band: Option<f64>,
    /// The best layout found within the band, or why there is none.
    pub result: Result<(Proposal, Evaluation), ProposeError>,
    /// Seconds the search took.
    pub seconds: f64,
}

/// The trade-off between balance and people moved.
pub struct Tradeoff {
    pub rows: Vec<Alternative>,
    /// Largest deviation from the mean of the layout without a band.
    pub free_deviation: f64,
    /// The tightest band (a multiple of [`BAND_STEP`]) with a layout found.
    pub tightest: f64,
    /// The next tighter step is proven to have no layout.
    pub tightest_proven: bool,
}

/// The trade-off between balance and people moved, in `levels` rows: the
/// best layout without a band, then bands from just below that layout's
/// largest deviation from the mean down to the tightest band with a
/// layout, evenly spaced on a grid of [`BAND_STEP`]. The tightest band is
/// found by bisection over the grid with [`band_feasible`] (feasibility is
/// monotone: a layout within a band is within every wider one). Each row
/// is solved like [`propose_layout`] (exact with a proof, or with the gap).
pub fn alternatives(
    units: &Units,
    ref_ids: &[String],
    shares: &Shares,
    regions: usize,
    blocks: Level,
    levels: usize,
    limits: Limits,
) -> anyhow::Result<Tradeoff> {
    let solve = |band: Option<f64>| -> anyhow::Result<Alternative> {
        solve_alternative(units, ref_ids, shares, regions, blocks, band, limits)
    };
    let free = solve(None)?;
    let free_deviation = match &free.result {
        Ok((_, ev)) => ev
            .regions
            .iter()
            .map(|r| r.deviation.abs())
            .fold(0.0, f64::max),
        Err(e) => {
            let bp = block_problem(units, ref_ids, shares, regions, blocks, None)?;
            return Err(bp.explain(e.clone()));
        }
    };
    let first = (free_deviation / BAND_STEP - 1e-9).ceil().max(1.0) as usize;
    let (hi, lo_proven) = tightest_band(units, ref_ids, shares, regions, blocks, first, limits)?;
    let top = (free_deviation / BAND_STEP - 1e-9).ceil() as usize;
    let mut rows = vec![free];
    for st in band_steps(hi, top, levels) {
        rows.push(solve(Some(st as f64 * BAND_STEP))?);
    }
    Ok(Tradeoff {
        rows,
        free_deviation,
        tightest: hi as f64 * BAND_STEP,
        tightest_proven: lo_proven,
    })
}

/// One row of [`alternatives`]: the best layout within `band`, evaluated
/// against the reference, and how long the search took.
fn solve_alternative(
    units: &Units,
    ref_ids: &[String],
    shares: &Shares,
    regions: usize,
    blocks: Level,
    band: Option<f64>,
    limits: Limits,
) -> anyhow::Result<Alternative> {
    let bp = block_problem(units, ref_ids, shares, regions, blocks, band)?;
    let started = std::time::Instant::now();
    let result = propose(&bp.problem, bp.reference_regions, limits).map(|s| {
        let prop = bp.proposal(s);
        let ev = evaluate(
            &units.graph,
            &units.keys,
            &units.people,
            &prop.layout,
            Some((shares, ref_ids)),
        );
        (prop, ev)
    });
    Ok(Alternative {
        band,
        result,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Bisection on the grid of [`BAND_STEP`] from step `hi` (which has a
/// layout) down: the tightest step with a layout found, and whether the
/// next tighter one is proven to have none.
fn tightest_band(
    units: &Units,
    ref_ids: &[String],
    shares: &Shares,
    regions: usize,
    blocks: Level,
    mut hi: usize,
    limits: Limits,
) -> anyhow::Result<(usize, bool)> {
    // `hi` has a layout, `lo` has none (or is 0).
    let mut lo = 0usize;
    let mut lo_proven = true;
    let probe = Limits {
        max_nodes: limits.max_nodes / 4,
        ..limits
    };
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let band = Some(mid as f64 * BAND_STEP);
        let bp = block_problem(units, ref_ids, shares, regions, blocks, band)?;
        match band_feasible(&bp.problem, probe) {
            Some(true) => hi = mid,
            found => {
                lo = mid;
                lo_proven = found == Some(false);
            }
        }
    }
    Ok((hi, lo_proven))
}

/// The band steps of the rows after the free one: `levels − 1` steps from
/// just below `top` down to `hi`, evenly spaced, each once and below `top`.
fn band_steps(hi: usize, top: usize, levels: usize) -> Vec<usize> {
    let mut steps: Vec<usize> = Vec::new();
    if levels >= 2 {
        for k in 1..levels {
            let st = hi + (top.saturating_sub(hi)) * (levels - 1 - k) / (levels - 1);
            if st < top && !steps.contains(&st) {
                steps.push(st);
            }
        }
    }
    steps
}

fn band_text(p: &Problem) -> String {
    match p.band {
        Some((lo, hi)) => format!("{:.0}–{:.0} people", lo, hi),
        None => "(none)".to_string(),
    }
}

/// The reference regions' outlines for a map: the polygons of a polygon
/// file (of `bezirk` when its ids are LOR keys), or for a list the units
/// dissolved by the region of their largest share.
pub fn reference_outlines(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    ids: &[String],
    shares: &Shares,
) -> anyhow::Result<Vec<(String, geo::MultiPolygon<f64>)>> {
    if crate::mapping::weights::is_list_path(path) {
        let mut parts: Vec<Vec<geo::Polygon<f64>>> = vec![Vec::new(); ids.len()];
        for (i, s) in shares.iter().enumerate() {
            if let Some(&(r, _)) = s
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            {
                parts[r].extend(units.layer.features[i].geometry.0.iter().cloned());
            }
        }
        Ok(ids
            .iter()
            .zip(parts)
            .filter(|(_, p)| !p.is_empty())
            .map(|(id, p)| (id.clone(), geo::unary_union(p.iter())))
            .collect())
    } else {
        let (mut layer, _) = crate::spatial::geometry::read_layer(path, &Default::default())?;
        if let (Some(b), Some(_)) = (bezirk, layer.lor_level()) {
            layer.filter_prefix(b);
        }
        Ok(layer
            .features
            .into_iter()
            .map(|f| (f.id, f.geometry))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_people_column_is_the_named_one_else_the_first_known_name() {
        let text = "RAUMID;EW;E_E;X\n04010101;10;20;30\n";
        let opts = crate::table::stats::ReadOptions::default();
        let (t, _) =
            crate::table::stats::read_stats_bytes("st.csv", text.as_bytes(), &opts).unwrap();
        assert_eq!(find_people_column(&t, None).unwrap().name, "E_E");
        assert_eq!(find_people_column(&t, Some("X")).unwrap().name, "X");
        let e = find_people_column(&t, Some("Y")).unwrap_err();
        assert_eq!(e.to_string(), "--column 'Y': st.csv has no such column");
        let (t, _) =
            crate::table::stats::read_stats_bytes("st.csv", b"RAUMID;X\n04010101;1\n", &opts)
                .unwrap();
        assert_eq!(
            find_people_column(&t, None).unwrap_err().to_string(),
            "st.csv: no column E_E, inhabitants, EW or Einwohner: name the people column with --column"
        );
    }

    #[test]
    fn band_steps_are_evenly_spaced_from_below_the_top_to_the_tightest() {
        // The whole-BZR rows of Bezirk 04 in docs/layout.md: ±55.5, 39.5, 23.5, 7.5 %.
        assert_eq!(band_steps(15, 143, 5), vec![111, 79, 47, 15]);
        // Steps fall together on a narrow range; none at or above the top.
        assert_eq!(band_steps(3, 4, 5), vec![3]);
        assert!(band_steps(4, 4, 5).is_empty());
        assert!(band_steps(3, 40, 1).is_empty());
    }

    #[test]
    fn cut_units_are_those_whose_keys_lie_in_two_regions() {
        let keys = strings(&["04010101", "04010102", "04010201", "04020101"]);
        // BZR 040101 is cut; PGR 0401 too, 0402 is whole.
        let region = [0, 1, 1, 1];
        assert_eq!(cut_units(&keys, &region, 6), vec!["040101"]);
        assert_eq!(cut_units(&keys, &region, 4), vec!["0401"]);
        assert!(cut_units(&keys, &[2, 2, 2, 0], 6).is_empty());
    }

    #[test]
    fn reference_pairs_and_moved_pairs_count_people_by_share() {
        // Unit 0 (100 people) wholly in reference A, now in layout X;
        // unit 1 (40) half in A, a quarter in B, a quarter outside, now in Y.
        let shares: Shares = vec![vec![(0, 1.0)], vec![(0, 0.5), (1, 0.25)]];
        let pairs = reference_pairs(&shares, &[0, 1], &[100.0, 40.0]);
        let expect: BTreeMap<(usize, usize), f64> = [
            ((0, 0), 100.0),
            ((0, 1), 20.0),
            ((1, 1), 10.0),
            ((usize::MAX, 1), 10.0),
        ]
        .into();
        assert_eq!(pairs, expect);
        // Layout region X is reference A, Y is B: the people of unit 1 in
        // A and outside every region moved.
        let moved = moved_pairs(&pairs, &strings(&["A", "B"]), &strings(&["A", "B"]));
        assert_eq!(
            moved,
            vec![
                ("A".to_string(), "B".to_string(), 20.0),
                (NO_REGION.to_string(), "B".to_string(), 10.0),
            ]
        );
    }
}
