//! A layout evaluated: per region its people, area, parts and compactness,
//! the BZR and PGR it cuts, and against a reference the people moved.
//!
//! The layout's regions and the reference's are matched one to one by the
//! matching that keeps the most people in place ([`max_weight_matching`]
//! on the people each pair of regions shares), whatever their keys: the
//! six 2006 PGR of a Bezirk against its five 2021 PGR are compared by
//! area, not by key. A unit's people count as moved when its region is not
//! matched to their reference region (or they lie outside every reference
//! region).

use std::collections::{BTreeMap, BTreeSet};

use crate::layout::graph::Graph;
use crate::layout::matching::max_weight_matching;
use crate::layout::{Layout, Shares, NO_REGION};
use crate::table::key::Level;

/// Figures of one region of a layout.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionFigures {
    pub id: String,
    /// The region's name: its own (a polygon's), else the name of the
    /// reference region it matches; empty without either.
    pub name: String,
    /// The reference region it is matched to (with a reference; `None`
    /// when it matches none).
    pub reference: Option<String>,
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
    /// People of the region who are not in the reference region it is
    /// matched to (with a reference; all its people when it matches none).
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
    /// People whose region is not matched to their reference region.
    pub moved: Option<f64>,
    /// (reference region, layout region, people) of the people moved: the
    /// pairs with people > 0 that are not matched to each other.
    pub pairs: Vec<(String, String, f64)>,
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
    let matched = ref_ids.map(|ref_ids| match_regions(&pairs, k, ref_ids.len()));
    let with_ref = ref_ids.zip(matched.as_deref());
    let regions = region_figures(graph, keys, people, layout, mean, &pairs, with_ref);
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
    let (moved, pairs) = match with_ref {
        Some((ref_ids, matched)) => {
            let list = moved_pairs(&pairs, ref_ids, &layout.ids, matched);
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

/// The reference region matched to each of the `k` layout regions (of
/// `m` reference regions): the one-to-one matching that keeps the most
/// people of `pairs` in place.
pub fn match_regions(
    pairs: &BTreeMap<(usize, usize), f64>,
    k: usize,
    m: usize,
) -> Vec<Option<usize>> {
    let mut w = vec![vec![0.0; m]; k];
    for (&(r, s), &v) in pairs {
        if r != usize::MAX {
            w[s][r] += v;
        }
    }
    max_weight_matching(&w)
}

/// The figures of each region of `layout`; `pairs` from [`reference_pairs`]
/// with the reference's ids and the matched reference region of each
/// layout region.
fn region_figures(
    graph: &Graph,
    keys: &[String],
    people: &[f64],
    layout: &Layout,
    mean: f64,
    pairs: &BTreeMap<(usize, usize), f64>,
    reference: Option<(&[String], &[Option<usize>])>,
) -> Vec<RegionFigures> {
    let k = layout.ids.len();
    let mut regions = Vec::with_capacity(k);
    let block = graph.contract(&layout.region, k);
    for (r, id) in layout.ids.iter().enumerate() {
        let members: Vec<usize> = (0..keys.len()).filter(|&i| layout.region[i] == r).collect();
        let p: f64 = members.iter().map(|&i| people[i]).sum();
        let parts = graph.components(|i| layout.region[i] == r).len();
        let (a, per) = (block.area[r], block.perimeter[r]);
        let moved_in = reference.map(|(_, matched)| {
            pairs
                .iter()
                .filter(|((rr, s), _)| *s == r && Some(*rr) != matched[r])
                .map(|(_, v)| v)
                .sum()
        });
        regions.push(RegionFigures {
            id: id.clone(),
            name: String::new(),
            reference: reference.and_then(|(ids, matched)| matched[r].map(|q| ids[q].clone())),
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
/// are in a region not matched (`matched`) to their reference region.
fn moved_pairs(
    pairs: &BTreeMap<(usize, usize), f64>,
    ref_ids: &[String],
    ids: &[String],
    matched: &[Option<usize>],
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
        .filter(|((r, s), v)| **v > 0.0 && matched[*s] != Some(*r))
        .map(|((r, s), v)| (name(*r), ids[*s].clone(), *v))
        .collect()
}

impl Evaluation {
    /// Name the regions: by `own` (the layout's names by region id, e.g. of
    /// its polygons), else by `reference` (the reference's names by id) of
    /// the reference region each is matched to.
    pub fn name_regions(
        &mut self,
        own: &BTreeMap<String, String>,
        reference: &BTreeMap<String, String>,
    ) {
        for r in &mut self.regions {
            let name = own
                .get(&r.id)
                .filter(|n| !n.is_empty())
                .or_else(|| r.reference.as_ref().and_then(|q| reference.get(q)));
            if let Some(n) = name {
                r.name = n.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
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
        // Layout region X is matched to reference A, Y to B: the people of
        // unit 1 in A and outside every region moved.
        let matched = match_regions(&pairs, 2, 2);
        assert_eq!(matched, vec![Some(0), Some(1)]);
        let moved = moved_pairs(
            &pairs,
            &strings(&["A", "B"]),
            &strings(&["X", "Y"]),
            &matched,
        );
        assert_eq!(
            moved,
            vec![
                ("A".to_string(), "Y".to_string(), 20.0),
                (NO_REGION.to_string(), "Y".to_string(), 10.0),
            ]
        );
    }
}
