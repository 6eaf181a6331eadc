#![no_main]
//! Any bytes as a Shapefile: the input is split into .shp, .shx and .dbf
//! (two length bytes each for the first two), with a UTM 33 .prj; read as a
//! layer: an error or a layer of valid, finite polygons, never a panic.
use libfuzzer_sys::fuzz_target;

const PRJ: &str = r#"PROJCS["ETRS_1989_UTM_Zone_33N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let a = u16::from_le_bytes([data[0], data[1]]) as usize;
    let b = u16::from_le_bytes([data[2], data[3]]) as usize;
    let rest = &data[4..];
    let a = a.min(rest.len());
    let (shp, rest) = rest.split_at(a);
    let b = b.min(rest.len());
    let (shx, dbf) = rest.split_at(b);
    let dir = std::env::temp_dir().join(format!("lor-fuzz-shp-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("u.shp");
    std::fs::write(&path, shp).unwrap();
    std::fs::write(dir.join("u.shx"), shx).unwrap();
    std::fs::write(dir.join("u.dbf"), dbf).unwrap();
    std::fs::write(dir.join("u.prj"), PRJ).unwrap();
    if let Ok((layer, _)) = lor::spatial::geometry::read_layer(&path, &Default::default()) {
        for f in &layer.features {
            assert!(f.area.is_finite() && f.area > 0.0);
        }
    }
});
