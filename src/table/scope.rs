//! The scope of a run: one Bezirk (`--bezirk 04`) or all of Berlin, with one
//! meaning for every input, and the one way unit names are gathered.
//!
//! With a Bezirk, everything keyed by LOR keys is cut to that Bezirk: the
//! statistics rows, the names table (so that the other Bezirke's PLR are not
//! "missing"), PLR → Sozialraum lists, polygon layers with LOR keys, and the
//! points (points in other Bezirke are out of scope, not "outside"). The top
//! row is then the Bezirk itself; there is no Berlin row.
//!
//! Names: a names table (`--names`) wins over the names in polygon
//! properties; polygon names fill in units the table does not name.

use anyhow::Result;

use crate::error::usage_error;
use crate::table::key::Level;
use crate::table::names::Names;
use crate::table::stats::StatTable;

/// A Bezirk: its two-digit number (01 Mitte … 12 Reinickendorf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bezirk(String);

impl Bezirk {
    /// Parse a `--bezirk` value: two digits, 01 to 12.
    pub fn parse(s: &str) -> Result<Bezirk> {
        let s = s.trim();
        let ok = s.len() == 2
            && s.bytes().all(|c| c.is_ascii_digit())
            && (1..=12).contains(&s.parse::<u8>().unwrap_or(0));
        if !ok {
            return Err(usage_error(format!(
                "--bezirk '{s}': give the two-digit Bezirk number, 01 to 12, e.g. 04"
            )));
        }
        Ok(Bezirk(s.to_string()))
    }

    /// The one Bezirk of a table's keys (a report is for one); an error
    /// naming them when the table holds several. The number is the data's
    /// own: the invented sample district is Bezirk 13.
    pub fn of_table(table: &StatTable) -> Result<Bezirk> {
        let all: std::collections::BTreeSet<&str> =
            table.keys.iter().map(|k| &k[..2.min(k.len())]).collect();
        if all.len() != 1 {
            return Err(usage_error(format!(
                "{}: the file has {} Bezirke ({}); a report is for one: give it with --bezirk",
                table.source,
                all.len(),
                crate::error::examples(&all.into_iter().collect::<Vec<_>>(), 12)
            )));
        }
        Ok(Bezirk(all.into_iter().next().expect("one").to_string()))
    }

    /// The two digits.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// Whether a LOR key (of any level below Berlin) lies in this Bezirk.
    pub fn contains(&self, key: &str) -> bool {
        key.starts_with(&self.0)
    }

    /// Keep the statistics rows of this Bezirk; none is an error.
    pub fn filter_table(&self, table: &mut StatTable) -> Result<()> {
        table.retain_keys(|k| self.contains(k));
        if table.is_empty() {
            return Err(self.nothing_in(&table.source, "rows"));
        }
        Ok(())
    }

    /// The one refusal when an input has nothing of this Bezirk (a usage
    /// error: the Bezirk is wrong for the data): `SOURCE: no WHAT of Bezirk BB`.
    pub fn nothing_in(&self, source: &str, what: &str) -> anyhow::Error {
        usage_error(format!("{source}: no {what} of Bezirk {}", self.0))
    }

    /// [`Bezirk::filter_names`], refusing a names table without a unit of
    /// this Bezirk.
    pub fn filter_names_checked(&self, names: &mut Names) -> Result<()> {
        self.filter_names(names);
        if names.units.is_empty() {
            return Err(self.nothing_in(&names.source, "PLR"));
        }
        Ok(())
    }

    /// Keep the reference units of a names table that lie in this Bezirk.
    pub fn filter_names(&self, names: &mut Names) {
        names.units.retain(|k| self.contains(k));
    }

    /// The levels of a run in this Bezirk: the Bezirk is the top; a Berlin
    /// level becomes the Bezirk level.
    pub fn levels(&self, levels: &[Level]) -> Vec<Level> {
        let mut out: Vec<Level> = levels
            .iter()
            .map(|&l| if l == Level::Berlin { Level::Bezirk } else { l })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Apply an optional Bezirk to the levels of a run.
pub fn levels_in(bezirk: Option<&Bezirk>, levels: &[Level]) -> Vec<Level> {
    match bezirk {
        Some(b) => b.levels(levels),
        None => levels.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bezirk_numbers() {
        assert_eq!(Bezirk::parse("04").unwrap().code(), "04");
        for bad in ["4", "004", "13", "00", "ab"] {
            assert!(Bezirk::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_one_bezirk_of_a_table() {
        let read = |text: &str| {
            let opts = crate::table::stats::ReadOptions::default();
            crate::table::stats::read_stats_bytes("st.csv", text.as_bytes(), &opts)
                .unwrap()
                .0
        };
        let one = read("RAUMID;E_E\n04030417;1\n04030418;2\n");
        assert_eq!(Bezirk::of_table(&one).unwrap().code(), "04");
        let sample = read("RAUMID;E_E\n13100101;1\n");
        assert_eq!(Bezirk::of_table(&sample).unwrap().code(), "13");
        let two = read("RAUMID;E_E\n04030417;1\n05030418;2\n");
        assert_eq!(
            Bezirk::of_table(&two).unwrap_err().to_string(),
            "st.csv: the file has 2 Bezirke (04, 05); a report is for one: give it with --bezirk"
        );
    }

    #[test]
    fn the_bezirk_is_the_top_level() {
        let b = Bezirk::parse("04").unwrap();
        assert_eq!(
            b.levels(&[Level::Bzr, Level::Pgr, Level::Bezirk, Level::Berlin]),
            vec![Level::Bzr, Level::Pgr, Level::Bezirk]
        );
        assert_eq!(b.levels(&[Level::Berlin]), vec![Level::Bezirk]);
    }
}
