//! Polygons checked: vertices plausible for their CRS, holes inside their
//! shells, and whether any two edges of the rings cross (quickly for
//! ordinary polygons, by a sweep line for stars).

use geo::{Area, Coord, MultiPolygon, Polygon};

use crate::spatial::crs::Crs;

/// A coordinate for a message: as written for ordinary values, in
/// scientific notation when huge (1e308, not 309 digits).
fn coord_text(v: f64) -> String {
    if v.abs() < 1e12 {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// Check a polygon as read: every vertex plausible for the CRS the file is
/// in (a vertex in another CRS would make areas of thousands of km²), and
/// every hole inside its shell and smaller than it. Crossing rings are
/// found (and repaired) later.
pub fn validate_polygons(mp: &MultiPolygon<f64>, crs: Crs) -> Result<(), String> {
    use geo::{coordinate_position::CoordPos, CoordinatePosition};
    let many = mp.0.len() > 1;
    for (pi, p) in mp.0.iter().enumerate() {
        let part = if many {
            format!("part {}: ", pi + 1)
        } else {
            String::new()
        };
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            for c in &ring.0 {
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(format!("{part}a coordinate that is not a finite number"));
                }
                if !crs.plausible(*c) {
                    let guess = Crs::guess(*c)
                        .filter(|g| *g != crs)
                        .map(|g| format!(" (it looks like {g}: a feature or vertex in another CRS than the rest of the file?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "{part}the vertex ({}, {}) cannot be in {crs}{guess}",
                        coord_text(c.x),
                        coord_text(c.y)
                    ));
                }
            }
        }
        let shell = Polygon::new(p.exterior().clone(), vec![]);
        let shell_area = shell.unsigned_area();
        for (hi, h) in p.interiors().iter().enumerate() {
            let hole_area = Polygon::new(h.clone(), vec![]).unsigned_area();
            if hole_area > shell_area {
                return Err(format!(
                    "{part}hole {} is larger than its outer ring",
                    hi + 1
                ));
            }
            let pos =
                h.0.iter()
                    .map(|c| shell.coordinate_position(c))
                    .find(|pos| *pos != CoordPos::OnBoundary);
            if pos == Some(CoordPos::Outside) {
                return Err(format!("{part}hole {} lies outside its outer ring", hi + 1));
            }
        }
    }
    Ok(())
}

/// Do any two non-adjacent edges of the polygon's rings meet? Edges sorted
/// by x and compared only with those overlapping their x-range keep this
/// O(n log n) for ordinary polygons (one sort, no tree to build), where a
/// full validity check is quadratic. Long diagonal edges (a star) can make
/// almost all x-ranges overlap: after
/// 64 candidate pairs per edge a sweep line (Shamos–Hoey, O(n log n) tests
/// whatever the shape) decides instead.
pub fn rings_cross(mp: &MultiPolygon<f64>) -> bool {
    match rings_cross_rtree(mp) {
        Some(answer) => answer,
        None => rings_cross_sweep(mp),
    }
}

/// Do two edges (with their ring, position and ring length) meet other than
/// at the vertex that neighbouring edges share?
fn edges_meet(
    a: &geo::Line<f64>,
    da: (usize, usize, usize),
    b: &geo::Line<f64>,
    db: (usize, usize, usize),
) -> bool {
    use geo::Intersects;
    let ((r, i, n), (r2, j, _)) = if (da.0, da.1) <= (db.0, db.1) {
        (da, db)
    } else {
        (db, da)
    };
    let (a, b) = if (da.0, da.1) <= (db.0, db.1) {
        (a, b)
    } else {
        (b, a)
    };
    let adjacent = r == r2 && (j == i + 1 || (i == 0 && j + 1 == n));
    if adjacent {
        if j == i + 1 {
            let back = geo::Line::new(a.end, a.start);
            back.intersects(b) && collinear_overlap(a, b)
        } else {
            let back = geo::Line::new(b.end, b.start);
            back.intersects(a) && collinear_overlap(b, a)
        }
    } else {
        a.intersects(b)
    }
}

/// Shamos–Hoey: sweep a vertical line over the edges, keep the edges it
/// cuts ordered by height, and test only neighbours in that order. The first
/// meeting of two edges is always between neighbours, so the answer is exact
/// with O(n log n) tests (inserting into the ordered list is a memmove).
fn rings_cross_sweep(mp: &MultiPolygon<f64>) -> bool {
    use std::cmp::Ordering;
    let mut segs: Vec<(geo::Line<f64>, (usize, usize, usize))> = Vec::new();
    let mut ring_no = 0;
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let n = ring.0.len().saturating_sub(1);
            for (i, l) in ring.lines().enumerate() {
                if l.start != l.end {
                    segs.push((l, (ring_no, i, n)));
                }
            }
            ring_no += 1;
        }
    }
    let lt = |p: Coord<f64>, q: Coord<f64>| (p.x, p.y) < (q.x, q.y);
    // Left and right end of each edge.
    let ends: Vec<(Coord<f64>, Coord<f64>)> = segs
        .iter()
        .map(|(l, _)| {
            if lt(l.start, l.end) {
                (l.start, l.end)
            } else {
                (l.end, l.start)
            }
        })
        .collect();
    // Events: (point, 0 = insert / 1 = remove, edge); inserts first at a point.
    let mut events: Vec<(Coord<f64>, u8, usize)> = Vec::with_capacity(2 * segs.len());
    for (k, (a, b)) in ends.iter().enumerate() {
        events.push((*a, 0, k));
        events.push((*b, 1, k));
    }
    events.sort_by(|x, y| {
        (x.0.x, x.0.y, x.1)
            .partial_cmp(&(y.0.x, y.0.y, y.1))
            .unwrap_or(Ordering::Equal)
    });
    let y_at = |k: usize, x: f64| -> f64 {
        let (a, b) = ends[k];
        if b.x == a.x {
            a.y
        } else {
            a.y + (b.y - a.y) * ((x - a.x) / (b.x - a.x))
        }
    };
    let slope = |k: usize| -> f64 {
        let (a, b) = ends[k];
        if b.x == a.x {
            f64::INFINITY
        } else {
            (b.y - a.y) / (b.x - a.x)
        }
    };
    let meet = |s: usize, t: usize| edges_meet(&segs[s].0, segs[s].1, &segs[t].0, segs[t].1);
    let mut status: Vec<usize> = Vec::new();
    for (p, kind, k) in events {
        if kind == 0 {
            let (y, m) = (p.y, slope(k));
            let at = status.partition_point(|&o| {
                let yo = y_at(o, p.x);
                yo < y || (yo == y && slope(o) < m)
            });
            status.insert(at, k);
            if at > 0 && meet(status[at - 1], k) {
                return true;
            }
            if at + 1 < status.len() && meet(k, status[at + 1]) {
                return true;
            }
        } else {
            // Find the edge near its height; fall back to a scan.
            let start = status.partition_point(|&o| y_at(o, p.x) < p.y - 1e-9 * p.y.abs().max(1.0));
            let at = (start..status.len().min(start + 64))
                .find(|&i| status[i] == k)
                .or_else(|| status.iter().position(|&o| o == k));
            let Some(at) = at else { continue };
            status.remove(at);
            if at > 0 && at < status.len() && meet(status[at - 1], status[at]) {
                return true;
            }
        }
    }
    false
}

/// The quick test: the edges sorted by their left end, each tested against
/// the edges that start before its right end and overlap it in height
/// (sort and sweep; for ordinary rings only a few edges span any x). `None`
/// when the x-ranges overlap too much to tell quickly (a star).
fn rings_cross_rtree(mp: &MultiPolygon<f64>) -> Option<bool> {
    use geo::{Intersects, Line};
    // (edge, min x, max x, min y, max y, (ring number, position, ring length)).
    type Edge = (Line<f64>, [f64; 4], (usize, usize, usize));
    let mut edges: Vec<Edge> = Vec::new();
    let mut ring_no = 0;
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let n = ring.0.len().saturating_sub(1);
            for (i, l) in ring.lines().enumerate() {
                if l.start != l.end {
                    let b = [
                        l.start.x.min(l.end.x),
                        l.start.x.max(l.end.x),
                        l.start.y.min(l.end.y),
                        l.start.y.max(l.end.y),
                    ];
                    edges.push((l, b, (ring_no, i, n)));
                }
            }
            ring_no += 1;
        }
    }
    // Sorted through (left end, index) pairs: cheaper to move than edges.
    let mut order: Vec<(f64, u32)> = edges
        .iter()
        .enumerate()
        .map(|(k, e)| (e.1[0], k as u32))
        .collect();
    order.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let edges: Vec<Edge> = order.iter().map(|&(_, k)| edges[k as usize]).collect();
    let mut budget = 64 * edges.len() + 1024;
    for (k, (a, ba, da)) in edges.iter().enumerate() {
        for (b, bb, db) in &edges[k + 1..] {
            if bb[0] > ba[1] {
                break;
            }
            budget = budget.checked_sub(1)?;
            if bb[3] < ba[2] || bb[2] > ba[3] {
                continue;
            }
            let ((r, i, n), (r2, j, _), a, b) = if (da.0, da.1) <= (db.0, db.1) {
                (*da, *db, a, b)
            } else {
                (*db, *da, b, a)
            };
            let adjacent = r == r2 && (j == i + 1 || (i == 0 && j + 1 == n));
            if adjacent {
                // Neighbouring edges share a vertex; they cross only if they overlap.
                let (x, y) = if j == i + 1 { (a, b) } else { (b, a) };
                let back = Line::new(x.end, x.start);
                if back.intersects(y) && collinear_overlap(x, y) {
                    return Some(true);
                }
                continue;
            }
            if a.intersects(b) {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Two edges sharing an end that run back over each other (a spike).
pub(crate) fn collinear_overlap(a: &geo::Line<f64>, b: &geo::Line<f64>) -> bool {
    let cross = |o: geo::Coord<f64>, p: geo::Coord<f64>, q: geo::Coord<f64>| {
        (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x)
    };
    let shared = if a.end == b.start {
        a.end
    } else {
        return false;
    };
    cross(shared, a.start, b.end) == 0.0 && {
        let da = (a.start.x - shared.x, a.start.y - shared.y);
        let db = (b.end.x - shared.x, b.end.y - shared.y);
        da.0 * db.0 + da.1 * db.1 > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::geometry::geojson::read_geojson_str;
    use crate::spatial::geometry::LayerOptions;
    use geo::LineString;

    /// A star of `n` vertices around Berlin's centre (lon/lat), optionally
    /// with its last spike folded across the first (one self-intersection).
    pub(crate) fn star(n: usize) -> String {
        let mut pts = Vec::with_capacity(n + 1);
        for i in 0..n {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            let r = if i % 2 == 0 { 0.01 } else { 0.002 };
            pts.push(format!(
                "[{},{}]",
                13.4 + r * a.cos(),
                52.5 + 0.6 * r * a.sin()
            ));
        }
        pts.push(pts[0].clone());
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"id\":\"01011101\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}]}}",
            pts.join(",")
        )
    }

    #[test]
    fn star_of_20000_vertices_is_validated_quickly() {
        let text = star(20_000);
        let t = std::time::Instant::now();
        let (layer, w) = read_geojson_str("star.geojson", &text, &LayerOptions::default()).unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(secs < 5.0, "{secs} s");
        assert!(w.0.is_empty(), "{:?}", w.0);
        assert_eq!(layer.features[0].geometry.0[0].exterior().0.len(), 20_001);
        // A valid star: the sweep finds no crossing.
        assert!(!rings_cross(&layer.features[0].geometry));
    }

    #[test]
    fn sweep_finds_a_crossing_the_rtree_gives_up_on() {
        // The star with two spikes swapped: their edges cross.
        let (layer, _) =
            read_geojson_str("star.geojson", &star(4000), &LayerOptions::default()).unwrap();
        let mut g = layer.features[0].geometry.clone();
        assert!(!rings_cross_sweep(&g));
        let ring = &mut g.0[0];
        let mut pts = ring.exterior().0.clone();
        pts.swap(1000, 1002);
        *ring = Polygon::new(LineString::new(pts), vec![]);
        assert!(rings_cross_sweep(&g));
        assert!(rings_cross_rtree(&g).unwrap_or(true));
    }

    fn square(x: f64, y: f64, s: f64) -> LineString<f64> {
        LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)])
    }

    #[test]
    fn holes_outside_or_larger_than_their_shell_are_errors() {
        let p = |holes| {
            MultiPolygon::new(vec![Polygon::new(
                square(390_000.0, 5_810_000.0, 1000.0),
                holes,
            )])
        };
        assert!(
            validate_polygons(&p(vec![square(390_100.0, 5_810_100.0, 100.0)]), Crs::Utm33).is_ok()
        );
        let e = validate_polygons(&p(vec![square(392_000.0, 5_810_000.0, 100.0)]), Crs::Utm33)
            .unwrap_err();
        assert!(e.contains("hole 1 lies outside its outer ring"), "{e}");
        let e = validate_polygons(
            &p(vec![square(389_000.0, 5_809_000.0, 30_000.0)]),
            Crs::Utm33,
        )
        .unwrap_err();
        assert!(e.contains("larger than its outer ring"), "{e}");
        // One lon/lat vertex in a UTM polygon.
        let mut ring = square(390_000.0, 5_810_000.0, 1000.0).0;
        ring[2] = Coord { x: 13.4, y: 52.5 };
        let e = validate_polygons(
            &MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]),
            Crs::Utm33,
        )
        .unwrap_err();
        assert!(e.contains("(13.4, 52.5) cannot be in EPSG:25833"), "{e}");
        assert!(e.contains("EPSG:4326"), "{e}");
    }
}
