//! The heuristic search for a layout (see
//! [`propose`](crate::layout::propose::propose), step 2): fill the empty
//! regions, repair the regions that fall apart, bring every region into the
//! band, then local search by single moves and pairs of moves.

use std::collections::BTreeSet;

use crate::layout::problem::Problem;

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

pub(super) fn heuristic(p: &Problem, mut region: Vec<usize>) -> Option<Vec<usize>> {
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
