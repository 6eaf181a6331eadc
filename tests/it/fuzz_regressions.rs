//! Inputs that crashed or exhausted a fuzz target (fuzz/regressions/<target>),
//! replayed the way the target feeds them to the library: each must now be
//! an error or a result, with the message the target's input deserves.
use crate::common;

use std::path::{Path, PathBuf};

fn regressions(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

const PRJ: &str = r#"PROJCS["ETRS_1989_UTM_Zone_33N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

/// Split a shapefile_reader input as the target does (two u16 lengths, then
/// .shp, .shx, .dbf) into `dir`/u.*; returns the .shp path.
fn shapefile_from(data: &[u8], dir: &Path) -> PathBuf {
    let a = u16::from_le_bytes([data[0], data[1]]) as usize;
    let b = u16::from_le_bytes([data[2], data[3]]) as usize;
    let rest = &data[4..];
    let (shp, rest) = rest.split_at(a.min(rest.len()));
    let (shx, dbf) = rest.split_at(b.min(rest.len()));
    let path = dir.join("u.shp");
    std::fs::write(&path, shp).unwrap();
    std::fs::write(dir.join("u.shx"), shx).unwrap();
    std::fs::write(dir.join("u.dbf"), dbf).unwrap();
    std::fs::write(dir.join("u.prj"), PRJ).unwrap();
    path
}

#[test]
fn shapefile_records_claiming_gigabytes_are_damaged_files() {
    // oom-d970…: a 1 KB Shapefile whose third record, 128 bytes long,
    // claims 1,445,588,224 parts: the shapefile reader reserved 5.8 GB for
    // them. Now: "record 3 claims 1445588224 parts and 65 points, more than
    // its 128 bytes can hold". crash-138b…: a record whose second part
    // starts at point 1,949,237,253 of 10: the reader reserved 31 GB for
    // the ring.
    let dir = common::scratch("fuzz_regressions_shp");
    let cases = regressions("shapefile_reader");
    assert!(!cases.is_empty());
    for case in cases {
        let data = std::fs::read(&case).unwrap();
        let shp = shapefile_from(&data, &dir);
        let e = lor::spatial::geometry::read_layer(&shp, &Default::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("u.shp: the .shp is damaged: record")
                && (e.contains("bytes can hold")
                    || e.contains("part 2 starts at point 1949237253 of 10")),
            "{}: {e}",
            case.display()
        );
    }
}
