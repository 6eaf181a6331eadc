//! `lor catalogue`: the built-in LOR key lists (keys, names, hierarchy) as
//! tables.

use anyhow::Result;

use crate::error::Warnings;
use crate::pipeline::Outcome;
use crate::render::output::{table_outputs, Format, Presentation, Target};
use crate::table::key::{Level, Vintage};

/// The checked plan of one `lor catalogue` run.
pub struct Plan {
    pub vintage: Vintage,
    /// The levels, coarse to fine (as the hierarchy reads).
    pub levels: Vec<Level>,
    pub format: Format,
    pub target: Target,
}

/// The catalogue's tables of the planned levels, rendered.
pub fn run(plan: &Plan) -> Result<Outcome> {
    let tables = crate::table::catalogue::get(plan.vintage).tables(&plan.levels);
    let outputs = table_outputs(&tables, plan.format, &plan.target, &Presentation::default())?;
    Ok((outputs, Warnings::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &[u8]) -> Vec<csv::StringRecord> {
        let mut r = csv::Reader::from_reader(csv);
        let h: Vec<&str> = r.headers().unwrap().iter().take(3).collect();
        assert_eq!(h, ["level", "key", "name"]);
        r.records().map(|x| x.unwrap()).collect()
    }

    /// LOR 2021 has 12 Bezirke and 58 Prognoseräume (the Senate's
    /// published counts); coarse to fine, on stdout.
    #[test]
    fn the_2021_bezirke_and_prognoseraeume_to_stdout() {
        let (outputs, warnings) = run(&Plan {
            vintage: Vintage::Lor2021,
            levels: vec![Level::Bezirk, Level::Pgr],
            format: Format::Csv,
            target: Target::Stdout,
        })
        .unwrap();
        assert!(warnings.is_empty() && outputs.files.is_empty() && outputs.summary.is_empty());
        let rows = rows(outputs.stdout.as_deref().unwrap());
        let count = |l: &str| rows.iter().filter(|r| &r[0] == l).count();
        assert_eq!((count("bez"), count("pgr")), (12, 58));
        assert_eq!((&rows[0][1], &rows[0][2]), ("01", "Mitte"));
        assert_eq!(&rows[12][0], "pgr");
    }

    /// `--output FILE`: the one file holds the LOR 2006 Planungsräume of
    /// the bundled names table (read here by hand: its first column).
    #[test]
    fn the_2006_planungsraeume_to_a_file() {
        let path = std::path::PathBuf::from("plr-2006.csv");
        let (outputs, _) = run(&Plan {
            vintage: Vintage::Lor2006,
            levels: vec![Level::Plr],
            format: Format::Csv,
            target: Target::File(path.clone()),
        })
        .unwrap();
        assert!(outputs.stdout.is_none());
        assert_eq!(outputs.files.len(), 1);
        assert_eq!(outputs.files[0].0, path);
        let rows = rows(&outputs.files[0].1);
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("data/berlin/lor-2006/plr-names.csv"),
        )
        .unwrap();
        let mut keys: Vec<&str> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(';').next())
            .collect();
        keys.sort_unstable();
        let mut ours: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
        ours.sort_unstable();
        assert_eq!(ours, keys);
        assert!(rows.iter().all(|r| &r[0] == "plr"));
    }
}
