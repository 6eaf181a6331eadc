//! Reading for `--bezirk`: units outside the Bezirk are passed over before
//! they are checked and projected, and both layers are read at once. The
//! layers must be exactly those of reading everything and filtering after.

use crate::common;

use lor::spatial::geometry::{read_layer, read_layer_in, read_two_layers, Layer, LayerOptions};

/// (id, name, number, area, bbox, vertex count) of every feature.
fn summary(l: &Layer) -> Vec<(String, String, usize, f64, [f64; 4], usize)> {
    l.features
        .iter()
        .map(|f| {
            let (lo, hi) = (f.bbox.min(), f.bbox.max());
            let n = f
                .geometry
                .0
                .iter()
                .map(|p| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum();
            (
                f.id.clone(),
                f.name.clone(),
                f.number,
                f.area,
                [lo.x, lo.y, hi.x, hi.y],
                n,
            )
        })
        .collect()
}

#[test]
fn bezirk_read_equals_read_then_filter() {
    // By default and without the known id correction.
    let unfixed = LayerOptions {
        auto_fix: false,
        ..LayerOptions::default()
    };
    for (file, opts) in [
        ("lor-2006/plr.geojson.gz", LayerOptions::default()),
        ("lor-2006/plr.geojson.gz", unfixed),
        ("lor-2021/pgr.geojson.gz", LayerOptions::default()),
    ] {
        let path = common::berlin(file);
        let (mut all, w_all) = read_layer(&path, &opts).unwrap();
        all.filter_prefix("04");
        let (some, w_some) = read_layer_in(&path, &opts, Some("04")).unwrap();
        assert!(!some.features.is_empty());
        assert!(some.features.iter().all(|f| f.id.starts_with("04")));
        assert_eq!(summary(&all), summary(&some), "{file}");
        // The wrong id of the 2006 file (feature 124, in Bezirk 04) is still
        // reported: corrected with a note, or as a duplicate id.
        let codes = |w: &lor::error::Warnings| w.iter().map(|x| x.code).collect::<Vec<_>>();
        assert_eq!(codes(&w_all), codes(&w_some), "{file}");
        if file.contains("plr") {
            let code = if opts.auto_fix {
                "fix-id"
            } else {
                "duplicate-id"
            };
            assert!(w_some.has(code), "{file}: {w_some:?}");
            assert_eq!(some.get("04030417").is_some(), opts.auto_fix);
        }
    }
}

#[test]
fn bezirk_read_keeps_ids_that_are_not_lor_keys() {
    // The sample's Sozialräume have names, not LOR keys: nothing is left out.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/sozialraeume.geojson");
    let opts = LayerOptions::default();
    let (all, _) = read_layer(&path, &opts).unwrap();
    let (some, _) = read_layer_in(&path, &opts, Some("04")).unwrap();
    assert!(!all.features.is_empty());
    assert_eq!(summary(&all), summary(&some));
}

#[test]
fn two_layers_at_once_equal_one_after_the_other() {
    let opts = LayerOptions::default();
    let (pa, pb) = (
        common::berlin("lor-2006/plr.geojson.gz"),
        common::berlin("lor-2021/pgr.geojson.gz"),
    );
    // By default feature 124 of the 2006 file is read as 04030417: all 448
    // PLR; without the correction both features under 06010102 are left out.
    let unfixed = LayerOptions {
        auto_fix: false,
        ..LayerOptions::default()
    };
    for (a_opts, n) in [(&opts, 448), (&unfixed, 446)] {
        let (a, b) = read_two_layers((&pa, a_opts, None), (&pb, &opts, None));
        let (a, b) = (a.unwrap().0, b.unwrap().0);
        assert_eq!(summary(&a), summary(&read_layer(&pa, a_opts).unwrap().0));
        assert_eq!(summary(&b), summary(&read_layer(&pb, &opts).unwrap().0));
        assert_eq!((a.features.len(), b.features.len()), (n, 58));
    }
    // An error in the second layer is the second result.
    let missing = common::berlin("no-such-file.geojson");
    let (a, b) = read_two_layers((&pa, &opts, None), (&missing, &opts, None));
    assert!(a.is_ok());
    assert!(b.unwrap_err().to_string().contains("file not found"));
}
