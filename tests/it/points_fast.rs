//! The fast ways for points give the answers of the plain ones: the grid
//! locator (cells with their own edges only) against the crossing test over
//! every edge, the fast CSV reader (blocks on all cores) against the general
//! CSV reader, and a million random points against the figures of the
//! implementation before both (tests/expected/random-1m-plr2006.csv).

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{berlin, scratch};
use lor::points::read::{tally_points, PointOptions, PointRun};
use lor::spatial::geometry::geojson::read_geojson_str;
use lor::spatial::geometry::{read_layer, Layer, LayerOptions};
use lor::spatial::locate::{Location, Locator};
use proptest::prelude::*;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Points that test the grid hardest: every vertex, points on every edge,
/// points a hair beside vertices, and random points (full precision and
/// rounded to centimetres, as in real files).
fn hard_points(layer: &Layer, random: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    let mut rng = Rng(seed);
    for f in &layer.features {
        for p in &f.geometry.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for l in ring.lines() {
                    let (a, b) = (l.start, l.end);
                    pts.push((a.x, a.y));
                    pts.push(((a.x + b.x) / 2.0, (a.y + b.y) / 2.0));
                    let t = rng.unit();
                    pts.push((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)));
                    for d in [1e-9, 1e-6, 0.005] {
                        pts.push((a.x + d, a.y));
                        pts.push((a.x - d, a.y));
                        pts.push((a.x, a.y + d));
                        pts.push((a.x, a.y - d));
                    }
                }
            }
        }
    }
    let b = layer.bbox().unwrap();
    for k in 0..random {
        let x = b.min().x - 100.0 + rng.unit() * (b.width() + 200.0);
        let y = b.min().y - 100.0 + rng.unit() * (b.height() + 200.0);
        if k % 2 == 0 {
            pts.push((x, y));
        } else {
            pts.push(((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0));
        }
    }
    pts
}

fn assert_same_as_exact(layer: &Layer, pts: &[(f64, f64)]) -> usize {
    let loc = Locator::new(layer);
    let mut inside = 0;
    for &(x, y) in pts {
        let fast = loc.locate(x, y);
        assert_eq!(
            fast,
            loc.locate_exact(x, y),
            "{}: point ({x:?}, {y:?})",
            layer.source
        );
        inside += usize::from(fast != Location::Outside);
    }
    inside
}

#[test]
fn grid_locator_equals_the_exact_test_on_real_and_sample_layers() {
    for path in [
        berlin("lor-2006/plr.geojson.gz"),
        berlin("lor-2006/bzr.geojson.gz"),
        berlin("lor-2021/pgr.geojson.gz"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/plr.geojson"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/sozialraeume.geojson"),
    ] {
        if !path.exists() {
            continue;
        }
        let (layer, _) = read_layer(&path, &LayerOptions::default()).unwrap();
        let pts = hard_points(&layer, 100_000, 0x9e37_79b9_7f4a_7c15);
        let inside = assert_same_as_exact(&layer, &pts);
        // Not all outside (the points really test the polygons).
        assert!(
            inside * 4 > pts.len(),
            "{}: {inside} of {}",
            path.display(),
            pts.len()
        );
    }
}

/// A tiling of jittered quadrilaterals (shared slanted edges, each walked
/// both ways), some with a hole, in EPSG:25833 near Berlin.
fn jittered_tiling(n: usize, jitter: &[f64], holes: &[bool]) -> Layer {
    let (x0, y0, s) = (390_000.0, 5_810_000.0, 100.0);
    let v = |i: usize, j: usize| {
        let k = (i * (n + 1) + j) * 2;
        let border = i == 0 || j == 0 || i == n || j == n;
        let (dx, dy) = if border {
            (0.0, 0.0)
        } else {
            (jitter[k % jitter.len()], jitter[(k + 1) % jitter.len()])
        };
        (x0 + i as f64 * s + dx, y0 + j as f64 * s + dy)
    };
    let mut features = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let ring = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1), v(i, j)];
            let pos = |p: &(f64, f64)| format!("[{},{}]", p.0, p.1);
            let outer: Vec<String> = ring.iter().map(pos).collect();
            let mut rings = vec![format!("[{}]", outer.join(","))];
            if holes[(i * n + j) % holes.len()] {
                let (cx, cy) = (x0 + (i as f64 + 0.5) * s, y0 + (j as f64 + 0.5) * s);
                let h = [
                    (cx - 10.0, cy - 10.0),
                    (cx - 10.0, cy + 10.0),
                    (cx + 10.0, cy + 10.0),
                    (cx + 10.0, cy - 10.0),
                    (cx - 10.0, cy - 10.0),
                ];
                rings.push(format!(
                    "[{}]",
                    h.iter().map(pos).collect::<Vec<_>>().join(",")
                ));
            }
            features.push(format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"T{i:02}{j:02}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}}}}",
                rings.join(",")
            ));
        }
    }
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:25833\"}}}},\"features\":[{}]}}",
        features.join(",")
    );
    read_geojson_str("tiling", &text, &LayerOptions::default())
        .unwrap()
        .0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random tilings, random points on vertices, edges and anywhere: the
    /// grid gives what the exact test gives.
    #[test]
    fn grid_locator_equals_the_exact_test_on_random_tilings(
        n in 2usize..9,
        jitter in proptest::collection::vec(-30.0f64..30.0, 16..64),
        holes in proptest::collection::vec(any::<bool>(), 1..8),
        seed in 1u64..u64::MAX,
    ) {
        let layer = jittered_tiling(n, &jitter, &holes);
        let pts = hard_points(&layer, 4_000, seed);
        assert_same_as_exact(&layer, &pts);
    }
}

/// Everything a run found, comparable (sums by their bits).
fn summary(run: &PointRun, w: &lor::error::Warnings) -> String {
    let mut s = format!("total {} crs {}\n", run.total, run.crs);
    for t in &run.tallies {
        s += &format!(
            "outside {} overlap {} ids {:?}\ncount {:?}\n",
            t.outside, t.overlap, t.outside_ids, t.count
        );
        for v in &t.sums {
            s += &format!("{:?}\n", v.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        }
    }
    for w in &w.0 {
        s += &format!("{:?}: {}\n", w.code, w.message);
    }
    s
}

/// Run a CSV text through `tally_points`, and the same text with a quoted
/// header (which sends it through the general CSV reader).
fn both_ways(
    dir: &Path,
    name: &str,
    text: &str,
    opts: &PointOptions,
    layers: &[&Layer],
) -> (String, String) {
    let plain = dir.join(format!("{name}.csv"));
    std::fs::write(&plain, text).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let d = if header.contains(';') { ';' } else { ',' };
    let quoted_header: Vec<String> = header
        .trim_end_matches('\r')
        .split(d)
        .map(|h| format!("\"{h}\""))
        .collect();
    let general = dir.join(format!("{name}-general.csv"));
    let cr = if header.ends_with('\r') { "\r" } else { "" };
    std::fs::write(
        &general,
        format!("{}{cr}\n{rest}", quoted_header.join(&d.to_string())),
    )
    .unwrap();
    let run = |p: &Path| match tally_points(p, opts, layers, |_, _| {}) {
        Ok((r, w)) => summary(&r, &w),
        // (Byte offsets differ by the header's quotes.)
        Err(e) => {
            let e = e.to_string();
            match e.find("byte: ") {
                Some(i) => {
                    let rest = &e[i + 6..];
                    let end = rest
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(rest.len());
                    format!("error: {}{}", &e[..i], &rest[end..])
                }
                None => format!("error: {e}"),
            }
        }
    };
    (
        run(&plain),
        run(&general).replace(&format!("{name}-general.csv"), &format!("{name}.csv")),
    )
}

#[test]
fn fast_csv_reader_equals_the_general_reader() {
    let dir = scratch("points-fast-csv");
    let (plr, _) =
        read_layer(&berlin("lor-2006/plr.geojson.gz"), &LayerOptions::default()).unwrap();
    let loc_layer = &plr;
    // Vertices and edge midpoints of the PLR (ties), random points (many
    // outside), odd values to sum.
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for f in plr.features.iter().take(60) {
        for l in f.geometry.0[0].exterior().lines().take(40) {
            pts.push((l.start.x, l.start.y));
            pts.push(((l.start.x + l.end.x) / 2.0, (l.start.y + l.end.y) / 2.0));
        }
    }
    let mut rng = Rng(7);
    while pts.len() < 60_000 {
        pts.push((
            ((368_000.0 + rng.unit() * 49_000.0) * 100.0).round() / 100.0,
            ((5_797_000.0 + rng.unit() * 42_000.0) * 100.0).round() / 100.0,
        ));
    }
    let values = [
        "12",
        " 7 ",
        "",
        "abc",
        "1.234,5",
        "2,5",
        "-0",
        "1e3",
        "007.50",
        "+3",
        "0.1",
        "12345678901234567",
        "x1",
    ];
    let mut lines = vec!["id,x,y,plaetze".to_string()];
    for (k, (x, y)) in pts.iter().enumerate() {
        let v = values[k % values.len()];
        let v = if v.contains(',') {
            v.replace(',', "")
        } else {
            v.to_string()
        };
        lines.push(format!("K{k},{x:?},{y:?},{v}"));
    }
    let opts = PointOptions {
        crs: Some(lor::spatial::crs::Crs::Utm33),
        sum: vec!["plaetze".into()],
        ..Default::default()
    };
    let lf = lines.join("\n") + "\n";
    let crlf = lines.join("\r\n");
    // Without an id column: ids are line numbers; with a guessed CRS.
    let no_id: Vec<String> = lines
        .iter()
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect();
    let no_id = no_id.join("\n");
    // Semicolons and decimal commas in the coordinates.
    let semi: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let f: Vec<&str> = l.split(',').collect();
            if k == 0 {
                f.join(";")
            } else {
                format!("{};{};{};{}", f[0], f[1].replacen('.', ",", 1), f[2], f[3])
            }
        })
        .collect();
    let semi = semi.join("\n") + "\n";
    // A bad coordinate far down (the general reader names its line).
    let mut bad = lines.clone();
    bad[45_000] = "B,390100.5,north,1".into();
    let bad = bad.join("\n");
    // A short line far down.
    let mut short = lines.clone();
    short[50_000] = "S,390100.5".into();
    let short = short.join("\n");
    let guessed = PointOptions {
        crs: None,
        ..opts.clone()
    };
    for (name, text, o) in [
        ("lf", &lf, &opts),
        ("crlf", &crlf, &opts),
        ("no-id", &no_id, &guessed),
        ("semicolon", &semi, &opts),
        ("bad", &bad, &opts),
        ("short", &short, &opts),
    ] {
        let (fast, general) = both_ways(&dir, name, text, o, &[loc_layer]);
        assert!(
            fast.len() > 100 || fast.starts_with("error"),
            "{name}: {fast}"
        );
        if name == "crlf" {
            // Both name the true line, as for the same file with LF line
            // ends (the general reader no longer takes the csv crate's
            // line, which lags one behind after a CRLF).
            let (lf_fast, _) = both_ways(&dir, "crlf", &lf, o, &[loc_layer]);
            assert_eq!(fast, lf_fast, "{name}");
        }
        assert_eq!(fast, general, "{name}");
    }
}

#[test]
fn a_million_random_points_give_the_figures_from_before() {
    let dir = scratch("points-fast-million");
    let csv = dir.join("points.csv");
    let mut f = std::fs::File::create(&csv).unwrap();
    lor::sample::write_random_points(&mut f, 1_000_000, lor::sample::BERLIN_EXTENT, 42).unwrap();
    drop(f);
    // The figures from before were made without the known id correction
    // (both features under 06010102 left out): the layer read so, and as
    // by default (feature 124 read as 04030417).
    let unfixed = LayerOptions {
        auto_fix: false,
        ..LayerOptions::default()
    };
    let (plr, _) = read_layer(&berlin("lor-2006/plr.geojson.gz"), &unfixed).unwrap();
    let (fixed, _) =
        read_layer(&berlin("lor-2006/plr.geojson.gz"), &LayerOptions::default()).unwrap();
    assert_eq!((plr.features.len(), fixed.features.len()), (446, 448));
    let opts = PointOptions {
        crs: Some(lor::spatial::crs::Crs::Utm33),
        sum: vec!["plaetze".into()],
        ..Default::default()
    };
    let (run, _) = tally_points(&csv, &opts, &[&plr, &fixed], |_, _| {}).unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/random-1m-plr2006.csv"),
    )
    .unwrap();
    let mut expected = BTreeMap::new();
    for line in text.lines().skip(2) {
        let f: Vec<&str> = line.split(',').collect();
        expected.insert(
            f[1].to_string(),
            (f[3].parse::<f64>().unwrap(), f[4].parse::<f64>().unwrap()),
        );
    }
    let t = &run.tallies[0];
    let ours: BTreeMap<String, (f64, f64)> = plr
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.clone(), (t.count[i], t.sums[0][i])))
        .collect();
    assert_eq!(ours, expected);
    assert_eq!(run.total, 1_000_000);
    assert_eq!(t.outside, 568_724);
    assert_eq!(
        &t.outside_ids[..3],
        ["P0 (line 2)", "P1 (line 3)", "P2 (line 4)"]
    );
    assert_eq!(t.outside_ids.len(), 20);

    // By default: the same figures for the other PLR; the points in the
    // two features under 06010102 are no longer outside.
    let t = &run.tallies[1];
    let mut ours: BTreeMap<String, (f64, f64)> = fixed
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.clone(), (t.count[i], t.sums[0][i])))
        .collect();
    let a = ours.remove("04030417").unwrap();
    let b = ours.remove("06010102").unwrap();
    assert_eq!(ours, expected);
    assert!(a.0 > 0.0 && b.0 > 0.0, "{a:?} {b:?}");
    assert_eq!(t.outside as f64 + a.0 + b.0, 568_724.0);
}
