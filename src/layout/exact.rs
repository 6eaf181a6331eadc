//! The exact search: depth-first branch and bound over the blocks (see
//! [`propose`](crate::layout::propose::propose), step 3), and its bound at
//! the root, valid for every layout.

use std::collections::VecDeque;

use crate::layout::problem::Problem;

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

/// The state of the branch-and-bound search over the blocks of a problem.
pub(super) struct BranchAndBound<'a> {
    p: &'a Problem,
    order: Vec<usize>,
    region: Vec<usize>,
    pop: Vec<f64>,
    pub(super) best: Option<Vec<usize>>,
    pub(super) best_cost: f64,
    pub(super) nodes: u64,
    max_nodes: u64,
    /// The bound at the root (valid for every layout).
    pub(super) root_bound: f64,
    /// Stop at the first feasible layout (a feasibility test).
    pub(super) first_only: bool,
}

impl<'a> BranchAndBound<'a> {
    pub(super) fn new(p: &'a Problem, max_nodes: u64) -> Self {
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

    pub(super) fn run(&mut self) {
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
