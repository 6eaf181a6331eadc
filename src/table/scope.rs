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

use std::path::Path;

use anyhow::Result;

use crate::error::{usage_error, Warnings};
use crate::mapping::weights::{ListTable, WeightTable};
use crate::spatial::geometry::Layer;
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

    /// [`Bezirk::filter_layer`], refusing a layer with LOR keys that has no
    /// polygon of this Bezirk.
    pub fn filter_layer_checked(&self, layer: &mut Layer) -> Result<()> {
        let lor = layer.lor_level().is_some();
        self.filter_layer(layer);
        if lor && layer.features.is_empty() {
            return Err(self.nothing_in(&layer.source, "polygons"));
        }
        Ok(())
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

    /// Keep the features of a layer with LOR keys that lie in this Bezirk;
    /// a layer of other units (Sozialräume with their own ids) is kept whole.
    pub fn filter_layer(&self, layer: &mut Layer) {
        if layer.lor_level().is_some() {
            layer.filter_prefix(&self.0);
        }
    }

    /// Keep the reference units of a names table that lie in this Bezirk.
    pub fn filter_names(&self, names: &mut Names) {
        names.units.retain(|k| self.contains(k));
    }

    /// Keep the rows of a PLR/BZR → Sozialraum list whose units lie in this Bezirk.
    pub fn filter_list(&self, list: &mut ListTable) {
        list.table = WeightTable::new(
            list.table.level.clone(),
            list.table
                .rows()
                .iter()
                .filter(|w| self.contains(&w.source))
                .cloned()
                .collect(),
        );
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

/// The names of a run, from a names table and/or the names in polygon
/// properties. The table wins; the polygons fill in. The reference list of
/// PLR (for coverage) is the table's, else the polygons' ids. With a Bezirk,
/// the reference list is cut to it.
pub fn load_names(
    file: Option<&Path>,
    layer: Option<&Layer>,
    bezirk: Option<&Bezirk>,
) -> Result<(Option<Names>, Warnings)> {
    let mut warnings = Warnings::default();
    let from_file = match file {
        Some(p) => {
            let (n, w) = Names::read(p)?;
            warnings.extend(w);
            Some(n)
        }
        None => None,
    };
    let names = combine_names(from_file, layer, bezirk);
    Ok((names, warnings))
}

/// Combine names from a table and a layer (the table wins) and cut the
/// reference list to a Bezirk.
pub fn combine_names(
    table: Option<Names>,
    layer: Option<&Layer>,
    bezirk: Option<&Bezirk>,
) -> Option<Names> {
    let from_layer = layer.map(|l| {
        Names::from_pairs(
            &l.source,
            l.features.iter().map(|f| (f.id.as_str(), f.name.as_str())),
        )
    });
    let mut names = match (table, from_layer) {
        (Some(mut t), Some(l)) => {
            t.merge(&l);
            Some(t)
        }
        (t, l) => t.or(l),
    };
    if let (Some(n), Some(b)) = (&mut names, bezirk) {
        b.filter_names(n);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str, pairs: &[(&str, &str)]) -> Names {
        Names::from_pairs(source, pairs.iter().copied())
    }

    #[test]
    fn bezirk_numbers() {
        assert_eq!(Bezirk::parse("04").unwrap().code(), "04");
        for bad in ["4", "004", "13", "00", "ab"] {
            assert!(Bezirk::parse(bad).is_err(), "{bad}");
        }
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

    #[test]
    fn names_table_wins_and_reference_is_cut_to_the_bezirk() {
        let table = names("t", &[("04010101", "Table name"), ("01011101", "Mitte")]);
        let layer_names = names(
            "l",
            &[("04010101", "Polygon name"), ("04010102", "Only polygon")],
        );
        let mut t = table.clone();
        t.merge(&layer_names);
        assert_eq!(t.name("04010101"), Some("Table name"));
        assert_eq!(t.name("04010102"), Some("Only polygon"));
        let b = Bezirk::parse("04").unwrap();
        let cut = combine_names(Some(table), None, Some(&b)).unwrap();
        assert_eq!(cut.units.iter().collect::<Vec<_>>(), vec!["04010101"]);
    }
}
