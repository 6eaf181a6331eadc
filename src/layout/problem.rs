//! The proposal problem over blocks: their adjacency, people and the people
//! each block moves in each region, the band of people per region, which
//! layouts are feasible and a lower bound of the people moved.

use crate::layout::graph::Graph;
use crate::layout::Shares;

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

    pub(super) fn total(&self, region: &[usize]) -> f64 {
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
