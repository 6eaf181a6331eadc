//! The proposal: a layout of contiguous regions of whole blocks that moves
//! the fewest people, found directly, by the heuristic or by branch and
//! bound ([`propose`]); over the blocks of a set of units against a
//! reference ([`propose_layout`]), with the proposed LOR keys.

use std::collections::{BTreeMap, BTreeSet};

use crate::layout::exact::{root_bound, BranchAndBound};
use crate::layout::input::Units;
use crate::layout::problem::{unit_costs, Problem};
use crate::layout::search::heuristic;
use crate::layout::{Layout, Shares, NO_REGION};
use crate::table::key::Level;

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
    /// Region ids: the reference's, then `N1`, ….
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
/// regions (those beyond the reference's are new: `N1`, …).
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
    ids.extend((1..=regions - m).map(new_region_key));
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
    ///
    /// The proposed regions are keyed after the reference region they are
    /// matched to (the one-to-one matching that keeps the most people in
    /// place, as [`crate::layout::evaluate`] matches them); a region that
    /// matches none is new and gets a key no LOR key can be (`N1`, `N2`, …,
    /// see [`new_region_key`]). The people moved are counted under that
    /// matching.
    pub fn proposal(&self, mut solution: Solution) -> Proposal {
        let p = &self.problem;
        let nb = self.block_keys.len();
        let matched = self.match_regions(&solution.region);
        let mut new = 0;
        let labels: Vec<String> = matched
            .iter()
            .map(|q| match q {
                Some(r) => self.ids[*r].clone(),
                None => {
                    new += 1;
                    new_region_key(new)
                }
            })
            .collect();
        // People of block `b` moved in proposed region `s`: those outside
        // its matched reference region, all of them without one.
        let moved_in = |b: usize, s: usize| match matched[s] {
            Some(r) => p.cost[b][r],
            None => p.people[b],
        };
        let reference = p.reference();
        let unavoidable: f64 = (0..nb).map(|b| p.cost[b][reference[b]]).sum();
        let mut moved_blocks = Vec::new();
        for (b, &rb) in reference.iter().enumerate() {
            let s = solution.region[b];
            if self.unreferenced(b) {
                // All its people move, whichever region it joins.
                moved_blocks.push((
                    self.block_keys[b].clone(),
                    NO_REGION.to_string(),
                    labels[s].clone(),
                    moved_in(b, s),
                ));
            } else if matched[s] != Some(rb) {
                moved_blocks.push((
                    self.block_keys[b].clone(),
                    self.ids[rb].clone(),
                    labels[s].clone(),
                    moved_in(b, s) - p.cost[b][rb],
                ));
            }
        }
        solution.cost = (0..nb).map(|b| moved_in(b, solution.region[b])).sum();
        let layout = Layout {
            region: self.group.iter().map(|&g| solution.region[g]).collect(),
            ids: labels.clone(),
        };
        Proposal {
            blocks: self
                .block_keys
                .iter()
                .enumerate()
                .map(|(b, k)| (k.clone(), labels[solution.region[b]].clone()))
                .collect(),
            layout,
            solution,
            moved_blocks,
            unavoidable,
        }
    }

    /// The reference region (index below `reference_regions`) matched to
    /// each proposed region of `region` (the region of each block).
    fn match_regions(&self, region: &[usize]) -> Vec<Option<usize>> {
        let p = &self.problem;
        let m = self.reference_regions;
        let mut w = vec![vec![0.0; m]; p.regions];
        for (b, &s) in region.iter().enumerate() {
            for (r, kept) in w[s].iter_mut().enumerate() {
                *kept += (p.people[b] - p.cost[b][r]).max(0.0);
            }
        }
        crate::layout::matching::max_weight_matching(&w)
    }
}

/// The key of the `n`-th (1-based) new region: `N1`, `N2`, … (a letter
/// first, so never a LOR key, which is digits only).
pub fn new_region_key(n: usize) -> String {
    format!("N{n}")
}

/// The name of a new region with key `key`.
pub fn new_region_name(key: &str) -> String {
    format!("neue Region {key}")
}

/// Propose `regions` contiguous regions of whole blocks (`Level::Plr` or
/// `Level::Bzr`) against the reference (ids and unit shares). Regions beyond
/// the reference's are new (`N1`, …).
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

fn band_text(p: &Problem) -> String {
    match p.band {
        Some((lo, hi)) => format!("{:.0}–{:.0} people", lo, hi),
        None => "(none)".to_string(),
    }
}

/// Proposed keys for the units of a layout: a region keeps its key (the
/// key of the reference region it matches, e.g. the 2021 PGR `0410`, or a
/// new region's `N1`, which no LOR key can be), so a generated key never
/// means another area; within it, the old BZR parts become BZR 01, 02, …
/// (in key order) and their PLR 01, 02, ….
/// Returns (old PLR key, region id, new PGR, new BZR, new PLR), by old key.
pub fn key_table(
    keys: &[String],
    layout: &Layout,
) -> Vec<(String, String, String, String, String)> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut bzr_no: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut plr_no: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut out = Vec::new();
    for i in order {
        let r = layout.region[i];
        let pgr = layout.ids[r].clone();
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
