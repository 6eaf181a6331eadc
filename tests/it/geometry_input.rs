//! Geometry input and `lor mismatch` as a planner runs it, and bad geometry.

use crate::common;

use std::path::Path;

use common::{berlin, listing, lor, scratch, stderr, stdout};
use lor::spatial::geometry::{read_layer, LayerOptions};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sample(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(name)
}

const SQUARE: &str = "[[13.40,52.50],[13.41,52.50],[13.41,52.51],[13.40,52.51],[13.40,52.50]]";

fn fc(features: &str) -> String {
    format!("{{\"type\":\"FeatureCollection\",\"features\":[{features}]}}")
}

fn feature(id: &str, geometry: &str) -> String {
    format!("{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{id}\",\"name\":\"x\"}},\"geometry\":{geometry}}}")
}

#[test]
fn mismatch_on_the_sample_writes_report_map_and_pieces() {
    let dir = scratch("mismatch_sample");
    let (svg, gj, csv) = (
        dir.join("map.svg"),
        dir.join("pieces.geojson"),
        dir.join("report.csv"),
    );
    let o = lor(&[
        "mismatch",
        s(&sample("plr.geojson")),
        s(&sample("sozialraeume.geojson")),
        "--stats",
        s(&sample("EWR202412E_Matrix.csv")),
        "--names",
        s(&sample("plr.csv")),
        "--svg",
        s(&svg),
        "--geojson",
        s(&gj),
        "--output",
        s(&csv),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("9 von 50 Planungsräumen sind auf mehrere"),
        "{e}"
    );
    assert!(
        e.contains("5 von 15 Bezirksregionen sind auf mehrere"),
        "{e}"
    );
    let map = std::fs::read_to_string(&svg).unwrap();
    assert!(map.starts_with("<svg") && map.contains("SR3 Mitte") && map.contains("Legende"));
    let pieces: serde_json::Value = serde_json::from_slice(&std::fs::read(&gj).unwrap()).unwrap();
    let feats = pieces["features"].as_array().unwrap();
    assert!(feats.iter().any(|f| f["properties"]["class"] == "split"));
    assert!(feats.iter().any(|f| f["properties"]["class"] == "noise"));
    // WGS84 output (RFC 7946).
    let x = feats[0]["geometry"]["coordinates"][0][0][0][0]
        .as_f64()
        .unwrap();
    assert!((5.0..25.0).contains(&x), "{x}");
    let report = std::fs::read_to_string(&csv).unwrap();
    assert!(report
        .starts_with("level,key,name,status,area_m2,target,target_name,part_m2,share,class,E_E"));
    assert!(
        report.contains("bzr,133007,Bahnhofsviertel Nord,split,"),
        "{report}"
    );
    // Same run twice: same bytes.
    let again = dir.join("again.csv");
    let o = lor(&[
        "mismatch",
        s(&sample("plr.geojson")),
        s(&sample("sozialraeume.geojson")),
        "--stats",
        s(&sample("EWR202412E_Matrix.csv")),
        "--names",
        s(&sample("plr.csv")),
        "--output",
        s(&again),
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&csv).unwrap());
    // --fail-on-split for automated checks.
    let o = lor(&[
        "mismatch",
        s(&sample("plr.geojson")),
        s(&sample("sozialraeume.geojson")),
        "--fail-on-split",
        "-q",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(j["summary"][0].as_str().unwrap().starts_with("9 von 50"));
}

#[test]
fn mismatch_against_a_list() {
    let o = lor(&[
        "mismatch",
        s(&sample("plr.geojson")),
        s(&sample("sozialraum-liste.csv")),
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A list assigns whole PLR: no PLR is split, but BZR and PGR are.
    let e = stderr(&o);
    assert!(
        e.contains("0 von 50 Planungsräumen sind auf mehrere"),
        "{e}"
    );
    assert!(e.contains("von 15 Bezirksregionen sind auf mehrere"), "{e}");
}

#[test]
fn aggregate_adds_the_sozialraum_level() {
    let o = lor(&[
        "aggregate",
        s(&sample("EWR202412E_Matrix.csv")),
        "--units",
        s(&sample("plr.geojson")),
        "--sozialraum",
        s(&sample("sozialraeume.geojson")),
        "--assign",
        "area",
        "--levels",
        "bez",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + 1 + 5);
    let e_e = |l: &str| l.split(',').nth(9).unwrap().parse::<f64>().unwrap();
    let bez = e_e(lines[1]);
    let sr: f64 = lines[2..].iter().map(|l| e_e(l)).sum();
    assert!((bez - sr).abs() / bez < 1e-9, "{bez} vs {sr}");
    assert!(lines[2].starts_with("sozialraum,SR1,Nordwest,"));
}

#[test]
fn shapefile_round_trip() {
    use shapefile::dbase::{FieldName, TableWriterBuilder};
    let dir = scratch("shapefile");
    let (layer, _) = read_layer(&sample("plr.geojson"), &LayerOptions::default()).unwrap();
    let shp = dir.join("plr.shp");
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("PLR_ID").unwrap(), 8)
        .add_character_field(FieldName::try_from("PLR_NAME").unwrap(), 40);
    let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
    for f in &layer.features {
        let poly = &f.geometry.0[0];
        let pts: Vec<shapefile::Point> = poly
            .exterior()
            .0
            .iter()
            .rev()
            .map(|c| shapefile::Point::new(c.x, c.y))
            .collect();
        let shape = shapefile::Polygon::new(shapefile::PolygonRing::Outer(pts));
        let mut rec = shapefile::dbase::Record::default();
        rec.insert(
            "PLR_ID".into(),
            shapefile::dbase::FieldValue::Character(Some(f.id.clone())),
        );
        rec.insert(
            "PLR_NAME".into(),
            shapefile::dbase::FieldValue::Character(Some(f.name.clone())),
        );
        w.write_shape_and_record(&shape, &rec).unwrap();
    }
    drop(w);
    // Without .prj: refused, the CRS is unknown.
    let err = read_layer(&shp, &LayerOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(".prj file with the coordinate reference system is missing"),
        "{err}"
    );
    std::fs::write(
        dir.join("plr.prj"),
        r#"PROJCS["ETRS_1989_UTM_Zone_33N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
    let (back, w) = read_layer(&shp, &LayerOptions::default()).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(back.id_field, "PLR_ID");
    assert_eq!(back.features.len(), 50);
    for (a, b) in layer.features.iter().zip(&back.features) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.name, b.name);
        assert!((a.area - b.area).abs() < 1e-6);
    }
    // Without .dbf: refused.
    std::fs::remove_file(dir.join("plr.dbf")).unwrap();
    let err = read_layer(&shp, &LayerOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains(".dbf file with the attributes"), "{err}");
}

/// Each bad geometry file: a clear message, non-zero exit, no output.
#[test]
fn bad_geometry_is_refused() {
    let dir = scratch("bad_geometry");
    let sr = berlin("lor-2021/pgr.geojson.gz");
    let line_string =
        "{\"type\":\"LineString\",\"coordinates\":[[13.4,52.5],[13.5,52.6]]}".to_string();
    let point = "{\"type\":\"Point\",\"coordinates\":[13.4,52.5]}".to_string();
    let poly = format!("{{\"type\":\"Polygon\",\"coordinates\":[{SQUARE}]}}");
    let utm = "{\"type\":\"Polygon\",\"coordinates\":[[[390000,5810000],[391000,5810000],[391000,5811000],[390000,5810000]]]}";
    // (file, content, extra flags, exit code, words the message must contain)
    type Case<'a> = (&'a str, String, Vec<&'a str>, i32, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        ("syntax.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":}]}".into(), vec![], 1, vec!["not valid GeoJSON", "line 1 column"]),
        ("nogeom.geojson", fc(&feature("01011101", "null")), vec![], 1, vec!["feature 1 (id 01011101): no geometry"]),
        ("noid.geojson", fc(&format!("{{\"type\":\"Feature\",\"properties\":{{\"name\":\"x\"}},\"geometry\":{poly}}}")), vec![], 1, vec!["no id property found", "--a-id-field"]),
        ("empty.geojson", fc(&feature("01011101", "{\"type\":\"Polygon\",\"coordinates\":[]}")), vec![], 1, vec!["feature 1 (id 01011101): an empty Polygon"]),
        ("point.geojson", fc(&feature("01011101", &point)), vec![], 1, vec!["a Point where a Polygon or MultiPolygon is expected"]),
        ("line.geojson", fc(&feature("01011101", &line_string)), vec![], 1, vec!["a LineString where a Polygon"]),
        ("nofeatures.geojson", fc(""), vec![], 1, vec!["no features"]),
        (
            "crs.geojson",
            format!("{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:31468\"}}}},\"features\":[{}]}}", feature("01011101", &poly)),
            vec![],
            1,
            vec!["unknown CRS 'EPSG:31468'"],
        ),
        ("utm_undeclared.geojson", fc(&feature("01011101", utm)), vec![], 1, vec!["no CRS is declared", "look like EPSG:25833"]),
        (
            "dup.geojson",
            fc(&format!("{},{},{}", feature("01011101", &poly), feature("01011101", &poly), feature("01011102", &poly))),
            vec!["--strict"],
            3,
            vec!["01011101 (feature 1", "feature 2", "--strict"],
        ),
        (
            "bowtie.geojson",
            fc(&feature("01011101", "{\"type\":\"Polygon\",\"coordinates\":[[[13.40,52.50],[13.41,52.51],[13.41,52.50],[13.40,52.51],[13.40,52.50]]]}")),
            vec!["--strict"],
            3,
            vec!["invalid polygons", "01011101 (feature 1"],
        ),
        (
            "unclosed.geojson",
            fc(&feature("01011101", "{\"type\":\"Polygon\",\"coordinates\":[[[13.40,52.50],[13.41,52.50],[13.41,52.51],[13.40,52.51]]]}")),
            vec!["--strict"],
            3,
            vec!["unclosed rings", "features 1"],
        ),
        ("paris.geojson", fc(&feature("01011101", "{\"type\":\"Polygon\",\"coordinates\":[[[2.3,48.8],[2.4,48.8],[2.4,48.9],[2.3,48.8]]]}")), vec![], 1, vec!["far from Berlin"]),
        ("dresden.geojson", fc(&feature("01011101", "{\"type\":\"Polygon\",\"coordinates\":[[[13.7,51.0],[13.8,51.0],[13.8,51.1],[13.7,51.0]]]}")), vec![], 1, vec!["do not overlap at all"]),
    ];
    for (name, content, extra, code, needles) in cases {
        let input = dir.join(name);
        std::fs::write(&input, content).unwrap();
        let out = dir.join(format!("{name}.out.csv"));
        let mut args = vec!["mismatch", s(&input), s(&sr), "--output", s(&out)];
        args.extend(extra.iter().copied());
        let o = lor(&args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{name}: {e}");
        for n in needles {
            assert!(e.contains(n), "{name}: expected '{n}' in: {e}");
        }
        assert!(!out.exists(), "{name}: output written");
        assert!(!e.contains("panicked"), "{name}: {e}");
    }
    assert!(listing(&dir).iter().all(|f| !f.starts_with(".lor-")));
}

#[test]
fn real_berlin_plr_against_all_pgr_2021() {
    let mismatch = |extra: &[&str]| {
        let plr = berlin("lor-2006/plr.geojson.gz");
        let pgr = berlin("lor-2021/pgr.geojson.gz");
        let mut args = vec!["mismatch", s(&plr), s(&pgr), "--format", "json"];
        args.extend(extra);
        let o = lor(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let first = j["summary"][0].as_str().unwrap().to_string();
        (stderr(&o), first)
    };
    // All Berlin: by default the known wrong id (feature 124 under
    // 06010102) is read as 04030417, with a note; all 448 compared.
    let (e, first) = mismatch(&[]);
    assert!(
        e.contains("note (fix-id)")
            && e.contains("feature 124")
            && e.contains("published under 06010102")
            && e.contains("read as 04030417"),
        "{e}"
    );
    assert!(!e.contains("more than once"), "{e}");
    assert!(first.contains("von 448 Planungsräumen"), "{first}");
    // Without the correction the duplicate id is reported, the rest compared.
    let (e, first) = mismatch(&["--a-fix-id", "none"]);
    assert!(
        e.contains("1 id appears more than once")
            && e.contains("06010102 (feature 124 'Schloßstraße'")
            && e.contains("give --a-fix-id 124=04030417"),
        "{e}"
    );
    assert!(!e.contains("note (fix-id)"), "{e}");
    assert!(first.contains("von 446 Planungsräumen"), "{first}");
}

#[test]
fn aggregate_to_geojson_dissolves_the_units() {
    let dir = scratch("agg_geojson");
    let out = dir.join("units.geojson");
    let o = lor(&[
        "aggregate",
        s(&sample("EWR202412E_Matrix.csv")),
        "--units",
        s(&sample("plr.geojson")),
        "--sozialraum",
        s(&sample("sozialraeume.geojson")),
        "--levels",
        "plr,bzr,bez",
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let feats = v["features"].as_array().unwrap();
    assert_eq!(feats.len(), 50 + 15 + 1 + 5);
    let bez = feats
        .iter()
        .find(|f| f["properties"]["level"] == "bez")
        .unwrap();
    let total: i64 = feats
        .iter()
        .filter(|f| f["properties"]["level"] == "plr")
        .map(|f| f["properties"]["E_E"].as_i64().unwrap())
        .sum();
    assert_eq!(bez["properties"]["E_E"].as_i64().unwrap(), total);
    // The Bezirk is one polygon without holes: the PLR tile it.
    assert_eq!(bez["geometry"]["coordinates"].as_array().unwrap().len(), 1);
    assert_eq!(
        bez["geometry"]["coordinates"][0].as_array().unwrap().len(),
        1
    );
    // Without polygons: refused.
    let o = lor(&[
        "aggregate",
        s(&sample("EWR202412E_Matrix.csv")),
        "--output",
        s(&dir.join("x.geojson")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs the polygons"));
}
