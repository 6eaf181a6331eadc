//! The trade-off between balance and people moved: the best layout without
//! a band, then ever tighter bands down to the tightest with a layout.

use crate::layout::evaluate::{evaluate, Evaluation};
use crate::layout::input::Units;
use crate::layout::propose::{
    band_feasible, block_problem, propose, Limits, Proposal, ProposeError,
};
use crate::layout::Shares;
use crate::table::key::Level;

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
/// is solved like
/// [`propose_layout`](crate::layout::propose::propose_layout) (exact with
/// a proof, or with the gap).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_steps_are_evenly_spaced_from_below_the_top_to_the_tightest() {
        // The whole-BZR rows of Bezirk 04 in docs/layout.md: ±55.5, 39.5, 23.5, 7.5 %.
        assert_eq!(band_steps(15, 143, 5), vec![111, 79, 47, 15]);
        // Steps fall together on a narrow range; none at or above the top.
        assert_eq!(band_steps(3, 4, 5), vec![3]);
        assert!(band_steps(4, 4, 5).is_empty());
        assert!(band_steps(3, 40, 1).is_empty());
    }
}
