//! The one-to-one matching of a layout's regions with its reference's
//! regions that keeps the most people in place: a maximum-weight bipartite
//! matching on the people each (region, reference region) pair shares,
//! found by the Hungarian algorithm (Kuhn–Munkres with potentials,
//! O(n²·m) for n ≤ m). The sides may differ in size: the regions of the
//! larger side left over match nothing, and so does a region whose best
//! partner under the matching shares nobody with it.

/// `weights[i][j]`: people shared by region `i` (rows) and reference
/// region `j` (columns); every row has the same length. Negative or
/// non-finite weights count as 0 (nobody shared).
///
/// Returns for each row its matched column, or `None` when it matches
/// nothing. No two rows share a column, and the sum of the matched weights
/// is the largest of every one-to-one matching.
pub fn max_weight_matching(weights: &[Vec<f64>]) -> Vec<Option<usize>> {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return vec![None; rows];
    }
    let w = |i: usize, j: usize| {
        let x = weights[i][j];
        if x.is_finite() && x > 0.0 {
            x
        } else {
            0.0
        }
    };
    // The Hungarian algorithm assigns every row of a matrix with no more
    // rows than columns; transpose when there are more rows.
    let transposed = rows > cols;
    let (n, m) = if transposed {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let top = (0..rows)
        .flat_map(|i| (0..cols).map(move |j| (i, j)))
        .map(|(i, j)| w(i, j))
        .fold(0.0, f64::max);
    // Minimum cost of (top − weight) = maximum weight, every row assigned.
    let cost = |i: usize, j: usize| {
        if transposed {
            top - w(j, i)
        } else {
            top - w(i, j)
        }
    };
    let assigned = hungarian(n, m, cost);
    let mut out = vec![None; rows];
    for (i, &j) in assigned.iter().enumerate() {
        let (r, c) = if transposed { (j, i) } else { (i, j) };
        if w(r, c) > 0.0 {
            out[r] = Some(c);
        }
    }
    out
}

/// The minimum-cost assignment of rows `0..n` to distinct columns
/// `0..m` (n ≤ m): the column of each row. Potentials `u` (rows) and `v`
/// (columns) keep every reduced cost `cost − u − v` non-negative; each row
/// is added by a shortest augmenting path over the tight edges.
fn hungarian(n: usize, m: usize, cost: impl Fn(usize, usize) -> f64) -> Vec<usize> {
    // 1-based, index 0 is the virtual start of each augmenting path.
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; m + 1];
    // row_of[j]: the row assigned to column j (0: none).
    let mut row_of = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        row_of[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0;
            for j in 1..=m {
                if used[j] {
                    continue;
                }
                let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                if cur < minv[j] {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if minv[j] < delta {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        // Flip the augmenting path back to the start.
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut col = vec![0; n];
    for j in 1..=m {
        if row_of[j] > 0 {
            col[row_of[j] - 1] = j - 1;
        }
    }
    col
}

/// The total weight of a matching (rows matched to columns).
pub fn matched_weight(weights: &[Vec<f64>], matching: &[Option<usize>]) -> f64 {
    matching
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|j| weights[i][j]))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The best one-to-one matching by trying every one: each row takes a
    /// free column or none.
    fn brute_force(w: &[Vec<f64>]) -> f64 {
        fn go(w: &[Vec<f64>], i: usize, used: &mut Vec<bool>) -> f64 {
            if i == w.len() {
                return 0.0;
            }
            let mut best = go(w, i + 1, used);
            for j in 0..used.len() {
                if !used[j] {
                    used[j] = true;
                    best = best.max(w[i][j].max(0.0) + go(w, i + 1, used));
                    used[j] = false;
                }
            }
            best
        }
        let cols = w.first().map_or(0, Vec::len);
        go(w, 0, &mut vec![false; cols])
    }

    /// Greedy (largest pair first) keeps 10 people; the optimum gives up
    /// that pair and keeps 9 + 9 = 18.
    #[test]
    fn the_matching_beats_greedy() {
        let w = vec![vec![10.0, 9.0], vec![9.0, 0.0]];
        let m = max_weight_matching(&w);
        assert_eq!(m, vec![Some(1), Some(0)]);
        assert_eq!(matched_weight(&w, &m), 18.0);
    }

    #[test]
    fn rectangular_sides_leave_regions_unmatched() {
        // Three regions, two reference regions: one region matches nothing.
        let w = vec![vec![5.0, 1.0], vec![4.0, 0.0], vec![0.0, 3.0]];
        let m = max_weight_matching(&w);
        assert_eq!(m, vec![Some(0), None, Some(1)]);
        // Two regions, three reference regions.
        let t = vec![vec![5.0, 4.0, 0.0], vec![1.0, 0.0, 3.0]];
        assert_eq!(max_weight_matching(&t), vec![Some(0), Some(2)]);
        // A region that shares nobody with the reference region left to it
        // matches nothing.
        let z = vec![vec![7.0, 0.0], vec![2.0, 0.0]];
        assert_eq!(max_weight_matching(&z), vec![Some(0), None]);
        assert!(max_weight_matching(&[]).is_empty());
        assert_eq!(max_weight_matching(&[vec![], vec![]]), vec![None, None]);
    }

    #[test]
    fn the_matching_equals_brute_force_on_random_matrices() {
        // A fixed linear congruential sequence: reproducible matrices.
        let mut seed: u64 = 12345;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 100) as f64
        };
        for case in 0..200 {
            let rows = 1 + case % 6;
            let cols = 1 + (case / 6) % 6;
            let w: Vec<Vec<f64>> = (0..rows)
                .map(|_| (0..cols).map(|_| (next() - 30.0).max(0.0)).collect())
                .collect();
            let m = max_weight_matching(&w);
            let used: Vec<usize> = m.iter().flatten().copied().collect();
            let distinct: std::collections::BTreeSet<usize> = used.iter().copied().collect();
            assert_eq!(used.len(), distinct.len(), "case {case}: {m:?}");
            assert_eq!(
                matched_weight(&w, &m),
                brute_force(&w),
                "case {case}: {w:?}"
            );
        }
    }
}
