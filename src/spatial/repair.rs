//! Bounded repair of polygons whose rings cross themselves or each other.
//!
//! A crossing is resolved by uniting the polygon with itself under the
//! non-zero fill rule (geo's `BooleanOps`, i.e. i_overlay; what `buffer(0)`
//! does in GIS tools). That union costs about (edges + crossings) · log, but
//! i_overlay's splitter degrades badly when many long edges share the same
//! extent (a 20,000-vertex star takes minutes even with a single crossing), and
//! a scribble of n edges has up to n²/2 crossings. So before the union the
//! crossings are counted with an R-tree over the edges under a budget of
//! candidate pairs: a polygon beyond the budget or with more than
//! [`MAX_CROSSINGS`] crossings is refused with a reason instead of repaired.
//! Every step is O(n log n) in the number of edges, whatever the shape.

use geo::{BooleanOps, Intersects, Line, MultiPolygon};
use rstar::primitives::GeomWithData;
use rstar::{RTree, RTreeObject};

/// Crossings beyond which a polygon is not repaired: far more than a
/// digitising slip makes, few enough that the union stays fast.
pub const MAX_CROSSINGS: usize = 10_000;

/// Candidate edge pairs (overlapping extents) examined per edge before the
/// shape counts as too intricate to repair.
const PAIRS_PER_EDGE: usize = 64;

/// What the repair found.
#[derive(Debug)]
pub enum Repair {
    /// No two rings cross: the polygon is used as it is.
    Valid,
    /// Rings crossed at `crossings` points; the polygon resolved under the
    /// non-zero rule.
    Repaired {
        polygon: MultiPolygon<f64>,
        crossings: usize,
    },
}

/// Check the rings of `mp` and repair crossings within the bounds above;
/// `Err` says in plain words why a polygon is refused instead.
pub fn repair(mp: &MultiPolygon<f64>) -> Result<Repair, String> {
    if !crate::spatial::geometry::validate::rings_cross(mp) {
        return Ok(Repair::Valid);
    }
    let crossings = count_crossings(mp)?;
    Ok(Repair::Repaired {
        polygon: mp.union(&MultiPolygon::new(vec![])),
        crossings,
    })
}

/// How often do edges of the rings cross (or run back over each other)?
/// Bounded: `Err` when the edges' extents overlap too much to tell quickly
/// or when the count passes [`MAX_CROSSINGS`].
pub fn count_crossings(mp: &MultiPolygon<f64>) -> Result<usize, String> {
    // (ring number, position in ring, ring length) per edge.
    let mut edges: Vec<GeomWithData<Line<f64>, (usize, usize, usize)>> = Vec::new();
    let mut ring_no = 0;
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let n = ring.0.len().saturating_sub(1);
            for (i, l) in ring.lines().enumerate() {
                if l.start != l.end {
                    edges.push(GeomWithData::new(l, (ring_no, i, n)));
                }
            }
            ring_no += 1;
        }
    }
    let too_intricate = || {
        format!(
            "its rings cross themselves, and its {} edges overlap each other's extent too often to repair it reliably here (like a star with crossing spikes, or a scribble); correct the polygon in a GIS (for example QGIS 'Fix geometries') and read it again",
            edges.len()
        )
    };
    let tree = RTree::bulk_load(edges.clone());
    let mut budget = PAIRS_PER_EDGE * edges.len() + 1024;
    let mut crossings = 0usize;
    for e in &edges {
        let (r, i, n) = e.data;
        for o in tree.locate_in_envelope_intersecting(&e.envelope()) {
            budget = budget.checked_sub(1).ok_or_else(too_intricate)?;
            let (r2, j, _) = o.data;
            if (r2, j) <= (r, i) {
                continue;
            }
            let (a, b) = (e.geom(), o.geom());
            let meet = if r == r2 && j == i + 1 {
                let back = Line::new(a.end, a.start);
                back.intersects(b) && crate::spatial::geometry::validate::collinear_overlap(a, b)
            } else if r == r2 && i == 0 && j + 1 == n {
                let back = Line::new(b.end, b.start);
                back.intersects(a) && crate::spatial::geometry::validate::collinear_overlap(b, a)
            } else {
                a.intersects(b)
            };
            if meet {
                crossings += 1;
                if crossings > MAX_CROSSINGS {
                    return Err(format!(
                        "its rings cross themselves at more than {MAX_CROSSINGS} points ({} edges), too many to repair reliably here; correct the polygon in a GIS (for example QGIS 'Fix geometries') and read it again",
                        edges.len()
                    ));
                }
            }
        }
    }
    Ok(crossings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, LineString, Polygon};

    fn poly(mut pts: Vec<(f64, f64)>) -> MultiPolygon<f64> {
        pts.push(pts[0]);
        MultiPolygon::new(vec![Polygon::new(LineString::from(pts), vec![])])
    }

    #[test]
    fn a_bow_tie_is_repaired_to_its_two_triangles() {
        // 1 km bow tie: two triangles of 0.25 km² each, crossing once.
        let g = poly(vec![
            (0.0, 0.0),
            (1000.0, 1000.0),
            (1000.0, 0.0),
            (0.0, 1000.0),
        ]);
        let Repair::Repaired { polygon, crossings } = repair(&g).unwrap() else {
            panic!("not repaired")
        };
        assert_eq!(crossings, 1);
        // Two triangles touching at the centre, a quarter of the square each.
        assert_eq!(polygon.0.len(), 2);
        for p in &polygon.0 {
            assert!((p.unsigned_area() - 250_000.0).abs() < 1e-6);
        }
    }

    /// A star of `n` vertices, radius 1 km / 200 m; with `lean` > 0 the
    /// spikes lean alternately left and right, so that neighbours cross.
    pub(crate) fn star(n: usize, lean: f64) -> MultiPolygon<f64> {
        poly(
            (0..n)
                .map(|i| {
                    let sh = match i % 4 {
                        0 => lean,
                        2 => -lean,
                        _ => 0.0,
                    };
                    let a = std::f64::consts::TAU * (i as f64 + sh) / n as f64;
                    let r = if i.is_multiple_of(2) { 1000.0 } else { 200.0 };
                    (390_000.0 + r * a.cos(), 5_810_000.0 + r * a.sin())
                })
                .collect(),
        )
    }

    /// A circle of `n` vertices with the vertex pairs (k, k+1) at every
    /// `every`-th vertex swapped: one small crossing each.
    pub(crate) fn wiggly(n: usize, every: usize) -> MultiPolygon<f64> {
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                (390_000.0 + 1000.0 * a.cos(), 5_810_000.0 + 1000.0 * a.sin())
            })
            .collect();
        for k in (10..n - 1).step_by(every) {
            pts.swap(k, k + 1);
        }
        poly(pts)
    }

    #[test]
    fn a_star_of_20000_vertices_with_crossing_spikes_is_refused_quickly() {
        let g = star(20_000, 3.0);
        assert!(crate::spatial::geometry::validate::rings_cross(&g));
        let t = std::time::Instant::now();
        let e = repair(&g).unwrap_err();
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
        assert!(e.contains("20000 edges"), "{e}");
        assert!(e.contains("too often to repair"), "{e}");
        // Without the lean the same star is valid, and found so quickly.
        let t = std::time::Instant::now();
        assert!(matches!(repair(&star(20_000, 0.0)), Ok(Repair::Valid)));
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    }

    #[test]
    fn a_random_polygon_of_20000_vertices_is_refused_quickly() {
        let mut s: u64 = 12345;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let pts: Vec<(f64, f64)> = (0..20_000)
            .map(|_| (390_000.0 + 1000.0 * next(), 5_810_000.0 + 1000.0 * next()))
            .collect();
        let t = std::time::Instant::now();
        let e = repair(&poly(pts)).unwrap_err();
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
        assert!(
            e.contains(&format!("more than {MAX_CROSSINGS} points")),
            "{e}"
        );
    }

    #[test]
    fn small_crossings_in_20000_vertices_are_repaired_with_their_area() {
        let g = wiggly(20_000, 1000);
        let t = std::time::Instant::now();
        let Repair::Repaired { polygon, crossings } = repair(&g).unwrap() else {
            panic!("not repaired")
        };
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
        assert_eq!(crossings, 20);
        // The result is settled: repairing it again changes no area (its
        // rings may still touch where a sliver was folded off).
        match repair(&polygon).unwrap() {
            Repair::Valid => {}
            Repair::Repaired { polygon: again, .. } => {
                assert!((again.unsigned_area() - polygon.unsigned_area()).abs() < 1e-6)
            }
        }
        // Each swap crosses two edges and folds a sliver: the area moves
        // by the slivers only (less than 0.001 %), and is about π km².
        let (before, after) = (g.unsigned_area(), polygon.unsigned_area());
        assert!((after - before).abs() / before < 1e-5, "{before} {after}");
        assert!(
            (after - std::f64::consts::PI * 1e6).abs() < 1e-4 * after,
            "{after}"
        );
    }

    #[test]
    fn a_valid_polygon_is_left_alone() {
        let g = poly(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        assert!(matches!(repair(&g), Ok(Repair::Valid)));
    }
}
