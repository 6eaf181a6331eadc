//! After the last point: every `--sum`/`--by` attribute found, at most
//! [`MAX_BY_CATEGORIES`] categories, not every point outside every unit,
//! the exact sums made final, and the run handed over.

use anyhow::Result;

use crate::error::{examples, input_error, usage_error, Warnings};
use crate::points::read::tally::Accumulator;
use crate::points::read::{PointOptions, PointRun, Presence, MAX_BY_CATEGORIES};
use crate::spatial::crs::Crs;
use crate::spatial::geometry::Layer;

/// After the last point: check what was read, make the exact sums final,
/// and hand the tallies over.
pub(super) fn finish(
    mut acc: Accumulator,
    opts: &PointOptions,
    presence: &Presence,
    layers: &[&Layer],
    warnings: &mut Warnings,
) -> Result<PointRun> {
    check_presence(&acc, opts, presence, warnings)?;
    presence.repeats.warn(&acc.source, warnings);
    check_categories(&acc)?;
    acc.final_sums(opts)?;
    check_located(&acc, layers)?;
    acc.categories_into_tallies();
    let source = acc.source.clone();
    if acc.bad_count > 0 {
        warnings.push(
            crate::error::WarningCode::BadValues,
            format!(
                "{source}: {} values could not be read as numbers and were left out of the sums: {}",
                acc.bad_count,
                examples(&acc.bad_values, 5)
            ),
        );
    }
    if acc.total == 0 {
        return Err(input_error(format!("{source}: no points")));
    }
    Ok(PointRun {
        source,
        crs: acc.crs,
        total: acc.total,
        tallies: acc.tallies,
        sum_names: opts.sum.clone(),
        by_name: opts.by.clone(),
    })
}

/// Every `--sum`/`--by` attribute is on some point (an error when on none);
/// points without it are reported.
fn check_presence(
    acc: &Accumulator,
    opts: &PointOptions,
    presence: &Presence,
    warnings: &mut Warnings,
) -> Result<()> {
    let source = &acc.source;
    if acc.total == 0 {
        return Ok(());
    }
    for (a, attr) in opts.sum.iter().chain(opts.by.iter()).enumerate() {
        let is_sum = a < opts.sum.len();
        let flag = if is_sum {
            &opts.flags.sum
        } else {
            &opts.flags.by
        };
        let (n, ids) = &presence.lacking[a];
        if *n == acc.total {
            return Err(usage_error(format!(
                "{source}: {flag} '{attr}': the features have no property '{attr}' (or only null); they have: {}",
                examples(&presence.first_keys, 30)
            )));
        }
        if *n > 0 {
            warnings.push(
                crate::error::WarningCode::MissingAttribute,
                format!(
                    "{source}: {n} of {} points have no property '{attr}' (or it is null) ({flag}){}: {}",
                    acc.total,
                    if is_sum {
                        "; they count, but add nothing to the sum"
                    } else {
                        "; they are counted under '(none)'"
                    },
                    examples(ids, 5)
                ),
            );
        }
    }
    Ok(())
}

/// `--by` made at most [`MAX_BY_CATEGORIES`] categories.
fn check_categories(acc: &Accumulator) -> Result<()> {
    if acc.category_index.len() > MAX_BY_CATEGORIES {
        return Err(usage_error(format!(
            "{}: {} '{}' has {} different values; at most {MAX_BY_CATEGORIES} categories make count columns. It looks like an id or a name, not a category",
            acc.source,
            acc.by_flag,
            acc.by_name,
            acc.category_index.len()
        )));
    }
    Ok(())
}

/// Not every point outside every unit: that is a wrong CRS, and the message
/// shows where the points and the units are.
fn check_located(acc: &Accumulator, layers: &[&Layer]) -> Result<()> {
    if acc.total == 0 || acc.tallies.iter().any(|t| t.outside < acc.total) {
        return Ok(());
    }
    let (x0, y0, x1, y1) = acc.bbox.unwrap_or_default();
    let work = layers.first().map(|l| l.crs).unwrap_or(Crs::Utm33);
    let units: Vec<String> = layers
        .iter()
        .filter_map(|l| {
            l.bbox().map(|b| {
                format!(
                    "{} ({:.0}, {:.0}) – ({:.0}, {:.0})",
                    l.source,
                    b.min().x,
                    b.min().y,
                    b.max().x,
                    b.max().y
                )
            })
        })
        .collect();
    Err(input_error(format!(
        "{}: all {} points lie outside every unit. Most likely the coordinates are in another CRS than {} (give the right one with {}). In {}: points ({x0:.0}, {y0:.0}) – ({x1:.0}, {y1:.0}); units {}",
        acc.source,
        acc.total,
        acc.crs,
        acc.crs_flag,
        work,
        units.join("; ")
    )))
}
