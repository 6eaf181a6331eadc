//! Spatial index and overlay: which units of layer A lie in which units of
//! layer B, and by how much area.
//!
//! An R-tree (rstar) over B's envelopes gives the candidate pairs; exact
//! intersections (geo's BooleanOps) are computed for those only, after both
//! polygons of a pair are clipped to the rectangle where their envelopes
//! overlap (so a large unit is not re-processed whole for every small unit
//! it meets). Pieces are sorted by (A, B), so results never depend on the
//! order of the input.

use std::borrow::Cow;

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::spatial::geometry::Layer;

/// The intersection of unit `a` of layer A with unit `b` of layer B.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Index into A's features.
    pub a: usize,
    /// Index into B's features.
    pub b: usize,
    /// m².
    pub area: f64,
    pub geometry: Option<MultiPolygon<f64>>,
}

#[derive(Debug, Clone)]
pub struct Overlay {
    pub pieces: Vec<Piece>,
    /// Candidate pairs from the R-tree (for the curious and the benchmarks).
    pub candidates: usize,
}

/// An R-tree over a layer's feature envelopes.
pub struct SpatialIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl SpatialIndex {
    pub fn new(layer: &Layer) -> SpatialIndex {
        let items = layer
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let r = Rectangle::from_corners(
                    [f.bbox.min().x, f.bbox.min().y],
                    [f.bbox.max().x, f.bbox.max().y],
                );
                GeomWithData::new(r, i)
            })
            .collect();
        SpatialIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Features whose envelope meets the rectangle, in index order.
    pub fn candidates(&self, min: [f64; 2], max: [f64; 2]) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Overlay layer A on layer B: one piece per pair of units that share area.
/// With `keep_geometry`, the intersection polygons are kept (for GeoJSON and
/// maps). Uses both cores for large layers.
pub fn overlay(a: &Layer, b: &Layer, keep_geometry: bool) -> Overlay {
    let index = SpatialIndex::new(b);
    // Envelopes of runs of vertices, once per unit: a pair's clip passes
    // over the runs that lie outside its rectangle.
    let chunks = |l: &Layer| -> Vec<RingChunks> {
        l.features
            .iter()
            .map(|f| ring_chunks(&f.geometry))
            .collect()
    };
    let (chunks_a, chunks_b) = (chunks(a), chunks(b));
    let pairs: Vec<(usize, usize)> = a
        .features
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            index
                .candidates(
                    [f.bbox.min().x, f.bbox.min().y],
                    [f.bbox.max().x, f.bbox.max().y],
                )
                .into_iter()
                .map(move |j| (i, j))
        })
        .collect();
    let work = |chunk: &[(usize, usize)]| -> Vec<Piece> {
        chunk
            .iter()
            .filter_map(|&(i, j)| {
                let (fa, fb) = (&a.features[i], &b.features[j]);
                let inter = clipped_intersection((fa, &chunks_a[i]), (fb, &chunks_b[j]))?;
                let area = inter.unsigned_area();
                (area > 0.0).then(|| Piece {
                    a: i,
                    b: j,
                    area,
                    geometry: keep_geometry.then_some(inter),
                })
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let mut pieces = if threads > 1 && pairs.len() > 64 {
        // Pairs differ in cost: each thread takes the next batch of 16
        // when it is done, so no core waits for the other.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let batches: Vec<&[(usize, usize)]> = pairs.chunks(16).collect();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(batch) = batches.get(k) else {
                                break out;
                            };
                            out.extend(work(batch));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("overlay worker"))
                .collect::<Vec<_>>()
        })
    } else {
        work(&pairs)
    };
    pieces.sort_by_key(|p| (p.a, p.b));
    Overlay {
        pieces,
        candidates: pairs.len(),
    }
}

/// The intersection of two features, each first clipped to the rectangle
/// where their envelopes overlap (the intersection lies inside it, so the
/// result is the same; BooleanOps then sees only the edges near the other
/// unit). `None` when the envelopes only touch.
fn clipped_intersection(
    (fa, ka): (&crate::spatial::geometry::Feature, &RingChunks),
    (fb, kb): (&crate::spatial::geometry::Feature, &RingChunks),
) -> Option<MultiPolygon<f64>> {
    let (ra, rb) = (fa.bbox, fb.bbox);
    let min = Coord {
        x: ra.min().x.max(rb.min().x),
        y: ra.min().y.max(rb.min().y),
    };
    let max = Coord {
        x: ra.max().x.min(rb.max().x),
        y: ra.max().y.min(rb.max().y),
    };
    if !(min.x < max.x && min.y < max.y) {
        return None;
    }
    let r = Rect::new(min, max);
    let ca = clip_indexed(&fa.geometry, &fa.bbox, &r, Some(ka));
    if ca.0.is_empty() {
        return None;
    }
    let cb = clip_indexed(&fb.geometry, &fb.bbox, &r, Some(kb));
    if cb.0.is_empty() {
        return None;
    }
    Some(ca.intersection(cb.as_ref()))
}

/// A multipolygon clipped to a rectangle, ring by ring (Sutherland–Hodgman
/// against the rectangle's four sides). A concave ring may come out with
/// zero-width spurs along the rectangle's border; they enclose no area and
/// cancel under the even-odd rule BooleanOps uses, so the area inside the
/// rectangle is exactly that of the input. Unchanged (borrowed) when the
/// multipolygon lies inside the rectangle.
pub fn clip_to_rect<'a>(
    mp: &'a MultiPolygon<f64>,
    bbox: &Rect<f64>,
    r: &Rect<f64>,
) -> Cow<'a, MultiPolygon<f64>> {
    clip_indexed(mp, bbox, r, None)
}

/// Vertices per run in [`RingChunks`].
const CHUNK: usize = 32;

/// Per ring of a multipolygon (each polygon's exterior, then its holes),
/// the envelope of each run of `CHUNK` (32) vertices.
pub type RingChunks = Vec<Vec<Rect<f64>>>;

fn ring_chunks(mp: &MultiPolygon<f64>) -> RingChunks {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| {
            ring.0
                .chunks(CHUNK)
                .map(|c| {
                    let mut lo = c[0];
                    let mut hi = c[0];
                    for p in c {
                        lo.x = lo.x.min(p.x);
                        lo.y = lo.y.min(p.y);
                        hi.x = hi.x.max(p.x);
                        hi.y = hi.y.max(p.y);
                    }
                    Rect::new(lo, hi)
                })
                .collect()
        })
        .collect()
}

/// [`clip_to_rect`], passing over the runs of vertices (`chunks`) that lie
/// wholly beyond one side of the rectangle: such a run is replaced by its
/// first and last vertex. The run and that straight edge both stay in the
/// half-plane beyond the side, so the ring winds the same way around every
/// point of the rectangle and the clipped area is the same.
fn clip_indexed<'a>(
    mp: &'a MultiPolygon<f64>,
    bbox: &Rect<f64>,
    r: &Rect<f64>,
    chunks: Option<&RingChunks>,
) -> Cow<'a, MultiPolygon<f64>> {
    if bbox.min().x >= r.min().x
        && bbox.min().y >= r.min().y
        && bbox.max().x <= r.max().x
        && bbox.max().y <= r.max().y
    {
        return Cow::Borrowed(mp);
    }
    let mut out = Vec::new();
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut ring_no = 0;
    let mut next_chunks = || {
        let c = chunks.and_then(|c| c.get(ring_no)).map(Vec::as_slice);
        ring_no += 1;
        c
    };
    for poly in &mp.0 {
        let ext = clip_ring(poly.exterior(), next_chunks(), r, &mut a, &mut b);
        let holes = poly
            .interiors()
            .iter()
            .filter_map(|h| clip_ring(h, next_chunks(), r, &mut a, &mut b))
            .collect();
        let Some(ext) = ext else {
            continue;
        };
        out.push(Polygon::new(ext, holes));
    }
    Cow::Owned(MultiPolygon(out))
}

/// One ring clipped to a rectangle; `None` when nothing of it is left.
/// `a` and `b` are scratch buffers.
fn clip_ring(
    ring: &LineString<f64>,
    chunks: Option<&[Rect<f64>]>,
    r: &Rect<f64>,
    a: &mut Vec<Coord<f64>>,
    b: &mut Vec<Coord<f64>>,
) -> Option<LineString<f64>> {
    let (lo, hi) = (r.min(), r.max());
    a.clear();
    match chunks {
        Some(env) if env.len() == ring.0.len().div_ceil(CHUNK) => {
            for (run, e) in ring.0.chunks(CHUNK).zip(env) {
                let beyond =
                    e.max().x < lo.x || e.min().x > hi.x || e.max().y < lo.y || e.min().y > hi.y;
                if beyond && run.len() > 2 {
                    a.push(run[0]);
                    a.push(run[run.len() - 1]);
                } else {
                    a.extend_from_slice(run);
                }
            }
        }
        _ => a.extend_from_slice(&ring.0),
    }
    if a.len() > 1 && a.first() == a.last() {
        a.pop();
    }
    // Each side: keep the points with `inside`, cut edges where they leave
    // or enter at the side's line (x or y fixed, the other interpolated).
    clip_side(a, b, |p| p.x >= lo.x, |p, q| cut_x(p, q, lo.x));
    clip_side(b, a, |p| p.x <= hi.x, |p, q| cut_x(p, q, hi.x));
    clip_side(a, b, |p| p.y >= lo.y, |p, q| cut_y(p, q, lo.y));
    clip_side(b, a, |p| p.y <= hi.y, |p, q| cut_y(p, q, hi.y));
    a.dedup();
    while a.len() > 1 && a.first() == a.last() {
        a.pop();
    }
    if a.len() < 3 {
        return None;
    }
    let mut coords = Vec::with_capacity(a.len() + 1);
    coords.extend_from_slice(a);
    coords.push(a[0]);
    Some(LineString(coords))
}

fn clip_side(
    src: &[Coord<f64>],
    dst: &mut Vec<Coord<f64>>,
    inside: impl Fn(&Coord<f64>) -> bool,
    cut: impl Fn(&Coord<f64>, &Coord<f64>) -> Coord<f64>,
) {
    dst.clear();
    let Some(&last) = src.last() else {
        return;
    };
    let mut prev = last;
    let mut prev_in = inside(&prev);
    for &p in src {
        let p_in = inside(&p);
        if p_in != prev_in {
            dst.push(cut(&prev, &p));
        }
        if p_in {
            dst.push(p);
        }
        prev = p;
        prev_in = p_in;
    }
}

/// The point where segment p–q crosses the vertical line at `x`,
/// interpolated from the same end whatever the direction, so that the two
/// rings sharing an edge get the same cut point.
fn cut_x(p: &Coord<f64>, q: &Coord<f64>, x: f64) -> Coord<f64> {
    let (p, q) = if (p.x, p.y) <= (q.x, q.y) {
        (p, q)
    } else {
        (q, p)
    };
    let t = (x - p.x) / (q.x - p.x);
    Coord {
        x,
        y: p.y + t * (q.y - p.y),
    }
}

fn cut_y(p: &Coord<f64>, q: &Coord<f64>, y: f64) -> Coord<f64> {
    let (p, q) = if (p.x, p.y) <= (q.x, q.y) {
        (p, q)
    } else {
        (q, p)
    };
    let t = (y - p.y) / (q.y - p.y);
    Coord {
        x: p.x + t * (q.x - p.x),
        y,
    }
}

/// When is a part of a unit digitising noise rather than a real split?
/// A part is noise when it is smaller than `min_share` of the unit's area
/// or smaller than `min_area` m². Defaults: 1 % and 1,000 m² (between the
/// LOR 2006 PLR and the 2021 PGR of Berlin the largest sliver is 0.5 % of
/// its PLR; the smallest real split is 1.4 %).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    pub min_share: f64,
    pub min_area: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            min_share: 0.01,
            min_area: 1000.0,
        }
    }
}

impl Tolerance {
    /// A tolerance from the command line: a share in [0, 1) and an area ≥ 0.
    pub fn new(min_share: f64, min_area: f64) -> anyhow::Result<Tolerance> {
        if !(0.0..1.0).contains(&min_share) || min_area.is_nan() || min_area < 0.0 {
            return Err(crate::error::usage_error(
                "--min-share must be between 0 and 1, --min-area at least 0",
            ));
        }
        Ok(Tolerance {
            min_share,
            min_area,
        })
    }

    pub fn is_noise(&self, area: f64, share: f64) -> bool {
        share < self.min_share || area < self.min_area
    }
}

/// What a part of a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartClass {
    /// The unit lies in this target (its only real part).
    Inside,
    /// One of several real parts.
    Split,
    /// A sliver: digitising noise.
    Noise,
    /// A real part outside every target.
    Outside,
}

impl PartClass {
    pub fn label(self) -> &'static str {
        match self {
            PartClass::Inside => "inside",
            PartClass::Split => "split",
            PartClass::Noise => "noise",
            PartClass::Outside => "outside",
        }
    }
}

/// Is a unit in one target, split between several, or outside all?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitStatus {
    Inside,
    Split,
    Outside,
}

impl UnitStatus {
    pub fn label(self) -> &'static str {
        match self {
            UnitStatus::Inside => "inside",
            UnitStatus::Split => "split",
            UnitStatus::Outside => "outside",
        }
    }
}

/// A part of a unit: its area in one target (or in none).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The target unit; `None` for the part outside every target.
    pub target: Option<String>,
    pub area: f64,
    /// Share of the unit's area.
    pub share: f64,
    pub class: PartClass,
}

/// A unit of layer A with its parts in the units of layer B.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitParts {
    pub key: String,
    pub name: String,
    pub area: f64,
    /// Largest first.
    pub parts: Vec<Part>,
    pub status: UnitStatus,
}

impl UnitParts {
    /// Classify the parts of a unit. `pieces` are (target, area); the rest
    /// of the unit's area is the part outside every target.
    pub fn new(
        key: String,
        name: String,
        area: f64,
        pieces: Vec<(Option<String>, f64)>,
        tol: &Tolerance,
    ) -> UnitParts {
        let mut merged: Vec<(Option<String>, f64)> = Vec::new();
        for (t, a) in pieces {
            match merged.iter_mut().find(|(x, _)| *x == t) {
                Some(m) => m.1 += a,
                None => merged.push((t, a)),
            }
        }
        let inside: f64 = merged
            .iter()
            .filter(|(t, _)| t.is_some())
            .map(|(_, a)| a)
            .sum();
        let rest = area - inside;
        if rest > area * 1e-9 && !merged.iter().any(|(t, _)| t.is_none()) {
            merged.push((None, rest));
        }
        merged.sort_by(|x, y| {
            y.1.partial_cmp(&x.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| x.0.cmp(&y.0))
        });
        let real = merged
            .iter()
            .filter(|(_, a)| !tol.is_noise(*a, a / area))
            .count();
        let real_inside = merged
            .iter()
            .filter(|(t, a)| t.is_some() && !tol.is_noise(*a, a / area))
            .count();
        let parts: Vec<Part> = merged
            .into_iter()
            .map(|(target, a)| {
                let share = a / area;
                let class = if tol.is_noise(a, share) {
                    PartClass::Noise
                } else if target.is_none() {
                    PartClass::Outside
                } else if real == 1 {
                    PartClass::Inside
                } else {
                    PartClass::Split
                };
                Part {
                    target,
                    area: a,
                    share,
                    class,
                }
            })
            .collect();
        let status = if real_inside == 0 {
            UnitStatus::Outside
        } else if real == 1 {
            UnitStatus::Inside
        } else {
            UnitStatus::Split
        };
        UnitParts {
            key,
            name,
            area,
            parts,
            status,
        }
    }

    /// The real part with the largest area (the planners' "largest share" rule).
    pub fn largest(&self) -> Option<&Part> {
        self.parts.iter().find(|p| p.class != PartClass::Noise)
    }
}

/// The units of A with their parts in B, sorted by key.
pub fn unit_parts(ov: &Overlay, a: &Layer, b: &Layer, tol: &Tolerance) -> Vec<UnitParts> {
    let mut by_a: Vec<Vec<(Option<String>, f64)>> = vec![Vec::new(); a.features.len()];
    for p in &ov.pieces {
        by_a[p.a].push((Some(b.features[p.b].id.clone()), p.area));
    }
    let mut units: Vec<UnitParts> = a
        .features
        .iter()
        .zip(by_a)
        .map(|(f, pieces)| UnitParts::new(f.id.clone(), f.name.clone(), f.area, pieces, tol))
        .collect();
    units.sort_by(|x, y| x.key.cmp(&y.key));
    units
}

/// Pieces of one unit: (target or `None` for outside every target, area).
pub type Pieces = Vec<(Option<String>, f64)>;

/// Roll units up to a coarser level of their keys (PLR → BZR, PGR, …):
/// areas and parts are summed, then classified again against the larger
/// unit's area.
pub fn roll_up(
    units: &[UnitParts],
    level: crate::table::key::Level,
    name_of: impl Fn(&str) -> String,
    tol: &Tolerance,
) -> Vec<UnitParts> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<String, (f64, Pieces)> = BTreeMap::new();
    for u in units {
        let g = groups
            .entry(level.parent_of(&u.key).to_string())
            .or_default();
        g.0 += u.area;
        g.1.extend(u.parts.iter().map(|p| (p.target.clone(), p.area)));
    }
    groups
        .into_iter()
        .map(|(k, (area, pieces))| {
            let name = name_of(&k);
            UnitParts::new(k, name, area, pieces, tol)
        })
        .collect()
}
