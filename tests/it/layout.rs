//! `lor layout` on the real data (Bezirk 04: the 2006 PLR as blocks, the
//! five 2021 PGR as reference) and the exactness of the proposal on small
//! generated instances (exhaustive search against branch and bound).

use crate::common;

use common::{berlin, lor, stdout};
use lor::layout::evaluate::evaluate;
use lor::layout::graph::{adjacency, Graph};
use lor::layout::input::{read_regions, whole_layout, Units};
use lor::layout::problem::Problem;
use lor::layout::propose::{propose, propose_layout, Limits};
use lor::layout::Shares;
use lor::table::key::Level;

fn bezirk04() -> (Units, Vec<String>, Shares) {
    let units = lor::pipeline::layout::UnitsPlan {
        units: berlin("lor-2006/plr.geojson.gz"),
        layer: lor::spatial::geometry::LayerOptions {
            fix_ids: vec![(124, "04030417".into())],
            ..Default::default()
        },
        stats: berlin("stats/EWR201812E_Matrix.csv"),
        read: Default::default(),
        column: None,
        bezirk: Some("04".to_string()),
    }
    .load(&mut Default::default())
    .unwrap();
    let (ids, shares, _) = read_regions(
        &berlin("lor-2021/pgr.geojson.gz"),
        &units,
        Some("04"),
        "--reference",
    )
    .unwrap();
    (units, ids, shares)
}

#[test]
fn adjacency_is_rook_and_connected() {
    let (units, ids, _) = bezirk04();
    assert_eq!(units.keys.len(), 57);
    assert_eq!(ids, ["0410", "0420", "0430", "0440", "0450"]);
    assert!(units.keys.contains(&"04030417".to_string()));
    assert_eq!(units.graph.components(|_| true).len(), 1);
    // Symmetric, and every shared border is longer than the tolerance.
    for (i, a) in units.graph.adj.iter().enumerate() {
        for &(j, l) in a {
            assert!(l > 1.0);
            assert!((units.graph.shared(j, i) - l).abs() < 1e-6);
        }
    }
}

#[test]
fn adjacency_ignores_corners() {
    // Four unit squares in a 2×2 grid: diagonal squares touch at a corner only.
    let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25833"}},"features":[
      {"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Polygon","coordinates":[[[390000,5820000],[390100,5820000],[390100,5820100],[390000,5820100],[390000,5820000]]]}},
      {"type":"Feature","properties":{"id":"B"},"geometry":{"type":"Polygon","coordinates":[[[390100,5820000],[390200,5820000],[390200,5820100],[390100,5820100],[390100,5820000]]]}},
      {"type":"Feature","properties":{"id":"C"},"geometry":{"type":"Polygon","coordinates":[[[390000,5820100],[390100,5820100],[390100,5820200],[390000,5820200],[390000,5820100]]]}},
      {"type":"Feature","properties":{"id":"D"},"geometry":{"type":"Polygon","coordinates":[[[390100,5.8201e+06],[390200,5820100],[390200,5820200],[390100,5820200],[390100,5.8201e+06]]]}}]}"#;
    let (layer, _) =
        lor::spatial::geometry::geojson::read_geojson_str("grid", text, &Default::default())
            .unwrap();
    let g = adjacency(&layer, 1.0);
    let n = |i: usize| g.adj[i].iter().map(|x| x.0).collect::<Vec<_>>();
    assert_eq!(n(0), [1, 2]); // A: B and C, not D (corner)
    assert_eq!(n(3), [1, 2]); // D within 1 m of B's and C's edges
    assert!((g.shared(0, 1) - 100.0).abs() < 1e-9);
    assert!((g.perimeter[0] - 400.0).abs() < 1e-9);
}

#[test]
fn bezirk04_without_band_is_the_largest_share_assignment() {
    let (units, ids, shares) = bezirk04();
    let largest = whole_layout(ids.clone(), &shares, &units.keys, "ref").unwrap();
    let p = propose_layout(
        &units,
        &ids,
        &shares,
        5,
        Level::Plr,
        None,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(p.layout, largest);
    assert!(p.solution.optimal);
    assert_eq!(p.solution.method, "direct");
    assert!(p.moved_blocks.is_empty());
    // People moved = people in the split parts only (PLR 04030725 etc.).
    assert_eq!(p.solution.cost.round(), 1117.0);
    assert_eq!(p.unavoidable.round(), 1117.0);
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &p.layout,
        Some((&shares, &ids)),
    );
    assert_eq!(ev.people, 341_327.0);
    assert_eq!(ev.moved.unwrap().round(), 1117.0);
    let pairs: Vec<(String, String, f64)> = ev
        .pairs
        .iter()
        .map(|(a, b, c)| (a.clone(), b.clone(), c.round()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("0430".to_string(), "0450".to_string(), 1106.0),
            ("0440".to_string(), "0420".to_string(), 10.0)
        ]
    );
    assert_eq!(ev.cut_bzr, ["040307"]);
    assert_eq!(ev.cut_pgr, ["0403"]);
    assert!(ev.regions.iter().all(|r| r.parts == 1));
    let people: Vec<f64> = ev.regions.iter().map(|r| r.people).collect();
    assert_eq!(people, [19478.0, 41849.0, 108648.0, 52968.0, 118384.0]);
    assert!((ev.max_min_ratio - 118384.0 / 19478.0).abs() < 1e-9);
}

#[test]
fn bezirk04_whole_bzr() {
    let (units, ids, shares) = bezirk04();
    let p = propose_layout(
        &units,
        &ids,
        &shares,
        5,
        Level::Bzr,
        None,
        Limits::default(),
    )
    .unwrap();
    assert_eq!(p.blocks.len(), 17);
    assert!(p.solution.optimal);
    // BZR 040307 is cut by the PLR layout: kept whole, it goes to 0430 (where
    // most of its people are); its PLR with the larger share in 0450 cost the
    // difference.
    let b = p.blocks.iter().find(|b| b.0 == "040307").unwrap();
    assert_eq!(b.1, "0430");
    assert_eq!(p.solution.cost.round(), 4699.0);
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &p.layout,
        Some((&shares, &ids)),
    );
    assert!(ev.cut_bzr.is_empty());
    assert_eq!((ev.moved.unwrap() - 1117.0).round(), 3582.0);
}

#[test]
fn bezirk04_balanced_whole_bzr_is_optimal() {
    let (units, ids, shares) = bezirk04();
    let p = propose_layout(
        &units,
        &ids,
        &shares,
        5,
        Level::Bzr,
        Some(0.25),
        Limits::default(),
    )
    .unwrap();
    assert!(p.solution.optimal, "{:?}", p.solution);
    assert_eq!(p.solution.method, "branch-and-bound");
    assert_eq!(p.solution.cost.round(), 90617.0);
    let mut moved: Vec<(&str, &str, &str)> = p
        .moved_blocks
        .iter()
        .map(|m| (m.0.as_str(), m.1.as_str(), m.2.as_str()))
        .collect();
    moved.sort();
    assert_eq!(
        moved,
        [
            ("040101", "0410", "0420"),
            ("040305", "0430", "0420"),
            // The band merges Charlottenburg Nord (0410) into 0420; the
            // strip 040307/040309/040310 shares nobody with 0410, so it is
            // a new region (N1), not a second "0410".
            ("040307", "0430", "N1"),
            ("040309", "0450", "N1"),
            ("040310", "0450", "N1"),
        ]
    );
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &p.layout,
        Some((&shares, &ids)),
    );
    let mean = ev.people / 5.0;
    for r in &ev.regions {
        assert_eq!(r.parts, 1);
        assert!(r.people >= mean * 0.75 && r.people <= mean * 1.25, "{r:?}");
    }
}

#[test]
fn bezirk04_balanced_plr_is_optimal() {
    let (units, ids, shares) = bezirk04();
    let p = propose_layout(
        &units,
        &ids,
        &shares,
        5,
        Level::Plr,
        Some(0.25),
        Limits::default(),
    )
    .unwrap();
    assert!(p.solution.optimal, "{:?}", p.solution);
    assert_eq!(p.solution.cost.round(), 56858.0);
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &p.layout,
        Some((&shares, &ids)),
    );
    assert_eq!(ev.moved.unwrap().round(), 56858.0);
    let mean = ev.people / 5.0;
    for r in &ev.regions {
        assert_eq!(r.parts, 1);
        assert!(r.people >= mean * 0.75 && r.people <= mean * 1.25, "{r:?}");
    }
}

/// A grid graph of w × h unit squares with rook adjacency.
fn grid(w: usize, h: usize) -> Graph {
    let n = w * h;
    let mut adj = vec![Vec::new(); n];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if x + 1 < w {
                adj[i].push((i + 1, 1.0));
                adj[i + 1].push((i, 1.0));
            }
            if y + 1 < h {
                adj[i].push((i + w, 1.0));
                adj[i + w].push((i, 1.0));
            }
        }
    }
    for a in &mut adj {
        a.sort_by_key(|x| x.0);
    }
    Graph {
        adj,
        perimeter: vec![4.0; n],
        area: vec![1.0; n],
    }
}

/// The best feasible layout by trying every assignment.
fn exhaustive(p: &Problem) -> Option<f64> {
    let n = p.graph.len();
    let k = p.regions;
    let mut best: Option<f64> = None;
    let mut region = vec![0usize; n];
    loop {
        if p.feasible(&region) {
            let c: f64 = (0..n).map(|b| p.cost[b][region[b]]).sum();
            if best.is_none_or(|x| c < x) {
                best = Some(c);
            }
        }
        let mut i = 0;
        loop {
            if i == n {
                return best;
            }
            region[i] += 1;
            if region[i] < k {
                break;
            }
            region[i] = 0;
            i += 1;
        }
    }
}

#[test]
fn branch_and_bound_matches_exhaustive_search() {
    // Deterministic pseudo-random instances on a 4×3 grid, 3 regions
    // (3^12 = 531,441 assignments each), with and without a band and with a
    // region that has no reference.
    let mut seed: u64 = 0x2545F4914F6CDD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut checked = 0;
    for case in 0..8 {
        let g = grid(4, 3);
        let n = g.len();
        let people: Vec<f64> = (0..n).map(|_| (100 + next() % 900) as f64).collect();
        let refs = if case % 4 == 3 { 2 } else { 3 };
        let shares: Shares = (0..n)
            .map(|_| {
                let r = (next() % refs as u64) as usize;
                if next() % 4 == 0 {
                    let s = (next() % refs as u64) as usize;
                    vec![(r, 0.7), (s, 0.3)]
                } else {
                    vec![(r, 1.0)]
                }
            })
            .collect();
        let cost = lor::layout::problem::unit_costs(&people, &shares, 3);
        let band = [None, Some(0.25), Some(0.1), Some(0.4)][case % 4];
        let p = Problem::new(g, people, cost, 3, band);
        let want = exhaustive(&p);
        let got = propose(&p, refs, Limits::default());
        match (want, got) {
            (Some(w), Ok(s)) => {
                assert!(s.optimal, "case {case}: {s:?}");
                assert!(p.feasible(&s.region), "case {case}");
                assert!((s.cost - w).abs() < 1e-6, "case {case}: {} vs {w}", s.cost);
                checked += 1;
            }
            (None, Err(e)) => assert_eq!(e, lor::layout::propose::ProposeError::Infeasible),
            (w, g) => panic!("case {case}: exhaustive {w:?}, proposal {g:?}"),
        }
    }
    assert!(checked >= 6);
}

#[test]
fn cli_evaluate_and_propose() {
    let units = berlin("lor-2006/plr.geojson.gz");
    let stats = berlin("stats/EWR201812E_Matrix.csv");
    let reference = berlin("lor-2021/pgr.geojson.gz");
    let common = [
        "--bezirk",
        "04",
        "--units",
        units.to_str().unwrap(),
        "--units-fix-id",
        "124=04030417",
        "--stats",
        stats.to_str().unwrap(),
        "--reference",
        reference.to_str().unwrap(),
    ];
    let mut args = vec!["layout", "propose"];
    args.extend(common);
    args.extend(["--regions", "5", "--blocks", "bzr"]);
    let o = lor(&args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let list = stdout(&o);
    assert!(list.starts_with("PLR,Sozialraum\n"));
    assert_eq!(list.lines().count(), 58);
    assert!(list.contains("04030725,0430\n"));
    let path = common::scratch("layout").join("bzr.csv");
    std::fs::write(&path, &list).unwrap();
    let mut args = vec!["layout", "evaluate", path.to_str().unwrap()];
    args.extend(common);
    args.extend(["--format", "json"]);
    let o = lor(&args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["people_moved"], 4699.0);
    assert_eq!(v["cut_bzr"].as_array().unwrap().len(), 0);
    assert_eq!(v["regions"].as_array().unwrap().len(), 5);
    // Fewer regions than the reference: a usage error naming the flag.
    let mut args = vec!["layout", "propose"];
    args.extend(common);
    args.extend(["--regions", "4"]);
    let o = lor(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("--regions 4"));
}

/// The six 2006 PGR of Bezirk 04 as a layout (each PLR in the PGR of its
/// largest share), with their names.
fn pgr2006(units: &Units) -> (lor::layout::Layout, Shares) {
    let (ids, shares, _) = read_regions(
        &berlin("lor-2006/pgr.geojson.gz"),
        units,
        Some("04"),
        "LAYOUT",
    )
    .unwrap();
    assert_eq!(ids, ["0401", "0402", "0403", "0404", "0405", "0406"]);
    (
        whole_layout(ids, &shares, &units.keys, "2006").unwrap(),
        shares,
    )
}

/// The people moved between the 2006 PGR (layout) and the 2021 PGR
/// (reference) computed independently: the people each (2006, 2021) pair
/// shares from the PLR assignment and the 2021 shares, then the best
/// one-to-one matching by trying all 6·5·4·3·2 = 720 injections of the five
/// 2021 PGR into the six 2006 PGR. Returns (moved, best 2021 → 2006 pairs).
fn moved_by_brute_force(
    units: &Units,
    layout: &lor::layout::Layout,
    shares: &Shares,
) -> (f64, Vec<usize>) {
    let (k, m) = (layout.ids.len(), 5);
    let mut w = vec![vec![0.0; m]; k];
    for (i, sh) in shares.iter().enumerate() {
        for &(r, x) in sh {
            w[layout.region[i]][r] += units.people[i] * x;
        }
    }
    fn best(
        w: &[Vec<f64>],
        r: usize,
        used: &mut [bool],
        pick: &mut Vec<usize>,
    ) -> (f64, Vec<usize>) {
        if r == w[0].len() {
            return (0.0, pick.clone());
        }
        let mut top = (f64::MIN, Vec::new());
        for s in 0..w.len() {
            if !used[s] {
                used[s] = true;
                pick.push(s);
                let (v, p) = best(w, r + 1, used, pick);
                if v + w[s][r] > top.0 {
                    top = (v + w[s][r], p);
                }
                pick.pop();
                used[s] = false;
            }
        }
        top
    }
    let (kept, pick) = best(&w, 0, &mut vec![false; k], &mut Vec::new());
    (units.people.iter().sum::<f64>() - kept, pick)
}

#[test]
fn pgr2006_against_pgr2021_is_matched_by_area_not_by_key() {
    let (units, ids, shares) = bezirk04();
    let (layout, _) = pgr2006(&units);
    let ev = evaluate(
        &units.graph,
        &units.keys,
        &units.people,
        &layout,
        Some((&shares, &ids)),
    );
    let (expect, pick) = moved_by_brute_force(&units, &layout, &shares);
    let moved = ev.moved.unwrap();
    assert!((moved - expect).abs() < 1e-6, "{moved} vs {expect}");
    // Far from everyone: the 2021 PGR are mostly 2006 PGR renumbered.
    assert!(moved < 0.2 * ev.people, "{moved} of {}", ev.people);
    assert_eq!(ev.people, 341_327.0);
    // The matching found by the evaluation is the brute force's.
    for (r, &s) in pick.iter().enumerate() {
        assert_eq!(ev.regions[s].reference.as_deref(), Some(ids[r].as_str()));
    }
    // CW 1 is Charlottenburg Nord (0410); one 2006 PGR matches nothing.
    assert_eq!(ev.regions[0].reference.as_deref(), Some("0410"));
    assert_eq!(
        ev.regions.iter().filter(|r| r.reference.is_none()).count(),
        1
    );
    // The moved pairs add up to the people moved.
    let sum: f64 = ev.pairs.iter().map(|p| p.2).sum();
    assert!((sum - moved).abs() < 1e-6);
}

fn bezirk04_cli_args() -> Vec<String> {
    let units = berlin("lor-2006/plr.geojson.gz");
    let stats = berlin("stats/EWR201812E_Matrix.csv");
    let reference = berlin("lor-2021/pgr.geojson.gz");
    [
        "--bezirk",
        "04",
        "--units",
        units.to_str().unwrap(),
        "--units-fix-id",
        "124=04030417",
        "--stats",
        stats.to_str().unwrap(),
        "--reference",
        reference.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn cli_evaluate_2006_pgr_against_2021_pgr() {
    let (units, ids, shares) = bezirk04();
    let (layout, _) = pgr2006(&units);
    let (expect, _) = moved_by_brute_force(&units, &layout, &shares);
    let pgr2006 = berlin("lor-2006/pgr.geojson.gz");
    let mut args = vec![
        "layout".to_string(),
        "evaluate".into(),
        pgr2006.to_str().unwrap().into(),
    ];
    args.extend(bezirk04_cli_args());
    args.extend(["--format".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = lor(&args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains("-0.0"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["people_moved"].as_f64().unwrap(), expect.round());
    assert!(v["share_moved"].as_f64().unwrap() < 0.2, "{v}");
    let cw1 = &v["regions"][0];
    assert_eq!(cw1["region"], "0401");
    assert_eq!(cw1["name"], "CW 1");
    assert_eq!(cw1["reference"], "0410");
    let _ = ids;
}

#[test]
fn cli_propose_keys_regions_after_the_reference_they_match() {
    let (units, ids, shares) = bezirk04();
    // Charlottenburg Nord's PLR: the one with the most people in 0410.
    let nord = ids.iter().position(|i| i == "0410").unwrap();
    let plr = (0..units.keys.len())
        .max_by(|&a, &b| {
            let p = |i: usize| {
                units.people[i]
                    * shares[i]
                        .iter()
                        .filter(|x| x.0 == nord)
                        .map(|x| x.1)
                        .sum::<f64>()
            };
            p(a).total_cmp(&p(b))
        })
        .map(|i| units.keys[i].clone())
        .unwrap();
    let dir = common::scratch("layout-match");
    let (report, keys) = (dir.join("r.json"), dir.join("k.csv"));
    let mut args = vec!["layout".to_string(), "propose".into()];
    args.extend(bezirk04_cli_args());
    for a in [
        "--regions",
        "6",
        "--blocks",
        "bzr",
        "--report",
        report.to_str().unwrap(),
        "--keys",
        keys.to_str().unwrap(),
    ] {
        args.push(a.into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = lor(&args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let list = stdout(&o);
    assert!(list.contains(&format!("{plr},0410\n")), "{plr}: {list}");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(!text.contains("-0.0"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let regions = v["regions"].as_array().unwrap();
    let by_key = |k: &str| regions.iter().find(|r| r["region"] == k).unwrap();
    assert_eq!(by_key("0410")["name"], "Charlottenburg Nord");
    assert_eq!(by_key("0410")["reference"], "0410");
    assert_eq!(by_key("N1")["name"], "neue Region N1");
    assert_eq!(by_key("N1")["reference"], serde_json::Value::Null);
    // Every region has a name; the keys are the 2021 PGR's and N1, never
    // a 2006 PGR key (0401…0406).
    assert!(regions
        .iter()
        .all(|r| !r["name"].as_str().unwrap().is_empty()));
    let keys = std::fs::read_to_string(&keys).unwrap();
    let pgr: std::collections::BTreeSet<&str> = keys
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(
        pgr.into_iter().collect::<Vec<_>>(),
        ["0410", "0420", "0430", "0440", "0450", "N1"]
    );
}
