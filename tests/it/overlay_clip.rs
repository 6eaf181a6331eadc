//! The overlay clips each candidate pair to the rectangle where their
//! envelopes overlap before BooleanOps. Here the result is compared with the
//! plain computation (both whole polygons through BooleanOps, as the overlay
//! did before) on the real Berlin layers: every piece, its area and the
//! classification of every part.

use crate::common;

use geo::{Area, BooleanOps};
use lor::spatial::geometry::{read_layer, Layer, LayerOptions};
use lor::spatial::overlay::{overlay, unit_parts, SpatialIndex, Tolerance};

fn layers() -> (Layer, Layer) {
    let opts = LayerOptions::default();
    let (a, _) = read_layer(&common::berlin("lor-2006/plr.geojson.gz"), &opts).unwrap();
    let (b, _) = read_layer(&common::berlin("lor-2021/pgr.geojson.gz"), &opts).unwrap();
    (a, b)
}

/// The reference: whole polygons of every candidate pair through BooleanOps.
fn reference(a: &Layer, b: &Layer) -> Vec<(usize, usize, f64)> {
    let index = SpatialIndex::new(b);
    let mut out = Vec::new();
    for (i, fa) in a.features.iter().enumerate() {
        let (lo, hi) = (fa.bbox.min(), fa.bbox.max());
        for j in index.candidates([lo.x, lo.y], [hi.x, hi.y]) {
            let area = fa
                .geometry
                .intersection(&b.features[j].geometry)
                .unsigned_area();
            if area > 0.0 {
                out.push((i, j, area));
            }
        }
    }
    out.sort_by_key(|&(i, j, _)| (i, j));
    out
}

#[test]
fn clipped_overlay_equals_whole_polygon_overlay_on_berlin() {
    let (a, b) = layers();
    let want = reference(&a, &b);
    let ov = overlay(&a, &b, true);
    let got: Vec<(usize, usize, f64)> = ov.pieces.iter().map(|p| (p.a, p.b, p.area)).collect();
    assert_eq!(
        got.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        want.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        "same pieces"
    );
    assert!(got.len() > 1000, "{} pieces", got.len());
    let mut worst = 0.0f64;
    for ((i, j, g), (_, _, w)) in got.iter().zip(&want) {
        // BooleanOps snaps coordinates to an integer grid scaled to the
        // extent of its input; the whole-polygon reference works on a grid
        // up to ~2^10 coarser, which moves the area of the pieces by up
        // to ~0.015 m² (the clipped run is the finer of the two). So: 1e-6
        // of the area, or 0.02 m² for the slivers below 20,000 m².
        let diff = (g - w).abs();
        worst = worst.max(diff);
        assert!(
            diff <= (1e-6 * w).max(0.02),
            "{} × {}: {g} m² against {w} m²",
            a.features[*i].id,
            b.features[*j].id
        );
    }
    eprintln!("{} pieces, largest difference {worst:e} m²", got.len());
    // The kept geometry is the piece whose area is reported.
    for p in &ov.pieces {
        let g = p.geometry.as_ref().expect("geometry kept");
        assert!((g.unsigned_area() - p.area).abs() <= 1e-9 * p.area);
    }

    // Classification of every part unchanged.
    let tol = Tolerance::default();
    let mut old = ov.clone();
    for (p, &(_, _, w)) in old.pieces.iter_mut().zip(&want) {
        p.area = w;
    }
    let new_units = unit_parts(&ov, &a, &b, &tol);
    let old_units = unit_parts(&old, &a, &b, &tol);
    assert_eq!(new_units.len(), a.features.len());
    for (n, o) in new_units.iter().zip(&old_units) {
        assert_eq!(n.key, o.key);
        assert_eq!(n.status, o.status, "{}", n.key);
        // Every part in a target: same order, same class.
        let named = |u: &lor::spatial::overlay::UnitParts| -> Vec<_> {
            u.parts
                .iter()
                .filter(|p| p.target.is_some())
                .map(|p| (p.target.clone(), p.class))
                .collect()
        };
        assert_eq!(named(n), named(o), "{}", n.key);
        // The rest outside every target: where both runs have it, same
        // class and area; where only one has it, it is rounding residue
        // (a few mm², noise). The whole-polygon run leaves such a residue
        // in 67 PLR, the clipped run in 3.
        let rest = |u: &lor::spatial::overlay::UnitParts| {
            u.parts
                .iter()
                .find(|p| p.target.is_none())
                .map(|p| (p.area, p.class))
        };
        match (rest(n), rest(o)) {
            (Some(x), Some(y)) => {
                assert_eq!(x.1, y.1, "{}", n.key);
                assert!((x.0 - y.0).abs() <= (1e-6 * y.0).max(0.02), "{}", n.key);
            }
            (Some((area, class)), None) | (None, Some((area, class))) => {
                assert_eq!(class, lor::spatial::overlay::PartClass::Noise, "{}", n.key);
                assert!(area < 0.01, "{}: {area} m² outside", n.key);
            }
            (None, None) => {}
        }
    }
}

#[test]
fn clip_to_rect_keeps_the_area_inside_with_holes_and_concave_rings() {
    use geo::{polygon, MultiPolygon, Rect};
    use lor::spatial::overlay::clip_to_rect;
    // A 10 × 10 square with a 4 × 4 hole (3..7), and a U opening upwards.
    let square = polygon!(
        exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
        interiors: [[(x: 3.0, y: 3.0), (x: 3.0, y: 7.0), (x: 7.0, y: 7.0), (x: 7.0, y: 3.0)]],
    );
    let u = polygon![
        (x: 20.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 10.0), (x: 28.0, y: 10.0),
        (x: 28.0, y: 2.0), (x: 22.0, y: 2.0), (x: 22.0, y: 10.0), (x: 20.0, y: 10.0),
    ];
    let mp = MultiPolygon(vec![square, u]);
    let bbox = Rect::new((0.0, 0.0), (30.0, 10.0));
    // Through the hole: x 5..25, y 5..20. Square part 5×5 minus hole 2×2 = 21;
    // U part: x 20..22, y 5..10 = 10 (the U's two arms: only the left one).
    let r = Rect::new((5.0, 5.0), (25.0, 20.0));
    let c = clip_to_rect(&mp, &bbox, &r);
    let whole = MultiPolygon(vec![r.to_polygon()]);
    assert!(
        (c.unsigned_area() - 31.0).abs() < 1e-12,
        "{}",
        c.unsigned_area()
    );
    assert!((c.intersection(&whole).unsigned_area() - 31.0).abs() < 1e-9);
    assert!((mp.intersection(&whole).unsigned_area() - 31.0).abs() < 1e-9);
    // A rectangle across both arms of the U and its gap: the clipped ring
    // runs along the border at y = 5 (a zero-width spur); area still right.
    let r = Rect::new((21.0, 1.0), (29.0, 5.0));
    let c = clip_to_rect(&mp, &bbox, &r);
    // y 1..2 across 8 = 8, plus arms x 21..22 and 28..29, y 2..5 = 3 + 3.
    assert!(
        (c.intersection(&MultiPolygon(vec![r.to_polygon()]))
            .unsigned_area()
            - 14.0)
            .abs()
            < 1e-9
    );
    // Entirely inside: returned unchanged.
    let big = Rect::new((-1.0, -1.0), (31.0, 11.0));
    assert!(matches!(
        clip_to_rect(&mp, &bbox, &big),
        std::borrow::Cow::Borrowed(_)
    ));
}
