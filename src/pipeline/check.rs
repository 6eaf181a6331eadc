//! `lor check`: what is wrong with a delivery, before anything is
//! computed. The report goes to stdout; more findings than allowed fail
//! the run after it is written.

use std::path::PathBuf;

use anyhow::Result;

use crate::error::{is_note, Warning, WarningCode, Warnings};
use crate::pipeline::inputs::{assemble, InputPlan, Scope, Statistics};
use crate::pipeline::Verdict;
use crate::quality::check::{check_delivery, Delivery};
use crate::render::write::Outputs;
use crate::spatial::geometry::LayerOptions;

/// The format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// What was checked, the findings counted by code, then each finding.
    #[default]
    Text,
    /// The same as JSON, each finding with whether it is accepted.
    Json,
}

/// The checked plan of one `lor check` run.
pub struct Plan {
    /// The statistics (none for '-') and the names table, read and cut to
    /// the Bezirk as every command reads them; the names only as the
    /// reference list.
    pub inputs: InputPlan,
    /// Polygon layers: PLR, and optionally BZR and PGR (by key length).
    pub geometry: Vec<PathBuf>,
    pub layer_options: LayerOptions,
    /// Overlaps and gaps smaller than this many m² are noise.
    pub tolerance: f64,
    pub format: ReportFormat,
    /// Kinds of findings that are accepted (printed, never counted).
    pub allow: Vec<WarningCode>,
    /// Findings counted before the run fails.
    pub max_findings: usize,
}

impl Plan {
    /// Accepted: by `allow`, or a note (never a finding).
    fn allowed(&self, w: &Warning) -> bool {
        self.allow.contains(&w.code) || is_note(w.code)
    }
}

/// Read and check the delivery; the report for stdout, and the failure
/// when more findings count than `max_findings`.
pub fn run(plan: &Plan) -> Result<Verdict> {
    let (read, warnings) = assemble(&plan.inputs)?;
    let stats = match &plan.inputs.stats {
        Some(Statistics::File(path, _)) => Some(path.as_path()),
        _ => None,
    };
    let bezirk = match &plan.inputs.scope {
        Scope::Bezirk(b) => Some(b),
        _ => None,
    };
    let report = check_delivery(&Delivery {
        stats: stats.zip(read.table.as_ref()),
        geometry: &plan.geometry,
        layer_options: &plan.layer_options,
        names: plan.inputs.names.as_deref().zip(read.names.as_ref()),
        read: &warnings,
        tolerance: plan.tolerance,
        bezirk,
    })?;
    let bytes = match plan.format {
        ReportFormat::Json => report.to_json(&|w| plan.allowed(w))?,
        ReportFormat::Text => report.to_text().into_bytes(),
    };
    let counted = report.findings.iter().filter(|w| !plan.allowed(w)).count();
    let failure = (counted > plan.max_findings).then(|| {
        format!(
            "{counted} findings (more than --max-findings {})",
            plan.max_findings
        )
    });
    Ok(((Outputs::one(None, bytes), Warnings::default()), failure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::testdata::sample;
    use crate::table::stats::ReadOptions;

    fn plan(format: ReportFormat, allow: Vec<WarningCode>, max_findings: usize) -> Plan {
        Plan {
            inputs: InputPlan {
                stats: Some(Statistics::File(
                    sample("EWR202412E_Matrix.csv"),
                    ReadOptions::default(),
                )),
                names: Some(sample("plr.csv")),
                ..InputPlan::default()
            },
            geometry: vec![sample("plr.geojson")],
            layer_options: LayerOptions::default(),
            tolerance: 1000.0,
            format,
            allow,
            max_findings,
        }
    }

    /// The sample delivery: the report names its inputs on stdout, no
    /// file, no warning on stderr; the PLR count is the names table's.
    #[test]
    fn the_sample_delivery_is_reported_on_stdout() {
        let ((outputs, warnings), failure) = run(&plan(ReportFormat::Text, vec![], 0)).unwrap();
        assert!(warnings.is_empty() && outputs.files.is_empty());
        assert!(outputs.summary.is_empty());
        let text = String::from_utf8(outputs.stdout.unwrap()).unwrap();
        assert!(text.starts_with("Checked:\n"), "{text}");
        // The oracle: the PLR rows of the names table, counted by hand.
        let names = std::fs::read_to_string(sample("plr.csv")).unwrap();
        let plr = names
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert!(text.contains(&format!("plr.csv ({plr} PLR)")), "{text}");
        let findings = text.contains("No findings.");
        assert_eq!(failure.is_none(), findings, "{text}");
    }

    /// A delivery with a finding: counted unless allowed; the JSON says
    /// which are accepted.
    #[test]
    fn findings_fail_after_the_report_unless_allowed() {
        let dir = std::env::temp_dir().join(format!("lor-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stats = dir.join("stats.csv");
        let text = std::fs::read_to_string(sample("EWR202412E_Matrix.csv")).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let header: Vec<&str> = lines[0].split(';').collect();
        let e = header.iter().position(|h| *h == "E_E").unwrap();
        // E_E no longer the sum of E_EM and E_EW: one 'totals' finding.
        let mut cells: Vec<String> = lines[1].split(';').map(String::from).collect();
        cells[e] = (cells[e].parse::<f64>().unwrap() + 7.0).to_string();
        lines[1] = cells.join(";");
        std::fs::write(&stats, lines.join("\n") + "\n").unwrap();
        let mut p = plan(ReportFormat::Json, vec![], 0);
        p.inputs.stats = Some(Statistics::File(stats.clone(), ReadOptions::default()));
        let ((outputs, _), failure) = run(&p).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(outputs.stdout.as_deref().unwrap()).unwrap();
        let findings = json["findings"].as_array().unwrap();
        let totals: Vec<_> = findings.iter().filter(|f| f["code"] == "totals").collect();
        assert!(!totals.is_empty(), "{json}");
        assert!(totals.iter().all(|f| f["allowed"] == false));
        let counted = findings.iter().filter(|f| f["allowed"] == false).count();
        assert_eq!(
            failure.as_deref(),
            Some(format!("{counted} findings (more than --max-findings 0)").as_str())
        );

        p.allow = vec![WarningCode::Totals];
        p.max_findings = counted - totals.len();
        let ((outputs, _), failure) = run(&p).unwrap();
        assert_eq!(failure, None);
        let json: serde_json::Value =
            serde_json::from_slice(outputs.stdout.as_deref().unwrap()).unwrap();
        let accepted = json["findings"].as_array().unwrap().iter();
        assert!(accepted
            .filter(|f| f["code"] == "totals")
            .all(|f| f["allowed"] == true));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
