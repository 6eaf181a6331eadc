//! The scope of a run applied to polygon layers (`--bezirk` keeps the
//! features with LOR keys of that Bezirk), and the names of a run gathered
//! from a names table and a layer's properties (the table wins).

use std::path::Path;

use anyhow::Result;

use crate::error::Warnings;
use crate::spatial::geometry::Layer;
use crate::table::names::Names;
use crate::table::scope::Bezirk;

impl Bezirk {
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

    /// Keep the features of a layer with LOR keys that lie in this Bezirk;
    /// a layer of other units (Sozialräume with their own ids) is kept whole.
    pub fn filter_layer(&self, layer: &mut Layer) {
        if layer.lor_level().is_some() {
            layer.filter_prefix(self.code());
        }
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
