//! Checking a delivery (`lor check`): a statistics file, its polygon layers
//! and a names table, with every check of [`crate::quality::checks`] that applies,
//! before anything is computed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::{Warning, WarningCode, Warnings};
use crate::quality::checks::{
    check_coverage, check_layer, check_nesting, check_totals, check_values,
};
use crate::spatial::geometry::{read_layer, Layer, LayerOptions};
use crate::table::key::Level;
use crate::table::names::Names;
use crate::table::scope::Bezirk;
use crate::table::stats::StatTable;

/// What a delivery consists of. The statistics and the names table come
/// read and cut to the Bezirk, with the coverage of the one against the
/// other checked (by the one input assembly, `lor::pipeline::inputs`);
/// the polygon layers are read here.
pub struct Delivery<'a> {
    /// The statistics per PLR with their file (none: only polygons).
    pub stats: Option<(&'a Path, &'a StatTable)>,
    /// Polygon layers: PLR, and optionally BZR and PGR (by key length).
    pub geometry: &'a [PathBuf],
    pub layer_options: &'a LayerOptions,
    /// The reference list of PLR with its file.
    pub names: Option<(&'a Path, &'a Names)>,
    /// What reading the statistics and the names found, and their coverage.
    pub read: &'a Warnings,
    /// Overlaps and gaps smaller than this many m² are noise.
    pub tolerance: f64,
    /// Only this Bezirk: LOR-keyed layers (the statistics and names are cut).
    pub bezirk: Option<&'a Bezirk>,
}

/// What was checked (one line per input) and what was found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub checked: Vec<String>,
    pub findings: Warnings,
}

/// Read the polygons of a delivery and run every check on it.
pub fn check_delivery(d: &Delivery<'_>) -> Result<CheckReport> {
    let mut r = CheckReport::default();
    r.findings.extend(d.read.clone());
    let names = d.names.map(|(p, n)| {
        r.checked
            .push(format!("{} ({} PLR)", p.display(), n.units.len()));
        n
    });
    let layers = read_layers(d, &mut r)?;
    let plr = layers.iter().find(|l| l.lor_level() == Some(Level::Plr));
    if let Some((path, t)) = d.stats {
        r.checked.push(describe_table(path, t));
        check_table(t, plr, &mut r.findings);
    }
    for l in &layers {
        if l.lor_level() == Some(Level::Plr) || layers.len() == 1 {
            r.findings.extend(check_layer(l, d.tolerance));
        }
    }
    if let Some(p) = plr {
        check_plr_layer(p, &layers, names, d.tolerance, &mut r.findings);
    }
    Ok(r)
}

fn read_layers(d: &Delivery<'_>, r: &mut CheckReport) -> Result<Vec<Layer>> {
    let mut layers = Vec::new();
    for g in d.geometry {
        let (mut l, w) = read_layer(g, d.layer_options)?;
        r.findings.extend(w);
        if let Some(b) = d.bezirk {
            b.filter_layer_checked(&mut l)?;
        }
        r.checked.push(format!(
            "{} ({} polygons, {})",
            g.display(),
            l.features.len(),
            l.file_crs
        ));
        layers.push(l);
    }
    Ok(layers)
}

/// One line about the statistics file: rows, columns, key, vintage.
fn describe_table(path: &Path, t: &StatTable) -> String {
    format!(
        "{} ({} rows, {} columns, key '{}', {}{})",
        path.display(),
        t.len(),
        t.columns.len(),
        t.key_column,
        t.vintage()
            .map(|v| v.0.label())
            .unwrap_or("vintage unknown"),
        if t.dialect.decimal_comma {
            ", decimal comma"
        } else {
            ""
        }
    )
}

/// The statistics: coverage of the PLR polygons (that of the names table
/// came with them), the file's own totals, the values.
fn check_table(t: &StatTable, plr: Option<&Layer>, out: &mut Warnings) {
    if let Some(p) = plr {
        let reference = Names::from_pairs(
            &p.source,
            p.features.iter().map(|f| (f.id.as_str(), f.name.as_str())),
        );
        let mut w = check_coverage(t, Some(&reference));
        // The vintage is reported once, above.
        w.0.retain(|x| x.code != WarningCode::Vintage);
        for x in &mut w.0 {
            if x.code == WarningCode::UnknownKey {
                x.code = WarningCode::NoGeometry;
            }
        }
        out.extend(w);
    }
    out.extend(check_totals(t));
    out.extend(check_values(t));
}

/// The PLR polygons: nesting in the BZR and PGR layers, and a polygon for
/// every PLR of the names table.
fn check_plr_layer(
    p: &Layer,
    layers: &[Layer],
    names: Option<&Names>,
    tolerance: f64,
    out: &mut Warnings,
) {
    for coarse in layers
        .iter()
        .filter(|l| matches!(l.lor_level(), Some(Level::Bzr | Level::Pgr)))
    {
        let level = coarse.lor_level().expect("checked");
        out.extend(check_nesting(p, coarse, level, tolerance));
    }
    let Some(n) = names else { return };
    let have: BTreeSet<&str> = p.features.iter().map(|f| f.id.as_str()).collect();
    let missing: Vec<String> = n
        .units
        .iter()
        .filter(|u| !have.contains(u.as_str()))
        .map(|u| format!("{u} {}", n.name(u).unwrap_or("")))
        .collect();
    if !missing.is_empty() {
        out.push(
            WarningCode::NoGeometry,
            format!(
                "{}: {} PLR of {} have no polygon: {}",
                p.source,
                missing.len(),
                n.source,
                crate::error::examples(&missing, 5)
            ),
        );
    }
}

impl CheckReport {
    /// The report as JSON: what was checked, and every finding with whether
    /// it is `allowed` (accepted, so not counted).
    pub fn to_json(&self, allowed: &dyn Fn(&Warning) -> bool) -> Result<Vec<u8>> {
        let items: Vec<serde_json::Value> = self
            .findings
            .iter()
            .map(|w| {
                serde_json::json!({"code": w.code.as_str(), "message": w.message, "allowed": allowed(w)})
            })
            .collect();
        let mut v = serde_json::to_vec_pretty(
            &serde_json::json!({"checked": self.checked, "findings": items}),
        )?;
        v.push(b'\n');
        Ok(v)
    }

    /// The report as text: what was checked, the notes (how the input was
    /// read, e.g. a known id correction: never findings), the findings
    /// counted by code, then each finding.
    pub fn to_text(&self) -> String {
        let mut s = String::from("Checked:\n");
        for c in &self.checked {
            s.push_str(&format!("  {c}\n"));
        }
        let (notes, findings): (Vec<&Warning>, Vec<&Warning>) = self
            .findings
            .iter()
            .partition(|w| crate::error::is_note(w.code));
        if !notes.is_empty() {
            s.push_str("\nNotes:\n");
            for w in &notes {
                s.push_str(&format!("  [{}] {}\n", w.code, w.message));
            }
        }
        if findings.is_empty() {
            s.push_str("\nNo findings.\n");
            return s;
        }
        let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
        for w in findings.iter() {
            *by_code.entry(w.code.as_str()).or_default() += 1;
        }
        s.push_str(&format!(
            "\n{} findings ({}):\n",
            findings.len(),
            by_code
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for w in findings.iter() {
            s.push_str(&format!("  [{}] {}\n", w.code, w.message));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample");

    fn sample(name: &str) -> PathBuf {
        Path::new(SAMPLE).join(name)
    }

    #[test]
    fn the_sample_delivery_has_no_findings() {
        let stats = sample("EWR202412E_Matrix.csv");
        let (table, read) = crate::table::stats::read_stats(&stats, &Default::default()).unwrap();
        let geometry = vec![sample("plr.geojson")];
        let r = check_delivery(&Delivery {
            stats: Some((&stats, &table)),
            geometry: &geometry,
            layer_options: &LayerOptions::default(),
            names: None,
            read: &read,
            tolerance: 1000.0,
            bezirk: None,
        })
        .unwrap();
        assert_eq!(r.checked.len(), 2, "{:?}", r.checked);
        assert!(r.checked[0].starts_with(&format!("{} (", geometry[0].display())));
        assert!(r.checked[1].contains("key 'RAUMID'"), "{}", r.checked[1]);
        let text = r.to_text();
        assert!(text.ends_with("\nNo findings.\n"), "{text}");
        let json: serde_json::Value =
            serde_json::from_slice(&r.to_json(&|_| false).unwrap()).unwrap();
        assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn another_bezirk_leaves_no_polygons() {
        let other = Bezirk::parse("01").unwrap();
        let e = check_delivery(&Delivery {
            stats: None,
            geometry: &[sample("plr.geojson")],
            layer_options: &LayerOptions::default(),
            names: None,
            read: &Warnings::default(),
            tolerance: 1000.0,
            bezirk: Some(&other),
        })
        .unwrap_err();
        assert!(e.to_string().contains("no polygons of Bezirk 01"), "{e}");
    }

    #[test]
    fn a_plr_of_the_names_without_polygon_is_a_finding() {
        let dir = tempfile::tempdir().unwrap();
        let names = dir.path().join("names.csv");
        std::fs::write(&names, "PLR_ID;PLR_NAME\n01100101;Eins\n01100102;Zwei\n").unwrap();
        let reference = Names::read(&names).unwrap().0;
        let layer = Layer {
            source: "plr.geojson".into(),
            file_crs: crate::spatial::crs::Crs::Utm33,
            crs: crate::spatial::crs::Crs::Utm33,
            id_field: "id".into(),
            features: Vec::new(),
        };
        let mut out = Warnings::default();
        check_plr_layer(&layer, &[], Some(&reference), 1000.0, &mut out);
        let w: Vec<&Warning> = out.iter().collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, WarningCode::NoGeometry);
        assert!(w[0].message.contains("2 PLR of"), "{}", w[0].message);
        assert!(w[0].message.contains("01100101 Eins"), "{}", w[0].message);
    }
}
