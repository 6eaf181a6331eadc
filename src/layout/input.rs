//! What a layout command reads: the units (PLR polygons) with their people
//! from the statistics and their adjacency, the regions of a layout or its
//! reference (a list or polygons) as each unit's shares in them, a layout
//! from those shares, and the reference regions' outlines for a map.

use std::collections::{BTreeMap, BTreeSet};

use crate::layout::graph::{adjacency, Graph};
use crate::layout::{Layout, Shares};
use crate::spatial::geometry::Layer;

/// Units with their people and adjacency, read for a layout command.
pub struct Units {
    pub layer: Layer,
    /// Keys in layer order.
    pub keys: Vec<String>,
    pub people: Vec<f64>,
    pub graph: Graph,
}

/// Border tolerance for the adjacency (m).
pub const BORDER_TOLERANCE: f64 = 1.0;

/// The units of a layout: the PLR polygons (read and cut to the Bezirk by
/// the one input assembly of the pipeline layer), each with its people
/// from `column` of the statistics (E_E, inhabitants, EW or Einwohner
/// without one), and their adjacency.
pub fn units_of(
    layer: Layer,
    table: &crate::table::stats::StatTable,
    column: Option<&str>,
) -> anyhow::Result<Units> {
    let col = find_people_column(table, column)?;
    people_column(table, col, column.is_some())?;
    let people = unit_people(&layer, table, col)?;
    let graph = adjacency(&layer, BORDER_TOLERANCE);
    let keys = layer.features.iter().map(|f| f.id.clone()).collect();
    Ok(Units {
        layer,
        keys,
        people,
        graph,
    })
}

/// The people column: `column` if given, else the first of E_E,
/// inhabitants, EW, Einwohner.
fn find_people_column<'t>(
    table: &'t crate::table::stats::StatTable,
    column: Option<&str>,
) -> anyhow::Result<&'t crate::table::stats::Column> {
    use crate::error::usage_error;
    Ok(match column {
        Some(c) => table.column(c).ok_or_else(|| {
            usage_error(format!("--column '{c}': {} has no such column", table.source))
        })?,
        None => ["E_E", "inhabitants", "EW", "Einwohner"]
            .iter()
            .find_map(|c| table.column(c))
            .ok_or_else(|| {
                usage_error(format!(
                    "{}: no column E_E, inhabitants, EW or Einwohner: name the people column with --column",
                    table.source
                ))
            })?,
    })
}

/// The people of each unit of `layer` from `col`; PLR without a row have 0
/// people (check_statistics warns about them). A negative or non-numeric
/// cell is an error naming its line.
fn unit_people(
    layer: &Layer,
    table: &crate::table::stats::StatTable,
    col: &crate::table::stats::Column,
) -> anyhow::Result<Vec<f64>> {
    use crate::error::input_error;
    let by_key: BTreeMap<&str, usize> = table
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    layer
        .features
        .iter()
        .map(|f| match by_key.get(f.id.as_str()) {
            Some(&i) => match col.cells[i].num() {
                Some(v) if v >= 0.0 => Ok(v),
                Some(v) => Err(input_error(format!(
                    "{} {} {}: the {} of PLR {} is {v}: a number of people cannot be negative",
                    table.source, table.line_word, table.lines[i], col.name, f.id
                ))),
                None => Err(input_error(format!(
                    "{} {} {}: the {} of PLR {} is '{}', not a number",
                    table.source, table.line_word, table.lines[i], col.name, f.id, col.raw[i]
                ))),
            },
            None => Ok(0.0),
        })
        .collect()
}

/// The people of a layout are summed over the units, so their column must
/// be a count by the aggregation rules: not a date, a key part, text or a
/// share (`given`: named by `--column`).
fn people_column(
    table: &crate::table::stats::StatTable,
    col: &crate::table::stats::Column,
    given: bool,
) -> anyhow::Result<()> {
    use crate::aggregation::rules::{default_rule, Rule};
    let i = table
        .column_index(&col.name)
        .expect("a column of the table");
    let what = match default_rule(table, i) {
        Some((Rule::Sum, _)) => return Ok(()),
        Some(_) => "a label (a date, a key part or text) that is never summed",
        None => "a share or rate that is never summed",
    };
    let fix = if given {
        "name a column with counts of people, e.g. --column E_E"
    } else {
        "name the column with counts of people with --column"
    };
    Err(crate::error::usage_error(format!(
        "{}: column '{}' is {what}, not a count of people: {fix}",
        table.source, col.name
    )))
}

/// Regions from a list (PLR or BZR → region) or from polygons: their ids
/// (sorted) and each unit's shares in them (area shares of the real parts
/// for polygons, slivers dropped; the list's weights for a list).
pub fn read_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    what: &str,
) -> anyhow::Result<(Vec<String>, Shares, crate::error::Warnings)> {
    let (ids, shares, _, warnings) = read_named_regions(path, units, bezirk, what)?;
    Ok((ids, shares, warnings))
}

/// Region names by id: the polygons' names (none for a list).
pub type RegionNames = BTreeMap<String, String>;

/// [`read_regions`], with the regions' names (of polygons with a name).
pub fn read_named_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    what: &str,
) -> anyhow::Result<(Vec<String>, Shares, RegionNames, crate::error::Warnings)> {
    let mut warnings = crate::error::Warnings::default();
    let (ids, table, names) = if crate::mapping::weights::is_list_path(path) {
        let (ids, table) = list_regions(path, units, bezirk, what, &mut warnings)?;
        (ids, table, RegionNames::new())
    } else {
        polygon_regions(path, units, bezirk, &mut warnings)?
    };
    let ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return Err(crate::error::input_error(format!(
            "{}: {what} has no regions over the units",
            path.display()
        )));
    }
    let shares = unit_shares(units, &ids, &table);
    let outside: Vec<String> = shares
        .iter()
        .zip(&units.keys)
        .filter(|(s, _)| s.iter().map(|x| x.1).sum::<f64>() < 1.0 - 1e-9)
        .map(|(_, k)| k.clone())
        .collect();
    if !outside.is_empty() {
        warnings.push(
            crate::error::WarningCode::Unassigned,
            format!(
                "{} PLR lie wholly or partly outside every region of {what} {}: {}",
                outside.len(),
                path.display(),
                crate::error::examples(&outside, 5)
            ),
        );
    }
    Ok((ids, shares, names, warnings))
}

/// Regions from a list (PLR or BZR → region), checked as a layout list:
/// their ids and the list's weights over the units.
fn list_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    what: &str,
    warnings: &mut crate::error::Warnings,
) -> anyhow::Result<(BTreeSet<String>, crate::mapping::weights::WeightTable)> {
    use crate::mapping::weights::{expand_to, read_list_located};
    let keys = units.keys.iter().map(String::as_str);
    let (mut list, at, w) = read_list_located(path, "region")?;
    warnings.extend(w);
    if let Some(b) = bezirk {
        crate::table::scope::Bezirk::parse(b)?.filter_list(&mut list);
    }
    warnings.extend(check_layout_list(&list, &at, units, what)?);
    let t = expand_to(&list.table, keys);
    let ids: BTreeSet<String> = t.rows().iter().map(|w| w.target.clone()).collect();
    Ok((ids, t))
}

/// Regions from polygons: their ids, the area shares of the units' real
/// parts in them (slivers dropped) and their names (where given).
fn polygon_regions(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    warnings: &mut crate::error::Warnings,
) -> anyhow::Result<(
    BTreeSet<String>,
    crate::mapping::weights::WeightTable,
    RegionNames,
)> {
    use crate::mapping::weights::{from_parts, Assign};
    let (mut layer, w) = crate::spatial::geometry::read_layer(path, &Default::default())?;
    warnings.extend(w);
    if let (Some(b), Some(_)) = (bezirk, layer.lor_level()) {
        layer.filter_prefix(b);
    }
    let tol = crate::spatial::overlay::Tolerance::new(0.01, 1000.0)?;
    let ov = crate::spatial::overlay::overlay(&units.layer, &layer, false);
    let parts = crate::spatial::overlay::unit_parts(&ov, &units.layer, &layer, &tol);
    let (t, _) = from_parts("region", &parts, Assign::Area);
    let ids: BTreeSet<String> = layer.features.iter().map(|f| f.id.clone()).collect();
    let names: RegionNames = layer
        .features
        .iter()
        .filter(|f| !f.name.trim().is_empty())
        .map(|f| (f.id.clone(), f.name.trim().to_string()))
        .collect();
    Ok((ids, t, names))
}

/// Each unit's (region index into `ids`, weight) from `table`.
fn unit_shares(
    units: &Units,
    ids: &[String],
    table: &crate::mapping::weights::WeightTable,
) -> Shares {
    let index: BTreeMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let pos: BTreeMap<&str, usize> = units
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut shares: Shares = vec![Vec::new(); units.keys.len()];
    for w in table.rows() {
        if let (Some(&i), Some(&r)) = (pos.get(w.source.as_str()), index.get(w.target.as_str())) {
            shares[i].push((r, w.weight));
        }
    }
    shares
}

/// A list used as a layout (or its reference) puts each unit in one region:
/// a key listed on two lines is an error naming both (unless a weight
/// column splits it with weights that add up to 1); keys that are not among
/// the units (nor a prefix of one) assign nothing and are warned about, as
/// `aggregate --sozialraum` does.
pub fn check_layout_list(
    list: &crate::mapping::weights::ListTable,
    at: &crate::mapping::weights::KeyLines,
    units: &Units,
    what: &str,
) -> anyhow::Result<crate::error::Warnings> {
    use crate::error::{examples, input_error};
    let totals = list.table.source_totals();
    let twice: Vec<String> = list
        .table
        .sources()
        .into_iter()
        .filter(|k| at.lines.get(*k).is_some_and(|l| l.len() > 1))
        .filter(|k| (totals.get(k).copied().unwrap_or(0.0) - 1.0).abs() > 1e-9)
        .map(|k| at.describe(k))
        .collect();
    if !twice.is_empty() {
        return Err(input_error(format!(
            "{}: {what} lists {} more than once, but a layout puts each unit in one region (delete the extra rows, or split a unit with a weight column whose weights add up to 1): {}",
            at.source,
            count(twice.len(), "key", "keys"),
            examples(&twice, 5)
        )));
    }
    let unknown: Vec<String> = list
        .table
        .sources()
        .into_iter()
        .filter(|l| !units.keys.iter().any(|k| k.starts_with(*l)))
        .map(|k| at.describe(k))
        .collect();
    let mut warnings = crate::error::Warnings::default();
    if !unknown.is_empty() {
        warnings.push(
            crate::error::WarningCode::UnknownKey,
            format!(
                "{}: {what} lists {} not among the units of {}, so they assign nothing: {}",
                at.source,
                count(unknown.len(), "key that is", "keys that are"),
                units.layer.source,
                examples(&unknown, 5)
            ),
        );
    }
    Ok(warnings)
}

/// `1 key`, `3 keys`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A layout from region shares: each unit wholly in the region of its
/// largest share (the planners' rule, as in `aggregate`). Units in no
/// region are an error.
pub fn whole_layout(
    ids: Vec<String>,
    shares: &Shares,
    keys: &[String],
    what: &str,
) -> anyhow::Result<Layout> {
    let mut region = Vec::with_capacity(keys.len());
    let mut none = Vec::new();
    for (s, k) in shares.iter().zip(keys) {
        match s
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        {
            Some(&(r, _)) => region.push(r),
            None => {
                none.push(k.clone());
                region.push(0);
            }
        }
    }
    if !none.is_empty() {
        return Err(crate::error::input_error(format!(
            "{what}: {} PLR are in no region, so the layout does not cover the units: {}",
            none.len(),
            crate::error::examples(&none, 5)
        )));
    }
    Ok(Layout { ids, region })
}

/// The reference regions' outlines for a map: the polygons of a polygon
/// file (of `bezirk` when its ids are LOR keys), or for a list the units
/// dissolved by the region of their largest share.
pub fn reference_outlines(
    path: &std::path::Path,
    units: &Units,
    bezirk: Option<&str>,
    ids: &[String],
    shares: &Shares,
) -> anyhow::Result<Vec<(String, geo::MultiPolygon<f64>)>> {
    if crate::mapping::weights::is_list_path(path) {
        let mut parts: Vec<Vec<geo::Polygon<f64>>> = vec![Vec::new(); ids.len()];
        for (i, s) in shares.iter().enumerate() {
            if let Some(&(r, _)) = s
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            {
                parts[r].extend(units.layer.features[i].geometry.0.iter().cloned());
            }
        }
        Ok(ids
            .iter()
            .zip(parts)
            .filter(|(_, p)| !p.is_empty())
            .map(|(id, p)| (id.clone(), geo::unary_union(p.iter())))
            .collect())
    } else {
        let (mut layer, _) = crate::spatial::geometry::read_layer(path, &Default::default())?;
        if let (Some(b), Some(_)) = (bezirk, layer.lor_level()) {
            layer.filter_prefix(b);
        }
        Ok(layer
            .features
            .into_iter()
            .map(|f| (f.id, f.geometry))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_people_column_is_the_named_one_else_the_first_known_name() {
        let text = "RAUMID;EW;E_E;X\n04010101;10;20;30\n";
        let opts = crate::table::stats::ReadOptions::default();
        let (t, _) =
            crate::table::stats::read_stats_bytes("st.csv", text.as_bytes(), &opts).unwrap();
        assert_eq!(find_people_column(&t, None).unwrap().name, "E_E");
        assert_eq!(find_people_column(&t, Some("X")).unwrap().name, "X");
        let e = find_people_column(&t, Some("Y")).unwrap_err();
        assert_eq!(e.to_string(), "--column 'Y': st.csv has no such column");
        let (t, _) =
            crate::table::stats::read_stats_bytes("st.csv", b"RAUMID;X\n04010101;1\n", &opts)
                .unwrap();
        assert_eq!(
            find_people_column(&t, None).unwrap_err().to_string(),
            "st.csv: no column E_E, inhabitants, EW or Einwohner: name the people column with --column"
        );
    }
}
