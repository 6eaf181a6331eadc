//! Figures for maps and the report: a statistics file with its PLR polygons
//! (and Sozialräume), aggregated to the level a map shows by the same rules
//! and weights as `lor aggregate`, with indicators such as shares computed
//! from the aggregated counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use geo::MultiPolygon;

use crate::aggregation::aggregate::{aggregate_levels, MissingPolicy};
use crate::aggregation::rules::{plan_rules, RuleFlags};
use crate::error::{examples, input_error, usage_error, Warnings};
use crate::mapping::sozialraum::{self, Assignment};
use crate::mapping::weights::Assign;
use crate::render::classify::{Classes, Method};
use crate::render::draw::choropleth::{ChoroText, ChoroUnit};
use crate::render::draw::MapDoc;
use crate::spatial::geometry::Layer;
use crate::spatial::overlay::Tolerance;
use crate::table::key::Level;
use crate::table::level::LevelTable;
use crate::table::names::Names;
use crate::table::stats::StatTable;
use crate::text::Lang;

/// The level a map or a table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapLevel {
    Lor(Level),
    Sozialraum,
}

impl MapLevel {
    pub fn parse(s: &str) -> Result<MapLevel> {
        match s {
            "sozialraum" | "sr" => Ok(MapLevel::Sozialraum),
            s => match Level::parse(s) {
                Some(l @ (Level::Plr | Level::Bzr | Level::Pgr)) => Ok(MapLevel::Lor(l)),
                _ => Err(usage_error(format!(
                    "map level '{s}': use plr, bzr, pgr or sozialraum"
                ))),
            },
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            MapLevel::Lor(l) => l.german_plural(),
            MapLevel::Sozialraum => "Sozialräume",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            MapLevel::Lor(l) => l.german(),
            MapLevel::Sozialraum => "Sozialraum",
        }
    }
}

/// A column to show: a column of the file, a sum of columns, or a share
/// computed from aggregated counts, `NAME=(A+B)/C*100` (ratio of sums,
/// never a mean of ratios), read by the expression parser of `--add` and
/// `--ratio` (`crate::aggregation::expr::parse_share`).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub numerator: Vec<String>,
    /// Empty for a plain column.
    pub denominator: Vec<String>,
    pub factor: f64,
}

impl Indicator {
    /// `COL`, `NAME=A+B` or `NAME=(A+B)/C[*FACTOR]`; `NAME=(A+B)/C*100` is
    /// ambiguous and refused, as by `--add` and `--ratio`.
    pub fn parse(spec: &str) -> Result<Indicator> {
        Indicator::parse_flag("indicator", spec)
    }

    /// [`Indicator::parse`], with the flag that gave `spec` in messages.
    pub fn parse_flag(flag: &str, spec: &str) -> Result<Indicator> {
        let s = crate::aggregation::expr::parse_share(flag, spec)?;
        Ok(Indicator {
            name: s.name,
            numerator: s.numerator,
            denominator: s.denominator,
            factor: s.factor,
        })
    }

    /// The columns it needs.
    pub fn columns(&self) -> impl Iterator<Item = &String> {
        self.numerator.iter().chain(&self.denominator)
    }

    /// Its value for unit `key` of an aggregated table (`None` when a count
    /// is missing or the denominator is zero).
    pub fn value(&self, t: &LevelTable, key: &str) -> Option<f64> {
        let sum = |cols: &[String]| -> Option<f64> {
            cols.iter().map(|c| t.num(key, c)).sum::<Option<f64>>()
        };
        let n = sum(&self.numerator)?;
        if self.denominator.is_empty() {
            return Some(n);
        }
        let d = sum(&self.denominator)?;
        (d != 0.0).then(|| n / d * self.factor)
    }

    /// Its definition for a legend or a table note.
    pub fn definition(&self) -> String {
        if self.denominator.is_empty() {
            return self.name.clone();
        }
        let f = if self.factor == 100.0 {
            " in %".to_string()
        } else if self.factor == 1.0 {
            String::new()
        } else {
            format!(" × {}", self.factor)
        };
        format!(
            "{} = ({}) / ({}){f}",
            self.name,
            self.numerator.join(" + "),
            self.denominator.join(" + ")
        )
    }

    pub fn is_share(&self) -> bool {
        !self.denominator.is_empty()
    }

    /// Its German label for titles, legends and table headers, from the
    /// codebook (`crate::render::labels`): a column by its label, a sum of EWR age
    /// groups by its ages ("Einwohnerinnen und Einwohner unter 6 Jahre"), a
    /// share of them in all people (`…/E_E*100`) as "Anteil 65 Jahre und
    /// älter in %". Else its name.
    pub fn label(&self) -> String {
        use crate::render::labels::{age_range_de, builtin_de};
        let de = || -> Option<String> {
            let ages = age_range_de(&self.numerator);
            if self.denominator.is_empty() {
                return match self.numerator.as_slice() {
                    [one] => builtin_de(one),
                    _ => ages.map(|r| format!("Einwohnerinnen und Einwohner {r}")),
                };
            }
            if self.denominator != ["E_E"] || self.factor != 100.0 {
                return None;
            }
            match (ages, self.numerator.as_slice()) {
                (Some(r), _) => Some(format!("Anteil {r} in %")),
                (None, [one]) => builtin_de(one).map(|l| format!("Anteil {l} in %")),
                _ => None,
            }
        };
        de().unwrap_or_else(|| label_for(&self.name))
    }
}

/// The label of a column in maps and tables: its German label in the
/// built-in codebook (`crate::render::labels`, as `--labels de`), else the code.
pub fn label_for(code: &str) -> String {
    crate::render::labels::builtin_de(code).unwrap_or_else(|| code.to_string())
}

/// The inputs of a map or report, read by the one input assembly
/// (`lor::pipeline::inputs`): the statistics and the PLR polygons cut to
/// the Bezirk, the names, the Sozialraum polygons.
#[derive(Debug, Clone)]
pub struct MapInputs {
    pub table: StatTable,
    pub units: Layer,
    pub names: Option<Names>,
    /// The Sozialraum polygons, how PLR go to them, and what part of a PLR
    /// is digitising noise.
    pub sozialraum: Option<(Layer, Assign, Tolerance)>,
    /// The files the figures come from, the statistics first (for source
    /// lines).
    pub paths: Vec<PathBuf>,
    /// What reading them found; it travels with the figures (into the
    /// report's list of warnings).
    pub warnings: Warnings,
    /// How the columns are aggregated.
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
}

/// A statistics file with its polygons, ready to be aggregated and mapped.
pub struct Figures {
    pub table: StatTable,
    pub units: Layer,
    pub sozialraum: Option<(Layer, Assignment)>,
    pub names: Names,
    pub warnings: Warnings,
    /// The inputs, for the source line.
    pub paths: Vec<PathBuf>,
    /// The reference date of the figures (from a `ZEIT` column: `12/2018`).
    pub date: Option<String>,
    /// The same as year and month (`ZEIT` 201812: 2018, 12), for a date
    /// in the document's language (`Lang::month_end`: 31.12.2018).
    pub month: Option<(i32, u32)>,
    /// How the columns are aggregated (`--weighted`, `--sum`, … as in
    /// `lor aggregate`).
    pub rules: RuleFlags,
    pub missing: MissingPolicy,
}

impl Figures {
    /// Figures of assembled inputs: PLR statistics (other levels are
    /// refused), each PLR assigned to the Sozialraum polygons.
    pub fn new(inputs: MapInputs) -> Result<Figures> {
        let MapInputs {
            table,
            units,
            names,
            sozialraum,
            paths,
            mut warnings,
            rules,
            missing,
        } = inputs;
        if table.level != Level::Plr {
            return Err(input_error(format!(
                "{}: the rows are {} keys; maps and reports start from Planungsräume (8-digit keys)",
                table.source,
                table.level.german()
            )));
        }
        let sozialraum = match sozialraum {
            None => None,
            Some((layer, how, tolerance)) => {
                let src = sozialraum::Source::Polygons(layer.clone());
                let (a, w) = sozialraum::assign(&table, Some(&units), &src, how, &tolerance)?;
                warnings.extend(w);
                let people = table.column("E_E").map(|_| "E_E");
                warnings.extend(sozialraum::report_unassigned(&table, &a, people));
                Some((layer, a))
            }
        };
        let month = reference_month(&table);
        let date = month.map(|(y, m)| format!("{m:02}/{y}"));
        Ok(Figures {
            table,
            units,
            sozialraum,
            names: names.unwrap_or_default(),
            warnings,
            paths,
            date,
            month,
            rules,
            missing,
        })
    }

    /// The figures at `level` with the rules of `lor aggregate` (counts
    /// summed, labels carried, shares by the rules given), named.
    pub fn level_table(&self, level: MapLevel) -> Result<(LevelTable, Warnings)> {
        let (rules, mut warnings) = plan_rules(&self.table, &self.rules)?;
        match level {
            MapLevel::Lor(l) => {
                let (mut t, w) =
                    aggregate_levels(&self.table, &rules, &[l], Some(&self.names), self.missing);
                warnings.extend(w);
                Ok((t.remove(0), warnings))
            }
            MapLevel::Sozialraum => {
                let (_, a) = self.sozialraum.as_ref().ok_or_else(|| {
                    usage_error(
                        "a map of Sozialräume needs the Sozialraum polygons: add --sozialraum",
                    )
                })?;
                // Every person in the table: what is in no Sozialraum is
                // the row "-" (nicht zugeordnet), as in `lor aggregate`.
                let (t, w) = crate::aggregation::sozialraum::aggregate_complete(
                    &self.table,
                    &rules,
                    a,
                    self.missing,
                );
                warnings.extend(w);
                Ok((t, warnings))
            }
        }
    }

    /// Check that the columns of `ind` are in the file.
    pub fn check_indicator(&self, ind: &Indicator) -> Result<()> {
        for c in ind.columns() {
            if self.table.column(c).is_none() {
                return Err(usage_error(format!(
                    "indicator '{}': no column '{c}' in {}. Columns: {}",
                    ind.name,
                    self.table.source,
                    examples(
                        &self
                            .table
                            .columns
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>(),
                        40
                    )
                )));
            }
        }
        Ok(())
    }

    /// The polygons of the units at `level` (metric CRS): PLR as read,
    /// BZR and PGR dissolved from the PLR, Sozialräume as read.
    pub fn shapes(&self, level: MapLevel) -> BTreeMap<String, MultiPolygon<f64>> {
        match level {
            MapLevel::Lor(Level::Plr) => self
                .units
                .features
                .iter()
                .map(|f| (f.id.clone(), f.geometry.clone()))
                .collect(),
            MapLevel::Lor(l) => {
                let mut groups: BTreeMap<String, Vec<&MultiPolygon<f64>>> = BTreeMap::new();
                for f in &self.units.features {
                    groups
                        .entry(l.parent_of(&f.id).to_string())
                        .or_default()
                        .push(&f.geometry);
                }
                groups
                    .into_iter()
                    .map(|(k, parts)| (k, geo::unary_union(parts.iter().flat_map(|m| m.0.iter()))))
                    .collect()
            }
            MapLevel::Sozialraum => self
                .sozialraum
                .iter()
                .flat_map(|(l, _)| l.features.iter())
                .map(|f| (f.id.clone(), f.geometry.clone()))
                .collect(),
        }
    }

    /// Statistics keys without a polygon, named (for the hatched area).
    pub fn without_polygon(&self) -> Vec<String> {
        let have: std::collections::BTreeSet<&str> =
            self.units.features.iter().map(|f| f.id.as_str()).collect();
        self.table
            .keys
            .iter()
            .filter(|k| !have.contains(k.as_str()))
            .map(|k| match self.names.name(k) {
                Some(n) if !n.is_empty() => format!("{k} {n}"),
                _ => k.clone(),
            })
            .collect()
    }

    /// The area where the statistics have PLR without polygon: the
    /// Sozialräume (or nothing without them) minus the PLR polygons, with
    /// its legend text in `lang`.
    pub fn missing_area(&self, lang: Lang) -> Option<(MultiPolygon<f64>, String)> {
        let missing = self.without_polygon();
        let (sr, _) = self.sozialraum.as_ref()?;
        let hole = crate::render::draw::uncovered(
            sr.features.iter().map(|f| &f.geometry),
            self.units.features.iter().map(|f| &f.geometry),
        );
        if hole.0.is_empty() {
            return None;
        }
        let text = if missing.is_empty() {
            lang.pick("ohne Geometrie eines Planungsraums", "no PLR polygon")
                .to_string()
        } else {
            format!(
                "{}: {}",
                lang.pick("keine Geometrie", "no polygon"),
                missing.join(", ")
            )
        };
        Some((hole, text))
    }

    /// Where the figures are for: "Bezirk 04 Charlottenburg-Wilmersdorf" or "Berlin".
    pub fn place(&self, bezirk: Option<&str>) -> String {
        match bezirk {
            Some(b) => match crate::table::key::bezirk_name(b) {
                Some(n) => format!("Bezirk {b} {n}"),
                None => format!("Bezirk {b}"),
            },
            None => "Berlin".into(),
        }
    }

    /// The date of the figures in `lang`: "Stand 31.12.2018" ("as of
    /// 31 December 2018"), none without a `ZEIT` column of one month.
    pub fn stand(&self, lang: Lang) -> Option<String> {
        self.month
            .map(|(y, m)| format!("{} {}", lang.pick("Stand", "as of"), lang.month_end(y, m)))
    }

    /// The source line of maps of these figures.
    pub fn source(&self, given: Option<&str>) -> String {
        let paths: Vec<&Path> = self.paths.iter().map(PathBuf::as_path).collect();
        crate::render::draw::source::source_line(&paths, given)
    }
}

/// `ZEIT` = 201812 in every row → (2018, 12).
fn reference_month(t: &StatTable) -> Option<(i32, u32)> {
    let c = t.column("ZEIT")?;
    let mut vals = c.cells.iter().map(|c| c.num());
    let first = vals.next()??;
    if vals.any(|v| v != Some(first)) {
        return None;
    }
    let v = first as i64;
    (190001..=210012)
        .contains(&v)
        .then_some(((v / 100) as i32, (v % 100) as u32))
        .filter(|(_, m)| (1..=12).contains(m))
}

/// How a choropleth is made.
#[derive(Debug, Clone)]
pub struct ChoroSpec {
    pub indicator: Indicator,
    pub level: MapLevel,
    pub method: Method,
    pub k: usize,
    pub bezirk: Option<String>,
    pub source: Option<String>,
    /// Id prefix inside the SVG.
    pub id: String,
    /// The language of the map's texts and numbers.
    pub lang: Lang,
}

/// A choropleth of one indicator, with its values per unit.
pub struct Choropleth {
    pub doc: MapDoc,
    pub values: BTreeMap<String, Option<f64>>,
    pub classes: Classes,
}

/// Aggregate to the level, compute the indicator, classify, draw.
pub fn choropleth(fig: &Figures, spec: &ChoroSpec) -> Result<(Choropleth, Warnings)> {
    fig.check_indicator(&spec.indicator)?;
    let (t, warnings) = fig.level_table(spec.level)?;
    let values: Vec<(String, String, Option<f64>)> = t
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            (
                k.clone(),
                t.names.get(i).cloned().unwrap_or_default(),
                spec.indicator.value(&t, k),
            )
        })
        .collect();
    let label = spec.indicator.label();
    let method = spec.method.label_in(spec.lang);
    let map = draw_choropleth(fig, spec, &values, &label, &label, method)?;
    Ok((map, warnings))
}

/// Classify and draw given values per unit (key, name, value) at the
/// spec's level: `title` heads the map ("… je Planungsraum" is added),
/// `legend` heads the legend, `method` says how the classes were made.
pub fn draw_choropleth(
    fig: &Figures,
    spec: &ChoroSpec,
    unit_values: &[(String, String, Option<f64>)],
    title: &str,
    legend: &str,
    method: &str,
) -> Result<Choropleth> {
    let shapes = fig.shapes(spec.level);
    let mut values = BTreeMap::new();
    let mut units = Vec::new();
    for (k, name, v) in unit_values {
        values.insert(k.clone(), *v);
        if let Some(g) = shapes.get(k) {
            units.push(ChoroUnit {
                key: k.clone(),
                name: name.clone(),
                geometry: g.clone(),
                value: *v,
            });
        }
    }
    let shown: Vec<f64> = units.iter().filter_map(|u| u.value).collect();
    let classes = Classes::new(&shown, &spec.method, spec.k).map_err(|e| {
        input_error(format!(
            "{}: {} per {}: {e}",
            fig.table.source,
            spec.indicator.name,
            spec.level.singular()
        ))
    })?;
    let fractional = spec.indicator.is_share() || shown.iter().any(|v| v.fract() != 0.0);
    // Small values (changes in percentage points) need a second decimal.
    let decimals = match shown.iter().map(|v| v.abs()).fold(0.0, f64::max) {
        _ if !fractional => 0,
        m if m < 1.0 => 2,
        _ => 1,
    };
    let lang = spec.lang;
    let mut subtitle = vec![fig.place(spec.bezirk.as_deref())];
    subtitle.extend(fig.stand(lang));
    subtitle.push(format!(
        "{} {}",
        lang.int(units.len() as f64),
        spec.level.plural()
    ));
    // A share the codebook cannot name is said by its definition.
    if spec.indicator.is_share() && spec.indicator.label() == spec.indicator.name {
        subtitle.push(spec.indicator.definition());
    }
    let text = ChoroText {
        id: spec.id.clone(),
        title: format!(
            "{title} {} {}",
            lang.pick("je", "per"),
            spec.level.singular()
        ),
        subtitle: subtitle.join(" · "),
        source: fig.source(spec.source.as_deref()),
        indicator: legend.to_string(),
        method: method.to_string(),
        decimals,
        lang,
        units: spec.level.plural().to_string(),
    };
    let missing = if spec.level == MapLevel::Lor(Level::Plr) || spec.level == MapLevel::Sozialraum {
        fig.missing_area(lang)
    } else {
        None
    };
    let borders = match spec.level {
        MapLevel::Sozialraum => None,
        _ => fig.sozialraum.as_ref().map(|(l, _)| l),
    };
    let doc = crate::render::draw::choropleth::choropleth(
        &units,
        &classes,
        borders,
        missing.as_ref().map(|(g, t)| (g, t.clone())),
        &text,
    );
    Ok(Choropleth {
        doc,
        values,
        classes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_parse() {
        let i = Indicator::parse("Anteil_65plus=(E_E65U80+E_E80U110)/E_E*100").unwrap();
        assert_eq!(i.numerator, vec!["E_E65U80", "E_E80U110"]);
        assert_eq!(i.denominator, vec!["E_E"]);
        assert_eq!(i.factor, 100.0);
        assert_eq!(
            i.definition(),
            "Anteil_65plus = (E_E65U80 + E_E80U110) / (E_E) in %"
        );
        assert_eq!(Indicator::parse("E_E").unwrap().denominator.len(), 0);
        assert!(Indicator::parse("x=/E_E").is_err());
        assert!(Indicator::parse("x=a/b*zwei").is_err());
        assert_eq!(i.label(), "Anteil 65 Jahre und älter in %");
        assert_eq!(
            Indicator::parse("u6=(E_EU1+E_E1U6)/E_E").unwrap().label(),
            "u6"
        );
        assert_eq!(
            Indicator::parse("w=E_EW/E_E*100").unwrap().label(),
            "Anteil Einwohnerinnen und Einwohner weiblich in %"
        );
        assert_eq!(
            Indicator::parse("E_E").unwrap().label(),
            "Einwohnerinnen und Einwohner insgesamt"
        );
        assert_eq!(
            Indicator::parse("e_platz").unwrap().label(),
            "Genehmigte Plätze"
        );
        assert!(MapLevel::parse("bez").is_err());
        assert_eq!(MapLevel::parse("pgr").unwrap(), MapLevel::Lor(Level::Pgr));
    }
}
