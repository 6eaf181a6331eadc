//! `lor sample`: the bundled sample district's files, or random points for
//! load tests.

use std::path::PathBuf;

use anyhow::Result;

use crate::error::Warnings;
use crate::pipeline::Outcome;
use crate::render::write::Outputs;
use crate::sample::Sample;

/// Random points: how many, where (xmin, ymin, xmax, ymax in EPSG:25833)
/// and the seed of the generator (the same seed gives the same points).
#[derive(Debug, Clone, Copy)]
pub struct RandomPoints {
    pub n: u64,
    pub extent: (f64, f64, f64, f64),
    pub seed: u64,
}

/// The checked plan of one `lor sample` run.
pub struct Plan {
    /// The folder the files go into.
    pub dir: PathBuf,
    /// Instead of the sample files: these points, to `points.csv`.
    pub points: Option<RandomPoints>,
}

/// The sample files, or the points streamed into their file (memory stays
/// flat for any number); a line per file written as the summary.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let outputs = match plan.points {
        Some(p) => {
            let path = plan.dir.join("points.csv");
            let summary = format!("wrote {} ({} points)", path.display(), p.n);
            Outputs {
                streamed: Some((
                    path,
                    Box::new(move |f| crate::sample::write_random_points(f, p.n, p.extent, p.seed)),
                )),
                summary: vec![summary],
                ..Outputs::default()
            }
        }
        None => {
            let files: Vec<(PathBuf, Vec<u8>)> = Sample::generate()
                .files()
                .into_iter()
                .map(|(name, text)| (plan.dir.join(name), text.into_bytes()))
                .collect();
            let summary = files
                .iter()
                .map(|f| format!("wrote {}", f.0.display()))
                .collect();
            Outputs {
                files,
                summary,
                ..Outputs::default()
            }
        }
    };
    Ok((outputs, Warnings::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_dir() -> PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample")
    }

    /// The generated files are the bundled copies in data/sample/, byte
    /// for byte; one summary line per file.
    #[test]
    fn the_sample_files_are_the_bundled_copies() {
        let dir = PathBuf::from("out");
        let (outputs, warnings) = run(&Plan {
            dir: dir.clone(),
            points: None,
        })
        .unwrap();
        assert!(warnings.is_empty());
        assert!(outputs.stdout.is_none() && outputs.streamed.is_none());
        let names: Vec<PathBuf> = outputs.files.iter().map(|f| f.0.clone()).collect();
        for name in ["plr.csv", "EWR202412E_Matrix.csv"] {
            let (_, bytes) = outputs
                .files
                .iter()
                .find(|f| f.0 == dir.join(name))
                .unwrap_or_else(|| panic!("{name} not in {names:?}"));
            let bundled = std::fs::read(sample_dir().join(name)).unwrap();
            assert!(*bytes == bundled, "{name} differs from data/sample/");
        }
        assert_eq!(outputs.summary.len(), outputs.files.len());
        assert_eq!(outputs.summary[0], format!("wrote {}", names[0].display()));
    }

    /// `--points N`: one streamed file, N points inside the extent.
    #[test]
    fn random_points_are_streamed_inside_their_extent() {
        let extent = (10.0, 20.0, 30.0, 40.0);
        let (outputs, _) = run(&Plan {
            dir: PathBuf::from("d"),
            points: Some(RandomPoints {
                n: 250,
                extent,
                seed: 42,
            }),
        })
        .unwrap();
        assert!(outputs.files.is_empty() && outputs.stdout.is_none());
        assert_eq!(outputs.summary, ["wrote d/points.csv (250 points)"]);
        let (path, fill) = outputs.streamed.unwrap();
        assert_eq!(path, PathBuf::from("d/points.csv"));
        let mut f = tempfile::tempfile().unwrap();
        fill(&mut f).unwrap();
        use std::io::{Read, Seek};
        f.rewind().unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("id,x,y,plaetze"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 250);
        assert_eq!(rows[249][0], "P249");
        for r in &rows {
            let (x, y): (f64, f64) = (r[1].parse().unwrap(), r[2].parse().unwrap());
            assert!(
                (10.0..=30.0).contains(&x) && (20.0..=40.0).contains(&y),
                "{r:?}"
            );
        }
    }
}
